//! Checks the layer invariants of ARCHITECTURE.md by reading the sources: which crate modules
//! each layer may use, and that only `ui` touches the browser crates. Test modules are exempt.

use std::path::Path;

/// (layer, the crate modules its non-test code may use besides itself)
const RULES: [(&str, &[&str]); 9] = [
    ("model", &[]),
    ("formats", &["model"]),
    ("analysis", &["model"]),
    ("view", &["model", "analysis"]),
    ("sources", &["model", "formats"]),
    ("synth", &[]),
    ("demo", &[]),
    ("ui", &["model", "formats", "analysis", "view", "sources", "demo", "synth"]),
    ("cli", &["model", "formats", "analysis", "view"]),
];
const BROWSER_CRATES: [&str; 6] = ["yew", "web_sys", "js_sys", "wasm_bindgen", "gloo", "wasm_bindgen_futures"];
const LAYERS: [&str; 9] = ["model", "formats", "analysis", "view", "sources", "synth", "demo", "ui", "cli"];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn non_test_code(text: &str) -> &str {
    // A file that declares itself test-only (`//! ... (test builds only)`) has no non-test code.
    if text.lines().take_while(|l| l.starts_with("//!")).any(|l| l.contains("(test builds only)")) {
        return "";
    }
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

#[test]
fn layers_only_use_what_they_may() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (layer, allowed) in RULES {
        let mut files = Vec::new();
        let dir = src.join(layer);
        if dir.is_dir() {
            sources(&dir, &mut files);
        } else {
            files.push(src.join(format!("{layer}.rs")));
        }
        assert!(!files.is_empty(), "no sources for layer {layer}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable source");
            let code = non_test_code(&text);
            for other in LAYERS {
                if other == layer || allowed.contains(&other) {
                    continue;
                }
                for pattern in [format!("crate::{other}::"), format!("crate::{other}}}"), format!("crate::{other};")] {
                    if code.contains(&pattern) {
                        problems.push(format!("{} uses crate::{other}", file.display()));
                    }
                }
            }
            if layer != "ui" {
                for krate in BROWSER_CRATES {
                    if code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}")) {
                        problems.push(format!("{} touches the browser crate {krate}", file.display()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "layer violations:\n{}", problems.join("\n"));
}
