//! The service dependency graph: which service calls which, how often, how many calls failed
//! and how long they took, built from the spans of one trace, of all loaded traces, or from a
//! collector's dependency links. Depends on `model` and `analysis::stats` only; never on
//! `formats`, `view` or the browser.
//!
//! Rules for spans:
//!
//! 1. **Cross-service parent/child.** For every span `S` whose resolved parent `P` belongs to
//!    another service, one call on the edge `service(P) -> service(S)`. It is an error when `S`
//!    or `P` has error status. Its latency is `P`'s duration when `P` is a CLIENT or PRODUCER
//!    span (the time the caller saw), else `S`'s. This pairs CLIENT->SERVER and
//!    PRODUCER->CONSUMER, and also kind-less links (Jaeger spans without `span.kind`).
//! 2. **Uninstrumented peers.** A CLIENT or PRODUCER span with no child in another service is
//!    one call to the peer its attributes name, looked up in this order:
//!    - `peer.service`;
//!    - `db.system` (or its newer name `db.system.name`), as `system/namespace` when
//!      `db.namespace` (or the older `db.name`) is present, else `system` alone. The namespace
//!      (the logical database) keeps `postgresql/orders` and `postgresql/users` apart while
//!      every service that uses `orders` points at the same node; `server.address` is not
//!      combined in, because replicas and IP-versus-hostname spellings would split one
//!      database into several nodes;
//!    - `messaging.system`, as `system/destination` with `messaging.destination.name` (or the
//!      older `messaging.destination`), else `system` alone;
//!    - `server.address`, `net.peer.name`, `network.peer.address`;
//!    - the host of `url.full` or `http.url` (older HTTP client instrumentations, such as
//!      Python's requests instrumentation, set only the URL).
//!
//!    Only non-empty string values count; a span naming no peer makes no edge. The call is an
//!    error when the span has error status; its latency is the span's duration. The peer node
//!    is a [`NodeKind::Database`] when the span has `db.system`/`db.system.name`,
//!    [`NodeKind::Messaging`] when it has `messaging.system`, otherwise
//!    [`NodeKind::External`] — unless spans of an instrumented service with exactly that name
//!    are in the data, which makes it that [`NodeKind::Service`] node. When spans disagree on
//!    a peer's kind, the first of Database, Messaging, External wins. A peer named like the
//!    calling span's own service makes no edge.
//! 3. Parent/child pairs inside one service never make edges.
//!
//! Nodes are sorted by name, edges by (from name, to name). Service nodes count the spans of
//! their service (p50/p99 over those spans' durations); peer nodes have no spans of their own
//! (count 0, percentiles `None`). Latency percentiles are nearest-rank
//! ([`crate::stats::percentile`]). One pass over the spans, one sort per node and
//! per edge: O(n log n), no recursion.

pub mod focus;

use crate::stats::percentile;
use hashbrown::HashMap;
use serde::Serialize;
use strand_model::{Dataset, DependencyLink, Interner, Span, SpanKind, StatusCode, StrId, Trace, Value};

/// What a node of the graph stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// An instrumented service (it has spans of its own), or any node of collector links.
    Service,
    /// An uninstrumented database, named by `db.system` on the caller's span.
    Database,
    /// An uninstrumented message broker or queue, named by `messaging.system`.
    Messaging,
    /// Any other uninstrumented peer.
    External,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Database => "database",
            NodeKind::Messaging => "messaging",
            NodeKind::External => "external",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceNode {
    pub name: String,
    pub kind: NodeKind,
    /// Spans of this service (0 for uninstrumented peers and for collector links).
    pub span_count: u64,
    pub error_count: u64,
    /// Nearest-rank percentiles of this service's span durations; `None` without spans.
    pub p50_ns: Option<i64>,
    pub p99_ns: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceEdge {
    /// Index into [`ServiceGraph::nodes`] of the caller.
    pub from: usize,
    /// Index into [`ServiceGraph::nodes`] of the callee.
    pub to: usize,
    pub calls: u64,
    pub errors: u64,
    /// Nearest-rank percentiles of the calls' latencies; `None` when unknown (collector links).
    pub p50_ns: Option<i64>,
    pub p90_ns: Option<i64>,
    pub p99_ns: Option<i64>,
}

/// Services and the calls between them; nodes sorted by name, edges by (from name, to name).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct ServiceGraph {
    pub nodes: Vec<ServiceNode>,
    pub edges: Vec<ServiceEdge>,
}

impl ServiceGraph {
    /// The index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.name.as_str().cmp(name)).ok()
    }
}

/// The graph of every trace in `data` (the dataset's dependency links are not included: see
/// [`graph_from_links`]).
pub fn service_graph(data: &Dataset) -> ServiceGraph {
    let mut builder = Builder::new(&data.strings);
    for trace in &data.traces {
        builder.add_trace(trace);
    }
    builder.finish()
}

/// The graph of one trace. `strings` is the dataset's interner.
pub fn trace_service_graph(strings: &Interner, trace: &Trace) -> ServiceGraph {
    let mut builder = Builder::new(strings);
    builder.add_trace(trace);
    builder.finish()
}

/// The graph of collector dependency links (Jaeger and Zipkin `/dependencies`): every name is a
/// [`NodeKind::Service`] node without span counts, `calls` and `errors` are the summed
/// `callCount` and `errorCount` of the links between the same two names, and latencies are
/// `None`. Unlike span data, a link from a service to itself is kept: the collector reported it.
pub fn graph_from_links(strings: &Interner, links: &[DependencyLink]) -> ServiceGraph {
    let mut builder = Builder::new(strings);
    for link in links {
        let from = builder.node(NodeName::Id(link.parent));
        let to = builder.node(NodeName::Id(link.child));
        for i in [from, to] {
            if let Some(node) = builder.nodes.get_mut(i) {
                node.instrumented = true;
            }
        }
        let edge = builder.edges.entry((from, to)).or_default();
        edge.calls = edge.calls.saturating_add(link.call_count);
        edge.errors = edge.errors.saturating_add(link.error_count);
    }
    builder.finish()
}

/// A node's name: interned when the interner knows the text, so equal names are equal keys.
#[derive(Clone, PartialEq, Eq, Hash)]
enum NodeName {
    Id(StrId),
    /// A composed name (`system/namespace`) that no string of the dataset spells.
    Text(String),
}

/// The host of an absolute URL (`scheme://user@host:port/path`), without port; `None` when the
/// text has no host.
fn url_host(url: &str) -> Option<&str> {
    // Only web URLs name a peer: `data:`, `javascript:`, `mailto:`, `file://` and the like do not.
    let rest = match url.split_once("://") {
        Some((scheme, rest)) => {
            let web = ["http", "https", "ws", "wss", "grpc", "grpcs"].iter().any(|s| scheme.eq_ignore_ascii_case(s));
            if !web {
                return None;
            }
            rest
        }
        None => url,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((_, port)) = authority.rsplit_once(':') {
        // Without "://", "name:rest" is a host and port only when the rest is a port number.
        if !url.contains("://") && !authority.starts_with('[') && !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then_some(host)
}

struct NodeAcc {
    name: NodeName,
    /// Spans of a service with this name were seen (or the node comes from collector links).
    instrumented: bool,
    /// The kind callers' attributes suggest, when it is a peer.
    peer_kind: Option<NodeKind>,
    span_count: u64,
    error_count: u64,
    durations: Vec<i64>,
}

#[derive(Default)]
struct EdgeAcc {
    calls: u64,
    errors: u64,
    latencies: Vec<i64>,
}

/// The attribute keys the peer lookup reads; `None` when the dataset never interned the key.
struct PeerKeys {
    peer_service: Option<StrId>,
    db_system: Option<StrId>,
    db_system_name: Option<StrId>,
    db_namespace: Option<StrId>,
    db_name: Option<StrId>,
    messaging_system: Option<StrId>,
    messaging_destination_name: Option<StrId>,
    messaging_destination: Option<StrId>,
    server_address: Option<StrId>,
    net_peer_name: Option<StrId>,
    network_peer_address: Option<StrId>,
    url_full: Option<StrId>,
    http_url: Option<StrId>,
}

impl PeerKeys {
    fn new(strings: &Interner) -> PeerKeys {
        PeerKeys {
            peer_service: strings.lookup("peer.service"),
            db_system: strings.lookup("db.system"),
            db_system_name: strings.lookup("db.system.name"),
            db_namespace: strings.lookup("db.namespace"),
            db_name: strings.lookup("db.name"),
            messaging_system: strings.lookup("messaging.system"),
            messaging_destination_name: strings.lookup("messaging.destination.name"),
            messaging_destination: strings.lookup("messaging.destination"),
            server_address: strings.lookup("server.address"),
            net_peer_name: strings.lookup("net.peer.name"),
            network_peer_address: strings.lookup("network.peer.address"),
            url_full: strings.lookup("url.full"),
            http_url: strings.lookup("http.url"),
        }
    }
}

/// The peer attributes of one span, filled in one scan over its attributes.
#[derive(Default)]
struct PeerAttrs {
    peer_service: Option<StrId>,
    db_system: Option<StrId>,
    db_system_name: Option<StrId>,
    db_namespace: Option<StrId>,
    db_name: Option<StrId>,
    messaging_system: Option<StrId>,
    messaging_destination_name: Option<StrId>,
    messaging_destination: Option<StrId>,
    server_address: Option<StrId>,
    net_peer_name: Option<StrId>,
    network_peer_address: Option<StrId>,
    url_full: Option<StrId>,
    http_url: Option<StrId>,
}

struct Builder<'a> {
    strings: &'a Interner,
    keys: PeerKeys,
    nodes: Vec<NodeAcc>,
    index: HashMap<NodeName, usize>,
    edges: HashMap<(usize, usize), EdgeAcc>,
}

impl<'a> Builder<'a> {
    fn new(strings: &'a Interner) -> Builder<'a> {
        Builder {
            strings,
            keys: PeerKeys::new(strings),
            nodes: Vec::new(),
            index: HashMap::new(),
            edges: HashMap::new(),
        }
    }

    fn node(&mut self, name: NodeName) -> usize {
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(NodeAcc {
            name: name.clone(),
            instrumented: false,
            peer_kind: None,
            span_count: 0,
            error_count: 0,
            durations: Vec::new(),
        });
        self.index.insert(name, i);
        i
    }

    fn call(&mut self, from: usize, to: usize, error: bool, latency_ns: i64) {
        let edge = self.edges.entry((from, to)).or_default();
        edge.calls += 1;
        edge.errors += u64::from(error);
        edge.latencies.push(latency_ns);
    }

    fn add_trace(&mut self, trace: &Trace) {
        // The service node of every span, and the spans' own statistics.
        let mut span_node: Vec<usize> = Vec::with_capacity(trace.spans.len());
        let mut last: Option<(StrId, usize)> = None;
        for span in &trace.spans {
            let service = trace.service_of(span);
            let node = match last {
                Some((s, node)) if s == service => node,
                _ => {
                    let node = self.node(NodeName::Id(service));
                    last = Some((service, node));
                    node
                }
            };
            span_node.push(node);
            if let Some(acc) = self.nodes.get_mut(node) {
                acc.instrumented = true;
                acc.span_count += 1;
                acc.error_count += u64::from(span.status == StatusCode::Error);
                acc.durations.push(span.duration_ns);
            }
        }

        // Rule 1: cross-service parent/child pairs.
        let mut has_remote_child = vec![false; trace.spans.len()];
        for (i, span) in trace.spans.iter().enumerate() {
            if !span.has_parent() {
                continue;
            }
            let p = span.parent as usize;
            let (Some(parent), Some(&from), Some(&to)) = (trace.spans.get(p), span_node.get(p), span_node.get(i))
            else {
                continue;
            };
            if from == to {
                continue;
            }
            if let Some(flag) = has_remote_child.get_mut(p) {
                *flag = true;
            }
            let error = span.status == StatusCode::Error || parent.status == StatusCode::Error;
            let latency_ns = match parent.kind {
                SpanKind::Client | SpanKind::Producer => parent.duration_ns,
                _ => span.duration_ns,
            };
            self.call(from, to, error, latency_ns);
        }

        // Rule 2: calls out to peers that sent no spans (in this trace).
        for (i, span) in trace.spans.iter().enumerate() {
            if !matches!(span.kind, SpanKind::Client | SpanKind::Producer)
                || has_remote_child.get(i).copied().unwrap_or(false)
            {
                continue;
            }
            let Some(&from) = span_node.get(i) else { continue };
            let Some((name, kind)) = self.peer_of(trace, span) else {
                continue;
            };
            let to = self.node(name);
            if to == from {
                continue;
            }
            if let Some(acc) = self.nodes.get_mut(to) {
                acc.peer_kind = Some(acc.peer_kind.map_or(kind, |k| k.min(kind)));
            }
            self.call(from, to, span.status == StatusCode::Error, span.duration_ns);
        }
    }

    /// The peer a CLIENT or PRODUCER span names, and the kind of node it suggests.
    fn peer_of(&self, trace: &Trace, span: &Span) -> Option<(NodeName, NodeKind)> {
        let k = &self.keys;
        let mut a = PeerAttrs::default();
        for kv in trace.attrs_of(span.attrs) {
            let Value::Str(value) = kv.value else { continue };
            if value == StrId::EMPTY {
                continue;
            }
            let key = Some(kv.key);
            let slot = if key == k.peer_service {
                &mut a.peer_service
            } else if key == k.db_system {
                &mut a.db_system
            } else if key == k.db_system_name {
                &mut a.db_system_name
            } else if key == k.db_namespace {
                &mut a.db_namespace
            } else if key == k.db_name {
                &mut a.db_name
            } else if key == k.messaging_system {
                &mut a.messaging_system
            } else if key == k.messaging_destination_name {
                &mut a.messaging_destination_name
            } else if key == k.messaging_destination {
                &mut a.messaging_destination
            } else if key == k.server_address {
                &mut a.server_address
            } else if key == k.net_peer_name {
                &mut a.net_peer_name
            } else if key == k.network_peer_address {
                &mut a.network_peer_address
            } else if key == k.url_full {
                &mut a.url_full
            } else if key == k.http_url {
                &mut a.http_url
            } else {
                continue;
            };
            // The first occurrence of a key wins, as in `Trace::attr`.
            slot.get_or_insert(value);
        }
        let db_system = a.db_system.or(a.db_system_name);
        let kind = if db_system.is_some() {
            NodeKind::Database
        } else if a.messaging_system.is_some() {
            NodeKind::Messaging
        } else {
            NodeKind::External
        };
        let name = if let Some(service) = a.peer_service {
            NodeName::Id(service)
        } else if let Some(system) = db_system {
            self.qualified(system, a.db_namespace.or(a.db_name))
        } else if let Some(system) = a.messaging_system {
            self.qualified(system, a.messaging_destination_name.or(a.messaging_destination))
        } else if let Some(address) = a.server_address.or(a.net_peer_name).or(a.network_peer_address) {
            NodeName::Id(address)
        } else {
            let host = url_host(self.strings.get(a.url_full.or(a.http_url)?))?;
            match self.strings.lookup(host) {
                Some(id) => NodeName::Id(id),
                None => NodeName::Text(host.to_string()),
            }
        };
        Some((name, kind))
    }

    /// `system/detail` (or `system` alone), interned when the dataset knows that text.
    fn qualified(&self, system: StrId, detail: Option<StrId>) -> NodeName {
        let Some(detail) = detail else {
            return NodeName::Id(system);
        };
        let text = format!("{}/{}", self.strings.get(system), self.strings.get(detail));
        match self.strings.lookup(&text) {
            Some(id) => NodeName::Id(id),
            None => NodeName::Text(text),
        }
    }

    fn finish(self) -> ServiceGraph {
        let Builder { strings, nodes: accs, edges: edge_accs, .. } = self;
        let name = |n: &NodeName| -> String {
            match n {
                NodeName::Id(id) => strings.get(*id).to_string(),
                NodeName::Text(text) => text.clone(),
            }
        };
        let mut named: Vec<(String, usize, NodeAcc)> =
            accs.into_iter().enumerate().map(|(i, acc)| (name(&acc.name), i, acc)).collect();
        strand_model::order::sort_by(&mut named, |a, b| a.0.cmp(&b.0));
        let mut new_index = vec![0usize; named.len()];
        for (new, (_, old, _)) in named.iter().enumerate() {
            if let Some(slot) = new_index.get_mut(*old) {
                *slot = new;
            }
        }
        let nodes = named
            .into_iter()
            .map(|(name, _, mut acc)| {
                acc.durations.sort_unstable();
                let kind =
                    if acc.instrumented { NodeKind::Service } else { acc.peer_kind.unwrap_or(NodeKind::External) };
                ServiceNode {
                    name,
                    kind,
                    span_count: acc.span_count,
                    error_count: acc.error_count,
                    p50_ns: percentile(&acc.durations, 50.0),
                    p99_ns: percentile(&acc.durations, 99.0),
                }
            })
            .collect();
        let mut edges: Vec<ServiceEdge> = edge_accs
            .into_iter()
            .map(|((from, to), mut acc)| {
                acc.latencies.sort_unstable();
                ServiceEdge {
                    from: new_index.get(from).copied().unwrap_or(0),
                    to: new_index.get(to).copied().unwrap_or(0),
                    calls: acc.calls,
                    errors: acc.errors,
                    p50_ns: percentile(&acc.latencies, 50.0),
                    p90_ns: percentile(&acc.latencies, 90.0),
                    p99_ns: percentile(&acc.latencies, 99.0),
                }
            })
            .collect();
        // Nodes are sorted by (unique) name, so index order is name order.
        strand_model::order::sort_by_key(&mut edges, |e| (e.from, e.to));
        ServiceGraph { nodes, edges }
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn url_hosts() {
        assert_eq!(super::url_host("http://127.0.0.1:42635/charge"), Some("127.0.0.1"));
        assert_eq!(super::url_host("https://user:pw@api.example.com/v1?q=1"), Some("api.example.com"));
        assert_eq!(super::url_host("http://[::1]:8080/x"), Some("::1"));
        assert_eq!(super::url_host("bank.internal/charge"), Some("bank.internal"));
        assert_eq!(super::url_host("http:///nohost"), None);
        assert_eq!(super::url_host("bank.internal:8443/charge"), Some("bank.internal"));
        assert_eq!(super::url_host("data:text/html,<script>alert(1)</script>"), None);
        assert_eq!(super::url_host("javascript:alert(1)"), None);
        assert_eq!(super::url_host("mailto:ops@example.com"), None);
        assert_eq!(super::url_host("file:///etc/passwd"), None);
        assert_eq!(super::url_host(""), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use strand_testkit::dataset;

    fn render(graph: &ServiceGraph) -> String {
        let opt = |v: Option<i64>| v.map_or("-".to_string(), |v| v.to_string());
        let mut out = String::from("nodes:\n");
        for n in &graph.nodes {
            out.push_str(&format!(
                "  {} ({}) spans={} errors={} p50={} p99={}\n",
                n.name,
                n.kind.as_str(),
                n.span_count,
                n.error_count,
                opt(n.p50_ns),
                opt(n.p99_ns)
            ));
        }
        out.push_str("edges:\n");
        for e in &graph.edges {
            out.push_str(&format!(
                "  {} -> {} calls={} errors={} p50={} p90={} p99={}\n",
                graph.nodes[e.from].name,
                graph.nodes[e.to].name,
                e.calls,
                e.errors,
                opt(e.p50_ns),
                opt(e.p90_ns),
                opt(e.p99_ns)
            ));
        }
        out
    }

    /// Renders the graph of all fixture traces; a single trace must give the same graph through
    /// `trace_service_graph`.
    fn check(fixtures: &[&str], expect: Expect) {
        let data = dataset(fixtures);
        let graph = service_graph(&data);
        if let [trace] = data.traces.as_slice() {
            assert_eq!(trace_service_graph(&data.strings, trace), graph);
        }
        for pair in graph.nodes.windows(2) {
            assert!(pair[0].name < pair[1].name, "nodes sorted and unique");
        }
        expect.assert_eq(&render(&graph));
    }

    #[test]
    fn client_server_pair_across_services() {
        check(
            &["
GET_/ frontend 1..101 server
  GET_/api frontend 10..70 client peer.service=backend-lb
    GET_/api backend 20..60 server
      load backend 25..35
"],
            expect![[r#"
                nodes:
                  backend (service) spans=2 errors=0 p50=10 p99=40
                  frontend (service) spans=2 errors=0 p50=60 p99=100
                edges:
                  frontend -> backend calls=1 errors=0 p50=60 p90=60 p99=60
            "#]],
        );
    }

    #[test]
    fn database_client_without_server_is_a_database_node() {
        check(
            &["
GET backend 1..101 server
  SELECT backend 10..40 client db.system=postgresql db.namespace=orders
  SELECT backend 40..45 client db.system.name=postgresql db.name=orders
  GET backend 50..60 client db.system=redis server.address=cache-1
"],
            expect![[r#"
                nodes:
                  backend (service) spans=4 errors=0 p50=10 p99=100
                  postgresql/orders (database) spans=0 errors=0 p50=- p99=-
                  redis (database) spans=0 errors=0 p50=- p99=-
                edges:
                  backend -> postgresql/orders calls=2 errors=0 p50=5 p90=30 p99=30
                  backend -> redis calls=1 errors=0 p50=10 p90=10 p99=10
            "#]],
        );
    }

    #[test]
    fn uninstrumented_peers_are_external_nodes() {
        check(
            &["
GET frontend 1..101 server
  charge frontend 10..50 client peer.service=stripe server.address=api.stripe.com
  lookup frontend 50..60 client server.address=geo.example.com network.peer.address=10.0.0.9
  ping frontend 60..70 client network.peer.address=10.0.0.7
  legacy frontend 70..75 client net.peer.name=old-host
  anonymous frontend 80..90 client
  loopback frontend 90..95 client peer.service=frontend
"],
            expect![[r#"
                nodes:
                  10.0.0.7 (external) spans=0 errors=0 p50=- p99=-
                  frontend (service) spans=7 errors=0 p50=10 p99=100
                  geo.example.com (external) spans=0 errors=0 p50=- p99=-
                  old-host (external) spans=0 errors=0 p50=- p99=-
                  stripe (external) spans=0 errors=0 p50=- p99=-
                edges:
                  frontend -> 10.0.0.7 calls=1 errors=0 p50=10 p90=10 p99=10
                  frontend -> geo.example.com calls=1 errors=0 p50=10 p90=10 p99=10
                  frontend -> old-host calls=1 errors=0 p50=5 p90=5 p99=5
                  frontend -> stripe calls=1 errors=0 p50=40 p90=40 p99=40
            "#]],
        );
    }

    #[test]
    fn peer_service_naming_an_instrumented_service_is_that_service() {
        check(
            &[
                "
GET frontend 1..101 server
  call frontend 10..50 client peer.service=backend db.system=mysql
",
                "
handle backend 200..230 server
",
            ],
            expect![[r#"
                nodes:
                  backend (service) spans=1 errors=0 p50=30 p99=30
                  frontend (service) spans=2 errors=0 p50=40 p99=100
                edges:
                  frontend -> backend calls=1 errors=0 p50=40 p90=40 p99=40
            "#]],
        );
    }

    #[test]
    fn producer_consumer_via_messaging() {
        check(
            &["
order shop 1..101 server
  publish shop 10..20 producer messaging.system=kafka messaging.destination.name=orders
    consume billing 30..50 consumer
  audit shop 20..25 producer messaging.system=kafka messaging.destination.name=audit
  notify shop 25..28 producer messaging.system=rabbitmq
"],
            expect![[r#"
                nodes:
                  billing (service) spans=1 errors=0 p50=20 p99=20
                  kafka/audit (messaging) spans=0 errors=0 p50=- p99=-
                  rabbitmq (messaging) spans=0 errors=0 p50=- p99=-
                  shop (service) spans=4 errors=0 p50=5 p99=100
                edges:
                  shop -> billing calls=1 errors=0 p50=10 p90=10 p99=10
                  shop -> kafka/audit calls=1 errors=0 p50=5 p90=5 p99=5
                  shop -> rabbitmq calls=1 errors=0 p50=3 p90=3 p99=3
            "#]],
        );
    }

    #[test]
    fn a_peer_named_with_different_kinds_takes_the_most_specific() {
        check(
            &["
GET api 1..101 server
  q1 api 10..20 client peer.service=legacy
  q2 api 20..40 client peer.service=legacy db.system=oracle
  q3 api 40..45 client peer.service=legacy messaging.system=jms
"],
            expect![[r#"
                nodes:
                  api (service) spans=4 errors=0 p50=10 p99=100
                  legacy (database) spans=0 errors=0 p50=- p99=-
                edges:
                  api -> legacy calls=3 errors=0 p50=10 p90=20 p99=20
            "#]],
        );
    }

    #[test]
    fn spans_inside_one_service_make_no_edges() {
        check(
            &["
main app 1..101 server
  step app 10..50 internal
    fetch app 20..30 client
      handle app 21..29 server
"],
            expect![[r#"
                nodes:
                  app (service) spans=4 errors=0 p50=10 p99=100
                edges:
            "#]],
        );
    }

    #[test]
    fn kindless_cross_service_parent_child() {
        check(
            &["
root api 1..101
  child worker 10..60
    grandchild worker 20..30
"],
            expect![[r#"
                nodes:
                  api (service) spans=1 errors=0 p50=100 p99=100
                  worker (service) spans=2 errors=0 p50=10 p99=50
                edges:
                  api -> worker calls=1 errors=0 p50=50 p90=50 p99=50
            "#]],
        );
    }

    #[test]
    fn errors_on_either_side_count() {
        check(
            &["
root api 1..101 server
  call api 10..50 client error
    handle backend 15..45 server
  call api 50..90 client
    handle backend 55..85 server error
  call api 90..95 client
    handle backend 91..94 server
  insert api 95..99 client db.system=mysql error
"],
            expect![[r#"
                nodes:
                  api (service) spans=5 errors=2 p50=40 p99=100
                  backend (service) spans=3 errors=1 p50=30 p99=30
                  mysql (database) spans=0 errors=0 p50=- p99=-
                edges:
                  api -> backend calls=3 errors=2 p50=40 p90=40 p99=40
                  api -> mysql calls=1 errors=1 p50=4 p90=4 p99=4
            "#]],
        );
    }

    #[test]
    fn two_traces_aggregate() {
        let trace = |d: i64| {
            format!(
                "
GET frontend 1000..2000 server
  call frontend 1000..{} client
    handle backend 1001..{} server
",
                1000 + d,
                999 + d
            )
        };
        let (a, b, c) = (trace(100), trace(300), trace(200));
        check(
            &[&a, &b, &c],
            expect![[r#"
                nodes:
                  backend (service) spans=3 errors=0 p50=198 p99=298
                  frontend (service) spans=6 errors=0 p50=300 p99=1000
                edges:
                  frontend -> backend calls=3 errors=0 p50=200 p90=300 p99=300
            "#]],
        );
    }

    fn check_links(links: &[(&str, &str, u64, u64)], expect: Expect) {
        let mut strings = Interner::new();
        let links: Vec<DependencyLink> = links
            .iter()
            .map(|&(parent, child, call_count, error_count)| DependencyLink {
                parent: strings.intern(parent),
                child: strings.intern(child),
                call_count,
                error_count,
            })
            .collect();
        expect.assert_eq(&render(&graph_from_links(&strings, &links)));
    }

    #[test]
    fn graph_serializes_to_json() {
        let data = dataset(&["
GET api 1..101 server
  q api 10..20 client db.system=mysql error
"]);
        let json = serde_json::to_string(&service_graph(&data)).expect("serializes");
        expect![[r#"{"nodes":[{"name":"api","kind":"service","span_count":2,"error_count":1,"p50_ns":10,"p99_ns":100},{"name":"mysql","kind":"database","span_count":0,"error_count":0,"p50_ns":null,"p99_ns":null}],"edges":[{"from":0,"to":1,"calls":1,"errors":1,"p50_ns":10,"p90_ns":10,"p99_ns":10}]}"#]].assert_eq(&json);
    }

    #[test]
    fn links_with_a_cycle() {
        check_links(
            &[("b", "a", 7, 1), ("a", "b", 10, 0), ("a", "b", 5, 2), ("a", "c", 1, 0), ("c", "c", 3, 0)],
            expect![[r#"
                nodes:
                  a (service) spans=0 errors=0 p50=- p99=-
                  b (service) spans=0 errors=0 p50=- p99=-
                  c (service) spans=0 errors=0 p50=- p99=-
                edges:
                  a -> b calls=15 errors=2 p50=- p90=- p99=-
                  a -> c calls=1 errors=0 p50=- p90=- p99=-
                  b -> a calls=7 errors=1 p50=- p90=- p99=-
                  c -> c calls=3 errors=0 p50=- p90=- p99=-
            "#]],
        );
    }

    #[test]
    fn large_dependency_sample() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/jaeger-deps_dependency-graph-large.json");
        let bytes = std::fs::read(path).expect("sample file");
        let mut data = Dataset::new();
        let options = strand_formats::assemble::AssembleOptions { adjust_clock_skew: true };
        strand_formats::load(&mut data, &bytes, "deps.json", None, &options).expect("loads");
        let graph = graph_from_links(&data.strings, &data.dependencies);
        // Counted from the file: 4271 links between 1238 distinct names, no pair twice, no
        // self-links, 2,985,281 calls in all and no errorCount.
        assert_eq!(graph.nodes.len(), 1238);
        assert_eq!(graph.edges.len(), 4271);
        assert_eq!(graph.edges.iter().map(|e| e.calls).sum::<u64>(), 2_985_281);
        assert_eq!(graph.edges.iter().map(|e| e.errors).sum::<u64>(), 0);
        assert!(graph.edges.iter().all(|e| e.from != e.to && e.p50_ns.is_none()));
        assert!(graph.edges.windows(2).all(|w| (w[0].from, w[0].to) < (w[1].from, w[1].to)));
        assert_eq!(graph.node_index("Service50").map(|i| graph.nodes[i].name.as_str()), Some("Service50"));
    }
}
