//! The PostgreSQL schema and connections: the migrations (table
//! `apiq_schema`, under an advisory lock), the connection settings and a
//! connection with its prepared statements.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use crate::error::StoreError;

/// Key of the advisory lock held while migrating ("apiq" in ASCII).
const MIGRATION_LOCK: i64 = 0x6170_6971;

const MIGRATIONS: &[&str] = &[
    // 1: the whole schema of SQLite's versions 1 to 3.
    r#"
    CREATE TABLE users (
        id             BIGSERIAL PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        name           TEXT NOT NULL DEFAULT '',
        password_hash  TEXT NOT NULL,
        created        BIGINT NOT NULL,
        totp_secret    BYTEA,
        totp_pending   BYTEA,
        totp_last_step BIGINT,
        failures       BIGINT NOT NULL DEFAULT 0,
        last_failure   BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        id         BIGSERIAL PRIMARY KEY,
        user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash BYTEA NOT NULL UNIQUE,
        pending    BOOLEAN NOT NULL,
        created    BIGINT NOT NULL,
        last_used  BIGINT NOT NULL,
        expires    BIGINT NOT NULL,
        attempts   BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE INDEX sessions_expires ON sessions(expires);
    CREATE TABLE recovery_codes (
        id       BIGSERIAL PRIMARY KEY,
        user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        position BIGINT NOT NULL,
        lookup   BYTEA NOT NULL,
        sealed   BYTEA NOT NULL,
        used_at  BIGINT,
        UNIQUE (user_id, lookup)
    );
    CREATE TABLE tokens (
        id          BIGSERIAL PRIMARY KEY,
        user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash  BYTEA NOT NULL UNIQUE,
        description TEXT NOT NULL,
        api_list    TEXT NOT NULL,
        expires_at  BIGINT,
        created     BIGINT NOT NULL,
        last_used   BIGINT,
        last4       TEXT NOT NULL
    );
    CREATE INDEX tokens_user ON tokens(user_id);
    CREATE TABLE audit (
        id      BIGSERIAL PRIMARY KEY,
        user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        at      BIGINT NOT NULL,
        event   TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        detail  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_user ON audit(user_id, id);
    CREATE TABLE unknown_logins (
        login_hash   BYTEA PRIMARY KEY,
        failures     BIGINT NOT NULL,
        last_failure BIGINT NOT NULL
    );
    CREATE INDEX unknown_logins_age ON unknown_logins(last_failure);
    CREATE TABLE address_limits (
        kind         TEXT NOT NULL,
        address      TEXT NOT NULL,
        window_start BIGINT NOT NULL,
        count        BIGINT NOT NULL,
        PRIMARY KEY (kind, address)
    );
    CREATE INDEX address_limits_age ON address_limits(kind, window_start);
    "#,
    // 2: SQLite's version 4: password checks in flight and their lease.
    r#"
    ALTER TABLE users ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN checks_since BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE unknown_logins ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE unknown_logins ADD COLUMN checks_since BIGINT NOT NULL DEFAULT 0;
    "#,
];

/// Parses `url` (a `postgres://` or `postgresql://` URL) into a
/// connection configuration; the error never repeats the URL (it may hold
/// a password).
pub fn config(url: &str) -> Result<postgres::Config, StoreError> {
    let mut cfg = postgres::Config::from_str(url)
        .map_err(|e| StoreError::Config(format!("not a PostgreSQL URL: {e}")))?;
    cfg.connect_timeout(Duration::from_secs(5));
    cfg.application_name("apiq-server");
    Ok(cfg)
}

/// One pooled connection and its prepared statements.
pub struct Conn {
    /// Always `Some` until dropped.
    client: Option<Client>,
    cache: HashMap<&'static str, Statement>,
}

/// Closing a blocking client runs its own small runtime, which may not
/// happen on an async thread (a store dropped with its server task): such
/// a drop is moved to a thread of its own.
impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::Builder::new().spawn(move || drop(c));
            }
        }
    }
}

impl Conn {
    pub fn connect(cfg: &postgres::Config) -> Result<Conn, StoreError> {
        let client = cfg.connect(NoTls)?;
        Ok(Conn {
            client: Some(client),
            cache: HashMap::new(),
        })
    }

    pub(super) fn c(&mut self) -> &mut Client {
        self.client.as_mut().expect("a pooled connection is open")
    }

    /// False once the server closed the connection (restart, network):
    /// the pool then drops it and opens a new one.
    pub fn is_usable(&self) -> bool {
        self.client.as_ref().is_some_and(|c| !c.is_closed())
    }

    pub(super) fn st(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let s = self.c().prepare(sql)?;
        self.cache.insert(sql, s.clone());
        Ok(s)
    }

    pub(super) fn opt(
        &mut self,
        sql: &'static str,
        p: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        let s = self.st(sql)?;
        Ok(self.c().query_opt(&s, p)?)
    }

    pub(super) fn one(
        &mut self,
        sql: &'static str,
        p: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, StoreError> {
        let s = self.st(sql)?;
        Ok(self.c().query_one(&s, p)?)
    }

    pub(super) fn exec(
        &mut self,
        sql: &'static str,
        p: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let s = self.st(sql)?;
        Ok(self.c().execute(&s, p)?)
    }

    pub(super) fn all(
        &mut self,
        sql: &'static str,
        p: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let s = self.st(sql)?;
        Ok(self.c().query(&s, p)?)
    }
}

/// Creates or upgrades the schema; refuses a database of a newer schema.
pub fn migrate(conn: &mut Conn) -> Result<(), StoreError> {
    let mut tx = conn.c().transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS apiq_schema (version BIGINT NOT NULL)")?;
    let version: i64 = match tx.query_opt("SELECT version FROM apiq_schema", &[])? {
        Some(r) => r.get(0),
        None => {
            tx.execute("INSERT INTO apiq_schema (version) VALUES (0)", &[])?;
            0
        }
    };
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Migration(format!(
            "database schema version {version} is newer than this server ({known})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute("UPDATE apiq_schema SET version = $1", &[&((i + 1) as i64)])?;
    }
    tx.commit()?;
    Ok(())
}
