//! The one error type of the crate.
//!
//! Messages say what happened and what to do; they never contain a password,
//! key, secret, recovery code, issuer or account name (ids and paths only).

use std::path::PathBuf;

use thiserror::Error;

/// Why a vault operation was refused. Nothing was written when one is
/// returned: every change is all or nothing.
#[derive(Debug, Error)]
pub enum VaultError {
    #[error("no vault at {}", path.display())]
    NotFound { path: PathBuf },
    #[error("a vault already exists at {}", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("wrong password")]
    WrongPassword,
    #[error("{0}")]
    Damaged(Damaged),
    #[error(
        "the vault was written by a newer version of Apiq (format {found}; this program reads format {supported})"
    )]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("this vault has no password slot; unlock it with the OS keyring")]
    NoPasswordSlot,
    #[error("this vault has no OS keyring slot")]
    NoKeyringSlot,
    #[error("the OS keyring cannot unlock this vault: {reason}")]
    Keyring { reason: String },
    #[error(
        "the vault is busy: another process (the Apiq window or another apiq command) is writing it; try again"
    )]
    Busy,
    #[error("the vault file was replaced by a different vault while it was open; open it again")]
    Replaced,
    #[error(
        "the vault's password was changed by another program (the data was re-keyed): unlock it again with the new password"
    )]
    KeyChanged,
    #[error(
        "this vault file is an older copy (version {found}) than one this device has already opened (version {seen}): an older file may have been put in its place. If you restored it on purpose, accept it (`apiq vault accept-older`, or \"Open this copy anyway\" in the window); otherwise restore the newest backup"
    )]
    OlderCopy { found: u64, seen: u64 },
    #[error("no entry with id {0}")]
    NoSuchEntry(String),
    #[error("the id {0} matches more than one entry; give more characters")]
    AmbiguousId(String),
    #[error(
        "Argon2 parameters below the floor (m = {m_kib} KiB, t = {t}; at least m = 19456 KiB, t = 2)"
    )]
    WeakKdf { m_kib: u32, t: u32 },
    #[error("invalid entry: {0}")]
    Otp(#[from] apiq_otp::OtpError),
    #[error("no unused recovery code of this entry matches")]
    RecoveryCodeNotFound,
    #[error("this recovery code was already used (at unix time {used_at})")]
    RecoveryCodeUsed { used_at: u64 },
    #[error("no recovery code found in the text")]
    NoRecoveryCodes,
    #[error("cannot remove the last key slot: the vault could never be opened again")]
    LastSlot,
    /// A sync folder that cannot be used (the reason names the folder or
    /// file, never a secret).
    #[error("{0}")]
    Sync(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl VaultError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        VaultError::Io {
            context: context.into(),
            source,
        }
    }
}

/// A vault file that cannot be read: which file, why, and the backups beside
/// it that may still open (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    pub path: PathBuf,
    pub reason: String,
    pub backups: Vec<PathBuf>,
}

impl std::fmt::Display for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the vault file {} is damaged ({})",
            self.path.display(),
            self.reason
        )?;
        if self.backups.is_empty() {
            write!(f, "; no backup was found beside it")
        } else {
            let list: Vec<String> = self
                .backups
                .iter()
                .map(|b| b.display().to_string())
                .collect();
            write!(
                f,
                "; backups that may still open, newest first: {}",
                list.join(", ")
            )
        }
    }
}
