//! Throttling policy, pure.
//!
//! **Per account** (stored with the account, so restarts and new sign-ins do
//! not reset it): `failures` counts consecutive failed attempts of any kind
//! (password, TOTP, recovery code); a fully successful authentication sets it
//! back to 0. After `failures` failures the next attempt is allowed
//! `delay(failures)` seconds after the last failure:
//!
//! ```text
//! failures   0..=4   5    6    7   …   14    15..=49   50 and more
//! delay      0       1s   2s   4s  …   512s  900s      86 400s (locked)
//! ```
//!
//! so the account is locked (one attempt a day) after 50 consecutive
//! failures, well before 100. Code attempts claim their slot atomically (the
//! counter is raised *before* the code is checked, by a compare-and-set on
//! the counter), so parallel guesses cannot slip through one window.
//!
//! **Per address**: a fixed window counts failed attempts from one IP
//! address (`addr_max_failures` per `addr_window` seconds); when full, every
//! authentication attempt from it gets 704 until the window ends. Accounts
//! created per address are limited the same way. Both counts live in the
//! database (`store`'s `address_limits`), so every instance sees them.

/// Failures allowed without any delay.
pub const FREE_FAILURES: u32 = 5;
/// Longest growing delay, seconds.
pub const MAX_DELAY: u64 = 900;
/// Consecutive failures that lock the account.
pub const LOCK_AT: u32 = 50;
/// How long a lock lasts after the last failure, seconds.
pub const LOCK_SECS: u64 = 86_400;

/// Seconds to wait after the last failure when `failures` have happened.
pub fn delay(failures: u32) -> u64 {
    if failures < FREE_FAILURES {
        0
    } else if failures >= LOCK_AT {
        LOCK_SECS
    } else {
        let exp = (failures - FREE_FAILURES).min(20);
        (1u64 << exp).min(MAX_DELAY)
    }
}

/// `None` when an attempt is allowed now, else the seconds to wait (≥ 1).
pub fn retry_after(failures: u32, last_failure: u64, now: u64) -> Option<u64> {
    let until = last_failure.saturating_add(delay(failures));
    if delay(failures) == 0 || now >= until {
        None
    } else {
        Some(until - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_lock_before_100() {
        let table = [
            (0, 0),
            (4, 0),
            (5, 1),
            (6, 2),
            (7, 4),
            (14, 512),
            (15, 900),
            (49, 900),
            (50, 86_400),
            (99, 86_400),
        ];
        for (n, d) in table {
            assert_eq!(delay(n), d, "failures {n}");
        }
        assert!(delay(LOCK_AT) >= 3600 && LOCK_AT < 100);
        assert_eq!(retry_after(4, 100, 100), None);
        assert_eq!(retry_after(5, 100, 100), Some(1));
        assert_eq!(retry_after(5, 100, 101), None);
        assert_eq!(retry_after(8, 100, 103), Some(5));
    }
}
