//! The OS keyring side of a keyring slot.
//!
//! A keyring slot keeps a random 256-bit key-encryption key (KEK) in the OS
//! keyring under service [`SERVICE`] and user = the vault id in hex; the
//! vault file keeps only the data key wrapped under that KEK, plus which
//! store holds it ([`KeyringBackend`]), so opening asks the same store.
//!
//! On Linux two stores are supported: the freedesktop Secret Service
//! (GNOME Keyring, KWallet; needs a D-Bus session and an unlocked
//! collection) and the kernel's keyutils (a session keyring: always there
//! in a login session, but forgotten at logout or reboot, so the password
//! slot stays the durable way in). Elsewhere the platform's default store
//! (Keychain, Windows Credential Manager) is used.
//!
//! Nothing here fails loudly when no keyring is reachable: callers get a
//! [`KeyringStatus::Unavailable`] with the reason, stated once, and go on
//! with the password slot.

use std::fmt;

use zeroize::Zeroizing;

use crate::crypto::Key;

/// The keyring service name of every Apiq vault key.
pub const SERVICE: &str = "apiq-authenticator";

/// Which store holds a keyring slot's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyringBackend {
    /// The freedesktop Secret Service over D-Bus (Linux, BSD).
    SecretService,
    /// The Linux kernel's keyutils session keyring.
    KernelKeyutils,
    /// The platform's default store (macOS Keychain, Windows Credential Manager).
    Platform,
}

impl KeyringBackend {
    pub(crate) fn to_byte(self) -> u8 {
        match self {
            KeyringBackend::SecretService => 1,
            KeyringBackend::KernelKeyutils => 2,
            KeyringBackend::Platform => 3,
        }
    }

    pub(crate) fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(KeyringBackend::SecretService),
            2 => Some(KeyringBackend::KernelKeyutils),
            3 => Some(KeyringBackend::Platform),
            _ => None,
        }
    }

    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            KeyringBackend::SecretService => "Secret Service",
            KeyringBackend::KernelKeyutils => "kernel keyring",
            KeyringBackend::Platform => "system keychain",
        }
    }

    /// Parses `secret-service`, `keyutils` or `platform`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "secret-service" | "secretservice" => Some(KeyringBackend::SecretService),
            "keyutils" | "kernel" => Some(KeyringBackend::KernelKeyutils),
            "platform" => Some(KeyringBackend::Platform),
            _ => None,
        }
    }
}

impl fmt::Display for KeyringBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which store to use when adding a keyring slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyringPreference {
    /// The first reachable: Secret Service, then the kernel keyring (Linux);
    /// the platform store elsewhere.
    #[default]
    Auto,
    /// Exactly this store.
    Only(KeyringBackend),
}

/// Whether a keyring can hold this vault's key, and if not, why. The reason
/// is meant to be shown to the user once, as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringStatus {
    Available(KeyringBackend),
    Unavailable { reason: String },
}

impl fmt::Display for KeyringStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyringStatus::Available(b) => write!(f, "the {b} holds this vault's key"),
            KeyringStatus::Unavailable { reason } => write!(
                f,
                "no OS keyring is reachable ({reason}); the vault opens with its password only"
            ),
        }
    }
}

fn entry(backend: KeyringBackend, user: &str) -> Result<keyring::Entry, keyring::Error> {
    match backend {
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
        KeyringBackend::SecretService => Ok(keyring::Entry::new_with_credential(Box::new(
            keyring::secret_service::SsCredential::new_with_target(None, SERVICE, user)?,
        ))),
        #[cfg(target_os = "linux")]
        KeyringBackend::KernelKeyutils => Ok(keyring::Entry::new_with_credential(Box::new(
            keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, user)?,
        ))),
        #[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
        KeyringBackend::Platform => keyring::Entry::new(SERVICE, user),
        #[allow(unreachable_patterns)]
        _ => Err(keyring::Error::NoStorageAccess(
            format!("the {backend} is not available on this system").into(),
        )),
    }
}

/// A one-line reason for a keyring failure (keyring errors carry platform
/// messages, never secret bytes; a `BadEncoding` payload is not printed).
fn reason(backend: KeyringBackend, e: &keyring::Error) -> String {
    let detail = match e {
        keyring::Error::NoEntry => "the key is not in the keyring".to_string(),
        keyring::Error::BadEncoding(_) => "the keyring returned unreadable data".to_string(),
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            inner.to_string()
        }
        other => other.to_string(),
    };
    format!("{backend}: {}", detail.lines().next().unwrap_or_default())
}

fn candidates(pref: KeyringPreference) -> Vec<KeyringBackend> {
    match pref {
        KeyringPreference::Only(b) => vec![b],
        KeyringPreference::Auto => {
            if cfg!(target_os = "linux") {
                vec![
                    KeyringBackend::SecretService,
                    KeyringBackend::KernelKeyutils,
                ]
            } else if cfg!(any(target_os = "freebsd", target_os = "openbsd")) {
                vec![KeyringBackend::SecretService]
            } else {
                vec![KeyringBackend::Platform]
            }
        }
    }
}

/// Stores `kek` for vault `user` in the first store of `pref` that takes it
/// and gives it back intact. On failure: every store's reason, joined.
pub(crate) fn store(
    pref: KeyringPreference,
    user: &str,
    kek: &Key,
) -> Result<KeyringBackend, String> {
    let mut reasons = Vec::new();
    for backend in candidates(pref) {
        let attempt = entry(backend, user).and_then(|e| {
            e.set_secret(&kek[..])?;
            let back = Zeroizing::new(e.get_secret()?);
            if back.as_slice() == &kek[..] {
                Ok(())
            } else {
                Err(keyring::Error::BadEncoding(Vec::new()))
            }
        });
        match attempt {
            Ok(()) => return Ok(backend),
            Err(e) => reasons.push(reason(backend, &e)),
        }
    }
    Err(reasons.join("; "))
}

/// Reads the KEK of vault `user` from `backend`.
pub(crate) fn load(backend: KeyringBackend, user: &str) -> Result<Key, String> {
    let secret = entry(backend, user)
        .and_then(|e| e.get_secret())
        .map(Zeroizing::new)
        .map_err(|e| reason(backend, &e))?;
    if secret.len() != 32 {
        return Err(format!("{backend}: the stored key has the wrong length"));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&secret);
    Ok(key)
}

/// Deletes the KEK of vault `user` from `backend` (absent counts as done).
pub(crate) fn delete(backend: KeyringBackend, user: &str) -> Result<(), String> {
    match entry(backend, user).and_then(|e| e.delete_credential()) {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(reason(backend, &e)),
    }
}

/// Whether a store of `pref` is reachable now, without writing anything:
/// a read of an entry that does not exist answers "no such entry" from a
/// working store and an access error otherwise.
pub fn probe(pref: KeyringPreference) -> KeyringStatus {
    let mut reasons = Vec::new();
    for backend in candidates(pref) {
        match entry(backend, "apiq-probe").and_then(|e| e.get_secret()) {
            Ok(mut v) => {
                zeroize::Zeroize::zeroize(&mut v);
                return KeyringStatus::Available(backend);
            }
            Err(keyring::Error::NoEntry) => return KeyringStatus::Available(backend),
            Err(e) => reasons.push(reason(backend, &e)),
        }
    }
    KeyringStatus::Unavailable {
        reason: reasons.join("; "),
    }
}
