//! ARCHITECTURE.md's code map names every source file: a file added, moved or deleted without
//! the map following fails here, so the map stays a true list of the code.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of the map's section for one crate: from its `### \`crates/<name>\`` heading to the
/// next heading of that level.
fn section<'a>(map: &'a str, krate: &str) -> &'a str {
    let heading = format!("### `crates/{krate}`");
    let start = map.find(&heading).unwrap_or_else(|| panic!("ARCHITECTURE.md has no section `{heading}`"));
    let rest = &map[start + heading.len()..];
    &rest[..rest.find("\n### ").unwrap_or(rest.len())]
}

#[test]
fn the_code_map_names_every_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    for krate in ["peergate-core", "peergate"] {
        let src = root.join("crates").join(krate).join("src");
        let text = section(&map, krate);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            let relative = file.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            checked += 1;
            if !text.contains(&format!("`{relative}`")) {
                missing.push(format!("crates/{krate}/src/{relative}"));
            }
        }
    }
    assert!(checked > 50, "the walk found only {checked} files");
    assert!(missing.is_empty(), "ARCHITECTURE.md's code map does not name: {missing:#?}");
}

#[test]
fn the_map_test_notices_a_missing_file() {
    let map = "### `crates/peergate`\n- `a.rs` — one\n### `crates/other`\n- `b.rs`\n";
    assert!(section(map, "peergate").contains("`a.rs`"));
    assert!(!section(map, "peergate").contains("`b.rs`"), "a file named in another crate's section does not count");
}

#[test]
fn only_db_opens_transactions() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(src.join("db")))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains(".begin()"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "open changes with db::Change (audited) or a db/ function instead: {offenders:?}");
}
