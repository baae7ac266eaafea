//! With no keyring reachable, a vault asked to use one is still created,
//! with its password slot alone, and the reason is reported once as a
//! typed status. (Its own test binary: it points D-Bus at nothing.)

use apiq_vault::{
    CreateOptions, Kdf, KdfParams, KeyringBackend, KeyringPreference, KeyringStatus, SlotInfo,
    Vault, VaultError, VaultOptions,
};

#[test]
fn no_secret_service_means_password_only_with_the_reason() {
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/apiq-test-bus",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let mut v = Vault::create(
        &path,
        "pw",
        CreateOptions {
            kdf: Kdf::UncheckedForTests(KdfParams {
                m_kib: 64,
                t: 1,
                p: 1,
            }),
            keyring: Some(KeyringPreference::Only(KeyringBackend::SecretService)),
            vault: VaultOptions::default(),
        },
    )
    .unwrap();
    let status = v.keyring_status().cloned().unwrap();
    let KeyringStatus::Unavailable { reason } = &status else {
        panic!("{status:?}")
    };
    assert!(reason.starts_with("Secret Service: "), "{reason}");
    let shown = status.to_string();
    assert!(shown.contains("password only"), "{shown}");
    assert!(matches!(v.slots()[..], [SlotInfo::Password(_)]));
    assert!(matches!(
        Vault::open_with_keyring(&path, VaultOptions::default()),
        Err(VaultError::NoKeyringSlot)
    ));
    Vault::open_with_password(&path, "pw", VaultOptions::default()).unwrap();
    // Adding the slot later fails clearly and changes nothing.
    let before = std::fs::read(&path).unwrap();
    let err = v
        .add_keyring_slot(KeyringPreference::Only(KeyringBackend::SecretService))
        .unwrap_err();
    assert!(matches!(err, VaultError::Keyring { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(matches!(
        apiq_vault::keyring_slot::probe(KeyringPreference::Only(KeyringBackend::SecretService)),
        KeyringStatus::Unavailable { .. }
    ));
}
