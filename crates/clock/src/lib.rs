//! # apiq-clock: is this machine's clock right?
//!
//! One-time codes are only right on a right clock, and a drifting clock is
//! the classic "wrong code" report. This crate measures the offset of the
//! local clock against a reference and says what it means:
//!
//! - [`sntp`]: an SNTP client (RFC 4330: one 48-byte UDP request, one
//!   48-byte reply, the offset from the four timestamps), and a minimal
//!   responder with a shifted clock for tests.
//! - [`http`]: the `Date` header of any HTTP reply (one-second resolution,
//!   enough to see a clock that is minutes off), such as the account
//!   server's.
//!
//! The sign convention everywhere (the `apiq clock` contract): a
//! **positive** offset means this clock is **behind** the reference
//! (reference time = local time + offset).
//!
//! The crate reads the system clock and the network; it holds no secret.

pub mod http;
pub mod sntp;

use serde::Serialize;

/// Beyond this many seconds either way the app warns: a 30-second TOTP
/// code made on a clock 15 s off is refused about half the time by a
/// verifier that allows no drift.
pub const WARN_THRESHOLD_S: f64 = 15.0;

/// One measurement of the local clock against a reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Reference time minus local time, in seconds (positive: this clock
    /// is behind).
    pub offset_s: f64,
    /// What was asked: the server's URL or `ntp:HOST:PORT`.
    pub source: String,
    /// The round trip the measurement took, in seconds (its uncertainty
    /// is about half of it, plus 0.5 s for an HTTP `Date`).
    pub round_trip_s: f64,
}

impl Measurement {
    /// Whether the offset is large enough to make codes fail.
    pub fn is_off(&self) -> bool {
        is_off(self.offset_s)
    }
}

/// Whether an offset (seconds) is beyond [`WARN_THRESHOLD_S`].
pub fn is_off(offset_s: f64) -> bool {
    offset_s.abs() > WARN_THRESHOLD_S
}

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("{0} is not a valid address (HOST or HOST:PORT)")]
    BadAddress(String),
    #[error("cannot reach {what}: {reason}")]
    Unreachable { what: String, reason: String },
    #[error("{0} did not answer in time")]
    Timeout(String),
    #[error("the reply is not a usable time: {0}")]
    BadReply(String),
    #[error("the NTP server is not synchronized itself")]
    Unsynchronized,
    #[error("the NTP server refused the request (kiss code {0})")]
    KissOfDeath(String),
    #[error("the server's reply has no Date header")]
    NoDate,
}

/// An offset in words: "2 min 3 s behind", "40 s ahead", "right".
pub fn describe_offset(offset_s: f64) -> String {
    let total = offset_s.abs().round() as u64;
    if total == 0 {
        return "right".into();
    }
    let way = if offset_s > 0.0 { "behind" } else { "ahead" };
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    let amount = match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    };
    format!("{amount} {way}")
}

/// The sentence the app shows when the clock is off: by how much, which
/// way, against what, and what to do.
pub fn warning_text(m: &Measurement) -> String {
    format!(
        "This computer's clock is {} (compared with {}). Codes made on a wrong clock are refused. \
         Turn on automatic date and time (NTP) in your system settings, or let the app correct \
         the codes in Settings.",
        describe_offset(m.offset_s),
        m.source
    )
}

/// Seconds since the Unix epoch now, as a float (microsecond resolution).
pub(crate) fn now_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_in_words() {
        assert_eq!(describe_offset(0.2), "right");
        assert_eq!(describe_offset(40.4), "40 s behind");
        assert_eq!(describe_offset(-40.6), "41 s ahead");
        assert_eq!(describe_offset(120.0), "2 min behind");
        assert_eq!(describe_offset(-123.0), "2 min 3 s ahead");
        assert_eq!(describe_offset(3700.0), "1 h 1 min behind");
    }

    #[test]
    fn the_threshold_is_strict_and_symmetric() {
        assert!(!is_off(15.0));
        assert!(!is_off(-15.0));
        assert!(is_off(15.1));
        assert!(is_off(-15.1));
    }

    #[test]
    fn the_warning_says_how_much_which_way_and_what_to_do() {
        let m = Measurement {
            offset_s: -95.0,
            source: "ntp:127.0.0.1:123".into(),
            round_trip_s: 0.001,
        };
        let t = warning_text(&m);
        assert!(t.contains("1 min 35 s ahead"), "{t}");
        assert!(t.contains("ntp:127.0.0.1:123"), "{t}");
        assert!(t.contains("automatic date and time"), "{t}");
    }
}
