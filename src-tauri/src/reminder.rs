//! The password reminder. A vault the OS keyring opens every day can have
//! its password forgotten, yet the password is what opens the backups, an
//! export's copy of the vault, and the vault on any other device. So, when
//! the keyring opened the vault and the password was last typed more than
//! `password_reminder_days` ago (Settings; 0: never), the window asks the
//! person to type it once, as a check they can put off.
//!
//! When the password was last typed correctly is kept in
//! `password-check.json` in the data folder (a time, nothing secret).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file beside the vault.
pub const FILE: &str = "password-check.json";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    checked_at: u64,
}

/// When the password was last typed correctly (Unix seconds); `None` when
/// never recorded (a vault from before the reminder, or an unreadable file).
pub fn last_checked(data_dir: &Path) -> Option<u64> {
    let bytes = std::fs::read(data_dir.join(FILE)).ok()?;
    serde_json::from_slice::<Record>(&bytes)
        .ok()
        .map(|r| r.checked_at)
}

/// Records that the password was typed correctly at `now`.
pub fn mark_checked(data_dir: &Path, now: u64) -> std::io::Result<()> {
    let json = serde_json::to_vec(&Record { checked_at: now }).map_err(std::io::Error::other)?;
    apiq_app::files::write_atomic(&data_dir.join(FILE), &json)
}

/// Whether to ask: `days` of 0 never asks; no record asks.
pub fn due(last: Option<u64>, now: u64, days: u32) -> bool {
    if days == 0 {
        return false;
    }
    match last {
        None => true,
        Some(t) => now.saturating_sub(t) >= u64::from(days) * 86_400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_after_the_days_and_never_with_zero() {
        let day = 86_400;
        assert!(!due(Some(1_000), 1_000 + 13 * day, 14));
        assert!(due(Some(1_000), 1_000 + 14 * day, 14));
        assert!(due(None, 5, 14));
        assert!(!due(None, 5, 0));
        assert!(!due(Some(0), 100 * day, 0));
        // A clock set back does not ask.
        assert!(!due(Some(10 * day), day, 14));
    }

    #[test]
    fn the_record_round_trips_and_a_bad_file_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(last_checked(dir.path()), None);
        mark_checked(dir.path(), 1_234).unwrap();
        assert_eq!(last_checked(dir.path()), Some(1_234));
        std::fs::write(dir.path().join(FILE), b"not json").unwrap();
        assert_eq!(last_checked(dir.path()), None);
    }
}
