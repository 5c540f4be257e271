//! Pure functions on the model: span tree, self time, critical path, statistics, service
//! dependency graph, trace comparison (path trees of two traces or two groups), what sets a
//! selection of spans apart (attribute ranking), a span among its peers, and the span and trace
//! selections these compare. Depends on `model` only; never on the browser. Every algorithm that
//! walks spans is iterative (explicit stacks), so 100k-deep traces are fine.

pub mod compare;
pub mod critical_path;
pub mod graph;
pub mod outliers;
pub mod peers;
pub mod selection;
pub mod self_time;
pub mod stats;
pub mod tree;
