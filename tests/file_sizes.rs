//! The house rule "no file over ~600 lines of non-test code" as a test. It walks every Rust file
//! of the app (`src/`), the crates (`crates/*/src`), the benches and the examples, counts the
//! lines before the file's `#[cfg(test)]` module (files that are tests themselves, `tests.rs` or
//! under a `tests/` folder, count zero), and fails when a file passes the limit without being
//! listed below with its reason. `cargo test --test file_sizes -- --nocapture` prints the table,
//! largest first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test code: a failure should panic loudly

use std::path::{Path, PathBuf};

/// The limit in lines of non-test code (comments and blank lines count: they are read too).
const LIMIT: usize = 600;
/// Slack over the limit before a file fails: "~600" is a rule of thumb, not a cliff.
const SLACK: usize = 30;

/// Files allowed over the limit, each with why (none today). Keep this list short and say when
/// an entry can go.
const EXCEPTIONS: [(&str, &str); 0] = [];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of non-test code in a file: everything before its first `#[cfg(test)]`.
fn non_test_lines(path: &Path, text: &str) -> usize {
    let is_test_file = path.file_name().is_some_and(|n| n == "tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests" || c.as_os_str() == "benches");
    if is_test_file {
        return 0;
    }
    text.lines().take_while(|line| line.trim() != "#[cfg(test)]").count()
}

#[test]
fn no_file_is_over_the_line_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for entry in std::fs::read_dir(root.join("crates")).expect("crates/").flatten() {
        rust_files(&entry.path().join("src"), &mut files);
    }
    assert!(files.len() > 100, "expected the whole code base, found {} files", files.len());
    let mut counts: Vec<(usize, String)> = files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read a source file");
            let name = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
            (non_test_lines(path, &text), name)
        })
        .collect();
    counts.sort_by(|a, b| b.cmp(a));
    println!("non-test lines per file (largest 25 of {}):", counts.len());
    for (lines, name) in counts.iter().take(25) {
        println!("{lines:>6}  {name}");
    }
    let over: Vec<String> = counts
        .iter()
        .filter(|(lines, name)| *lines > LIMIT + SLACK && !EXCEPTIONS.iter().any(|(e, _)| e == name))
        .map(|(lines, name)| format!("{name}: {lines} lines"))
        .collect();
    assert!(over.is_empty(), "files over {LIMIT} lines of non-test code (split them by responsibility): {over:#?}");
    let stale: Vec<&str> =
        EXCEPTIONS.iter().map(|(e, _)| *e).filter(|e| !counts.iter().any(|(l, n)| n == e && *l > LIMIT)).collect();
    assert!(stale.is_empty(), "exceptions no longer needed, remove them: {stale:?}");
}

#[test]
fn the_count_stops_at_the_test_module() {
    let text = "//! doc\nfn a() {}\n\n#[cfg(test)]\nmod tests {\n    fn b() {}\n}\n";
    assert_eq!(non_test_lines(Path::new("crates/x/src/a.rs"), text), 3);
    assert_eq!(non_test_lines(Path::new("crates/x/src/a/tests.rs"), text), 0);
    assert_eq!(non_test_lines(Path::new("crates/x/src/tests/b.rs"), text), 0);
}
