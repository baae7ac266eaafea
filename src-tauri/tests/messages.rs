//! The window translates the Rust side's sentences by the table in the
//! `rust` section of `ui/src/i18n/locales/en.json`: each English text is a
//! Rust sentence, its run-time parts written `{name}`, and a message shows
//! translated only while it still equals one of them (see
//! `ui/src/i18n/rust-messages.ts`). This test reads that section and the
//! Rust sources and fails when a literal piece of an English text (the text
//! between placeholders, 4 characters or more) is no longer in the sources,
//! so a sentence reworded in Rust without its table entry fails here, not
//! in a window that silently shows it in English.

use std::path::{Path, PathBuf};

/// Where the sentences are written (from the repository's root): the app,
/// and the library crates whose messages reach the window (through
/// `crate::error::sentence`, or as a part of a bigger sentence).
const SOURCE_DIRS: [&str; 7] = [
    "src-tauri/src",
    "crates/app/src",
    "crates/vault/src",
    "crates/otp/src",
    "crates/scan/src",
    "crates/formats/src",
    "crates/clock/src",
];

/// The shortest piece that is checked (shorter ones, ": " or ".", are
/// everywhere).
const MIN_PIECE: usize = 4;

/// The repository's root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Every `.rs` file under `dir`, as the compiler sees its string
/// literals: a `\` at the end of a line joins it to the next line's text,
/// and `\"` is a quote.
fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((p.clone(), unescape(&read(&p))));
        }
    }
}

fn unescape(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(next) = after.strip_prefix('\n') {
            rest = next.trim_start();
        } else if let Some(next) = after.strip_prefix('"') {
            out.push('"');
            rest = next;
        } else if let Some(next) = after.strip_prefix('\\') {
            out.push('\\');
            rest = next;
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The `rust` section's English texts by key; of a plural only the
/// `_other` form, which is the Rust sentence (the other forms are the
/// language's own).
fn english_texts(en_json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(en_json).expect("en.json is JSON");
    let section = v
        .get("rust")
        .and_then(|s| s.as_object())
        .expect("en.json has a `rust` section");
    let mut out = Vec::new();
    flatten("rust", section, &mut out);
    out.retain(|(k, _)| {
        let last = k.rsplit('.').next().unwrap_or(k);
        !["_zero", "_one", "_two", "_few", "_many"]
            .iter()
            .any(|s| last.ends_with(s))
    });
    out
}

fn flatten(
    prefix: &str,
    m: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, String)>,
) {
    for (k, v) in m {
        let key = format!("{prefix}.{k}");
        match v {
            serde_json::Value::String(s) => out.push((key, s.clone())),
            serde_json::Value::Object(o) => flatten(&key, o, out),
            other => panic!("{key} is not a text: {other}"),
        }
    }
}

/// The literal pieces of a text: what lies between `{name}` placeholders.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open + 1..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + 1 + len];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            // Not a placeholder: a literal brace.
            out.push(&rest[..open + 1]);
            rest = &rest[open + 1..];
            continue;
        }
        out.push(&rest[..open]);
        rest = &rest[open + 2 + len..];
    }
    out.push(rest);
    out
}

/// How a piece may be written in Rust: as it is, or, when it begins the
/// text, with a small first letter, or, when it ends the text, without the
/// full stop (`crate::error::sentence` turns "the file is empty" into "The
/// file is empty.").
fn spellings(piece: &str, first: bool, last: bool) -> Vec<String> {
    let mut out = vec![piece.to_string()];
    if first {
        let mut chars = piece.chars();
        if let Some(c) = chars.next() {
            out.push(c.to_lowercase().chain(chars).collect());
        }
    }
    if last {
        for s in out.clone() {
            if let Some(bare) = s.strip_suffix('.') {
                out.push(bare.to_string());
            }
        }
    }
    out
}

/// Each key and piece that no source holds.
fn missing(texts: &[(String, String)], sources: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (key, text) in texts {
        let ps = pieces(text);
        let n = ps.len();
        for (i, piece) in ps.into_iter().enumerate() {
            if piece.chars().count() < MIN_PIECE {
                continue;
            }
            let found = spellings(piece, i == 0, i == n - 1)
                .iter()
                .any(|s| sources.iter().any(|(_, src)| src.contains(s.as_str())));
            if !found {
                out.push(format!("{key}: {piece:?}"));
            }
        }
    }
    out
}

fn all_sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in SOURCE_DIRS {
        sources(&root().join(dir), &mut out);
    }
    assert!(out.len() > 20, "few Rust sources found: {}", out.len());
    out
}

#[test]
fn every_english_rust_text_is_still_a_rust_sentence() {
    let texts = english_texts(&read(&root().join("ui/src/i18n/locales/en.json")));
    assert!(
        texts.len() >= 150,
        "the `rust` section has only {} texts",
        texts.len()
    );
    let missing = missing(&texts, &all_sources());
    assert!(
        missing.is_empty(),
        "these pieces of ui/src/i18n/locales/en.json's `rust` texts are in none of {SOURCE_DIRS:?}: \
         the Rust sentence changed. Make the English text (key) equal the new sentence, with its \
         run-time parts as {{name}}, and update the other languages (docs/translating.md):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn the_reader_sees_a_changed_sentence() {
    let src = vec![(
        PathBuf::from("x.rs"),
        unescape("#[error(\"the file is empty\")]\nformat!(\"Could not {what}: {why}.\")\n\"two \\\n    lines.\""),
    )];
    let texts = |t: &[&str]| -> Vec<(String, String)> {
        t.iter()
            .enumerate()
            .map(|(i, s)| (format!("rust.k{i}"), s.to_string()))
            .collect()
    };
    assert_eq!(
        missing(
            &texts(&[
                "The file is empty.",
                "Could not {what}: {why}.",
                "two lines."
            ]),
            &src
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        missing(
            &texts(&["The file is full.", "Could never {what}: {why}."]),
            &src
        ),
        vec![
            "rust.k0: \"The file is full.\"".to_string(),
            "rust.k1: \"Could never \"".to_string()
        ]
    );
    // Only the first piece may differ by its first letter, and only the
    // last by its full stop: `sentence()` changes nothing else.
    assert_eq!(
        missing(
            &texts(&[
                "Could not {what}: {why}",
                "{x} The file is empty.",
                "The file is empty. {x}",
                "Could Not {what}: {why}."
            ]),
            &src
        ),
        vec![
            "rust.k1: \" The file is empty.\"".to_string(),
            "rust.k2: \"The file is empty. \"".to_string(),
            "rust.k3: \"Could Not \"".to_string()
        ]
    );
    assert_eq!(pieces("a {x} b {y}"), vec!["a ", " b ", ""]);
    assert_eq!(
        pieces("{x} is {not a} key"),
        vec!["", " is {", "not a} key"]
    );
}
