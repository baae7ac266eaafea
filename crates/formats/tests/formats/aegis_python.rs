//! Our encrypted Aegis export must open with an independent implementation
//! of Aegis' documented vault format: `tests/aegis_decrypt.py` (Python's
//! `cryptography`; `scripts/deps-formats.sh` installs it). The checker is
//! first shown to read Aegis' own encrypted fixture.

use std::path::{Path, PathBuf};
use std::process::Command;

use apiq_formats::{export, ExportFormat};
use serde_json::Value;

use crate::common::{canonical, fixtures_dir, rng};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/aegis_decrypt.py")
}

/// Runs the Python reader on `vault` with `password`.
fn python_entries(vault: &Path, password: &str) -> Vec<Value> {
    let out = Command::new("python3")
        .arg(script())
        .arg(vault)
        .env("AEGIS_PASSWORD", password)
        .output()
        .expect("python3 runs (scripts/deps-formats.sh installs it)");
    assert!(
        out.status.success(),
        "aegis_decrypt.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

const CANONICAL: [&str; 8] = [
    "type",
    "issuer",
    "name",
    "secret",
    "algorithm",
    "digits",
    "period",
    "counter",
];

#[test]
fn the_checker_reads_aegis_own_encrypted_vault() {
    let got = python_entries(&fixtures_dir().join("aegis_encrypted.json"), "test");
    assert_eq!(got.len(), 7);
    assert_eq!(got[0]["secret"], "4SJHB4GSD43FZBAI7C2HLRJGPQ");
}

#[test]
fn our_encrypted_aegis_export_opens_in_python() {
    let entries = crate::roundtrip::sample();
    let out = export(
        &entries,
        ExportFormat::AegisEncrypted,
        Some("pässword".as_bytes()),
        &mut rng(11),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aegis.json");
    std::fs::write(&path, &*out.bytes).unwrap();
    let got = python_entries(&path, "pässword");
    assert_eq!(got.len(), entries.len());
    for (g, e) in got.iter().zip(&entries) {
        let want = canonical(&e.entry);
        for k in CANONICAL {
            assert_eq!(g[k], want[k], "{k} of {}", e.label());
        }
        assert_eq!(g["note"], e.note.as_str());
        assert_eq!(g["favorite"], e.favorite);
        assert_eq!(g["groups"], serde_json::to_value(&e.groups).unwrap());
    }
}
