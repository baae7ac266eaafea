//! Time at the edge: every service reads "now" through a [`Clock`], so tests
//! move time by hand instead of sleeping (TOTP windows, session expiry,
//! throttling delays). Time is whole Unix seconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Where the server reads the current time (Unix seconds).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> u64;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// A clock moved by hand; clones share one time. For tests and simulations.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    pub fn new(unix_secs: u64) -> Self {
        ManualClock(Arc::new(AtomicU64::new(unix_secs)))
    }
    pub fn set(&self, unix_secs: u64) {
        self.0.store(unix_secs, Ordering::SeqCst);
    }
    pub fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// `yyyy-MM-dd HH:mm:ss` (UTC), the platform's date format.
pub fn format_utc(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses `yyyy-MM-dd HH:mm:ss` (UTC; `T` accepted for the space, seconds
/// optional). `None` when malformed or before 1970.
pub fn parse_utc(text: &str) -> Option<u64> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T']).unwrap_or((text, "00:00:00"));
    let mut dp = date.split('-');
    let y: i64 = num(dp.next()?, 4)?;
    let m: i64 = num(dp.next()?, 2)?;
    let d: i64 = num(dp.next()?, 2)?;
    if dp.next().is_some() {
        return None;
    }
    let time = time.strip_suffix('Z').unwrap_or(time);
    let mut tp = time.split(':');
    let hh: i64 = num(tp.next()?, 2)?;
    let mm: i64 = num(tp.next()?, 2)?;
    let ss: i64 = match tp.next() {
        Some(s) => num(s, 2)?,
        None => 0,
    };
    if tp.next().is_some() || !(1..=12).contains(&m) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return None; // 2023-02-30 and friends
    }
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    u64::try_from(secs).ok()
}

fn num(s: &str, width: usize) -> Option<i64> {
    if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

// Howard Hinnant's civil calendar algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for (secs, text) in [
            (0, "1970-01-01 00:00:00"),
            (951_782_400, "2000-02-29 00:00:00"),
            (1_668_556_800, "2022-11-16 00:00:00"),
            (4_102_444_799, "2099-12-31 23:59:59"),
        ] {
            assert_eq!(format_utc(secs), text);
            assert_eq!(parse_utc(text), Some(secs));
        }
        assert_eq!(parse_utc("2022-11-16T00:00:00Z"), Some(1_668_556_800));
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in [
            "",
            "2023-02-29 00:00:00",
            "2023-13-01 00:00:00",
            "2023-1-01 00:00:00",
            "2023-01-01 24:00:00",
            "1969-12-31 23:59:59",
            "२०२३-01-01 00:00:00",
            "2023-01-01 00:00:00:00",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn manual_clock_moves() {
        let c = ManualClock::new(10);
        let c2 = c.clone();
        c.advance(5);
        assert_eq!(c2.now(), 15);
        c2.set(3);
        assert_eq!(c.now(), 3);
    }
}
