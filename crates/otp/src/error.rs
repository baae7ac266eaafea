//! The one error type of the crate. Messages name what is wrong and never
//! include secret material (a bad secret is described, not quoted).

use thiserror::Error;

/// Why an entry, URI or payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OtpError {
    #[error("the secret is missing")]
    MissingSecret,
    #[error("the secret is empty")]
    EmptySecret,
    #[error("the secret is not valid base32")]
    BadBase32,
    #[error("unsupported OTP type {0:?} (expected totp, hotp or steam)")]
    BadType(String),
    #[error("unsupported algorithm {0:?} (expected SHA1, SHA256 or SHA512)")]
    BadAlgorithm(String),
    #[error("digits must be between 6 and 10, got {0}")]
    BadDigits(String),
    #[error("period must be a positive integer, got {0:?}")]
    BadPeriod(String),
    #[error("counter must be a non-negative integer, got {0:?}")]
    BadCounter(String),
    #[error("an HOTP entry needs a counter")]
    MissingCounter,
    #[error("not an otpauth:// URI")]
    NotOtpauth,
    #[error("malformed URI: {0}")]
    Malformed(String),
    #[error("not an otpauth-migration:// URI")]
    NotMigration,
    #[error("the migration payload is not valid: {0}")]
    BadMigration(String),
    #[error("migration batch incomplete: {0}")]
    IncompleteBatch(String),
}
