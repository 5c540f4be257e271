//! Graph algorithms for looking at a part of a service graph: a node's callers and callees, the
//! nodes within N hops up and down, the focus subgraph (only the calls along paths through the
//! centre), any induced subgraph, the busiest node. Breadth-first, iterative.

use super::{ServiceEdge, ServiceGraph};
use std::collections::VecDeque;

/// The edges into and out of one node, busiest first: indices into `graph.edges`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Neighbours {
    pub callers: Vec<usize>,
    pub callees: Vec<usize>,
}

pub fn neighbours(graph: &ServiceGraph, node: usize) -> Neighbours {
    let mut n = Neighbours::default();
    for (i, e) in graph.edges.iter().enumerate() {
        if e.to == node {
            n.callers.push(i);
        }
        if e.from == node && e.to != node {
            n.callees.push(i);
        }
    }
    let calls = |i: &usize| std::cmp::Reverse(graph.edges.get(*i).map_or(0, |e| e.calls));
    strand_model::order::sort_by_key(&mut n.callers, calls);
    strand_model::order::sort_by_key(&mut n.callees, calls);
    n
}

/// Distances (in calls) upstream and downstream of `center`, at most `hops`; `u32::MAX` where
/// a node is farther or unrelated. Breadth-first, with a queue.
fn focus_distances(graph: &ServiceGraph, center: usize, hops: u32) -> [Vec<u32>; 2] {
    let n = graph.nodes.len();
    let mut callees: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &graph.edges {
        if let Some(list) = callees.get_mut(e.from) {
            list.push(e.to);
        }
        if let Some(list) = callers.get_mut(e.to) {
            list.push(e.from);
        }
    }
    [&callers, &callees].map(|adjacency| {
        let mut distance = vec![u32::MAX; n];
        if let Some(d) = distance.get_mut(center) {
            *d = 0;
        }
        let mut queue = VecDeque::from([center]);
        while let Some(v) = queue.pop_front() {
            let d = distance.get(v).copied().unwrap_or(u32::MAX);
            if d >= hops {
                continue;
            }
            for &w in adjacency.get(v).map_or(&[][..], Vec::as_slice) {
                if let Some(dw) = distance.get_mut(w).filter(|dw| **dw == u32::MAX) {
                    *dw = d + 1;
                    queue.push_back(w);
                }
            }
        }
        distance
    })
}

/// The nodes at most `hops` calls upstream (callers, their callers...) or downstream of
/// `center`, with `center`; sorted.
pub fn focus_nodes(graph: &ServiceGraph, center: usize, hops: u32) -> Vec<usize> {
    if center >= graph.nodes.len() {
        return Vec::new();
    }
    let [up, down] = focus_distances(graph, center, hops);
    (0..graph.nodes.len())
        .filter(|&i| up.get(i).is_some_and(|&d| d != u32::MAX) || down.get(i).is_some_and(|&d| d != u32::MAX))
        .collect()
}

/// The focus view of `center`: the nodes of [`focus_nodes`] and only the edges that step along
/// the shortest call paths to or from it — upstream, from a caller to one fewer hops from
/// `center`; downstream, from a callee to one hop farther out. Calls among a service's
/// neighbours at the same distance are left out: around a busy service they are most of the
/// edges and say nothing about it.
pub fn focus_subgraph(graph: &ServiceGraph, center: usize, hops: u32) -> ServiceGraph {
    let keep = focus_nodes(graph, center, hops);
    if keep.is_empty() {
        return ServiceGraph::default();
    }
    let [up, down] = focus_distances(graph, center, hops);
    let mut sub = subgraph(graph, &keep);
    let on_path = |from: usize, to: usize| {
        let (uf, ut) = (up.get(from).copied().unwrap_or(u32::MAX), up.get(to).copied().unwrap_or(u32::MAX));
        let (df, dt) = (down.get(from).copied().unwrap_or(u32::MAX), down.get(to).copied().unwrap_or(u32::MAX));
        (uf != u32::MAX && ut != u32::MAX && uf > ut) || (df != u32::MAX && dt != u32::MAX && dt > df)
    };
    // `subgraph` renumbered the nodes; map back through `keep` (sorted, same order).
    sub.edges.retain(|e| match (keep.get(e.from), keep.get(e.to)) {
        (Some(&from), Some(&to)) => on_path(from, to),
        _ => false,
    });
    sub
}

/// The subgraph on `keep` (sorted node indices) with every edge between kept nodes; nodes and
/// edges keep their order.
pub fn subgraph(graph: &ServiceGraph, keep: &[usize]) -> ServiceGraph {
    let mut new_index = vec![usize::MAX; graph.nodes.len()];
    let mut nodes = Vec::with_capacity(keep.len());
    for &i in keep {
        if let (Some(node), Some(slot)) = (graph.nodes.get(i), new_index.get_mut(i)) {
            *slot = nodes.len();
            nodes.push(node.clone());
        }
    }
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let from = new_index.get(e.from).copied().filter(|&i| i != usize::MAX)?;
            let to = new_index.get(e.to).copied().filter(|&i| i != usize::MAX)?;
            Some(ServiceEdge { from, to, ..e.clone() })
        })
        .collect();
    ServiceGraph { nodes, edges }
}

/// The node with the most calls in and out (ties: the first by name).
pub fn busiest_node(graph: &ServiceGraph) -> Option<usize> {
    let mut calls = vec![0u64; graph.nodes.len()];
    for e in &graph.edges {
        for i in [e.from, e.to] {
            if let Some(c) = calls.get_mut(i) {
                *c = c.saturating_add(e.calls);
            }
        }
    }
    let mut best: Option<(u64, usize)> = None;
    for (i, &c) in calls.iter().enumerate() {
        if best.is_none_or(|(b, _)| c > b) {
            best = Some((c, i));
        }
    }
    best.map(|(_, i)| i)
}
