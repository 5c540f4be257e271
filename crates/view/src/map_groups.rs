//! Grouping the service map by namespace: which namespace each service belongs to (from its
//! resources' `k8s.namespace.name`, else `service.namespace`) and the frame drawn around each
//! namespace's boxes in a laid-out map. Pure; depends on `model` and `view::service_map`.

use super::service_map::{MapView, NODE_HEIGHT, NODE_WIDTH};
use std::collections::BTreeMap;
use strand_model::{Dataset, Value};

/// The resource attributes that name a service's namespace, the first found wins.
pub const NAMESPACE_KEYS: [&str; 2] = ["k8s.namespace.name", "service.namespace"];

/// Room between a group's boxes and its frame, and for its label above them.
const PAD: f64 = 14.0;
const LABEL_HEIGHT: f64 = 18.0;

/// How the map groups its services (the route's `group=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapGrouping {
    Namespace,
}

impl MapGrouping {
    pub fn name(self) -> &'static str {
        match self {
            MapGrouping::Namespace => "namespace",
        }
    }

    pub fn parse(s: &str) -> Option<MapGrouping> {
        (s == "namespace").then_some(MapGrouping::Namespace)
    }
}

/// Service name → namespace, for every service that has one. A service seen in several
/// namespaces (one name deployed twice) takes the one most of its resources name, then the
/// first by name.
pub fn service_namespaces(data: &Dataset) -> BTreeMap<String, String> {
    let keys: Vec<_> = NAMESPACE_KEYS.iter().filter_map(|k| data.strings.lookup(k)).collect();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    if keys.is_empty() {
        return BTreeMap::new();
    }
    for trace in &data.traces {
        for resource in &trace.resources {
            let attrs = trace.attrs_of(resource.attrs);
            let namespace = keys.iter().find_map(|&key| {
                attrs.iter().find(|kv| kv.key == key).and_then(|kv| match kv.value {
                    Value::Str(s) if !data.strings.get(s).is_empty() => Some(data.strings.get(s)),
                    _ => None,
                })
            });
            if let Some(namespace) = namespace {
                let service = data.strings.get(resource.service).to_string();
                *counts.entry((service, namespace.to_string())).or_insert(0) += 1;
            }
        }
    }
    let mut best: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for ((service, namespace), n) in counts {
        match best.get(&service) {
            Some((m, _)) if *m >= n => {}
            _ => {
                best.insert(service, (n, namespace));
            }
        }
    }
    best.into_iter().map(|(service, (_, namespace))| (service, namespace)).collect()
}

/// One namespace's frame in map coordinates: around all its boxes, with room for the label at
/// the top left.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFrame {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Where the label's baseline starts.
    pub label_x: f64,
    pub label_y: f64,
    /// Indices into [`MapView::nodes`].
    pub nodes: Vec<usize>,
}

/// The frames of the namespaces that have services in `map`, by name. Services without a
/// namespace get none. Frames can overlap where the layout interleaves namespaces.
pub fn group_frames(map: &MapView, namespaces: &BTreeMap<String, String>) -> Vec<GroupFrame> {
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, node) in map.nodes.iter().enumerate() {
        if let Some(ns) = namespaces.get(&node.name) {
            members.entry(ns.as_str()).or_default().push(i);
        }
    }
    members
        .into_iter()
        .filter_map(|(name, nodes)| {
            let boxes = nodes.iter().filter_map(|&i| map.nodes.get(i));
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for n in boxes {
                x0 = x0.min(n.x);
                y0 = y0.min(n.y);
                x1 = x1.max(n.x + NODE_WIDTH);
                y1 = y1.max(n.y + NODE_HEIGHT);
            }
            (x0 <= x1).then(|| GroupFrame {
                name: name.to_string(),
                x: x0 - PAD,
                y: y0 - PAD - LABEL_HEIGHT,
                width: x1 - x0 + 2.0 * PAD,
                height: y1 - y0 + 2.0 * PAD + LABEL_HEIGHT,
                label_x: x0 - PAD + 8.0,
                label_y: y0 - PAD - 5.0,
                nodes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
