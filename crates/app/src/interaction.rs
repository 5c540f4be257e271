//! Interaction models: what a key, a drag or the wheel means for a view, as plain Rust, so the
//! components only read events and apply the result. `waterfall`: the key map, zoom and pan of
//! the time window, ruler/minimap/splitter drags. `map`: wheel zoom, drag-to-pan with its click
//! threshold, and the fit policy of a new map.

pub mod map;
pub mod waterfall;
