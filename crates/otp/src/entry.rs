//! What an authenticator entry is: its labels and its OTP parameters.
//!
//! [`Params`] is the plain-data description of how codes are computed
//! (kind, algorithm, digits). There is **one** checked way from parameters
//! to an [`Entry`]: [`Params::check`], called by [`Entry::from_params`] and by
//! the positional shorthands [`Entry::new`] and [`Entry::totp`]. So an entry
//! that exists obeys the policy: digits are 6–10 (always 5 for Steam),
//! periods are positive, HOTP always has a counter (the [`Kind`] enum carries
//! it). [`Entry::new_unchecked`] is the explicit way around the policy (as
//! `totp-rs`'s `new_unchecked`): for parameters checked before, or for a
//! caller that wants what the policy refuses; even then computing a code
//! never panics (see [`crate::code`]).
//!
//! `Debug` of an entry shows its parameters but never its labels: issuer and
//! account name say which services a person uses, and `Debug` output ends up
//! in logs and panic messages. The secret prints as `Secret(***)`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::code::Generator;
use crate::{OtpError, Secret};

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    #[default]
    #[serde(alias = "sha1")]
    Sha1,
    #[serde(alias = "sha256")]
    Sha256,
    #[serde(alias = "sha512")]
    Sha512,
}

impl Algorithm {
    /// `SHA1`, `SHA256` or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses an algorithm name in any case (`sha1`, `SHA256` …).
    pub fn parse(name: &str) -> Result<Self, OtpError> {
        match name.to_ascii_uppercase().as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::BadAlgorithm(name.to_string())),
        }
    }
}

/// The kind of one-time password, with the parameter only that kind has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// RFC 6238: the counter is `unix_time / period`.
    Totp { period: u32 },
    /// RFC 4226: an explicit counter, advanced after each use.
    Hotp { counter: u64 },
    /// Steam Guard: TOTP truncated into 5 characters of Steam's alphabet.
    Steam { period: u32 },
}

impl Kind {
    /// `totp`, `hotp` or `steam`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Totp { .. } => "totp",
            Kind::Hotp { .. } => "hotp",
            Kind::Steam { .. } => "steam",
        }
    }

    /// The period of a time-based kind.
    pub fn period(&self) -> Option<u32> {
        match *self {
            Kind::Totp { period } | Kind::Steam { period } => Some(period),
            Kind::Hotp { .. } => None,
        }
    }

    /// The counter of an HOTP entry.
    pub fn counter(&self) -> Option<u64> {
        match *self {
            Kind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }
}

/// Digits a numeric code may have: RFC 4226 asks for at least 6, and the
/// 31-bit truncated value has at most 10.
pub const DIGITS: std::ops::RangeInclusive<u8> = 6..=10;

/// Steam Guard codes are always this long.
pub const STEAM_DIGITS: u8 = 5;

/// How an entry's codes are computed, as plain data. Build it with
/// [`Params::totp`], [`Params::hotp`] or [`Params::steam`] (SHA1, 6 digits)
/// and the `with_*` setters, then check it (through [`Entry::from_params`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Params {
    pub kind: Kind,
    pub algorithm: Algorithm,
    /// Ignored for Steam, whose codes are always [`STEAM_DIGITS`] long.
    pub digits: u8,
}

impl Params {
    /// Time-based, SHA1, 6 digits.
    pub fn totp(period: u32) -> Self {
        Params {
            kind: Kind::Totp { period },
            algorithm: Algorithm::Sha1,
            digits: 6,
        }
    }

    /// Counter-based, SHA1, 6 digits.
    pub fn hotp(counter: u64) -> Self {
        Params {
            kind: Kind::Hotp { counter },
            algorithm: Algorithm::Sha1,
            digits: 6,
        }
    }

    /// Steam Guard (SHA1, 5 characters).
    pub fn steam(period: u32) -> Self {
        Params {
            kind: Kind::Steam { period },
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
        }
    }

    pub fn with_algorithm(self, algorithm: Algorithm) -> Self {
        Params { algorithm, ..self }
    }

    pub fn with_digits(self, digits: u8) -> Self {
        Params { digits, ..self }
    }

    /// The policy every checked entry obeys, with Steam's digits normalised
    /// to 5: digits in [`DIGITS`] for the numeric kinds, a positive period.
    pub fn check(self) -> Result<Params, OtpError> {
        let digits = match self.kind {
            Kind::Steam { .. } => STEAM_DIGITS,
            _ if DIGITS.contains(&self.digits) => self.digits,
            _ => return Err(OtpError::BadDigits(self.digits.to_string())),
        };
        if self.kind.period() == Some(0) {
            return Err(OtpError::BadPeriod("0".into()));
        }
        Ok(Params { digits, ..self })
    }
}

/// One account in an authenticator: labels plus validated OTP parameters.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The service, `""` when none.
    pub issuer: String,
    /// The account name.
    pub name: String,
    secret: Secret,
    params: Params,
}

impl fmt::Debug for Entry {
    /// Parameters only: no issuer, no name (see the module doc).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("kind", &self.params.kind)
            .field("algorithm", &self.params.algorithm)
            .field("digits", &self.params.digits)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// The checked constructor: [`Params::check`], then the entry.
    pub fn from_params(
        params: Params,
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
    ) -> Result<Self, OtpError> {
        Ok(Entry::new_unchecked(params.check()?, issuer, name, secret))
    }

    /// Builds an entry without [`Params::check`]: the caller vouches for the
    /// parameters, or wants ones the policy refuses (4-digit codes, say).
    /// Codes are still computed without panicking: a period of 0 counts as 1
    /// and digits past what the HMAC value holds are leading zeros.
    pub fn new_unchecked(
        params: Params,
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
    ) -> Self {
        Entry {
            issuer: issuer.into(),
            name: name.into(),
            secret,
            params,
        }
    }

    /// Positional shorthand for [`Entry::from_params`] (same check). Steam
    /// entries always have 5 digits (the `digits` argument is ignored for
    /// them); others need 6–10; periods must be positive.
    pub fn new(
        kind: Kind,
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
    ) -> Result<Self, OtpError> {
        Entry::from_params(
            Params {
                kind,
                algorithm,
                digits,
            },
            issuer,
            name,
            secret,
        )
    }

    /// A TOTP entry: shorthand for [`Entry::from_params`] (same check).
    pub fn totp(
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
        period: u32,
    ) -> Result<Self, OtpError> {
        Entry::from_params(
            Params::totp(period)
                .with_algorithm(algorithm)
                .with_digits(digits),
            issuer,
            name,
            secret,
        )
    }

    pub fn secret(&self) -> &Secret {
        &self.secret
    }
    pub fn params(&self) -> Params {
        self.params
    }
    pub fn algorithm(&self) -> Algorithm {
        self.params.algorithm
    }
    pub fn digits(&self) -> u8 {
        self.params.digits
    }
    pub fn kind(&self) -> Kind {
        self.params.kind
    }

    /// Sets an HOTP entry's counter; no effect on other kinds.
    pub fn set_counter(&mut self, value: u64) {
        if let Kind::Hotp { counter } = &mut self.params.kind {
            *counter = value;
        }
    }

    /// The code at `unix_secs` (TOTP, Steam) or at the stored counter (HOTP).
    pub fn code_at(&self, unix_secs: u64) -> String {
        Generator::new(self).code_at(unix_secs)
    }

    /// Seconds until the current code of a time-based entry changes.
    pub fn remaining_at(&self, unix_secs: u64) -> Option<u32> {
        self.params.kind.period().map(|p| {
            let p = p.max(1);
            p - (unix_secs % u64::from(p)) as u32
        })
    }

    /// Same secret and same kind of OTP: what duplicate detection compares.
    pub fn same_otp(&self, other: &Entry) -> bool {
        let (a, b) = (self.params, other.params);
        self.secret == other.secret
            && a.algorithm == b.algorithm
            && a.digits == b.digits
            && std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind)
            && a.kind.period() == b.kind.period()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(ascii: &[u8]) -> Secret {
        Secret::from_bytes(ascii.to_vec()).unwrap()
    }

    #[test]
    fn validation() {
        let s = || secret(b"abc");
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 5, 30).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 11, 30).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 6, 0).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 10, 1).is_ok());
        assert_eq!(
            Entry::from_params(Params::hotp(0).with_digits(20), "", "", s()),
            Err(OtpError::BadDigits("20".into()))
        );
        assert_eq!(
            Entry::from_params(Params::steam(0), "", "", s()),
            Err(OtpError::BadPeriod("0".into()))
        );
    }

    #[test]
    fn every_constructor_goes_through_one_check() {
        let s = || secret(b"abc");
        let p = Params::totp(45)
            .with_algorithm(Algorithm::Sha256)
            .with_digits(8);
        let a = Entry::from_params(p, "I", "n", s()).unwrap();
        let b = Entry::new(p.kind, "I", "n", s(), p.algorithm, p.digits).unwrap();
        let c = Entry::totp("I", "n", s(), Algorithm::Sha256, 8, 45).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.params(), p);
        // Steam's digits are normalised by the check.
        let st = Entry::from_params(Params::steam(30).with_digits(9), "", "", s()).unwrap();
        assert_eq!(st.digits(), STEAM_DIGITS);
    }

    #[test]
    fn unchecked_parameters_never_panic() {
        for digits in [0u8, 1, 4, 19, 20, 255] {
            for kind in [
                Kind::Totp { period: 0 },
                Kind::Hotp { counter: u64::MAX },
                Kind::Steam { period: 0 },
            ] {
                let p = Params {
                    kind,
                    algorithm: Algorithm::Sha512,
                    digits,
                };
                let e = Entry::new_unchecked(p, "", "", secret(b"abc"));
                let code = e.code_at(u64::MAX);
                if digits > 0 && !matches!(kind, Kind::Steam { .. }) {
                    assert_eq!(code.len(), usize::from(digits), "{p:?}");
                }
                let _ = e.remaining_at(u64::MAX);
            }
        }
        let e = Entry::new_unchecked(Params::totp(30).with_digits(4), "", "", secret(b"abc"));
        assert_eq!(e.code_at(0).len(), 4);
    }

    /// Debug output goes to logs: it names no service and no account.
    #[test]
    fn debug_hides_labels_and_secret() {
        let e = Entry::totp(
            "SecretBank",
            "alice@example.com",
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
            Algorithm::Sha1,
            6,
            30,
        )
        .unwrap();
        let d = format!("{e:?} {e:#?}");
        for hidden in ["SecretBank", "alice", "JBSW", "72, 101"] {
            assert!(!d.contains(hidden), "{hidden} in {d}");
        }
        assert!(d.contains("Totp") && d.contains("Secret(***)"), "{d}");
    }

    #[test]
    fn remaining() {
        let e = Entry::totp("", "", secret(b"a"), Algorithm::Sha1, 6, 30).unwrap();
        assert_eq!(e.remaining_at(0), Some(30));
        assert_eq!(e.remaining_at(29), Some(1));
        assert_eq!(e.remaining_at(30), Some(30));
    }
}
