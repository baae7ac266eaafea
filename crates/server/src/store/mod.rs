//! Storage: every SQL statement of the server lives below this module,
//! behind one interface ([`Db`]) with two engines:
//!
//! - `sqlite`: one file, one process (the default; the desktop app's
//!   bundled backend);
//! - `pg`: PostgreSQL, any number of server instances on one database.
//!
//! Both are used the same way: [`Store::call`] runs a closure on tokio's
//! blocking pool with a pooled connection (at most `pool_size` at once), so
//! a request's several statements take one thread hop, and the request code
//! above is the same for both engines.
//!
//! Changes that must happen once are one conditional statement whose row
//! count is checked: consuming a TOTP step (`totp_last_step < ?`), a
//! recovery code (`used_at IS NULL`), a pending session's attempt
//! (`attempts < 5`), an account's attempt slot (compare-and-set on
//! `failures`). Multi-row changes run in transactions. This holds on one
//! SQLite file (writers serialized) and across instances on PostgreSQL
//! (row locks; READ COMMITTED re-checks the condition after a wait).
//!
//! All state that must agree between instances lives in the database:
//! accounts and their failure counters, sessions (pending ones too, with
//! their attempt counts), recovery codes, tokens, the audit trail,
//! failures against unknown logins, and the per-address limits
//! (`address_limits`: failed attempts and accounts created per address).
//!
//! Nothing secret is stored in the clear: passwords as Argon2id PHC strings,
//! sessions and tokens as SHA-256, TOTP secrets and recovery codes sealed
//! with the server key, recovery codes found through a keyed hash.

mod check;
mod pg;
mod sqlite;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::error::StoreError;
use crate::throttle;

use check::settle_and_open_in_steps;
pub use check::{CheckClaim, CheckState, Checked, Claim, NewSession, Settle, Settled, CHECK_LEASE};

/// Rows of `unknown_logins` idle this long are dropped: longer than the
/// longest throttle delay, so forgetting them changes no answer.
pub const UNKNOWN_LOGIN_TTL: u64 = 2 * 24 * 3600;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (created and migrated when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl Database {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:PATH`
    /// and anything else is an SQLite path.
    pub fn parse(text: &str) -> Database {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Database::Postgres(text.to_owned())
        } else {
            Database::Sqlite(PathBuf::from(text.strip_prefix("sqlite:").unwrap_or(text)))
        }
    }
}

/// Never shows a PostgreSQL URL (it may hold a password).
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            Database::Postgres(_) => f.write_str("Postgres(***)"),
        }
    }
}

/// The connection pool of one engine.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

enum Engine {
    Sqlite {
        path: PathBuf,
        idle: Mutex<Vec<rusqlite::Connection>>,
    },
    Postgres {
        config: Box<postgres::Config>,
        idle: Mutex<Vec<pg::Conn>>,
    },
}

struct Inner {
    engine: Engine,
    permits: Arc<Semaphore>,
}

fn take<C>(idle: &Mutex<Vec<C>>) -> Option<C> {
    idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
}

fn give<C>(idle: &Mutex<Vec<C>>, c: C) {
    idle.lock().unwrap_or_else(|e| e.into_inner()).push(c);
}

impl Store {
    /// Opens (creating if needed) and migrates the database. Blocking.
    pub fn open(db: &Database, pool_size: usize) -> Result<Self, StoreError> {
        let engine = match db {
            Database::Sqlite(path) => {
                let mut conn = sqlite::open_conn(path)?;
                sqlite::migrate(&mut conn)?;
                Engine::Sqlite {
                    path: path.clone(),
                    idle: Mutex::new(vec![conn]),
                }
            }
            Database::Postgres(url) => {
                let config = pg::config(url)?;
                // The blocking client runs its own small runtime: keep it
                // off any async context the caller may be in.
                let conn = std::thread::scope(|s| {
                    s.spawn(|| {
                        let mut conn = pg::Conn::connect(&config)?;
                        pg::migrate(&mut conn)?;
                        Ok::<_, StoreError>(conn)
                    })
                    .join()
                    .map_err(|_| StoreError::Join)?
                })?;
                Engine::Postgres {
                    config: Box::new(config),
                    idle: Mutex::new(vec![conn]),
                }
            }
        };
        Ok(Store {
            inner: Arc::new(Inner {
                engine,
                permits: Arc::new(Semaphore::new(pool_size.max(1))),
            }),
        })
    }

    /// Runs `f` with a pooled connection on a blocking thread. A
    /// PostgreSQL connection that broke meanwhile is dropped, not pooled.
    pub async fn call<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut dyn Db) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| E::from(StoreError::Join))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            match &inner.engine {
                Engine::Sqlite { path, idle } => {
                    let mut conn = match take(idle) {
                        Some(c) => c,
                        None => sqlite::open_conn(path)?,
                    };
                    let out = f(&mut conn);
                    give(idle, conn);
                    out
                }
                Engine::Postgres { config, idle } => {
                    let mut conn = match take(idle) {
                        Some(c) if c.is_usable() => c,
                        _ => pg::Conn::connect(config)?,
                    };
                    let out = f(&mut conn);
                    if conn.is_usable() {
                        give(idle, conn);
                    }
                    out
                }
            }
        })
        .await
        .map_err(|_| E::from(StoreError::Join))?
    }
}

/// One account.
#[derive(Clone)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_pending: Option<Vec<u8>>,
}

pub struct SessionRow {
    pub id: i64,
    pub pending: bool,
    pub created: u64,
    pub last_used: u64,
    pub expires: u64,
}

pub struct TokenRow {
    pub id: i64,
    pub description: String,
    pub api_list: String,
    pub expires_at: Option<u64>,
    pub created: u64,
    pub last_used: Option<u64>,
    pub last4: String,
}

pub struct RecoveryRow {
    pub sealed: Vec<u8>,
    pub used: bool,
}

pub struct AuditRow {
    pub id: i64,
    pub at: u64,
    pub event: String,
    pub address: String,
    pub detail: String,
}

/// A new recovery code, sealed, with its keyed lookup hash.
pub struct NewCode {
    pub lookup: [u8; 32],
    pub sealed: Vec<u8>,
}

/// What a code-consuming change did.
#[derive(Debug, PartialEq, Eq)]
pub enum Consumed {
    /// The code was consumed and the session is now full.
    Done,
    /// The step was already used, or the code is unknown or used.
    Refused,
    /// The pending session disappeared meanwhile (nothing consumed).
    SessionGone,
}

/// Stale rows (ended address windows, idle unknown logins) are swept at
/// most this often per process and table, not on every request: the
/// statements that read those tables ignore stale rows anyway, so the
/// sweep only keeps the tables small.
pub const SWEEP_EVERY: u64 = 60;

/// Tables swept by [`sweep_due`].
#[derive(Clone, Copy)]
pub(crate) enum Sweep {
    AddressLimits = 0,
    UnknownLogins = 1,
    Sessions = 2,
}

/// Whether `table` is due for a sweep at `now` (claims the sweep: the next
/// caller within [`SWEEP_EVERY`] gets false).
pub(crate) fn sweep_due(table: Sweep, now: u64) -> bool {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
    let last = &LAST[table as usize];
    let seen = last.load(Ordering::Relaxed);
    (now < seen || now >= seen.saturating_add(SWEEP_EVERY))
        && last
            .compare_exchange(seen, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

/// A per-address limit: which events it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Failed authentication attempts.
    Failures,
    /// Accounts created.
    Signups,
}

impl Limit {
    fn key(self) -> &'static str {
        match self {
            Limit::Failures => "failures",
            Limit::Signups => "signups",
        }
    }
}

/// The columns of [`UserRow`], in its field order.
const USER_COLS: &str = "id, login, name, password_hash, totp_secret, totp_pending";
/// The columns of [`SessionRow`], in its field order.
const SESSION_COLS: &str = "id, pending, created, last_used, expires";
/// The columns of [`TokenRow`], in its field order.
const TOKEN_COLS: &str = "id, description, api_list, expires_at, created, last_used, last4";

/// `a, b` → `t.a, t.b`.
fn prefixed(table: &str, cols: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `id IN (…)` for a list of ids (integers only: no injection possible).
fn id_filter(ids: Option<&[i64]>) -> String {
    match ids {
        None => String::new(),
        Some(ids) => {
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            format!(" AND id IN ({})", list.join(","))
        }
    }
}

/// Every statement the server runs, on one connection of either engine.
/// Methods that change something once are conditional statements whose
/// row count decides (see the module doc).
#[allow(clippy::too_many_arguments)]
pub trait Db {
    // ---- users and their failure counters --------------------------

    /// `None` when the login is taken.
    fn insert_user(
        &mut self,
        login: &str,
        name: &str,
        phc: &str,
        now: u64,
    ) -> Result<Option<i64>, StoreError>;
    fn user_by_login(&mut self, login: &str) -> Result<Option<UserRow>, StoreError>;
    /// An account by login with its password-check state (a sign-in's
    /// first step, so its claim needs no read of its own).
    fn user_by_login_checked(
        &mut self,
        login: &str,
    ) -> Result<Option<(UserRow, CheckState)>, StoreError> {
        let Some(user) = self.user_by_login(login)? else {
            return Ok(None);
        };
        let state = self.check_state(&Checked::User(user.id), 0)?;
        Ok(state.map(|s| (user, s)))
    }
    /// `(failures, last_failure)` of account `uid`.
    fn failure_state(&mut self, uid: i64) -> Result<Option<(u32, u64)>, StoreError>;
    /// Raises the counter of `uid` from `seen` to `seen + 1` if it still
    /// reads `seen` (compare-and-set); true when it did.
    fn cas_failures(&mut self, uid: i64, seen: u32, now: u64) -> Result<bool, StoreError>;
    /// Password checks of `who`: its failures and the checks in flight.
    /// For a login with no account a zero row is made first (so the
    /// checks in flight have a row to be counted on).
    fn check_state(&mut self, who: &Checked, now: u64) -> Result<Option<CheckState>, StoreError>;
    /// Sets the checks in flight of `who` to `checks` (their lease from
    /// `now`) if its state still reads `seen` (compare-and-set); true when
    /// it did.
    fn cas_checks(
        &mut self,
        who: &Checked,
        seen: &CheckState,
        checks: u32,
        now: u64,
    ) -> Result<bool, StoreError>;
    /// Ends one check of `who` claimed by [`Db::claim_check`]: one fewer in
    /// flight and, as `how` says, one more failure at `now` or the failure
    /// counter back to 0. Returns the failure counter. For logins with no
    /// account it also drops rows idle past [`UNKNOWN_LOGIN_TTL`] with
    /// nothing in flight.
    fn settle_check(&mut self, who: &Checked, how: Settled, now: u64) -> Result<u32, StoreError>;

    /// Settles a claimed check ([`Settle`]); returns the failure counter.
    fn settle(&mut self, s: &Settle) -> Result<u32, StoreError> {
        let failures = self.settle_check(&s.who, s.how, s.now)?;
        if s.how != Settled::Failed {
            self.address_give_back(Limit::Failures, &s.address)?;
        }
        Ok(failures)
    }

    /// Settles the check of a right password ([`Db::settle`]) and opens
    /// session `new` with its audit line; returns the session's id. On
    /// PostgreSQL these four changes are one statement: the sign-in's
    /// second trip is then one round trip, not four, and the CPU the
    /// database server saves goes to the hashing.
    fn settle_and_open(&mut self, s: &Settle, new: &NewSession<'_>) -> Result<i64, StoreError> {
        settle_and_open_in_steps(self, s, new)
    }

    /// Claims a password check of `who` before the password is hashed, so
    /// parallel guesses cannot all pass one throttle window: at most
    /// `FREE_FAILURES - failures` checks in flight while the account has
    /// free attempts left, one at a time after that, none while it must
    /// wait. A refusal because of failures is [`CheckClaim::Wait`]
    /// (throttled); because of checks in flight, [`CheckClaim::Busy`]
    /// (nothing failed: the caller may retry at once). A claim's lease
    /// ends [`CHECK_LEASE`] seconds after the newest claim, so a crashed
    /// instance cannot hold an account's checks for ever.
    /// `seen`, when given, is the state just read (the first try's, saving
    /// a read; a stale one only costs a retry).
    fn claim_check(
        &mut self,
        who: &Checked,
        mut seen: Option<CheckState>,
        now: u64,
    ) -> Result<CheckClaim, StoreError> {
        loop {
            let seen = match seen.take() {
                Some(s) => s,
                None => match self.check_state(who, now)? {
                    Some(s) => s,
                    // The account is gone: nothing to check against.
                    None => return Ok(CheckClaim::Wait(1)),
                },
            };
            if let Some(wait) = throttle::retry_after(seen.failures, seen.last_failure, now) {
                return Ok(CheckClaim::Wait(wait));
            }
            let in_flight = if now >= seen.since.saturating_add(CHECK_LEASE) {
                0
            } else {
                seen.checks
            };
            let allowed = throttle::FREE_FAILURES.saturating_sub(seen.failures).max(1);
            if in_flight >= allowed {
                return Ok(CheckClaim::Busy);
            }
            if self.cas_checks(who, &seen, in_flight + 1, now)? {
                return Ok(CheckClaim::Allowed);
            }
        }
    }

    /// Claims an attempt slot of account `uid`: raises its failure counter
    /// by compare-and-set when the throttle allows an attempt now.
    fn claim_attempt(&mut self, uid: i64, now: u64) -> Result<Claim, StoreError> {
        loop {
            let Some((failures, last)) = self.failure_state(uid)? else {
                return Ok(Claim::Wait(1));
            };
            if let Some(wait) = throttle::retry_after(failures, last, now) {
                return Ok(Claim::Wait(wait));
            }
            if self.cas_failures(uid, failures, now)? {
                return Ok(Claim::Allowed(failures + 1));
            }
        }
    }

    // ---- per-address limits ------------------------------------------

    /// `(window_start, count)` of one address's window.
    fn address_state(
        &mut self,
        kind: &str,
        address: &str,
    ) -> Result<Option<(u64, u32)>, StoreError>;

    /// `Some(seconds)` when `address` has used up `max` events of `limit`
    /// in its current window.
    fn address_wait(
        &mut self,
        limit: Limit,
        address: &str,
        now: u64,
        max: u32,
        window: u64,
    ) -> Result<Option<u64>, StoreError> {
        Ok(match self.address_state(limit.key(), address)? {
            Some((start, n)) if n >= max && now < start.saturating_add(window) => {
                Some((start + window - now).max(1))
            }
            _ => None,
        })
    }

    /// Counts one event of `kind` for `address` only if its current window
    /// has fewer than `max` (one conditional upsert, so parallel claims on
    /// any number of instances never pass `max`); true when it counted.
    fn address_claim(
        &mut self,
        kind: &str,
        address: &str,
        now: u64,
        max: u32,
        window: u64,
    ) -> Result<bool, StoreError>;
    /// Gives back one claimed event of `kind` (a claim that did not end in
    /// what the limit counts).
    fn address_release(&mut self, kind: &str, address: &str) -> Result<(), StoreError>;

    /// Claims one event of `limit` for `address`: `None` when counted,
    /// `Some(seconds)` when its window is full.
    fn address_take(
        &mut self,
        limit: Limit,
        address: &str,
        now: u64,
        max: u32,
        window: u64,
    ) -> Result<Option<u64>, StoreError> {
        let window = window.max(1);
        if self.address_claim(limit.key(), address, now, max, window)? {
            return Ok(None);
        }
        Ok(Some(
            self.address_wait(limit, address, now, max, window)?
                .unwrap_or(1),
        ))
    }

    fn address_give_back(&mut self, limit: Limit, address: &str) -> Result<(), StoreError> {
        self.address_release(limit.key(), address)
    }

    // ---- two-factor state ----------------------------------------------

    fn set_pending_secret(&mut self, uid: i64, sealed: &[u8]) -> Result<(), StoreError>;
    /// Turns the pending secret `pending` on, consuming `step`, with fresh
    /// recovery codes. False when 2FA is on already or the pending secret
    /// changed meanwhile.
    fn enable_totp(
        &mut self,
        uid: i64,
        pending: &[u8],
        step: u64,
        codes: &[NewCode],
    ) -> Result<bool, StoreError>;
    /// Consumes TOTP `step` of `uid` (only a step later than the last one
    /// used) and makes pending session `sid` full, atomically.
    fn consume_step_and_promote(
        &mut self,
        uid: i64,
        step: u64,
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<Consumed, StoreError>;
    /// Consumes the recovery code with keyed hash `lookup` (one conditional
    /// update that must change exactly one row) and promotes `sid`.
    fn consume_code_and_promote(
        &mut self,
        uid: i64,
        lookup: &[u8; 32],
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<Consumed, StoreError>;
    fn recovery_codes(&mut self, uid: i64) -> Result<Vec<RecoveryRow>, StoreError>;
    fn recovery_remaining(&mut self, uid: i64) -> Result<u32, StoreError>;
    /// Replaces every recovery code at once; false when 2FA is off.
    fn replace_codes(&mut self, uid: i64, codes: &[NewCode]) -> Result<bool, StoreError>;
    /// Deletes the secret and the codes and every session of `uid` but
    /// `keep`; false when 2FA was off.
    fn disable_totp(&mut self, uid: i64, keep: i64) -> Result<bool, StoreError>;

    // ---- sessions ----------------------------------------------------

    fn insert_session(
        &mut self,
        uid: i64,
        hash: &[u8; 32],
        pending: bool,
        now: u64,
        expires: u64,
    ) -> Result<i64, StoreError>;
    /// The session with hash `hash` and its account, in one query.
    fn session_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(SessionRow, UserRow)>, StoreError>;
    fn touch_session(&mut self, sid: i64, now: u64) -> Result<(), StoreError>;
    fn delete_session(&mut self, sid: i64) -> Result<(), StoreError>;
    /// Counts one code attempt of pending session `sid`; `None` when it
    /// has no attempt left (or is gone, or is not pending).
    fn claim_session_attempt(&mut self, sid: i64, max: u32) -> Result<Option<u32>, StoreError>;
    fn sessions_of(&mut self, uid: i64) -> Result<Vec<SessionRow>, StoreError>;
    /// Deletes sessions of `uid`: those in `ids`, or all but `except`.
    fn delete_sessions(
        &mut self,
        uid: i64,
        ids: Option<&[i64]>,
        except: Option<i64>,
    ) -> Result<usize, StoreError>;
    /// Deletes sessions past their absolute expiry.
    fn purge_sessions(&mut self, now: u64) -> Result<(), StoreError>;

    // ---- tokens ------------------------------------------------------

    fn insert_token(
        &mut self,
        uid: i64,
        hash: &[u8; 32],
        description: &str,
        api_list: &str,
        expires_at: Option<u64>,
        now: u64,
        last4: &str,
    ) -> Result<i64, StoreError>;
    /// The token with hash `hash` and its account, in one query.
    fn token_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(TokenRow, UserRow)>, StoreError>;
    fn touch_token(&mut self, id: i64, now: u64) -> Result<(), StoreError>;
    fn tokens_of(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<Vec<TokenRow>, StoreError>;
    fn delete_tokens(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<usize, StoreError>;

    // ---- audit -------------------------------------------------------

    fn audit(
        &mut self,
        uid: Option<i64>,
        now: u64,
        event: &str,
        address: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    fn audit_of(&mut self, uid: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError>;
}
