//! HOTP resynchronization: finding where a drifted counter really is.
//!
//! An HOTP counter drifts when codes are made and not used (or used on
//! another device): the service's counter and ours part. The way back is
//! the one RFC 4226 (section 7.4) describes for servers: take two
//! *consecutive* codes the service accepts and search a window of counters
//! ahead of ours for the pair. Two codes, not one: a single 6-digit code
//! matches some counter in a window of 1,000 by chance about once in a
//! thousand searches; a consecutive pair about once in a billion.
//!
//! Pure: the entry and the codes come in, the counter to store goes out.

use subtle::ConstantTimeEq;

use crate::{Entry, Generator, Kind};

/// How many counters ahead of the stored one are searched by default.
pub const DEFAULT_WINDOW: u64 = 1000;

/// Why no counter was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResyncError {
    #[error("only HOTP (counter-based) entries have a counter to resynchronize")]
    NotHotp,
    #[error("{0:?} is not a {1}-digit code")]
    BadCode(String, u8),
    #[error("the two codes are the same; type two consecutive codes")]
    SameCode,
    #[error("no two consecutive codes in the {window} counters from {from} match; check the codes and their order")]
    NotFound { from: u64, window: u64 },
}

/// The counter to store after `code1` and `code2`, two consecutive codes
/// of `entry` (spaces ignored): the counter after the pair's second code.
/// Counters from the entry's stored counter to `window` ahead are searched;
/// the first match wins.
pub fn resync(entry: &Entry, code1: &str, code2: &str, window: u64) -> Result<u64, ResyncError> {
    let Kind::Hotp { counter: from } = entry.kind() else {
        return Err(ResyncError::NotHotp);
    };
    let digits = entry.digits();
    let clean = |c: &str| -> Result<String, ResyncError> {
        let s: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
        if s.len() != usize::from(digits) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ResyncError::BadCode(c.to_string(), digits));
        }
        Ok(s)
    };
    let (c1, c2) = (clean(code1)?, clean(code2)?);
    if c1 == c2 {
        return Err(ResyncError::SameCode);
    }
    let g = Generator::new(entry);
    let eq = |a: &str, b: &str| bool::from(a.as_bytes().ct_eq(b.as_bytes()));
    let mut prev_matches = false;
    for c in from..from.saturating_add(window).saturating_add(1) {
        let code = g.counter_code(c);
        if prev_matches && eq(&code, &c2) {
            return Ok(c.saturating_add(1));
        }
        prev_matches = eq(&code, &c1);
    }
    Err(ResyncError::NotFound { from, window })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, Secret};

    fn hotp(counter: u64, digits: u8) -> Entry {
        let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        Entry::new(
            Kind::Hotp { counter },
            "Svc",
            "ann",
            secret,
            Algorithm::Sha1,
            digits,
        )
        .unwrap()
    }

    #[test]
    fn finds_the_pair_ahead_and_returns_the_next_counter() {
        // RFC 4226 appendix D: counter 5 -> 254676, 6 -> 287922.
        let e = hotp(0, 6);
        assert_eq!(resync(&e, "254676", "287922", 1000), Ok(7));
        assert_eq!(resync(&e, "254 676", " 287922 ", 1000), Ok(7));
    }

    #[test]
    fn far_ahead_within_the_window_and_not_beyond() {
        let e = hotp(10, 6);
        let g = Generator::new(&e);
        let (a, b) = (g.counter_code(10 + 999), g.counter_code(10 + 1000));
        assert_eq!(resync(&e, &a, &b, 1000), Ok(1011));
        assert_eq!(
            resync(&e, &a, &b, 998),
            Err(ResyncError::NotFound {
                from: 10,
                window: 998
            })
        );
    }

    #[test]
    fn the_codes_must_be_in_order_and_behind_is_not_searched() {
        let e = hotp(0, 6);
        assert!(matches!(
            resync(&e, "287922", "254676", 1000),
            Err(ResyncError::NotFound { .. })
        ));
        // Counter 7 stored: codes 5 and 6 are behind it.
        assert!(matches!(
            resync(&hotp(7, 6), "254676", "287922", 1000),
            Err(ResyncError::NotFound { .. })
        ));
    }

    #[test]
    fn the_stored_counter_itself_is_a_candidate() {
        let e = hotp(5, 6);
        assert_eq!(resync(&e, "254676", "287922", 1000), Ok(7));
    }

    #[test]
    fn bad_codes_and_kinds_are_refused() {
        let e = hotp(0, 6);
        assert_eq!(
            resync(&e, "25467", "287922", 10),
            Err(ResyncError::BadCode("25467".into(), 6))
        );
        assert_eq!(
            resync(&e, "254676", "28792x", 10),
            Err(ResyncError::BadCode("28792x".into(), 6))
        );
        assert_eq!(
            resync(&e, "254676", "254676", 10),
            Err(ResyncError::SameCode)
        );
        let secret = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        let t = Entry::totp("", "x", secret, Algorithm::Sha1, 6, 30).unwrap();
        assert_eq!(
            resync(&t, "254676", "287922", 10),
            Err(ResyncError::NotHotp)
        );
    }

    #[test]
    fn eight_digit_codes() {
        let e = hotp(0, 8);
        let g = Generator::new(&e);
        let (a, b) = (g.counter_code(42), g.counter_code(43));
        assert_eq!(resync(&e, &a, &b, 100), Ok(44));
    }

    #[test]
    fn a_counter_near_the_top_does_not_overflow() {
        let e = hotp(u64::MAX - 3, 6);
        let g = Generator::new(&e);
        let (a, b) = (g.counter_code(u64::MAX - 2), g.counter_code(u64::MAX - 1));
        assert_eq!(resync(&e, &a, &b, 1000), Ok(u64::MAX));
    }
}
