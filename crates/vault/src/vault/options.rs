//! The plain option and report types of [`Vault`](super::Vault): how a
//! vault is created and opened, and what some operations report.

use std::path::PathBuf;
use std::time::Duration;

use crate::content::EntryId;
use crate::format::KdfParams;
use crate::keyring_slot::{KeyringBackend, KeyringPreference};
use crate::VaultError;

/// How a new password slot's Argon2id parameters are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kdf {
    /// Calibrated so unlocking costs about [`TARGET_UNLOCK`] here, never
    /// below [`KdfParams::FLOOR`]. What real vaults use.
    #[default]
    Calibrated,
    /// Exactly these; refused below [`KdfParams::FLOOR`].
    Explicit(KdfParams),
    /// Exactly these, floor not enforced: for tests and benchmarks that
    /// need cheap vaults. Never use for a vault that holds real secrets.
    UncheckedForTests(KdfParams),
}

/// What unlocking with the password should cost on the creating machine.
pub const TARGET_UNLOCK: Duration = Duration::from_millis(500);

impl Kdf {
    pub(super) fn resolve(self) -> Result<KdfParams, VaultError> {
        match self {
            Kdf::Calibrated => Ok(KdfParams::calibrate(TARGET_UNLOCK)),
            Kdf::Explicit(p) if p.meets_floor() => Ok(p),
            Kdf::Explicit(p) => Err(VaultError::WeakKdf {
                m_kib: p.m_kib,
                t: p.t,
            }),
            Kdf::UncheckedForTests(p) => Ok(p),
        }
    }
}

/// Behaviour of an open vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultOptions {
    /// How many previous versions to keep beside the file.
    pub backups: usize,
    /// How long a change waits for another writer before [`VaultError::Busy`].
    pub lock_timeout: Duration,
    /// Where this device remembers the highest version (generation) of each
    /// vault file it has opened or written (`None`: not remembered, no
    /// rollback check). A file older than that is refused with
    /// [`VaultError::OlderCopy`]: an older copy put in its place (a sync
    /// tool, a copy by mistake, someone undoing a change) would otherwise
    /// silently bring back removed entries, a used recovery code or an old
    /// password. Front ends keep it outside the vault's file, in their data
    /// folder.
    pub seen_versions: Option<PathBuf>,
    /// Opens a file older than the remembered version anyway, and
    /// remembers its version from then on (a restore done on purpose).
    pub accept_older: bool,
}

impl Default for VaultOptions {
    fn default() -> Self {
        VaultOptions {
            backups: 10,
            lock_timeout: Duration::from_secs(10),
            seen_versions: None,
            accept_older: false,
        }
    }
}

/// How [`Vault::create`](super::Vault::create) sets up a vault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateOptions {
    pub kdf: Kdf,
    /// Also add an OS keyring slot (when a keyring is reachable; otherwise
    /// the vault is created with its password slot alone and
    /// [`Vault::keyring_status`](super::Vault::keyring_status) says why).
    pub keyring: Option<KeyringPreference>,
    pub vault: VaultOptions,
}

/// One key slot, as shown to users (no key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotInfo {
    Password(KdfParams),
    Keyring(KeyringBackend),
}

/// What can be known about a vault file without unlocking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    /// The vault id in hex (the OS keyring's user name for it).
    pub id: String,
    pub generation: u64,
    pub slots: Vec<SlotInfo>,
}

impl Peek {
    pub fn has_password(&self) -> bool {
        self.slots
            .iter()
            .any(|s| matches!(s, SlotInfo::Password(_)))
    }
    pub fn keyring(&self) -> Option<KeyringBackend> {
        self.slots.iter().find_map(|s| match s {
            SlotInfo::Keyring(b) => Some(*b),
            _ => None,
        })
    }
}

/// What [`Vault::import`](super::Vault::import) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Ids of the new entries, in input order.
    pub added: Vec<EntryId>,
    /// Input positions that were skipped as duplicates, with the entry they
    /// duplicate (an existing one, or one added earlier in this import).
    pub duplicates: Vec<(usize, EntryId)>,
}

/// A recovery code found by [`Vault::recovery_search`](super::Vault::recovery_search).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryHit {
    pub entry: EntryId,
    /// Index into the entry's `recovery.codes`.
    pub index: usize,
    pub used: bool,
}
