//! Pure functions on the model: span tree, self time, critical path, statistics, service
//! dependency graph, trace comparison. Depends on `model` only; never on the browser. Every
//! algorithm that walks spans is iterative (explicit stacks), so 100k-deep traces are fine.

pub mod compare;
pub mod critical_path;
pub mod graph;
pub mod self_time;
pub mod stats;
pub mod tree;
