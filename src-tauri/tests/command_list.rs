//! The IPC command list is written in four places that must agree: the
//! handler list in `src/lib.rs` (what Rust answers), the app manifest in
//! `build.rs` (what can be granted), the capability files (what is granted
//! to the windows) and `ui/src/ipc/index.ts` (what the window calls). This
//! test reads the four files and compares the sets, so a command added in
//! one place and forgotten in another fails here, not in a window that
//! silently gets "command not allowed".

use std::collections::BTreeSet;
use std::path::PathBuf;

fn read(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// The text between `start` and the first `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let j = text[i..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not found after {start:?}"));
    &text[i..i + j]
}

/// Every `"word"` in `text` whose word is a command name (`a-z`, `_`),
/// optionally only those right after `before`.
fn quoted_names(text: &str, before: &str) -> Vec<String> {
    let mut out = Vec::new();
    let pat = format!("{before}\"");
    let mut rest = text;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        let Some(end) = rest.find('"') else { break };
        let word = &rest[..end];
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            out.push(word.to_string());
        }
        rest = &rest[end + 1..];
    }
    out
}

fn handler_list() -> BTreeSet<String> {
    let lib = read("src/lib.rs");
    between(&lib, "generate_handler![", "]")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|path| path.rsplit("::").next().unwrap().to_string())
        .collect()
}

fn manifest_list() -> BTreeSet<String> {
    let build = read("build.rs");
    quoted_names(between(&build, "const COMMANDS: &[&str] = &[", "];"), "")
        .into_iter()
        .collect()
}

/// What the capability files grant, together (the main window's and the
/// quick-copy palette's: each command is granted to some window).
fn capability_list() -> BTreeSet<String> {
    ["capabilities/main.json", "capabilities/palette.json"]
        .iter()
        .flat_map(|f| quoted_names(&read(f).replace('-', "_"), ""))
        .filter_map(|p| p.strip_prefix("allow_").map(str::to_string))
        .collect()
}

/// The names the window passes to `call<T>(…)` and `saveJob(…)`.
fn ui_list() -> BTreeSet<String> {
    calls(&read("../ui/src/ipc/index.ts"))
}

fn calls(ts: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in ts.match_indices("(\"") {
        let before = ts[..i].trim_end();
        let generic_call = before.ends_with('>')
            && before
                .rfind("call<")
                .is_some_and(|c| !before[c..].contains('('));
        if before.ends_with("saveJob") || before.ends_with("call") || generic_call {
            out.extend(quoted_names(&ts[i..], "(").into_iter().take(1));
        }
    }
    out
}

fn same(what: &str, a: &BTreeSet<String>, b: &BTreeSet<String>) {
    let only_a: Vec<_> = a.difference(b).collect();
    let only_b: Vec<_> = b.difference(a).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: only in src/lib.rs: {only_a:?}; only in the other: {only_b:?}"
    );
}

#[test]
fn the_four_command_lists_agree() {
    let handlers = handler_list();
    assert!(
        handlers.len() > 40,
        "the handler list was not read: {handlers:?}"
    );
    assert!(handlers.contains("vault_status") && handlers.contains("save_begin"));
    same("build.rs's manifest", &handlers, &manifest_list());
    same("capabilities/*.json", &handlers, &capability_list());
    same("ui/src/ipc/index.ts", &handlers, &ui_list());
}

#[test]
fn the_readers_see_a_difference() {
    let a: BTreeSet<String> = ["x_y".to_string()].into();
    let b: BTreeSet<String> = BTreeSet::new();
    assert!(std::panic::catch_unwind(|| same("t", &a, &b)).is_err());
    assert_eq!(
        quoted_names(
            r#"call<T>("vault_status"); listen("vault-locked"); x = "no""#,
            "("
        ),
        ["vault_status"]
    );
    let ts = r#"call<A | null>("a_b", {}); saveJob("c_d"); r("late"); call<void>("e")"#;
    assert_eq!(
        calls(ts).into_iter().collect::<Vec<_>>(),
        ["a_b", "c_d", "e"]
    );
}
