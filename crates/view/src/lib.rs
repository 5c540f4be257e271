//! Pure view models: what the UI shows, computed from the model and analysis without touching
//! the browser (rows, labels, colours, geometry, the URL state). Depends on `model` and `analysis`.

pub mod analytics;
pub mod axis;
pub mod charts;
pub mod colors;
pub mod compare;
pub mod details;
pub mod export;
pub mod flame;
pub mod layered;
pub mod link_out;
pub mod logs;
pub mod map_groups;
pub mod outliers;
pub mod peers;
pub mod route;
pub mod scatter;
pub mod search;
pub mod service_map;
pub mod sort;
pub mod span_list;
pub mod spans_table;
pub mod trace_list;
pub mod trace_view;
pub mod waterfall;
