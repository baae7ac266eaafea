//! The IPC commands: thin. Each parses its arguments, calls a crate through
//! [`AppState`](crate::state::AppState), and maps the outcome to a DTO or an
//! [`crate::error::AppError`]. Every command is listed in
//! `build.rs` (the app manifest) and granted in `capabilities/main.json`.

pub mod account;
pub mod add;
pub mod entries;
pub mod icons;
pub mod recovery;
pub mod settings;
pub mod sync;
pub mod tokens;
pub mod transfer;
pub mod twofa;
pub mod vault;

use apiq_vault::{EntryId, VaultError};

use crate::error::{sentence, AppError};

impl From<VaultError> for AppError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::WrongPassword => AppError::WrongPassword,
            VaultError::NotFound { .. } => AppError::NoVault,
            VaultError::AlreadyExists { path } => {
                AppError::VaultExists(path.parent().unwrap_or(&path).display().to_string())
            }
            VaultError::Keyring { reason } => AppError::Keyring(format!(
                "The system keyring cannot unlock the vault ({reason}). Use the password."
            )),
            VaultError::NoKeyringSlot => AppError::Keyring(
                "This vault has no key in the system keyring. Use the password.".into(),
            ),
            VaultError::NoSuchEntry(_) => {
                AppError::NotFound("This account is no longer in the vault.".into())
            }
            VaultError::Otp(e) => AppError::from(e),
            VaultError::OlderCopy { found, seen } => AppError::OlderCopy(format!(
                "This vault file is an older copy (version {found}) than one this computer has already opened (version {seen}): an older file may have been put in its place. If you restored it on purpose, open it anyway; otherwise restore the newest backup."
            )),
            VaultError::KeyChanged => AppError::KeyChanged(
                "The vault's password was changed by another program. Unlock it again with the new password.".into(),
            ),
            VaultError::NoRecoveryCodes => {
                AppError::Invalid("No recovery code was found in the text.".into())
            }
            e @ (VaultError::RecoveryCodeNotFound | VaultError::RecoveryCodeUsed { .. }) => {
                AppError::Invalid(sentence(&e.to_string()))
            }
            e @ (VaultError::Busy
            | VaultError::Replaced
            | VaultError::Damaged(_)
            | VaultError::Io { .. }
            | VaultError::Sync(_)) => AppError::Io(sentence(&e.to_string())),
            other => AppError::Internal(sentence(&other.to_string())),
        }
    }
}

/// An entry id sent by the window.
pub fn parse_id(id: &str) -> Result<EntryId, AppError> {
    EntryId::parse(id)
        .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))
}
