//! The app's one error type and its single shape at the IPC edge:
//! `{kind, message}`, where `kind` is stable for code and `message` is a
//! plain sentence for people. Messages never hold secrets, file contents or
//! raw library dumps; a library error is mapped to what the person can do.

use serde::{Serialize, Serializer};

use crate::dto::{ErrorKind, ErrorView};

/// Every way a command can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("The vault is locked. Unlock it first.")]
    Locked,
    #[error("There is no vault yet. Create one first.")]
    NoVault,
    #[error("A vault already exists in {0}.")]
    VaultExists(String),
    #[error("Wrong password.")]
    WrongPassword,
    #[error("Type the vault's password to continue.")]
    PasswordRequired,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Keyring(String),
    #[error("{0}")]
    Scan(String),
    #[error("{0}")]
    Import(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Clipboard(String),
    #[error("{0}")]
    Account(String),
    #[error("{0}")]
    Throttled(String),
    #[error("{0}")]
    SessionEnded(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Internal(String),
    /// The vault file is older than one this device has opened.
    #[error("{0}")]
    OlderCopy(String),
    /// Another program changed the vault's password (re-keying it).
    #[error("{0}")]
    KeyChanged(String),
}

impl AppError {
    /// The stable machine-readable kind of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Locked => ErrorKind::Locked,
            AppError::NoVault => ErrorKind::NoVault,
            AppError::VaultExists(_) => ErrorKind::VaultExists,
            AppError::WrongPassword => ErrorKind::WrongPassword,
            AppError::PasswordRequired => ErrorKind::PasswordRequired,
            AppError::Invalid(_) => ErrorKind::Invalid,
            AppError::NotFound(_) => ErrorKind::NotFound,
            AppError::Keyring(_) => ErrorKind::Keyring,
            AppError::Scan(_) => ErrorKind::Scan,
            AppError::Import(_) => ErrorKind::Import,
            AppError::Io(_) => ErrorKind::Io,
            AppError::Clipboard(_) => ErrorKind::Clipboard,
            AppError::Account(_) => ErrorKind::Account,
            AppError::Throttled(_) => ErrorKind::Throttled,
            AppError::SessionEnded(_) => ErrorKind::SessionEnded,
            AppError::Unreachable(_) => ErrorKind::Unreachable,
            AppError::Internal(_) => ErrorKind::Internal,
            AppError::OlderCopy(_) => ErrorKind::OlderCopy,
            AppError::KeyChanged(_) => ErrorKind::KeyChanged,
        }
    }

    pub fn view(&self) -> ErrorView {
        ErrorView {
            kind: self.kind(),
            message: self.to_string(),
        }
    }

    /// A file operation failed: says which file and what the system said,
    /// in words (the OS error text names no contents).
    pub fn io(what: &str, err: &std::io::Error) -> Self {
        let why = match err.kind() {
            std::io::ErrorKind::NotFound => "it does not exist".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => err.to_string(),
        };
        AppError::Io(format!("Could not {what}: {why}."))
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(s)
    }
}

impl From<apiq_otp::OtpError> for AppError {
    fn from(e: apiq_otp::OtpError) -> Self {
        AppError::Invalid(sentence(&e.to_string()))
    }
}

impl From<apiq_scan::ScanError> for AppError {
    fn from(e: apiq_scan::ScanError) -> Self {
        AppError::Scan(sentence(&e.to_string()))
    }
}

/// A library message ("the secret is empty") as a sentence ("The secret is
/// empty.").
pub fn sentence(msg: &str) -> String {
    let mut s = String::with_capacity(msg.len() + 1);
    let mut chars = msg.trim().chars();
    if let Some(first) = chars.next() {
        s.extend(first.to_uppercase());
        s.push_str(chars.as_str());
    }
    if !s.is_empty() && !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_kind_and_sentence() {
        let v = serde_json::to_value(AppError::WrongPassword).unwrap();
        assert_eq!(v["kind"], "wrong_password");
        assert_eq!(v["message"], "Wrong password.");
        let v = serde_json::to_value(AppError::from(apiq_otp::OtpError::EmptySecret)).unwrap();
        assert_eq!(v["kind"], "invalid");
        assert_eq!(v["message"], "The secret is empty.");
    }

    #[test]
    fn sentence_capitalises_and_ends() {
        assert_eq!(sentence("wrong password"), "Wrong password.");
        assert_eq!(sentence("Done!"), "Done!");
        assert_eq!(sentence(""), "");
    }
}
