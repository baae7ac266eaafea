//! Helpers for this crate's tests: a real vault with cheap key derivation.

use apiq_vault::{CreateOptions, Kdf, KdfParams, Vault};

pub const PW: &str = "correct horse battery staple";

/// A new vault in a temporary folder (kept alive by the returned guard).
pub fn vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let opts = CreateOptions {
        kdf: Kdf::UncheckedForTests(KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }),
        ..Default::default()
    };
    let v = Vault::create(&dir.path().join("vault.apiq"), PW, opts).unwrap();
    (dir, v)
}
