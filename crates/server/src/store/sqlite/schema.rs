//! The SQLite schema and connections: the migrations (`user_version`),
//! opening a connection (WAL, foreign keys, page cache, owner-only files).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE users (
        id             INTEGER PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        name           TEXT NOT NULL DEFAULT '',
        password_hash  TEXT NOT NULL,
        created        INTEGER NOT NULL,
        totp_secret    BLOB,
        totp_pending   BLOB,
        totp_last_step INTEGER,
        failures       INTEGER NOT NULL DEFAULT 0,
        last_failure   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sessions (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash BLOB NOT NULL UNIQUE,
        pending    INTEGER NOT NULL,
        created    INTEGER NOT NULL,
        last_used  INTEGER NOT NULL,
        expires    INTEGER NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE INDEX sessions_expires ON sessions(expires);
    CREATE TABLE recovery_codes (
        id       INTEGER PRIMARY KEY,
        user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        lookup   BLOB NOT NULL,
        sealed   BLOB NOT NULL,
        used_at  INTEGER,
        UNIQUE (user_id, lookup)
    );
    CREATE TABLE tokens (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash  BLOB NOT NULL UNIQUE,
        description TEXT NOT NULL,
        api_list    TEXT NOT NULL,
        expires_at  INTEGER,
        created     INTEGER NOT NULL,
        last_used   INTEGER,
        last4       TEXT NOT NULL
    );
    CREATE INDEX tokens_user ON tokens(user_id);
    CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        at      INTEGER NOT NULL,
        event   TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        detail  TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_user ON audit(user_id, id);
    "#,
    // 2: failures against logins that have no account, keyed by a server-keyed
    // hash of the login (no login text stored), so that throttling answers an
    // unknown login exactly as it answers a known one.
    r#"
    CREATE TABLE unknown_logins (
        login_hash   BLOB PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_failure INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX unknown_logins_age ON unknown_logins(last_failure);
    "#,
    // 3: per-address limits (failed attempts, accounts created), kept in the
    // database so that they survive restarts and, on PostgreSQL, hold across
    // instances.
    r#"
    CREATE TABLE address_limits (
        kind         TEXT NOT NULL,
        address      TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        count        INTEGER NOT NULL,
        PRIMARY KEY (kind, address)
    ) WITHOUT ROWID;
    CREATE INDEX address_limits_age ON address_limits(kind, window_start);
    "#,
    // 4: password checks in flight (claimed before hashing, so parallel
    // guesses cannot pass one throttle window) and when the newest was
    // claimed (their lease).
    r#"
    ALTER TABLE users ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN checks_since INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE unknown_logins ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE unknown_logins ADD COLUMN checks_since INTEGER NOT NULL DEFAULT 0;
    "#,
];

/// Makes the database file owner-only before SQLite opens it: its folder
/// 0700 when this creates it, the file 0600 (SQLite gives the `-wal` and
/// `-shm` files the database file's mode), and an existing file others
/// could read tightened. The database holds logins, password hashes and
/// audit rows with addresses.
#[cfg(unix)]
fn owner_only(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let io = |what: &str, e: std::io::Error| {
        StoreError::Config(format!("{what} {}: {e}", path.display()))
    };
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return Ok(());
    }
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| io("cannot create the folder of", e))?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            for suffix in ["", "-wal", "-shm"] {
                let mut f = path.as_os_str().to_owned();
                f.push(suffix);
                let f = std::path::PathBuf::from(f);
                if let Ok(m) = std::fs::metadata(&f) {
                    if m.permissions().mode() & 0o077 != 0 {
                        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                            .map_err(|e| io("cannot make owner-only", e))?;
                    }
                }
            }
        }
        Err(e) => return Err(io("cannot create", e)),
    }
    Ok(())
}

pub fn open_conn(path: &Path) -> Result<Connection, StoreError> {
    #[cfg(unix)]
    owner_only(path)?;
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        // A page cache of up to 16 MiB per connection and reads through
        // mmap: with a million accounts the B-trees are deeper than the
        // default 2 MiB cache holds (both grow only with use).
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::Migration(format!(
            "database schema version {version} is newer than this server ({known})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}
