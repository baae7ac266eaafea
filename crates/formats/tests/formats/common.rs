//! Shared helpers: the fixture folder, expected.json, entry comparison.

use std::path::PathBuf;

use apiq_formats::Imported;
use apiq_otp::EntryJson;
use serde_json::Value;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/aegis-importers")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn expected() -> Value {
    serde_json::from_slice(&fixture("expected.json")).expect("expected.json parses")
}

/// The canonical JSON of an entry as a serde value, for comparison.
pub fn canonical(e: &apiq_otp::Entry) -> Value {
    serde_json::to_value(EntryJson::from(e)).unwrap()
}

/// Sorted canonical forms, so that order does not matter.
pub fn sorted(entries: &[Imported]) -> Vec<Value> {
    let mut v: Vec<Value> = entries.iter().map(|e| canonical(&e.entry)).collect();
    v.sort_by_key(|v| v.to_string());
    v
}

/// A deterministic CSPRNG for tests (a real ChaCha-based StdRng, seeded).
pub fn rng(seed: u64) -> rand::rngs::StdRng {
    use rand::SeedableRng;
    rand::rngs::StdRng::seed_from_u64(seed)
}
