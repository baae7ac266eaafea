//! What an authenticator entry is, and how its codes are computed.
//!
//! [`Entry`] keeps its OTP parameters private and is built through validating
//! constructors, so an entry that exists can always produce a code: digits are
//! 6–10 (5 for Steam), periods are positive, HOTP always has a counter.
//!
//! Codes are computed here rather than with `totp-rs` for two reasons that
//! were measured or required: [`Generator`] keys the HMAC once and clones the
//! keyed state per code (≈2× faster than re-keying, which is what `totp-rs`
//! does on every call), and Steam Guard's 5-character alphabet and 9/10-digit
//! codes are outside `totp-rs`'s model. `totp-rs` is still used, as an
//! independent implementation, in this crate's tests.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

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

/// Steam Guard's code alphabet.
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// One account in an authenticator: labels plus validated OTP parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The service, `""` when none.
    pub issuer: String,
    /// The account name.
    pub name: String,
    secret: Secret,
    algorithm: Algorithm,
    digits: u8,
    kind: Kind,
}

impl Entry {
    /// Builds a validated entry. Steam entries always have 5 digits (the
    /// `digits` argument is ignored for them); others need 6–10; periods
    /// must be positive.
    pub fn new(
        kind: Kind,
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
    ) -> Result<Self, OtpError> {
        let digits = match kind {
            Kind::Steam { .. } => 5,
            _ if (6..=10).contains(&digits) => digits,
            _ => return Err(OtpError::BadDigits(digits.to_string())),
        };
        if kind.period() == Some(0) {
            return Err(OtpError::BadPeriod("0".into()));
        }
        Ok(Entry {
            issuer: issuer.into(),
            name: name.into(),
            secret,
            algorithm,
            digits,
            kind,
        })
    }

    /// A TOTP entry with the usual defaults' shape spelled out.
    pub fn totp(
        issuer: impl Into<String>,
        name: impl Into<String>,
        secret: Secret,
        algorithm: Algorithm,
        digits: u8,
        period: u32,
    ) -> Result<Self, OtpError> {
        Entry::new(
            Kind::Totp { period },
            issuer,
            name,
            secret,
            algorithm,
            digits,
        )
    }

    pub fn secret(&self) -> &Secret {
        &self.secret
    }
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    pub fn digits(&self) -> u8 {
        self.digits
    }
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Sets an HOTP entry's counter; no effect on other kinds.
    pub fn set_counter(&mut self, value: u64) {
        if let Kind::Hotp { counter } = &mut self.kind {
            *counter = value;
        }
    }

    /// The code at `unix_secs` (TOTP, Steam) or at the stored counter (HOTP).
    pub fn code_at(&self, unix_secs: u64) -> String {
        Generator::new(self).code_at(unix_secs)
    }

    /// Seconds until the current code of a time-based entry changes.
    pub fn remaining_at(&self, unix_secs: u64) -> Option<u32> {
        self.kind
            .period()
            .map(|p| p - (unix_secs % u64::from(p)) as u32)
    }

    /// Same secret and same kind of OTP: what duplicate detection compares.
    pub fn same_otp(&self, other: &Entry) -> bool {
        self.secret == other.secret
            && self.algorithm == other.algorithm
            && self.digits == other.digits
            && std::mem::discriminant(&self.kind) == std::mem::discriminant(&other.kind)
            && self.kind.period() == other.kind.period()
    }
}

/// HMAC keyed once; each code clones the keyed state.
#[derive(Clone)]
enum KeyedMac {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

impl KeyedMac {
    fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        // HMAC takes keys of any length; `new_from_slice` cannot fail here.
        match algorithm {
            Algorithm::Sha1 => {
                KeyedMac::Sha1(Hmac::new_from_slice(key).expect("HMAC accepts any key length"))
            }
            Algorithm::Sha256 => {
                KeyedMac::Sha256(Hmac::new_from_slice(key).expect("HMAC accepts any key length"))
            }
            Algorithm::Sha512 => {
                KeyedMac::Sha512(Hmac::new_from_slice(key).expect("HMAC accepts any key length"))
            }
        }
    }

    /// RFC 4226 dynamic truncation of HMAC(counter): a 31-bit value.
    fn truncated(&self, counter: u64) -> u32 {
        fn dt(mac: impl Mac, counter: u64) -> u32 {
            let mut mac = mac;
            mac.update(&counter.to_be_bytes());
            let out = mac.finalize().into_bytes();
            let offset = (out[out.len() - 1] & 0x0f) as usize;
            u32::from_be_bytes([
                out[offset],
                out[offset + 1],
                out[offset + 2],
                out[offset + 3],
            ]) & 0x7fff_ffff
        }
        match self {
            KeyedMac::Sha1(m) => dt(m.clone(), counter),
            KeyedMac::Sha256(m) => dt(m.clone(), counter),
            KeyedMac::Sha512(m) => dt(m.clone(), counter),
        }
    }
}

/// A code generator for one entry with its HMAC keyed once: use it when one
/// entry produces many codes (a ticking display, benchmarks, verification
/// windows).
#[derive(Clone)]
pub struct Generator {
    mac: KeyedMac,
    digits: u8,
    kind: Kind,
}

impl Generator {
    pub fn new(entry: &Entry) -> Self {
        Generator {
            mac: KeyedMac::new(entry.algorithm, entry.secret.expose()),
            digits: entry.digits,
            kind: entry.kind,
        }
    }

    /// The code at `unix_secs` (ignored for HOTP, which uses its counter).
    pub fn code_at(&self, unix_secs: u64) -> String {
        match self.kind {
            Kind::Totp { period } => self.counter_code(unix_secs / u64::from(period)),
            Kind::Hotp { counter } => self.counter_code(counter),
            Kind::Steam { period } => {
                let mut v = self.mac.truncated(unix_secs / u64::from(period));
                let mut out = String::with_capacity(5);
                for _ in 0..5 {
                    out.push(STEAM_ALPHABET[(v % 26) as usize] as char);
                    v /= 26;
                }
                out
            }
        }
    }

    /// The numeric HOTP code for an explicit counter (Steam entries use the
    /// same truncation but their own alphabet: see [`Generator::code_at`]).
    pub fn counter_code(&self, counter: u64) -> String {
        let v = u64::from(self.mac.truncated(counter)) % 10u64.pow(u32::from(self.digits));
        format!("{v:0width$}", width = usize::from(self.digits))
    }
}

/// RFC 4226 HOTP on raw parameters: what a server verifying codes needs.
pub fn hotp(secret: &Secret, algorithm: Algorithm, counter: u64, digits: u8) -> String {
    Generator {
        mac: KeyedMac::new(algorithm, secret.expose()),
        digits,
        kind: Kind::Hotp { counter },
    }
    .counter_code(counter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(ascii: &[u8]) -> Secret {
        Secret::from_bytes(ascii.to_vec()).unwrap()
    }

    /// RFC 4226 appendix D.
    #[test]
    fn rfc4226_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let s = secret(b"12345678901234567890");
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(hotp(&s, Algorithm::Sha1, counter as u64, 6), *want);
        }
    }

    /// RFC 6238 appendix B (8 digits; the key length follows the hash).
    #[test]
    fn rfc6238_vectors() {
        let k1 = b"12345678901234567890".to_vec();
        let k256 = b"12345678901234567890123456789012".to_vec();
        let k512 = b"1234567890123456789012345678901234567890123456789012345678901234".to_vec();
        let table: &[(u64, &str, &str, &str)] = &[
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for &(t, s1, s256, s512) in table {
            for (key, alg, want) in [
                (&k1, Algorithm::Sha1, s1),
                (&k256, Algorithm::Sha256, s256),
                (&k512, Algorithm::Sha512, s512),
            ] {
                let e = Entry::totp("", "", secret(key), alg, 8, 30).unwrap();
                assert_eq!(e.code_at(t), want, "t={t} {alg:?}");
            }
        }
    }

    #[test]
    fn ten_digits_keep_leading_zeros() {
        let e = Entry::totp(
            "",
            "",
            secret(b"12345678901234567890"),
            Algorithm::Sha1,
            10,
            30,
        )
        .unwrap();
        for t in (0..3000).step_by(30) {
            let c = e.code_at(t);
            assert_eq!(c.len(), 10);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn steam_codes_use_the_alphabet() {
        let e = Entry::new(
            Kind::Steam { period: 30 },
            "Steam",
            "x",
            secret(b"12345678901234567890"),
            Algorithm::Sha1,
            6,
        )
        .unwrap();
        assert_eq!(e.digits(), 5);
        let c = e.code_at(1_700_000_000);
        assert_eq!(c.len(), 5);
        assert!(c.bytes().all(|b| STEAM_ALPHABET.contains(&b)));
    }

    #[test]
    fn validation() {
        let s = || secret(b"abc");
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 5, 30).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 11, 30).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 6, 0).is_err());
        assert!(Entry::totp("", "", s(), Algorithm::Sha1, 10, 1).is_ok());
    }

    #[test]
    fn remaining() {
        let e = Entry::totp("", "", secret(b"a"), Algorithm::Sha1, 6, 30).unwrap();
        assert_eq!(e.remaining_at(0), Some(30));
        assert_eq!(e.remaining_at(29), Some(1));
        assert_eq!(e.remaining_at(30), Some(30));
    }
}
