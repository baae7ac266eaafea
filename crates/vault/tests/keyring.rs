//! The keyring slot against a real OS keyring. These tests need a keyring
//! session, so they are `#[ignore]`d in the plain test run and executed by
//! `scripts/test-keyring.sh`, which runs them twice: inside a private D-Bus
//! session with gnome-keyring-daemon (`APIQ_TEST_KEYRING=secret-service`)
//! and inside a fresh kernel session keyring (`APIQ_TEST_KEYRING=keyutils`).

use std::path::Path;

use apiq_otp::{Algorithm, Entry, Secret};
use apiq_vault::{
    CreateOptions, Kdf, KdfParams, KeyringBackend, KeyringPreference, KeyringStatus, SlotInfo,
    Vault, VaultError, VaultOptions,
};

const PW: &str = "pw";

fn backend() -> KeyringBackend {
    let name = std::env::var("APIQ_TEST_KEYRING")
        .expect("APIQ_TEST_KEYRING=secret-service|keyutils (run scripts/test-keyring.sh)");
    KeyringBackend::parse(&name).expect("APIQ_TEST_KEYRING names a keyring")
}

fn create(path: &Path) -> Vault {
    Vault::create(
        path,
        PW,
        CreateOptions {
            kdf: Kdf::UncheckedForTests(KdfParams {
                m_kib: 64,
                t: 1,
                p: 1,
            }),
            keyring: Some(KeyringPreference::Only(backend())),
            vault: VaultOptions::default(),
        },
    )
    .unwrap()
}

fn entry() -> apiq_vault::NewEntry {
    Entry::totp(
        "K",
        "k",
        Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        Algorithm::Sha1,
        6,
        30,
    )
    .unwrap()
    .into()
}

#[test]
#[ignore = "needs a keyring session: scripts/test-keyring.sh"]
fn keyring_slot_unlocks_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let mut v = create(&path);
    assert_eq!(
        v.keyring_status(),
        Some(&KeyringStatus::Available(backend()))
    );
    assert_eq!(v.slots()[1], SlotInfo::Keyring(backend()));
    v.add(entry(), 1).unwrap();
    let k = Vault::open_with_keyring(&path, VaultOptions::default()).unwrap();
    assert_eq!(k.entries(), v.entries());
    let p = Vault::open_with_password(&path, PW, VaultOptions::default()).unwrap();
    assert_eq!(p.entries(), v.entries());
    // The key is in the keyring under the documented service and user.
    assert_eq!(Vault::peek(&path).unwrap().keyring(), Some(backend()));
    v.remove_keyring_slot().unwrap();
}

/// A password change re-keys the data (issue 14, item 9); the keyring
/// slot then wraps the new key under the same keyring key, so the keyring
/// still unlocks, and the old password opens nothing.
#[test]
#[ignore = "needs a keyring session: scripts/test-keyring.sh"]
fn the_keyring_still_unlocks_after_a_password_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let mut v = create(&path);
    v.add(entry(), 1).unwrap();
    let cheap = Kdf::UncheckedForTests(KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    });
    v.change_password("another pw", cheap).unwrap();
    assert_eq!(v.keyring_backend(), Some(backend()));
    let k = Vault::open_with_keyring(&path, VaultOptions::default()).unwrap();
    assert_eq!(k.entries(), v.entries());
    assert!(matches!(
        Vault::open_with_password(&path, PW, VaultOptions::default()),
        Err(VaultError::WrongPassword)
    ));
    Vault::open_with_password(&path, "another pw", VaultOptions::default()).unwrap();
    v.remove_keyring_slot().unwrap();
}

#[test]
#[ignore = "needs a keyring session: scripts/test-keyring.sh"]
fn removing_the_slot_deletes_the_key_and_the_password_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let mut v = create(&path);
    v.add(entry(), 1).unwrap();
    let backup = Vault::backups(&path)[0].clone();
    assert_eq!(v.remove_keyring_slot().unwrap(), None);
    assert!(matches!(
        Vault::open_with_keyring(&path, VaultOptions::default()),
        Err(VaultError::NoKeyringSlot)
    ));
    // The backups were re-sealed without the slot.
    assert!(matches!(
        Vault::open_with_keyring(&backup, VaultOptions::default()),
        Err(VaultError::NoKeyringSlot)
    ));
    Vault::open_with_password(&path, PW, VaultOptions::default()).unwrap();
    // Added back to an existing vault.
    assert_eq!(
        v.add_keyring_slot(KeyringPreference::Only(backend()))
            .unwrap(),
        backend()
    );
    Vault::open_with_keyring(&path, VaultOptions::default()).unwrap();
    v.remove_keyring_slot().unwrap();
}

#[test]
#[ignore = "needs a keyring session: scripts/test-keyring.sh"]
fn a_key_gone_from_the_keyring_is_a_clear_reason_not_a_lockout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let v = create(&path);
    // Another vault's slot replaces this one's key under the same id? No:
    // delete it the way a user would, through a second vault handle.
    let mut other = Vault::open_with_keyring(&path, VaultOptions::default()).unwrap();
    let copy = dir.path().join("copy.apiq");
    std::fs::copy(&path, &copy).unwrap();
    other.remove_keyring_slot().unwrap();
    // `copy` still has the slot, but the keyring no longer has its key.
    let err = Vault::open_with_keyring(&copy, VaultOptions::default()).unwrap_err();
    match &err {
        VaultError::Keyring { reason } => assert!(reason.contains(backend().name()), "{reason}"),
        other => panic!("{other:?}"),
    }
    Vault::open_with_password(&copy, PW, VaultOptions::default()).unwrap();
    drop(v);
}
