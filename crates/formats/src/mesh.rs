//! Service-mesh proxies: spans that Envoy writes (alone, or as Istio's sidecars and gateways)
//! name the proxy, not the workload it serves. This import step names them after the workload
//! when their tags say which one it is.
//!
//! **The rule.** A span is a proxy span when it has the tag `component=proxy` (Envoy's tracers
//! write it on every span). A proxy span whose service is one of the generic names
//! [`GENERIC_NAMES`] (none at all, `istio-proxy`, `envoy`; compared ignoring case) is renamed:
//! 1. after `istio.canonical_service`, as `<canonical service>.<namespace>` when `istio.namespace`
//!    is there too (the name Istio itself gives a workload's spans by default), else alone;
//! 2. else after the pod in Istio's `node_id` tag (`sidecar~<ip>~<pod>.<namespace>~…` or
//!    `router~…`): the pod name without the two suffixes a Deployment adds to its pods
//!    (`reviews-v1-545db77b95-6z9pg` → `reviews-v1`), then `.<namespace>`;
//! 3. else, with no service name at all, `envoy`: the span is the proxy's own.
//!
//! Every proxy span whose tags give a namespace (`istio.namespace`, else the `node_id`'s) gets
//! `k8s.namespace.name` on its resource, and `k8s.pod.name` from the `node_id`, unless the
//! resource already has them; a renamed span's resource keeps the name it had as
//! `strand.original_service`. The load notice counts the renamed spans per old and new name.
//! Depends on `model` only.

use hashbrown::HashMap;
use strand_model::{Interner, KeyValue, Resource, StrId, Trace, Value, WarningKind};

/// The service names Envoy and Istio give a proxy that was not told its workload's name.
pub const GENERIC_NAMES: [&str; 3] = ["", "istio-proxy", "envoy"];

/// Keys this step reads and writes, looked up once per import.
struct Keys {
    component: StrId,
    proxy: StrId,
    canonical_service: Option<StrId>,
    namespace_tag: Option<StrId>,
    node_id: Option<StrId>,
    k8s_namespace: StrId,
    k8s_pod: StrId,
    original: StrId,
}

/// What the tags of one proxy span say about its workload.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Workload {
    /// The new service name, when the span is renamed.
    name: Option<String>,
    namespace: Option<String>,
    pod: Option<String>,
}

/// Applies the rule to every trace; returns the note for the load notice, if any span changed.
pub fn name_proxy_spans(traces: &mut [Trace], strings: &mut Interner) -> Option<String> {
    // Nearly every file has no proxy spans: stop before touching a span when the words are absent.
    let (Some(component), Some(proxy)) = (strings.lookup("component"), strings.lookup("proxy")) else {
        return None;
    };
    let keys = Keys {
        component,
        proxy,
        canonical_service: strings.lookup("istio.canonical_service"),
        namespace_tag: strings.lookup("istio.namespace"),
        node_id: strings.lookup("node_id"),
        k8s_namespace: strings.intern("k8s.namespace.name"),
        k8s_pod: strings.intern("k8s.pod.name"),
        original: strings.intern("strand.original_service"),
    };
    let mut renamed: HashMap<(String, String), usize> = HashMap::new();
    for trace in traces.iter_mut() {
        name_in_trace(trace, strings, &keys, &mut renamed);
    }
    note(renamed)
}

fn note(renamed: HashMap<(String, String), usize>) -> Option<String> {
    if renamed.is_empty() {
        return None;
    }
    let mut pairs: Vec<((String, String), usize)> = renamed.into_iter().collect();
    pairs.sort();
    let total: usize = pairs.iter().map(|p| p.1).sum();
    let list: Vec<String> = pairs
        .iter()
        .map(|((from, to), n)| {
            let from = if from.is_empty() { "(no name)".to_string() } else { from.clone() };
            format!("{from} → {to} ({n})")
        })
        .collect();
    Some(format!(
        "named {total} Envoy proxy span{} after the workload their tags name (istio.canonical_service, node_id): {}",
        if total == 1 { "" } else { "s" },
        list.join(", ")
    ))
}

fn tag_text(attrs: &[KeyValue], key: Option<StrId>, strings: &Interner) -> Option<String> {
    let key = key?;
    attrs.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value {
        Value::Str(s) if !strings.get(s).is_empty() => Some(strings.get(s).to_string()),
        _ => None,
    })
}

/// Istio's node id: `<type>~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>`.
fn parse_node_id(node_id: &str) -> Option<(String, String)> {
    let mut parts = node_id.split('~');
    let kind = parts.next()?;
    if kind != "sidecar" && kind != "router" {
        return None;
    }
    let _ip = parts.next()?;
    let (pod, namespace) = parts.next()?.rsplit_once('.')?;
    (!pod.is_empty() && !namespace.is_empty()).then(|| (pod.to_string(), namespace.to_string()))
}

/// A Deployment's pod is `<deployment>-<pod template hash>-<5 characters>`; anything else is
/// kept whole.
fn workload_of_pod(pod: &str) -> &str {
    let mut parts = pod.rsplitn(3, '-');
    let (Some(suffix), Some(hash), Some(rest)) = (parts.next(), parts.next(), parts.next()) else { return pod };
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if suffix.len() == 5 && alnum(suffix) && (6..=10).contains(&hash.len()) && alnum(hash) && !rest.is_empty() {
        rest
    } else {
        pod
    }
}

fn workload(attrs: &[KeyValue], service: &str, keys: &Keys, strings: &Interner) -> Workload {
    let canonical = tag_text(attrs, keys.canonical_service, strings);
    let node = tag_text(attrs, keys.node_id, strings).and_then(|n| parse_node_id(&n));
    let namespace = tag_text(attrs, keys.namespace_tag, strings).or_else(|| node.as_ref().map(|n| n.1.clone()));
    let generic = GENERIC_NAMES.iter().any(|g| g.eq_ignore_ascii_case(service.trim()));
    let with_namespace = |name: &str| match &namespace {
        Some(ns) => format!("{name}.{ns}"),
        None => name.to_string(),
    };
    let name = if !generic {
        None
    } else if let Some(canonical) = &canonical {
        Some(with_namespace(canonical))
    } else if let Some((pod, _)) = &node {
        Some(with_namespace(workload_of_pod(pod)))
    } else if service.trim().is_empty() {
        Some("envoy".to_string())
    } else {
        None
    };
    Workload { name, namespace, pod: node.map(|n| n.0) }
}

fn name_in_trace(
    trace: &mut Trace,
    strings: &mut Interner,
    keys: &Keys,
    renamed: &mut HashMap<(String, String), usize>,
) {
    // (old resource, what the tags say) -> the resource that says it.
    let mut made: HashMap<(u32, Workload), u32> = HashMap::new();
    let mut renamed_spans: Vec<u32> = Vec::new();
    for i in 0..trace.spans.len() {
        let Some(span) = trace.spans.get(i) else { continue };
        let attrs = trace.attrs_of(span.attrs);
        if !attrs.iter().any(|kv| kv.key == keys.component && kv.value == Value::Str(keys.proxy)) {
            continue;
        }
        let old = span.resource;
        let Some(resource) = trace.resources.get(old as usize).copied() else { continue };
        let service = strings.get(resource.service).to_string();
        let found = workload(attrs, &service, keys, strings);
        let res_attrs = trace.attrs_of(resource.attrs);
        let has = |key: StrId| res_attrs.iter().any(|kv| kv.key == key);
        let add_namespace = found.namespace.is_some() && !has(keys.k8s_namespace);
        let add_pod = found.pod.is_some() && !has(keys.k8s_pod);
        if found.name.is_none() && !add_namespace && !add_pod {
            continue;
        }
        if let Some(name) = &found.name {
            *renamed.entry((service.clone(), name.clone())).or_insert(0) += 1;
            // It has a service now: its missing-service warning goes.
            renamed_spans.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        let idx = match made.get(&(old, found.clone())) {
            Some(&idx) => idx,
            None => {
                let mut new_attrs: Vec<KeyValue> = res_attrs.to_vec();
                if found.name.is_some() {
                    new_attrs.push(KeyValue { key: keys.original, value: Value::Str(resource.service) });
                }
                if let (true, Some(ns)) = (add_namespace, &found.namespace) {
                    new_attrs.push(KeyValue { key: keys.k8s_namespace, value: Value::Str(strings.intern(ns)) });
                }
                if let (true, Some(pod)) = (add_pod, &found.pod) {
                    new_attrs.push(KeyValue { key: keys.k8s_pod, value: Value::Str(strings.intern(pod)) });
                }
                let service = found.name.as_deref().map_or(resource.service, |n| strings.intern(n));
                let attrs = crate::builder::push_attrs(trace, &mut new_attrs);
                let idx = u32::try_from(trace.resources.len()).unwrap_or(u32::MAX);
                trace.resources.push(Resource { service, attrs });
                made.insert((old, found), idx);
                idx
            }
        };
        if let Some(span) = trace.spans.get_mut(i) {
            span.resource = idx;
        }
    }
    if !renamed_spans.is_empty() {
        trace.warnings.retain(|w| {
            !(w.kind == WarningKind::MissingService && w.span.is_some_and(|s| renamed_spans.binary_search(&s).is_ok()))
        });
    }
    drop_unused_resources(trace);
}

/// Resources no span uses any more (all their spans moved) are removed, and spans renumbered.
fn drop_unused_resources(trace: &mut Trace) {
    let mut used = vec![false; trace.resources.len()];
    for span in &trace.spans {
        if let Some(u) = used.get_mut(span.resource as usize) {
            *u = true;
        }
    }
    if used.iter().all(|&u| u) {
        return;
    }
    let mut new_index = vec![u32::MAX; used.len()];
    let mut kept = Vec::new();
    for (i, (resource, &u)) in trace.resources.iter().zip(&used).enumerate() {
        if u {
            if let Some(slot) = new_index.get_mut(i) {
                *slot = u32::try_from(kept.len()).unwrap_or(u32::MAX);
            }
            kept.push(*resource);
        }
    }
    trace.resources = kept;
    for span in &mut trace.spans {
        span.resource = new_index.get(span.resource as usize).copied().unwrap_or(u32::MAX);
    }
}

#[cfg(test)]
mod tests;
