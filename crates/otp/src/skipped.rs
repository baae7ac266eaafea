//! Items of an import that could not become entries, and why.
//!
//! A reason is a [`SkipReason`], not text, so front ends can tell a refused
//! parameter ([`SkipReason::Invalid`], carrying the typed [`OtpError`]) from
//! an OTP kind nobody here computes or an item that cannot be read, without
//! matching on message text. `Display` gives the message shown to users; it
//! never quotes secret material.

use thiserror::Error;

use crate::OtpError;

/// Why an item was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SkipReason {
    /// Its OTP parameters are refused: the entry's own check says which.
    #[error(transparent)]
    Invalid(#[from] OtpError),
    /// A hash function that no supported OTP kind uses (`MD5`).
    #[error("{0} is not a supported algorithm")]
    UnsupportedAlgorithm(&'static str),
    /// A kind of one-time password this app does not compute (mOTP,
    /// Yandex, Duo push-only accounts …).
    #[error("{0} entries are not supported")]
    UnsupportedKind(&'static str),
    /// A numeric code the source format does not define.
    #[error("unknown {field} number {value}")]
    UnknownCode { field: &'static str, value: i64 },
    /// The item is in the source app's trash.
    #[error("in {0}'s trash")]
    Trashed(&'static str),
    /// The item itself cannot be read (damaged, or its key is missing); the
    /// text says what, never quoting values.
    #[error("{0}")]
    Unreadable(String),
    /// Any other reason, in words (front ends describing what they found).
    #[error("{0}")]
    Other(String),
}

impl From<String> for SkipReason {
    fn from(text: String) -> Self {
        SkipReason::Other(text)
    }
}

impl From<&str> for SkipReason {
    fn from(text: &str) -> Self {
        SkipReason::Other(text.to_string())
    }
}

/// An item of an import that could not become an entry, and why. The
/// label names the account (`issuer: name`), so `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq)]
pub struct Skipped {
    /// A label for the user (`issuer: name`, or a position).
    pub label: String,
    pub reason: SkipReason,
}

impl std::fmt::Debug for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Skipped")
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl Skipped {
    pub fn new(label: impl Into<String>, reason: impl Into<SkipReason>) -> Self {
        Skipped {
            label: label.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(
            SkipReason::from(OtpError::BadBase32).to_string(),
            "the secret is not valid base32"
        );
        assert_eq!(
            SkipReason::UnsupportedAlgorithm("MD5").to_string(),
            "MD5 is not a supported algorithm"
        );
        assert_eq!(
            SkipReason::UnknownCode {
                field: "OTP type",
                value: 9
            }
            .to_string(),
            "unknown OTP type number 9"
        );
        assert_eq!(
            SkipReason::Trashed("Ente Auth").to_string(),
            "in Ente Auth's trash"
        );
    }
}
