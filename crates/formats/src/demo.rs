//! The built-in demo trace shown on first open: a checkout request through several services
//! (RPC client/server pairs, a database, a cache, a message queue, an error with a retry, events).
//! The file is OTLP JSON made by `scripts/make-demo-trace.py` and goes through the real importer.

/// File name under which the demo appears in the app.
pub const DEMO_FILE_NAME: &str = "demo-checkout-trace.json";

pub const DEMO_TRACE_JSON: &[u8] = include_bytes!("../../../static/demo-checkout-trace.json");
