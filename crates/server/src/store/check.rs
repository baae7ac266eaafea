//! A password check's bookkeeping, shared by both engines: whose checks
//! are counted ([`Checked`]), their state ([`CheckState`]), claiming one
//! before the hash ([`CheckClaim`], [`Claim`]) and settling it after
//! ([`Settled`], [`Settle`]), with the session a right password opens
//! ([`NewSession`]). The statements are the engines'; see [`Db`].

use super::Db;
#[cfg(doc)]
use super::Limit;
use crate::error::StoreError;

/// Whose password checks are counted.
#[derive(Debug, Clone, Copy)]
pub enum Checked {
    /// An account.
    User(i64),
    /// A login with no account, by its keyed hash (so that throttling
    /// answers an unknown login exactly as it answers a known one).
    Unknown([u8; 32]),
}

/// The password-check state of one account or unknown login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckState {
    pub failures: u32,
    pub last_failure: u64,
    /// Checks claimed and not yet settled …
    pub checks: u32,
    /// … and when the newest of them was claimed.
    pub since: u64,
}

/// Seconds after the newest claim that the checks in flight are
/// forgotten (a check takes well under a second; a crashed instance's
/// claims must not hold an account for ever).
pub const CHECK_LEASE: u64 = 60;

/// Result of claiming a password check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckClaim {
    /// Allowed: hash, then settle with [`Db::settle_check`].
    Allowed,
    /// As many checks as the account may have are in flight.
    Busy,
    /// Throttled for this many seconds.
    Wait(u64),
}

/// How a password check ended ([`Db::settle_check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// A wrong password: one more failure.
    Failed,
    /// The right one; the failure counter stays (a password confirmed, a
    /// sign-in that still needs its second factor).
    Passed,
    /// The right one, and the failure counter back to 0 (a sign-in done):
    /// in the same statement, one fewer per sign-in.
    Cleared,
}

impl Settled {
    /// (failed, cleared): the statements' two parameters.
    pub fn flags(self) -> (bool, bool) {
        (self == Settled::Failed, self == Settled::Cleared)
    }
}

/// A claimed password check to settle after the hash ([`Db::settle`]): the
/// check of `who` ends as `how` says and, unless the password was wrong,
/// the failed-attempt slot of `address` ([`Limit::Failures`]) is given back.
#[must_use = "a claimed check stays in flight until it is settled"]
pub struct Settle {
    pub who: Checked,
    pub how: Settled,
    pub now: u64,
    pub address: String,
}

/// A session to open as a password check is settled
/// ([`Db::settle_and_open`]), with its audit line.
pub struct NewSession<'a> {
    pub uid: i64,
    /// The SHA-256 of the session value.
    pub hash: &'a [u8; 32],
    pub pending: bool,
    pub expires: u64,
    /// The audit event (`signin`, `signin.pending`).
    pub event: &'a str,
}

/// [`Db::settle_and_open`] one statement at a time.
pub(super) fn settle_and_open_in_steps<D: Db + ?Sized>(
    db: &mut D,
    s: &Settle,
    new: &NewSession<'_>,
) -> Result<i64, StoreError> {
    db.settle(s)?;
    let id = db.insert_session(new.uid, new.hash, new.pending, s.now, new.expires)?;
    db.audit(Some(new.uid), s.now, new.event, &s.address, "")?;
    Ok(id)
}

/// Result of claiming an account's attempt slot.
pub enum Claim {
    /// Allowed; the failure counter now reads this.
    Allowed(u32),
    /// Throttled for this many seconds.
    Wait(u64),
}
