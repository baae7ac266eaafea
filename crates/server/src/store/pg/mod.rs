//! The PostgreSQL engine: any number of server instances on one database.
//!
//! Connections come from the `postgres` crate (the blocking face of
//! `tokio-postgres`), used on the blocking threads of [`Store::call`] like
//! SQLite's, so the request code and its transactions are the same for both
//! engines. Each connection keeps its prepared statements.
//!
//! Every change that must happen once is one conditional statement whose
//! row count is checked, exactly as on SQLite; under PostgreSQL's default
//! READ COMMITTED isolation a concurrent `UPDATE … WHERE` waits for the row
//! lock and re-checks its condition on the committed row, so of two
//! instances consuming one TOTP step or one recovery code, one changes the
//! row and the other changes nothing. Multi-row changes run in transactions
//! (a row lock `FOR UPDATE` where a read decides the write).
//!
//! Migrations are versioned in the table `apiq_schema` and run at start in
//! one transaction under an advisory lock, so instances starting together
//! on a fresh database migrate it once, and a failed migration leaves
//! nothing behind (PostgreSQL's DDL is transactional).
//!
//! [`Store::call`]: super::Store::call

use postgres::types::ToSql;
use postgres::Row;

use super::{
    id_filter, settle_and_open_in_steps, sweep_due, AuditRow, CheckState, Checked, Db, Limit,
    NewCode, NewSession, RecoveryRow, SessionRow, Settle, Settled, Sweep, TokenRow, UserRow,
    TOKEN_COLS, UNKNOWN_LOGIN_TTL,
};
use crate::error::StoreError;

mod schema;
pub use schema::{config, migrate, Conn};

fn u(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn user_at(r: &Row, i: usize) -> UserRow {
    UserRow {
        id: r.get(i),
        login: r.get(i + 1),
        name: r.get(i + 2),
        password_hash: r.get(i + 3),
        totp_secret: r.get(i + 4),
        totp_pending: r.get(i + 5),
    }
}

fn check_at(r: &Row, i: usize) -> CheckState {
    CheckState {
        failures: r.get::<_, i64>(i) as u32,
        last_failure: r.get::<_, i64>(i + 1) as u64,
        checks: r.get::<_, i64>(i + 2) as u32,
        since: r.get::<_, i64>(i + 3) as u64,
    }
}

fn session_at(r: &Row) -> SessionRow {
    SessionRow {
        id: r.get(0),
        pending: r.get(1),
        created: r.get::<_, i64>(2) as u64,
        last_used: r.get::<_, i64>(3) as u64,
        expires: r.get::<_, i64>(4) as u64,
    }
}

fn token_at(r: &Row) -> TokenRow {
    TokenRow {
        id: r.get(0),
        description: r.get(1),
        api_list: r.get(2),
        expires_at: r.get::<_, Option<i64>>(3).map(|v| v as u64),
        created: r.get::<_, i64>(4) as u64,
        last_used: r.get::<_, Option<i64>>(5).map(|v| v as u64),
        last4: r.get(6),
    }
}

impl Db for Conn {
    fn insert_user(
        &mut self,
        login: &str,
        name: &str,
        phc: &str,
        now: u64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .opt(
                "INSERT INTO users (login, name, password_hash, created) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (login) DO NOTHING RETURNING id",
                &[&login, &name, &phc, &u(now)],
            )?
            .map(|r| r.get(0)))
    }

    fn user_by_login(&mut self, login: &str) -> Result<Option<UserRow>, StoreError> {
        Ok(self
            .opt(
                "SELECT u.id, u.login, u.name, u.password_hash, u.totp_secret, u.totp_pending
                 FROM users u WHERE u.login = $1",
                &[&login],
            )?
            .map(|r| user_at(&r, 0)))
    }

    fn user_by_login_checked(
        &mut self,
        login: &str,
    ) -> Result<Option<(UserRow, CheckState)>, StoreError> {
        Ok(self
            .opt(
                "SELECT u.id, u.login, u.name, u.password_hash, u.totp_secret, u.totp_pending,
                        u.failures, u.last_failure, u.checks, u.checks_since
                 FROM users u WHERE u.login = $1",
                &[&login],
            )?
            .map(|r| (user_at(&r, 0), check_at(&r, 6))))
    }

    fn failure_state(&mut self, uid: i64) -> Result<Option<(u32, u64)>, StoreError> {
        Ok(self
            .opt(
                "SELECT failures, last_failure FROM users WHERE id = $1",
                &[&uid],
            )?
            .map(|r| (r.get::<_, i64>(0) as u32, r.get::<_, i64>(1) as u64)))
    }

    fn cas_failures(&mut self, uid: i64, seen: u32, now: u64) -> Result<bool, StoreError> {
        Ok(self.exec(
            "UPDATE users SET failures = $1, last_failure = $2 WHERE id = $3 AND failures = $4",
            &[&(seen as i64 + 1), &u(now), &uid, &(seen as i64)],
        )? == 1)
    }

    fn check_state(&mut self, who: &Checked, now: u64) -> Result<Option<CheckState>, StoreError> {
        let row = match who {
            Checked::User(uid) => self.opt(
                "SELECT failures, last_failure, checks, checks_since FROM users WHERE id = $1",
                &[uid],
            )?,
            Checked::Unknown(hash) => {
                self.exec(
                    "INSERT INTO unknown_logins (login_hash, failures, last_failure) VALUES ($1, 0, $2)
                     ON CONFLICT (login_hash) DO NOTHING",
                    &[&&hash[..], &u(now)],
                )?;
                self.opt(
                    "SELECT failures, last_failure, checks, checks_since
                     FROM unknown_logins WHERE login_hash = $1",
                    &[&&hash[..]],
                )?
            }
        };
        Ok(row.map(|r| check_at(&r, 0)))
    }

    fn cas_checks(
        &mut self,
        who: &Checked,
        seen: &CheckState,
        checks: u32,
        now: u64,
    ) -> Result<bool, StoreError> {
        let p: [&(dyn ToSql + Sync); 6] = [
            &i64::from(checks),
            &u(now),
            &i64::from(seen.failures),
            &u(seen.last_failure),
            &i64::from(seen.checks),
            &u(seen.since),
        ];
        let changed = match who {
            Checked::User(uid) => self.exec(
                "UPDATE users SET checks = $1, checks_since = $2 WHERE id = $7
                 AND failures = $3 AND last_failure = $4 AND checks = $5 AND checks_since = $6",
                &[p[0], p[1], p[2], p[3], p[4], p[5], uid],
            )?,
            Checked::Unknown(hash) => self.exec(
                "UPDATE unknown_logins SET checks = $1, checks_since = $2 WHERE login_hash = $7
                 AND failures = $3 AND last_failure = $4 AND checks = $5 AND checks_since = $6",
                &[p[0], p[1], p[2], p[3], p[4], p[5], &&hash[..]],
            )?,
        };
        Ok(changed == 1)
    }

    fn settle_check(&mut self, who: &Checked, how: Settled, now: u64) -> Result<u32, StoreError> {
        let (failed, cleared) = how.flags();
        let row = match who {
            Checked::User(uid) => self.opt(
                "UPDATE users SET checks = GREATEST(checks - 1, 0),
                 failures = CASE WHEN $1 THEN failures + 1 WHEN $4 THEN 0 ELSE failures END,
                 last_failure = CASE WHEN $1 THEN $2 ELSE last_failure END
                 WHERE id = $3 RETURNING failures",
                &[&failed, &u(now), uid, &cleared],
            )?,
            Checked::Unknown(hash) => {
                if sweep_due(Sweep::UnknownLogins, now) {
                    self.exec(
                        "DELETE FROM unknown_logins WHERE last_failure < $1
                         AND (checks = 0 OR checks_since < $1)",
                        &[&u(now.saturating_sub(UNKNOWN_LOGIN_TTL))],
                    )?;
                }
                self.opt(
                    "UPDATE unknown_logins SET checks = GREATEST(checks - 1, 0),
                     failures = failures + CASE WHEN $1 THEN 1 ELSE 0 END,
                     last_failure = CASE WHEN $1 THEN $2 ELSE last_failure END
                     WHERE login_hash = $3 RETURNING failures",
                    &[&failed, &u(now), &&hash[..]],
                )?
            }
        };
        Ok(row.map(|r| r.get::<_, i64>(0) as u32).unwrap_or(0))
    }

    fn settle_and_open(&mut self, s: &Settle, new: &NewSession<'_>) -> Result<i64, StoreError> {
        if s.how == Settled::Failed || !matches!(s.who, Checked::User(uid) if uid == new.uid) {
            return settle_and_open_in_steps(self, s, new);
        }
        // Data-modifying CTEs all run, once, in the statement's one
        // transaction: the same four changes as the steps, atomically.
        Ok(self
            .one(
                "WITH settled AS (
                   UPDATE users SET checks = GREATEST(checks - 1, 0),
                     failures = CASE WHEN $2 THEN 0 ELSE failures END
                   WHERE id = $1),
                 given_back AS (
                   UPDATE address_limits SET count = count - 1
                   WHERE kind = $3 AND address = $4 AND count > 0),
                 opened AS (
                   INSERT INTO sessions (user_id, token_hash, pending, created, last_used, expires)
                   VALUES ($1, $5, $6, $7, $7, $8) RETURNING id),
                 logged AS (
                   INSERT INTO audit (user_id, at, event, address, detail)
                   VALUES ($1, $7, $9, $4, ''))
                 SELECT id FROM opened",
                &[
                    &new.uid,
                    &(s.how == Settled::Cleared),
                    &Limit::Failures.key(),
                    &s.address,
                    &&new.hash[..],
                    &new.pending,
                    &u(s.now),
                    &u(new.expires),
                    &new.event,
                ],
            )?
            .get(0))
    }

    fn address_state(
        &mut self,
        kind: &str,
        address: &str,
    ) -> Result<Option<(u64, u32)>, StoreError> {
        Ok(self
            .opt(
                "SELECT window_start, count FROM address_limits WHERE kind = $1 AND address = $2",
                &[&kind, &address],
            )?
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, i64>(1) as u32)))
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
            self.exec(
                "DELETE FROM address_limits WHERE kind = $1 AND window_start < $2",
                &[&kind, &u(now.saturating_sub(window))],
            )?;
        }
        // The row lock of ON CONFLICT DO UPDATE serializes claims on one
        // address; its WHERE sees the committed count.
        let changed = self.exec(
            "INSERT INTO address_limits (kind, address, window_start, count) VALUES ($1, $2, $3, 1)
             ON CONFLICT (kind, address) DO UPDATE SET
               count = CASE WHEN EXCLUDED.window_start >= address_limits.window_start + $4
                            THEN 1 ELSE address_limits.count + 1 END,
               window_start = CASE WHEN EXCLUDED.window_start >= address_limits.window_start + $4
                            THEN EXCLUDED.window_start ELSE address_limits.window_start END
             WHERE EXCLUDED.window_start >= address_limits.window_start + $4
                OR address_limits.count < $5",
            &[&kind, &address, &u(now), &u(window), &(max as i64)],
        )?;
        Ok(changed == 1)
    }

    fn address_release(&mut self, kind: &str, address: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE address_limits SET count = count - 1 WHERE kind = $1 AND address = $2 AND count > 0",
            &[&kind, &address],
        )?;
        Ok(())
    }

    fn set_pending_secret(&mut self, uid: i64, sealed: &[u8]) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET totp_pending = $1 WHERE id = $2",
            &[&sealed, &uid],
        )?;
        Ok(())
    }

    fn enable_totp(
        &mut self,
        uid: i64,
        pending: &[u8],
        step: u64,
        codes: &[NewCode],
    ) -> Result<bool, StoreError> {
        let mut tx = self.c().transaction()?;
        let changed = tx.execute(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1, failures = 0
             WHERE id = $2 AND totp_secret IS NULL AND totp_pending = $3",
            &[&u(step), &uid, &pending],
        )?;
        if changed != 1 {
            return Ok(false);
        }
        insert_codes(&mut tx, uid, codes)?;
        tx.commit()?;
        Ok(true)
    }

    fn consume_step_and_promote(
        &mut self,
        uid: i64,
        step: u64,
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<super::Consumed, StoreError> {
        let mut tx = self.c().transaction()?;
        let changed = tx.execute(
            "UPDATE users SET totp_last_step = $1
             WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
            &[&u(step), &uid],
        )?;
        if changed != 1 {
            return Ok(super::Consumed::Refused);
        }
        if !promote(&mut tx, uid, sid, now, expires)? {
            return Ok(super::Consumed::SessionGone);
        }
        tx.commit()?;
        Ok(super::Consumed::Done)
    }

    fn consume_code_and_promote(
        &mut self,
        uid: i64,
        lookup: &[u8; 32],
        sid: i64,
        now: u64,
        expires: u64,
    ) -> Result<super::Consumed, StoreError> {
        let mut tx = self.c().transaction()?;
        let changed = tx.execute(
            "UPDATE recovery_codes SET used_at = $1
             WHERE user_id = $2 AND lookup = $3 AND used_at IS NULL
               AND EXISTS (SELECT 1 FROM users WHERE id = $2 AND totp_secret IS NOT NULL)",
            &[&u(now), &uid, &&lookup[..]],
        )?;
        if changed != 1 {
            return Ok(super::Consumed::Refused);
        }
        if !promote(&mut tx, uid, sid, now, expires)? {
            return Ok(super::Consumed::SessionGone);
        }
        tx.commit()?;
        Ok(super::Consumed::Done)
    }

    fn recovery_codes(&mut self, uid: i64) -> Result<Vec<RecoveryRow>, StoreError> {
        Ok(self
            .all(
                "SELECT sealed, used_at IS NOT NULL FROM recovery_codes WHERE user_id = $1 ORDER BY position",
                &[&uid],
            )?
            .iter()
            .map(|r| RecoveryRow {
                sealed: r.get(0),
                used: r.get(1),
            })
            .collect())
    }

    fn recovery_remaining(&mut self, uid: i64) -> Result<u32, StoreError> {
        Ok(self
            .one(
                "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                &[&uid],
            )?
            .get::<_, i64>(0) as u32)
    }

    fn replace_codes(&mut self, uid: i64, codes: &[NewCode]) -> Result<bool, StoreError> {
        let mut tx = self.c().transaction()?;
        let on: Option<bool> = tx
            .query_opt(
                "SELECT totp_secret IS NOT NULL FROM users WHERE id = $1 FOR UPDATE",
                &[&uid],
            )?
            .map(|r| r.get(0));
        if on != Some(true) {
            return Ok(false);
        }
        tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", &[&uid])?;
        insert_codes(&mut tx, uid, codes)?;
        tx.commit()?;
        Ok(true)
    }

    fn disable_totp(&mut self, uid: i64, keep: i64) -> Result<bool, StoreError> {
        let mut tx = self.c().transaction()?;
        let changed = tx.execute(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
             WHERE id = $1 AND totp_secret IS NOT NULL",
            &[&uid],
        )?;
        if changed != 1 {
            return Ok(false);
        }
        tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", &[&uid])?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1 AND id != $2",
            &[&uid, &keep],
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn insert_session(
        &mut self,
        uid: i64,
        hash: &[u8; 32],
        pending: bool,
        now: u64,
        expires: u64,
    ) -> Result<i64, StoreError> {
        Ok(self
            .one(
                "INSERT INTO sessions (user_id, token_hash, pending, created, last_used, expires)
                 VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
                &[&uid, &&hash[..], &pending, &u(now), &u(expires)],
            )?
            .get(0))
    }

    fn session_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(SessionRow, UserRow)>, StoreError> {
        Ok(self
            .opt(
                "SELECT s.id, s.pending, s.created, s.last_used, s.expires,
                        u.id, u.login, u.name, u.password_hash, u.totp_secret, u.totp_pending
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
                &[&&hash[..]],
            )?
            .map(|r| (session_at(&r), user_at(&r, 5))))
    }

    fn touch_session(&mut self, sid: i64, now: u64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE sessions SET last_used = $1 WHERE id = $2",
            &[&u(now), &sid],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, sid: i64) -> Result<(), StoreError> {
        self.exec("DELETE FROM sessions WHERE id = $1", &[&sid])?;
        Ok(())
    }

    fn claim_session_attempt(&mut self, sid: i64, max: u32) -> Result<Option<u32>, StoreError> {
        Ok(self
            .opt(
                "UPDATE sessions SET attempts = attempts + 1
                 WHERE id = $1 AND pending AND attempts < $2 RETURNING attempts",
                &[&sid, &(max as i64)],
            )?
            .map(|r| r.get::<_, i64>(0) as u32))
    }

    fn sessions_of(&mut self, uid: i64) -> Result<Vec<SessionRow>, StoreError> {
        Ok(self
            .all(
                "SELECT id, pending, created, last_used, expires FROM sessions WHERE user_id = $1 ORDER BY id",
                &[&uid],
            )?
            .iter()
            .map(session_at)
            .collect())
    }

    fn delete_sessions(
        &mut self,
        uid: i64,
        ids: Option<&[i64]>,
        except: Option<i64>,
    ) -> Result<usize, StoreError> {
        let mut sql = format!("DELETE FROM sessions WHERE user_id = $1{}", id_filter(ids));
        if let Some(keep) = except {
            sql.push_str(&format!(" AND id != {keep}"));
        }
        Ok(self.c().execute(&sql, &[&uid])? as usize)
    }

    fn purge_sessions(&mut self, now: u64) -> Result<(), StoreError> {
        self.exec("DELETE FROM sessions WHERE expires <= $1", &[&u(now)])?;
        Ok(())
    }

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
        Ok(self
            .one(
                "INSERT INTO tokens (user_id, token_hash, description, api_list, expires_at, created, last4)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &uid,
                    &&hash[..],
                    &description,
                    &api_list,
                    &expires_at.map(u),
                    &u(now),
                    &last4,
                ],
            )?
            .get(0))
    }

    fn token_with_user(
        &mut self,
        hash: &[u8; 32],
    ) -> Result<Option<(TokenRow, UserRow)>, StoreError> {
        Ok(self
            .opt(
                "SELECT t.id, t.description, t.api_list, t.expires_at, t.created, t.last_used, t.last4,
                        u.id, u.login, u.name, u.password_hash, u.totp_secret, u.totp_pending
                 FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                &[&&hash[..]],
            )?
            .map(|r| (token_at(&r), user_at(&r, 7))))
    }

    fn touch_token(&mut self, id: i64, now: u64) -> Result<(), StoreError> {
        self.exec(
            "UPDATE tokens SET last_used = $1 WHERE id = $2",
            &[&u(now), &id],
        )?;
        Ok(())
    }

    fn tokens_of(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<Vec<TokenRow>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM tokens WHERE user_id = $1{} ORDER BY id",
            id_filter(ids)
        );
        Ok(self
            .c()
            .query(&sql, &[&uid])?
            .iter()
            .map(token_at)
            .collect())
    }

    fn delete_tokens(&mut self, uid: i64, ids: Option<&[i64]>) -> Result<usize, StoreError> {
        let sql = format!("DELETE FROM tokens WHERE user_id = $1{}", id_filter(ids));
        Ok(self.c().execute(&sql, &[&uid])? as usize)
    }

    fn audit(
        &mut self,
        uid: Option<i64>,
        now: u64,
        event: &str,
        address: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO audit (user_id, at, event, address, detail) VALUES ($1, $2, $3, $4, $5)",
            &[&uid, &u(now), &event, &address, &detail],
        )?;
        Ok(())
    }

    fn audit_of(&mut self, uid: i64, limit: u32) -> Result<Vec<AuditRow>, StoreError> {
        Ok(self
            .all(
                "SELECT id, at, event, address, detail FROM audit WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                &[&uid, &(limit as i64)],
            )?
            .iter()
            .map(|r| AuditRow {
                id: r.get(0),
                at: r.get::<_, i64>(1) as u64,
                event: r.get(2),
                address: r.get(3),
                detail: r.get(4),
            })
            .collect())
    }
}

fn insert_codes(
    tx: &mut postgres::Transaction,
    uid: i64,
    codes: &[NewCode],
) -> Result<(), StoreError> {
    let st = tx.prepare(
        "INSERT INTO recovery_codes (user_id, position, lookup, sealed) VALUES ($1, $2, $3, $4)",
    )?;
    for (i, c) in codes.iter().enumerate() {
        tx.execute(&st, &[&uid, &(i as i64), &&c.lookup[..], &c.sealed])?;
    }
    Ok(())
}

/// Pending session `sid` of `uid` becomes full; the account's failure
/// counter is reset.
fn promote(
    tx: &mut postgres::Transaction,
    uid: i64,
    sid: i64,
    now: u64,
    expires: u64,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE sessions SET pending = FALSE, last_used = $1, expires = $2
         WHERE id = $3 AND user_id = $4 AND pending",
        &[&u(now), &u(expires), &sid, &uid],
    )?;
    if changed != 1 {
        return Ok(false);
    }
    tx.execute("UPDATE users SET failures = 0 WHERE id = $1", &[&uid])?;
    Ok(true)
}
