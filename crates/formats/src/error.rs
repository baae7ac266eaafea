//! The one error type of the crate.
//!
//! Messages say what is wrong and never quote secret material: parse errors
//! of the underlying JSON/XML/CSV libraries are reduced to their category and
//! position (`util::json_error`) because their messages can
//! quote field values.

use thiserror::Error;

/// Why an import or an export failed as a whole. Problems with single
/// entries are not errors: they come back as [`apiq_otp::Skipped`] items.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// The input is larger than [`crate::MAX_INPUT_BYTES`]; it was refused
    /// before any parsing.
    #[error("the file is too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge { size: u64, limit: u64 },
    /// Auto-detection recognised none of the supported formats.
    #[error("the file is not in any supported export format")]
    UnknownFormat,
    /// The export is encrypted and no password was given.
    #[error("this export is encrypted: a password is required")]
    PasswordRequired,
    /// The password does not open the export. Where a format has a separate
    /// key check (Aegis' slots, 2FAS' reference, FreeOTP's master key), a
    /// damaged file past the key check is [`FormatError::Corrupt`] instead;
    /// where a single authentication tag covers everything (andOTP, Stratum),
    /// a damaged file also reads as a wrong password.
    #[error("wrong password")]
    WrongPassword,
    /// The file is damaged, truncated, or not what its format says it is.
    #[error("the file is damaged or not a valid {format} export: {reason}")]
    Corrupt {
        format: &'static str,
        reason: String,
    },
    /// A valid file using something this crate does not implement (an
    /// encrypted Bitwarden export, key-derivation parameters past our
    /// limits, an export format that cannot be encrypted …).
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl FormatError {
    /// Shorthand for [`FormatError::Corrupt`].
    pub(crate) fn corrupt(format: &'static str, reason: impl Into<String>) -> Self {
        FormatError::Corrupt {
            format,
            reason: reason.into(),
        }
    }
}
