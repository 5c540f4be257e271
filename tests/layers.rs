//! The layer rules of ARCHITECTURE.md are crate edges: each core crate can only use the crates
//! its Cargo.toml lists, and the compiler enforces that. This test pins the list itself, so that
//! a new edge (say, `strand-analysis` depending on `strand-view`) is a visible decision, not a
//! line slipped into a Cargo.toml: it reads every manifest's `[dependencies]` and compares the
//! Strand crates there with the allowed graph. It also checks that only the app package declares
//! browser crates, and only for wasm32.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use std::path::Path;

/// (crate, the Strand crates its non-test code may depend on)
const RULES: [(&str, &[&str]); 8] = [
    ("strand-model", &[]),
    ("strand-formats", &["strand-model"]),
    ("strand-analysis", &["strand-model"]),
    ("strand-view", &["strand-model", "strand-analysis"]),
    ("strand-sources", &["strand-model", "strand-formats"]),
    ("strand-app", &["strand-model", "strand-formats", "strand-analysis", "strand-view", "strand-sources"]),
    ("strand-cli", &["strand-model", "strand-formats", "strand-analysis", "strand-view"]),
    ("strand-testkit", &["strand-model", "strand-formats"]),
];
const BROWSER_CRATES: [&str; 7] =
    ["yew", "web-sys", "js-sys", "wasm-bindgen", "wasm-bindgen-futures", "gloo", "gloo-net"];

/// The package name and the dependency names of each dependency section of a manifest:
/// `(section header, names)`. A tiny reader for the subset of TOML the manifests use.
fn sections(manifest: &str) -> (String, Vec<(String, Vec<String>)>) {
    let mut name = String::new();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut current: Option<String> = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            current = Some(line.to_string());
            if line.contains("dependencies") {
                out.push((line.to_string(), Vec::new()));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim().trim_end_matches(".workspace").trim_matches('"').to_string();
        match current.as_deref() {
            Some("[package]") if key == "name" => name = value.trim().trim_matches('"').to_string(),
            Some(h) if h.contains("dependencies") && !key.starts_with('#') => {
                if let Some((_, names)) = out.last_mut() {
                    names.push(key);
                }
            }
            _ => {}
        }
    }
    (name, out)
}

#[test]
fn crates_depend_only_on_the_layers_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(root.join("crates")).expect("crates/").flatten() {
        let manifest = std::fs::read_to_string(entry.path().join("Cargo.toml")).expect("a Cargo.toml per crate");
        let (name, sections) = sections(&manifest);
        let Some((_, allowed)) = RULES.iter().find(|(n, _)| *n == name) else {
            problems.push(format!("{name} has no layer rule in tests/layers.rs"));
            continue;
        };
        seen.push(name.clone());
        for (header, deps) in &sections {
            for dep in deps {
                if BROWSER_CRATES.contains(&dep.as_str()) {
                    problems.push(format!("{name} declares the browser crate {dep} in {header}"));
                }
                let normal = header == "[dependencies]";
                if normal && dep.starts_with("strand-") && !allowed.contains(&dep.as_str()) {
                    problems.push(format!("{name} depends on {dep}, which its layer may not use"));
                }
            }
        }
    }
    for (name, _) in RULES {
        if !seen.iter().any(|s| s == name) {
            problems.push(format!("no crate {name} in crates/"));
        }
    }
    // The app: browser crates only for wasm32.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("root Cargo.toml");
    let (_, sections) = sections(&manifest);
    for (header, deps) in &sections {
        for dep in deps {
            if BROWSER_CRATES.contains(&dep.as_str()) && !header.contains("wasm32") {
                problems.push(format!("the app declares the browser crate {dep} outside the wasm32 target ({header})"));
            }
        }
    }
    assert!(problems.is_empty(), "layer violations:\n{}", problems.join("\n"));
}

#[test]
fn the_reader_sees_what_a_violation_looks_like() {
    // The check above must be able to fail: a manifest with a forbidden edge is found.
    let (name, sections) = sections(
        "[package]\nname = \"strand-analysis\"\n[dependencies]\nstrand-model.workspace = true\nstrand-view = { path = \"../view\" }\nyew = \"0.23\"\n[dev-dependencies]\nstrand-testkit.workspace = true\n",
    );
    assert_eq!(name, "strand-analysis");
    assert_eq!(
        sections,
        vec![
            (
                "[dependencies]".to_string(),
                vec!["strand-model".to_string(), "strand-view".to_string(), "yew".to_string()]
            ),
            ("[dev-dependencies]".to_string(), vec!["strand-testkit".to_string()]),
        ]
    );
}
