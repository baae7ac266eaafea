//! # apiq-vault: the encrypted vault file and the offline recovery-code vault
//!
//! The vault is the one place where a user's second factors live; it must
//! never lose a byte and never show one without the key. This crate owns:
//!
//! - [`format`](mod@format): the versioned file layout (`FORMAT.md` beside the crate):
//!   a random 256-bit data key seals the content with XChaCha20-Poly1305
//!   (the header, key slots included, as associated data); key slots wrap
//!   the data key: a password slot (Argon2id, parameters stored, calibrated,
//!   never below OWASP's floor) and an OS keyring slot ([`keyring_slot`]).
//! - [`Vault`]: open, read, and change with transactions that lock against
//!   other writers, re-read what they saved, write atomically (temp file,
//!   fsync, rename, fsync folder) and keep rotating backups.
//! - [`VaultEntry`]: an [`apiq_otp::Entry`] plus id, note, groups,
//!   favorite/pinned, icon reference, times, archived flag and
//!   [`recovery`] codes.
//!
//! Keys and secrets are zeroized after use; errors and `Debug` output never
//! contain a secret, a recovery code, an issuer or an account name; the file
//! holds none of them in plaintext.

mod content;
mod crypto;
mod dedup;
mod error;
pub mod format;
pub mod keyring_slot;
pub mod recovery;
mod store;
pub mod sync;
mod vault;

pub use content::{EntryId, NewEntry, VaultEntry, CONTENT_VERSION};
pub use dedup::DuplicateIndex;
pub use error::{Damaged, VaultError};
pub use format::KdfParams;
pub use keyring_slot::{KeyringBackend, KeyringPreference, KeyringStatus};
pub use recovery::{CodeUse, RecoveryCode, RecoveryCodes};
pub use vault::{
    decode_with_key, Changes, CreateOptions, DeviceInfo, ImportReport, Kdf, Peek, RecoveryHit,
    SlotInfo, SyncReport, Vault, VaultOptions, TARGET_UNLOCK,
};
