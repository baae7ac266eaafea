//! Computing codes: RFC 4226 HOTP, RFC 6238 TOTP and Steam Guard.
//!
//! Codes are computed here rather than with `totp-rs` because its model
//! does not hold ours: it has no HOTP (counter-based codes), accepts only
//! 6–8 digits (we accept 6–10, as the CLI contract does) and, in its checked
//! constructor, only secrets of 128 bits or more (real exports carry 80-bit
//! secrets, such as the RFC test key and many issuers' defaults). It does
//! have Steam Guard codes, behind a feature; that is not why. Keying the HMAC
//! once per entry ([`Generator`]) is a measured bonus (≈2× faster on a
//! ticking display than re-keying per code). `totp-rs` is still used, as an
//! independent implementation, in this crate's tests.
//!
//! Nothing here panics, whatever the parameters: a zero period counts as 1
//! and digits past what the 31-bit value holds are leading zeros (only
//! [`crate::Entry::new_unchecked`] can make such entries). The raw
//! [`hotp`] checks its digits.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use crate::entry::DIGITS;
use crate::{Algorithm, Entry, Kind, OtpError, Secret};

/// Steam Guard's code alphabet.
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

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
            mac: KeyedMac::new(entry.algorithm(), entry.secret().expose()),
            digits: entry.digits(),
            kind: entry.kind(),
        }
    }

    /// The code at `unix_secs` (ignored for HOTP, which uses its counter).
    pub fn code_at(&self, unix_secs: u64) -> String {
        let step = |period: u32| unix_secs / u64::from(period.max(1));
        match self.kind {
            Kind::Totp { period } => self.counter_code(step(period)),
            Kind::Hotp { counter } => self.counter_code(counter),
            Kind::Steam { period } => {
                let mut v = self.mac.truncated(step(period));
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
        let v = u64::from(self.mac.truncated(counter));
        // 10^20 does not fit a u64; the 31-bit value needs no modulus then.
        let v = match 10u64.checked_pow(u32::from(self.digits)) {
            Some(m) => v % m,
            None => v,
        };
        format!("{v:0width$}", width = usize::from(self.digits))
    }
}

/// RFC 4226 HOTP on raw parameters: what a server verifying codes needs.
/// `digits` must be 6–10, as for entries ([`OtpError::BadDigits`]).
pub fn hotp(
    secret: &Secret,
    algorithm: Algorithm,
    counter: u64,
    digits: u8,
) -> Result<String, OtpError> {
    if !DIGITS.contains(&digits) {
        return Err(OtpError::BadDigits(digits.to_string()));
    }
    Ok(Generator {
        mac: KeyedMac::new(algorithm, secret.expose()),
        digits,
        kind: Kind::Hotp { counter },
    }
    .counter_code(counter))
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
            assert_eq!(hotp(&s, Algorithm::Sha1, counter as u64, 6).unwrap(), *want);
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
    fn hotp_checks_its_digits() {
        let s = secret(b"12345678901234567890");
        for bad in [0u8, 5, 11, 19, 20, 255] {
            assert_eq!(
                hotp(&s, Algorithm::Sha1, 0, bad),
                Err(OtpError::BadDigits(bad.to_string()))
            );
        }
        assert_eq!(hotp(&s, Algorithm::Sha1, 0, 10).unwrap().len(), 10);
    }
}
