//! TOTP verification as the contract fixes it: SHA1, 6 digits, 30-second
//! steps, and the steps −1, 0 and +1 around `now`. Pure: the secret, the
//! code and the time come in, the matching time step goes out. Replay
//! protection (a step is consumed once) is the store's compare-and-set.

use apiq_otp::{hotp, Algorithm, Secret};
use subtle::ConstantTimeEq;

pub const PERIOD: u64 = 30;
pub const DIGITS: u8 = 6;

/// The highest step in `now`'s window whose code equals `code`, if any.
/// Every candidate is computed and compared in constant time.
pub fn matching_step(secret: &Secret, code: &str, now: u64) -> Option<u64> {
    let current = now / PERIOD;
    let mut found = None;
    for step in [current.saturating_sub(1), current, current + 1] {
        let Ok(expected) = hotp(secret, Algorithm::Sha1, step, DIGITS) else {
            continue; // DIGITS is valid: never taken
        };
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_minus_one_to_plus_one() {
        // RFC 6238 appendix B secret (SHA1).
        let s = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        let now = 59; // step 1
        let code = |step| hotp(&s, Algorithm::Sha1, step, 6).unwrap();
        assert_eq!(hotp(&s, Algorithm::Sha1, 1, 8).unwrap(), "94287082");
        assert_eq!(matching_step(&s, &code(0), now), Some(0));
        assert_eq!(matching_step(&s, &code(1), now), Some(1));
        assert_eq!(matching_step(&s, &code(2), now), Some(2));
        assert_eq!(matching_step(&s, &code(3), now), None);
        assert_eq!(matching_step(&s, &code(3), 4 * 30 + 1), Some(3));
        assert_eq!(matching_step(&s, &code(1), 3 * 30), None);
        assert_eq!(matching_step(&s, "", now), None);
    }
}
