//! `unsafe` is denied in the whole workspace (`Cargo.toml`); the one place
//! allowed to use it is `src-tauri/src/memory.rs` (one `mallopt` call).
//! This test reads every Rust source of the workspace and fails when
//! another file allows unsafe code, so a new exception is a reviewed
//! change to this list, not a quiet attribute.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if !matches!(
                name.as_ref(),
                "target" | "node_modules" | ".git" | "gen" | "dist"
            ) {
                sources(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

#[test]
fn only_memory_rs_allows_unsafe_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for d in ["crates", "src-tauri", "fuzz"] {
        if root.join(d).is_dir() {
            sources(&root.join(d), &mut files);
        }
    }
    assert!(files.len() > 50, "found only {} sources", files.len());
    let this = Path::new(file!()).file_name().unwrap();
    let allowed: Vec<String> = files
        .iter()
        .filter(|f| f.file_name() != Some(this))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("allow(unsafe_code)")
                || text.contains("unsafe {")
                || text.contains("unsafe fn")
        })
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert_eq!(allowed, ["src-tauri/src/memory.rs"]);
}
