//! The `.deb`'s `.desktop` file makes the app the handler of `otpauth://`
//! and `otpauth-migration://` links (issue 15 item 3). The bundler renders
//! it from the template named by `bundle.linux.deb.desktopTemplate` in
//! `tauri.conf.json` (`src-tauri/tauri.conf.json` is a symlink to the
//! repository root's file; paths in it are relative to `src-tauri`). This
//! test reads the configuration and the template: no package is built.

use std::path::PathBuf;

const MIME: &str = "MimeType=x-scheme-handler/otpauth;x-scheme-handler/otpauth-migration;";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> serde_json::Value {
    let p = dir().join("tauri.conf.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("tauri.conf.json is JSON")
}

fn template() -> String {
    let rel = config()["bundle"]["linux"]["deb"]["desktopTemplate"]
        .as_str()
        .expect("bundle.linux.deb.desktopTemplate is set")
        .to_string();
    let p = dir().join(&rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_desktop_file_declares_both_link_schemes() {
    let t = template();
    let lines: Vec<&str> = t.lines().map(str::trim_end).collect();
    assert_eq!(lines.first(), Some(&"[Desktop Entry]"));
    let mime: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("MimeType="))
        .collect();
    assert_eq!(mime, [&MIME], "one MimeType line, exactly {MIME}");
    // The bundler's own MimeType (from the deep-link schemes) is not also
    // written: the template has no mime_type variable.
    assert!(!t.contains("mime_type"), "{t}");
    // A link handler gets the link: Exec passes it (%u).
    let exec: Vec<&&str> = lines.iter().filter(|l| l.starts_with("Exec=")).collect();
    assert_eq!(exec, [&"Exec={{exec}} %u"]);
    for key in [
        "Type=Application",
        "Name={{name}}",
        "Icon={{icon}}",
        "Terminal=false",
    ] {
        assert!(lines.contains(&key), "{key} missing:\n{t}");
    }
}

#[test]
fn the_template_uses_only_the_bundlers_variables() {
    let t = template();
    let known = [
        "categories",
        "comment",
        "exec",
        "icon",
        "name",
        "long_description",
    ];
    let mut rest = t.as_str();
    while let Some(i) = rest.find("{{") {
        let j = rest[i..].find("}}").expect("a closed {{ }}") + i;
        let inner = rest[i + 2..j].trim();
        let var = inner
            .strip_prefix("#if ")
            .or_else(|| inner.strip_prefix('/').map(|_| "comment"))
            .unwrap_or(inner)
            .trim();
        assert!(known.contains(&var), "unknown template variable {inner:?}");
        rest = &rest[j + 2..];
    }
}

#[test]
fn the_deep_link_schemes_are_the_declared_ones() {
    let c = config();
    let schemes: Vec<&str> = c["plugins"]["deep-link"]["desktop"]["schemes"]
        .as_array()
        .expect("plugins.deep-link.desktop.schemes")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(schemes, ["otpauth", "otpauth-migration"]);
    for s in schemes {
        assert!(MIME.contains(&format!("x-scheme-handler/{s};")), "{s}");
    }
}
