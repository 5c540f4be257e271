//! The app core: what the app does, as plain Rust that never touches the browser.
