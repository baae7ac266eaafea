//! The SQLite engine: one file, one process. WAL journal, foreign keys on,
//! a busy timeout, `synchronous = NORMAL`; the schema is migrated at start
//! (`user_version`) in one `BEGIN IMMEDIATE` transaction. Multi-row
//! changes run in `BEGIN IMMEDIATE` transactions, so writers are
//! serialized and every compare-and-set of the module doc holds.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    id_filter, prefixed, sweep_due, AuditRow, CheckState, Checked, Consumed, Db, NewCode,
    RecoveryRow, SessionRow, Settled, Sweep, TokenRow, UserRow, SESSION_COLS, TOKEN_COLS,
    UNKNOWN_LOGIN_TTL, USER_COLS,
};
use crate::error::StoreError;

mod schema;
pub use schema::{migrate, open_conn};

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<UserRow> {
    user_row_at(r, 0)
}

/// A user row whose columns start at index `i`.
fn user_row_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(i)?,
        login: r.get(i + 1)?,
        name: r.get(i + 2)?,
        password_hash: r.get(i + 3)?,
        totp_secret: r.get(i + 4)?,
        totp_pending: r.get(i + 5)?,
    })
}

fn session_row(r: &rusqlite::Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        pending: r.get(1)?,
        created: r.get(2)?,
        last_used: r.get(3)?,
        expires: r.get(4)?,
    })
}

fn token_row(r: &rusqlite::Row) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        description: r.get(1)?,
        api_list: r.get(2)?,
        expires_at: r.get(3)?,
        created: r.get(4)?,
        last_used: r.get(5)?,
        last4: r.get(6)?,
    })
}

impl Db for Connection {
    // ---- users -------------------------------------------------------

    /// `None` when the login is taken.
    fn insert_user(
        &mut self,
        login: &str,
        name: &str,
        phc: &str,
        now: u64,
    ) -> Result<Option<i64>, StoreError> {
        let r = self.execute(
            "INSERT INTO users (login, name, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
            params![login, name, phc, now],
        );
        match r {
            Ok(_) => Ok(Some(self.last_insert_rowid())),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn user_by_login(&mut self, login: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(self
            .prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE login = ?1"))?
            .query_row([login], user_row)
            .optional()?)
    }

    fn failure_state(&mut self, uid: i64) -> Result<Option<(u32, u64)>, StoreError> {
        Ok(self
            .prepare_cached("SELECT failures, last_failure FROM users WHERE id = ?1")?
            .query_row([uid], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u64>(1)?)))
            .optional()?)
    }

    fn cas_failures(&mut self, uid: i64, seen: u32, now: u64) -> Result<bool, StoreError> {
        Ok(self
            .prepare_cached(
                "UPDATE users SET failures = ?1, last_failure = ?2 WHERE id = ?3 AND failures = ?4",
            )?
            .execute(params![seen + 1, now, uid, seen])?
            == 1)
    }

    fn check_state(&mut self, who: &Checked, now: u64) -> Result<Option<CheckState>, StoreError> {
        let row = |r: &rusqlite::Row<'_>| {
            Ok(CheckState {
                failures: r.get(0)?,
                last_failure: r.get(1)?,
                checks: r.get(2)?,
                since: r.get(3)?,
            })
        };
        match who {
            Checked::User(uid) => Ok(self
                .prepare_cached(
                    "SELECT failures, last_failure, checks, checks_since FROM users WHERE id = ?1",
                )?
                .query_row([uid], row)
                .optional()?),
            Checked::Unknown(hash) => {
                self.prepare_cached(
                    "INSERT INTO unknown_logins (login_hash, failures, last_failure) VALUES (?1, 0, ?2)
                     ON CONFLICT(login_hash) DO NOTHING",
                )?
                .execute(params![&hash[..], now])?;
                Ok(self
                    .prepare_cached(
                        "SELECT failures, last_failure, checks, checks_since
                         FROM unknown_logins WHERE login_hash = ?1",
                    )?
                    .query_row([&hash[..]], row)
                    .optional()?)
            }
        }
    }

    fn cas_checks(
        &mut self,
        who: &Checked,
        seen: &CheckState,
        checks: u32,
        now: u64,
    ) -> Result<bool, StoreError> {
        let (sql, key): (&str, &dyn rusqlite::ToSql) = match who {
            Checked::User(uid) => (
                "UPDATE users SET checks = ?1, checks_since = ?2 WHERE id = ?3
                 AND failures = ?4 AND last_failure = ?5 AND checks = ?6 AND checks_since = ?7",
                uid,
            ),
            Checked::Unknown(hash) => (
                "UPDATE unknown_logins SET checks = ?1, checks_since = ?2 WHERE login_hash = ?3
                 AND failures = ?4 AND last_failure = ?5 AND checks = ?6 AND checks_since = ?7",
                hash,
            ),
        };
        Ok(self.prepare_cached(sql)?.execute(params![
            checks,
            now,
            key,
            seen.failures,
            seen.last_failure,
            seen.checks,
            seen.since
        ])? == 1)
    }

    fn settle_check(&mut self, who: &Checked, how: Settled, now: u64) -> Result<u32, StoreError> {
        let (failed, cleared) = how.flags();
        let (sql, key): (&str, &dyn rusqlite::ToSql) = match who {
            Checked::User(uid) => (
                "UPDATE users SET checks = MAX(checks - 1, 0),
                 failures = IIF(?1, failures + 1, IIF(?4, 0, failures)),
                 last_failure = IIF(?1, ?2, last_failure)
                 WHERE id = ?3 RETURNING failures",
                uid,
            ),
            Checked::Unknown(hash) => {
                if sweep_due(Sweep::UnknownLogins, now) {
                    self.prepare_cached(
                        "DELETE FROM unknown_logins WHERE last_failure < ?1
                         AND (checks = 0 OR checks_since < ?1)",
                    )?
                    .execute([now.saturating_sub(UNKNOWN_LOGIN_TTL)])?;
                }
                (
                    "UPDATE unknown_logins SET checks = MAX(checks - 1, 0),
                     failures = IIF(?1, failures + 1, IIF(?4, 0, failures)),
                     last_failure = IIF(?1, ?2, last_failure)
                     WHERE login_hash = ?3 RETURNING failures",
                    hash,
                )
            }
        };
        Ok(self
            .prepare_cached(sql)?
            .query_row(params![failed, now, key, cleared], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn address_state(
        &mut self,
        kind: &str,
        address: &str,
    ) -> Result<Option<(u64, u32)>, StoreError> {
        Ok(self
            .prepare_cached(
                "SELECT window_start, count FROM address_limits WHERE kind = ?1 AND address = ?2",
            )?
            .query_row(params![kind, address], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn address_claim(
        &mut self,
        kind: &str,
        address: &str,
        now: u64,
        max: u32,
        window: u64,
    ) -> Result<bool, StoreError> {
        if sweep_due(Sweep::AddressLimits, now) {
            self.prepare_cached(
                "DELETE FROM address_limits WHERE kind = ?1 AND window_start < ?2",
            )?
            .execute(params![kind, now.saturating_sub(window)])?;
        }
        let changed = self
            .prepare_cached(
                "INSERT INTO address_limits (kind, address, window_start, count) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT (kind, address) DO UPDATE SET
                   count = CASE WHEN excluded.window_start >= window_start + ?4
                                THEN 1 ELSE count + 1 END,
                   window_start = CASE WHEN excluded.window_start >= window_start + ?4
                                THEN excluded.window_start ELSE window_start END
                 WHERE excluded.window_start >= window_start + ?4 OR count < ?5",
            )?
            .execute(params![kind, address, now, window, max])?;
        Ok(changed == 1)
    }

    fn address_release(&mut self, kind: &str, address: &str) -> Result<(), StoreError> {
        self.prepare_cached(
            "UPDATE address_limits SET count = count - 1 WHERE kind = ?1 AND address = ?2 AND count > 0",
        )?
        .execute(params![kind, address])?;
        Ok(())
    }

    fn set_pending_secret(&mut self, uid: i64, sealed: &[u8]) -> Result<(), StoreError> {
        self.execute(
            "UPDATE users SET totp_pending = ?1 WHERE id = ?2",
            params![sealed, uid],
        )?;
        Ok(())
    }

    /// Turns the pending secret `pending` on, consuming `step`, with fresh
    /// recovery codes. False when 2FA is on already or the pending secret
    /// changed meanwhile.
    fn enable_totp(
        &mut self,
        uid: i64,
        pending: &[u8],
        step: u64,
        codes: &[NewCode],
    ) -> Result<bool, StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?1, failures = 0
             WHERE id = ?2 AND totp_secret IS NULL AND totp_pending = ?3",
            params![step as i64, uid, pending],
        )?;
        if changed != 1 {
            return Ok(false);
        }
        insert_codes(&tx, uid, codes)?;
        tx.commit()?;
        Ok(true)
    }

    /// Consumes TOTP `step` of `uid` (only a step later than the last one
    /// used) and makes pending session `sid` full, atomically.
    fn consume_step_and_promote(
        &mut self,
        uid: i64,
        step: u64,
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<Consumed, StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE users SET totp_last_step = ?1
             WHERE id = ?2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?1)",
            params![step as i64, uid],
        )?;
        if changed != 1 {
            return Ok(Consumed::Refused);
        }
        if !promote(&tx, uid, sid, now, expires)? {
            return Ok(Consumed::SessionGone);
        }
        tx.commit()?;
        Ok(Consumed::Done)
    }

    /// Consumes the recovery code with keyed hash `lookup` (one conditional
    /// update that must change exactly one row) and promotes `sid`.
    fn consume_code_and_promote(
        &mut self,
        uid: i64,
        lookup: &[u8; 32],
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<Consumed, StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE recovery_codes SET used_at = ?1
             WHERE user_id = ?2 AND lookup = ?3 AND used_at IS NULL
               AND EXISTS (SELECT 1 FROM users WHERE id = ?2 AND totp_secret IS NOT NULL)",
            params![now, uid, &lookup[..]],
        )?;
        if changed != 1 {
            return Ok(Consumed::Refused);
        }
        if !promote(&tx, uid, sid, now, expires)? {
            return Ok(Consumed::SessionGone);
        }
        tx.commit()?;
        Ok(Consumed::Done)
    }

    fn recovery_codes(&mut self, uid: i64) -> Result<Vec<RecoveryRow>, StoreError> {
        let mut st = self.prepare_cached(
            "SELECT sealed, used_at IS NOT NULL FROM recovery_codes WHERE user_id = ?1 ORDER BY position",
        )?;
        let rows = st.query_map([uid], |r| {
            Ok(RecoveryRow {
                sealed: r.get(0)?,
                used: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn recovery_remaining(&mut self, uid: i64) -> Result<u32, StoreError> {
        Ok(self
            .prepare_cached(
                "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
            )?
            .query_row([uid], |r| r.get(0))?)
    }

    /// Replaces every recovery code at once; false when 2FA is off.
    fn replace_codes(&mut self, uid: i64, codes: &[NewCode]) -> Result<bool, StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let on: bool = tx.query_row(
            "SELECT totp_secret IS NOT NULL FROM users WHERE id = ?1",
            [uid],
            |r| r.get(0),
        )?;
        if !on {
            return Ok(false);
        }
        tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [uid])?;
        insert_codes(&tx, uid, codes)?;
        tx.commit()?;
        Ok(true)
    }

    /// Deletes the secret and the codes and every session of `uid` but
    /// `keep`; false when 2FA was off.
    fn disable_totp(&mut self, uid: i64, keep: i64) -> Result<bool, StoreError> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
             WHERE id = ?1 AND totp_secret IS NOT NULL",
            [uid],
        )?;
        if changed != 1 {
            return Ok(false);
        }
        tx.execute("DELETE FROM recovery_codes WHERE user_id = ?1", [uid])?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND id != ?2",
            params![uid, keep],
        )?;
        tx.commit()?;
        Ok(true)
    }

    // ---- sessions ----------------------------------------------------

    fn insert_session(
        &mut self,
        uid: i64,
        hash: &[u8; 32],
        pending: bool,
        now: u64,
        expires: u64,
    ) -> Result<i64, StoreError> {
        self.prepare_cached(
            "INSERT INTO sessions (user_id, token_hash, pending, created, last_used, expires)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
        )?
        .execute(params![uid, &hash[..], pending, now, expires])?;
        Ok(self.last_insert_rowid())
    }

    /// The session with hash `hash` and its account, in one query.
    fn session_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {}, {} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                prefixed("s", SESSION_COLS),
                prefixed("u", USER_COLS)
            ))?
            .query_row([&hash[..]], |r| {
                let s = session_row(r)?;
                let u = user_row_at(r, 5)?;
                Ok((s, u))
            })
            .optional()?)
    }

    fn touch_session(&mut self, sid: i64, now: u64) -> Result<(), StoreError> {
        self.prepare_cached("UPDATE sessions SET last_used = ?1 WHERE id = ?2")?
            .execute(params![now, sid])?;
        Ok(())
    }

    fn delete_session(&mut self, sid: i64) -> Result<(), StoreError> {
        self.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
            .execute([sid])?;
        Ok(())
    }

    /// Counts one code attempt of pending session `sid`; `None` when it
    /// has no attempt left (or is gone, or is not pending).
    fn claim_session_attempt(&mut self, sid: i64, max: u32) -> Result<Option<u32>, StoreError> {
        Ok(self
            .prepare_cached(
                "UPDATE sessions SET attempts = attempts + 1
                 WHERE id = ?1 AND pending = 1 AND attempts < ?2 RETURNING attempts",
            )?
            .query_row(params![sid, max], |r| r.get(0))
            .optional()?)
    }

    fn sessions_of(&mut self, uid: i64) -> Result<Vec<SessionRow>, StoreError> {
        let mut st = self.prepare_cached(&format!(
            "SELECT {SESSION_COLS} FROM sessions WHERE user_id = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([uid], session_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes sessions of `uid`: those in `ids`, or all but `except`.
    fn delete_sessions(
        &mut self,
        uid: i64,
        ids: Option<&[i64]>,
        except: Option<i64>,
    ) -> Result<usize, StoreError> {
        let mut sql = format!("DELETE FROM sessions WHERE user_id = ?1{}", id_filter(ids));
        if let Some(keep) = except {
            sql.push_str(&format!(" AND id != {keep}"));
        }
        Ok(self.execute(&sql, [uid])?)
    }

    /// Deletes sessions past their absolute expiry.
    fn purge_sessions(&mut self, now: u64) -> Result<(), StoreError> {
        self.prepare_cached("DELETE FROM sessions WHERE expires <= ?1")?
            .execute([now])?;
        Ok(())
    }

    // ---- tokens ------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn insert_token(
        &mut self,
        uid: i64,
        hash: &[u8; 32],
        description: &str,
        api_list: &str,
        expires_at: Option<u64>,
        now: u64,
        last4: &str,
    ) -> Result<i64, StoreError> {
        self.execute(
            "INSERT INTO tokens (user_id, token_hash, description, api_list, expires_at, created, last4)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![uid, &hash[..], description, api_list, expires_at, now, last4],
        )?;
        Ok(self.last_insert_rowid())
    }

    /// The token with hash `hash` and its account, in one query.
    fn token_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(TokenRow, UserRow)>, StoreError> {
        Ok(self
            .prepare_cached(&format!(
                "SELECT {}, {} FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
                prefixed("t", TOKEN_COLS),
                prefixed("u", USER_COLS)
            ))?
            .query_row([&hash[..]], |r| {
                let t = token_row(r)?;
                let u = user_row_at(r, 7)?;
                Ok((t, u))
            })
            .optional()?)
    }

    fn touch_token(&mut self, id: i64, now: u64) -> Result<(), StoreError> {
        self.prepare_cached("UPDATE tokens SET last_used = ?1 WHERE id = ?2")?
            .execute(params![now, id])?;
        Ok(())
    }

    fn tokens_of(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<Vec<TokenRow>, StoreError> {
        let mut st = self.prepare(&format!(
            "SELECT {TOKEN_COLS} FROM tokens WHERE user_id = ?1{} ORDER BY id",
            id_filter(ids)
        ))?;
        let rows = st.query_map([uid], token_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delete_tokens(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<usize, StoreError> {
        Ok(self.execute(
            &format!("DELETE FROM tokens WHERE user_id = ?1{}", id_filter(ids)),
            [uid],
        )?)
    }

    // ---- audit -------------------------------------------------------

    fn audit(
        &mut self,
        uid: Option<i64>,
        now: u64,
        event: &str,
        address: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.prepare_cached(
            "INSERT INTO audit (user_id, at, event, address, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![uid, now, event, address, detail])?;
        Ok(())
    }

    fn audit_of(&mut self, uid: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        let mut st = self.prepare_cached(
            "SELECT id, at, event, address, detail FROM audit WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![uid, limit], |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                event: r.get(2)?,
                address: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn insert_codes(tx: &rusqlite::Transaction, uid: i64, codes: &[NewCode]) -> Result<(), StoreError> {
    let mut st = tx.prepare_cached(
        "INSERT INTO recovery_codes (user_id, position, lookup, sealed) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, c) in codes.iter().enumerate() {
        st.execute(params![uid, i as i64, &c.lookup[..], &c.sealed])?;
    }
    Ok(())
}

/// Pending session `sid` of `uid` becomes full; the account's failure
/// counter is reset (a complete, successful authentication).
fn promote(
    tx: &rusqlite::Transaction,
    uid: i64,
    sid: i64,
    now: u64,
    expires: u64,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE sessions SET pending = 0, last_used = ?1, expires = ?2
         WHERE id = ?3 AND user_id = ?4 AND pending = 1",
        params![now, expires, sid, uid],
    )?;
    if changed != 1 {
        return Ok(false);
    }
    tx.execute("UPDATE users SET failures = 0 WHERE id = ?1", [uid])?;
    Ok(true)
}
