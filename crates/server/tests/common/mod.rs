//! Test harness: a real `apiq-server` router on 127.0.0.1 over TCP, with a
//! hand-moved clock, spoken to with plain HTTP as an outside client would.
//!
//! The engine: SQLite (a new file per test), or PostgreSQL when
//! `APIQ_TEST_PG_URL` names a server (scripts/test-postgres.sh sets it):
//! then every test gets a new database there, and the same suite runs.

#![allow(dead_code)]

use std::sync::Arc;

use apiq_otp::{hotp, Algorithm, Secret};
use apiq_server::{AppState, Config, ManualClock};
use serde_json::Value;

/// A time on a 30-second boundary, so step arithmetic is easy to read.
pub const T0: u64 = 1_700_000_010;

pub struct Srv {
    pub url: String,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    pub db: std::path::PathBuf,
    /// The PostgreSQL database of this test, when the engine is PostgreSQL.
    pub pg_url: Option<String>,
}

/// The PostgreSQL server to test against, if any.
pub fn pg_admin_url() -> Option<String> {
    std::env::var("APIQ_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new empty database on the test PostgreSQL server; its URL.
pub fn new_pg_database(admin: &str) -> String {
    let name = format!("apiq_t_{:016x}", rand::random::<u64>());
    let (admin_c, sql) = (admin.to_owned(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin_c, postgres::NoTls).unwrap();
        c.batch_execute(&sql).unwrap();
    })
    .join()
    .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// The configuration of a fresh database of the engine under test, its
/// files (SQLite, key) in `dir`.
pub fn test_config(dir: &std::path::Path) -> (Config, Option<String>) {
    match pg_admin_url() {
        Some(admin) => {
            let url = new_pg_database(&admin);
            (Config::postgres(&url, dir.join("server.key")), Some(url))
        }
        None => (Config::new(dir.join("apiq.db")), None),
    }
}

pub async fn start() -> Srv {
    start_with(|_| {}).await
}

pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Srv {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("apiq.db");
    let clock = ManualClock::new(T0);
    let (mut cfg, pg_url) = test_config(dir.path());
    cfg.clock = Arc::new(clock.clone());
    cfg.hash_threads = 2;
    cfg.addr_max_failures = 10_000;
    cfg.signup_max_per_addr = 10_000;
    tweak(&mut cfg);
    let state = AppState::new(cfg).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(apiq_server::serve(listener, state));
    Srv {
        url,
        clock,
        dir,
        http: reqwest::Client::new(),
        db,
        pg_url,
    }
}

impl Srv {
    /// Runs SQL statements straight on this test's database (either
    /// engine), as a crashed instance or an operator would leave it.
    pub fn exec_sql(&self, sql: &str) {
        let (pg, db, sql) = (self.pg_url.clone(), self.db.clone(), sql.to_owned());
        std::thread::spawn(move || match pg {
            Some(url) => {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                c.batch_execute(&sql).unwrap();
            }
            None => rusqlite::Connection::open(db)
                .unwrap()
                .execute_batch(&sql)
                .unwrap(),
        })
        .join()
        .unwrap();
    }

    /// GET `/1.0/users/{path}` with query parameters (py-jelastic's way).
    pub async fn get(&self, path: &str, params: &[(&str, &str)]) -> Value {
        let r = self
            .http
            .get(format!("{}/1.0/users/{path}", self.url))
            .query(params)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    /// POST with a form body.
    pub async fn post(&self, path: &str, params: &[(&str, &str)]) -> Value {
        let r = self
            .http
            .post(format!("{}/1.0/users/{path}", self.url))
            .form(params)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    pub fn now(&self) -> u64 {
        use apiq_server::Clock;
        self.clock.now()
    }

    /// Moves to the next 30-second step.
    pub fn next_step(&self) {
        self.clock.advance(30);
    }

    pub async fn signup(&self, email: &str, password: &str) -> i64 {
        let r = self
            .post(
                "registration/rest/createaccount",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(r["result"], 0, "{r}");
        r["uid"].as_i64().unwrap()
    }

    pub async fn signin(&self, login: &str, password: &str) -> Value {
        self.post(
            "authentication/rest/signin",
            &[("login", login), ("password", password)],
        )
        .await
    }

    /// Signs in; returns the session (asserts success).
    pub async fn session(&self, login: &str, password: &str) -> String {
        let r = self.signin(login, password).await;
        assert_eq!(r["result"], 0, "{r}");
        r["session"].as_str().unwrap().to_owned()
    }

    pub async fn verify(&self, session: &str, code: &str) -> Value {
        self.post(
            "authentication/rest/verify2facode",
            &[("session", session), ("code", code)],
        )
        .await
    }

    pub async fn userinfo(&self, session: &str) -> Value {
        self.get("account/rest/getuserinfo", &[("session", session)])
            .await
    }

    /// A new account with 2FA on. Returns (full session, secret, recovery
    /// codes); the clock has moved one step past the enable code's step.
    pub async fn account_with_2fa(&self, email: &str, password: &str) -> TwoFa {
        self.signup(email, password).await;
        let session = self.session(email, password).await;
        let cfg = self
            .post(
                "account/rest/get2faconfig",
                &[("session", &session), ("password", password)],
            )
            .await;
        assert_eq!(cfg["result"], 0, "{cfg}");
        let secret = Secret::from_base32(cfg["secret"].as_str().unwrap()).unwrap();
        let code = totp(&secret, self.now());
        let r = self
            .post(
                "account/rest/enable2fa",
                &[
                    ("session", &session),
                    ("password", password),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(r["result"], 0, "{r}");
        let codes = r["recoveryCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        self.next_step();
        TwoFa {
            session,
            secret,
            codes,
            secret_b32: cfg["secret"].as_str().unwrap().to_owned(),
        }
    }

    /// Signs in to a 2FA account: the pending session.
    pub async fn pending(&self, login: &str, password: &str) -> String {
        let r = self.signin(login, password).await;
        assert_eq!(r["result"], 0, "{r}");
        assert_eq!(r["twoFactorRequired"], true, "{r}");
        r["session"].as_str().unwrap().to_owned()
    }
}

pub struct TwoFa {
    pub session: String,
    pub secret: Secret,
    pub secret_b32: String,
    pub codes: Vec<String>,
}

pub fn totp(secret: &Secret, t: u64) -> String {
    hotp(secret, Algorithm::Sha1, t / 30, 6).unwrap()
}

pub fn result(v: &Value) -> i64 {
    v["result"].as_i64().unwrap_or(-1)
}
