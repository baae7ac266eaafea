//! PostgreSQL only: `apiq-server` processes on one real database, as
//! deployed. Run by `scripts/test-postgres.sh` (which starts a throwaway
//! cluster and sets `APIQ_TEST_PG_URL`); `#[ignore]`d in a plain
//! `cargo test`, which has no PostgreSQL.
//!
//! - three instances share every property of the contract: a TOTP step
//!   consumed on one is refused on another, 30 parallel uses of one
//!   recovery code over the instances give one session, 5 failed codes
//!   spread over instances kill the pending session, a lockout reached
//!   through one instance holds on the others, the sign-up limit is shared;
//! - instances started together on an empty database migrate it once and
//!   create one key file;
//! - bad input at start (a wrong URL, an unreachable server, wrong
//!   credentials, no key file, a newer schema) is a one-line `error:`,
//!   exit status 1, no panic, nothing migrated;
//! - connections dropped and refused while running: requests answer the
//!   generic internal error (HTTP 200, result 1), then the server recovers
//!   by itself.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use serde_json::Value;

const PW: &str = "instances password 1";

fn admin_url() -> String {
    std::env::var("APIQ_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .expect("APIQ_TEST_PG_URL: run scripts/test-postgres.sh")
}

/// Runs SQL on `url` from a plain thread (the blocking client may not run
/// inside the test's async runtime).
fn sql(url: &str, statements: &str) -> Vec<postgres::Row> {
    let (url, statements) = (url.to_owned(), statements.to_owned());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.simple_query(&statements).unwrap();
        c.query("SELECT 1 WHERE false", &[]).unwrap()
    })
    .join()
    .unwrap()
}

fn query_i64(url: &str, q: &str) -> Option<i64> {
    let (url, q) = (url.to_owned(), q.to_owned());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query_opt(&q, &[]).unwrap().map(|r| r.get::<_, i64>(0))
    })
    .join()
    .unwrap()
}

/// A new empty database; its URL.
fn new_database() -> String {
    let admin = admin_url();
    let name = format!("apiq_i_{:016x}", rand::random::<u64>());
    sql(&admin, &format!("CREATE DATABASE {name}"));
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

struct Instance {
    child: Child,
    url: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(db: &str, key: &std::path::Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_apiq-server"))
        .args(["--db", db, "--listen", "127.0.0.1:0", "--key-file"])
        .arg(key)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

fn ready(mut child: Child) -> Instance {
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    Instance { child, url }
}

/// `n` instances started together on one new database.
struct Cluster {
    db: String,
    nodes: Vec<Instance>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start(n: usize, extra: &[&str]) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let db = new_database();
        let key = dir.path().join("server.key");
        let children: Vec<Child> = (0..n).map(|_| spawn(&db, &key, extra)).collect();
        let nodes = children.into_iter().map(ready).collect();
        Cluster {
            db,
            nodes,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn call(&self, node: usize, path: &str, params: &[(&str, &str)]) -> Value {
        let url = &self.nodes[node % self.nodes.len()].url;
        let r = self
            .http
            .post(format!("{url}/1.0/users/{path}"))
            .form(params)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json().await.unwrap()
    }

    async fn signup(&self, node: usize, email: &str) {
        let r = self
            .call(
                node,
                "registration/rest/createaccount",
                &[("email", email), ("password", PW)],
            )
            .await;
        assert_eq!(r["result"], 0, "{r}");
    }

    async fn signin(&self, node: usize, email: &str, pw: &str) -> Value {
        self.call(
            node,
            "authentication/rest/signin",
            &[("login", email), ("password", pw)],
        )
        .await
    }

    async fn verify(&self, node: usize, session: &str, code: &str) -> Value {
        self.call(
            node,
            "authentication/rest/verify2facode",
            &[("session", session), ("code", code)],
        )
        .await
    }

    /// An account with 2FA on (set up over two instances): its secret and
    /// recovery codes.
    async fn account_with_2fa(&self, email: &str) -> (apiq_otp::Secret, Vec<String>) {
        self.signup(0, email).await;
        let r = self.signin(1, email, PW).await;
        let s = r["session"].as_str().unwrap().to_owned();
        let cfg = self
            .call(
                2,
                "account/rest/get2faconfig",
                &[("session", &s), ("password", PW)],
            )
            .await;
        let secret = apiq_otp::Secret::from_base32(cfg["secret"].as_str().unwrap()).unwrap();
        let r = self
            .call(
                0,
                "account/rest/enable2fa",
                &[
                    ("session", &s),
                    ("password", PW),
                    ("code", &totp(&secret, 0)),
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
        (secret, codes)
    }

    async fn pending(&self, node: usize, email: &str) -> String {
        let r = self.signin(node, email, PW).await;
        assert_eq!(r["twoFactorRequired"], true, "{r}");
        r["session"].as_str().unwrap().to_owned()
    }
}

/// The TOTP code of the current step plus `offset` steps.
fn totp(secret: &apiq_otp::Secret, offset: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    apiq_otp::hotp(
        secret,
        apiq_otp::Algorithm::Sha1,
        (now / 30 + offset) as u64,
        6,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn a_totp_code_used_on_one_instance_is_refused_on_the_others() {
    let c = Cluster::start(3, &[]);
    let (secret, _) = c.account_with_2fa("totp@x.io").await;
    // The enable step is consumed; the next step's code signs in once.
    let code = totp(&secret, 1);
    let p1 = c.pending(0, "totp@x.io").await;
    assert_eq!(c.verify(1, &p1, &code).await["result"], 0);
    // The pending session made on instance 0 became full for every instance.
    for node in 0..3 {
        let r = c
            .call(node, "account/rest/getuserinfo", &[("session", &p1)])
            .await;
        assert_eq!(r["result"], 0, "{r}");
    }
    for node in [2, 0] {
        let p = c.pending(node, "totp@x.io").await;
        assert_eq!(c.verify(node, &p, &code).await["result"], 703);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn thirty_parallel_uses_of_one_recovery_code_over_instances_give_one_session() {
    let c = Arc::new(Cluster::start(3, &[]));
    let (_, codes) = c.account_with_2fa("rc@x.io").await;
    let mut pendings = Vec::new();
    for i in 0..30 {
        pendings.push(c.pending(i, "rc@x.io").await);
    }
    let tasks: Vec<_> = pendings
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (c, p, code) = (c.clone(), p.clone(), codes[0].clone());
            tokio::spawn(async move { c.verify(i, &p, &code).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap();
        match r["result"].as_i64().unwrap() {
            0 => ok += 1,
            703 | 704 => {}
            other => panic!("unexpected {other}: {r}"),
        }
    }
    assert_eq!(ok, 1);
    let used = query_i64(
        &c.db,
        "SELECT count(*) FROM recovery_codes WHERE used_at IS NOT NULL",
    );
    assert_eq!(used, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn five_failed_codes_spread_over_instances_kill_the_pending_session() {
    let c = Cluster::start(3, &[]);
    let (secret, _) = c.account_with_2fa("five@x.io").await;
    let p = c.pending(0, "five@x.io").await;
    for node in 0..5 {
        assert_eq!(c.verify(node, &p, "000000").await["result"], 703);
    }
    // Dead everywhere, even with the right code.
    for node in 0..3 {
        let r = c.verify(node, &p, &totp(&secret, 1)).await;
        assert_eq!(r["result"], 705, "{r}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn a_lockout_reached_through_one_instance_holds_on_the_others() {
    let c = Cluster::start(3, &[]);
    c.signup(0, "lock@x.io").await;
    // A history of 49 consecutive failures long ago (waiting out the real
    // delays would take days): the account may try once more, now.
    sql(
        &c.db,
        "UPDATE users SET failures = 49, last_failure = 0 WHERE login = 'lock@x.io'",
    );
    // The 50th failure, through instance 1, locks the account for a day.
    let r = c.signin(1, "lock@x.io", "wrong password").await;
    assert_eq!(r["result"], 701, "{r}");
    // The right password on every instance is refused, with a day's wait:
    // no timing margin is involved.
    for node in [0, 2, 1] {
        let r = c.signin(node, "lock@x.io", PW).await;
        assert_eq!(r["result"], 704, "{r}");
        assert_eq!(r["reason"], "throttled", "{r}");
        assert!(r["retryAfter"].as_u64().unwrap() > 86_000, "{r}");
    }
}

/// 40 simultaneous wrong passwords for one login, spread over three
/// instances: the claim before the hash lives in the database, so at most
/// the five free attempts are checked in all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn forty_parallel_wrong_passwords_over_instances_are_at_most_five_checks() {
    let c = Arc::new(Cluster::start(3, &[]));
    c.signup(0, "spread@x.io").await;
    let calls: Vec<_> = (0..40)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.signin(i % 3, "spread@x.io", "wrong password").await })
        })
        .collect();
    let mut checked = 0;
    for t in calls {
        let r = t.await.unwrap();
        match r["result"].as_i64() {
            Some(701) => checked += 1,
            Some(704) => assert!(r["reason"] == "busy" || r["reason"] == "throttled", "{r}"),
            _ => panic!("unexpected reply {r}"),
        }
    }
    assert!((1..=5).contains(&checked), "{checked} of 40 were checked");
    let failures = query_i64(
        &c.db,
        "SELECT failures FROM users WHERE login = 'spread@x.io'",
    );
    assert_eq!(failures, Some(checked));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn the_sign_up_limit_is_shared_by_the_instances() {
    let c = Cluster::start(3, &["--signup-limit", "3"]);
    for (i, email) in ["s0@x.io", "s1@x.io", "s2@x.io"].iter().enumerate() {
        c.signup(i, email).await;
    }
    for node in 0..3 {
        let r = c
            .call(
                node,
                "registration/rest/createaccount",
                &[("email", "s9@x.io"), ("password", PW)],
            )
            .await;
        assert_eq!(r["result"], 704, "{r}");
    }
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
fn instances_starting_together_migrate_once_and_share_one_key() {
    let c = Cluster::start(3, &[]);
    // Migrated once to the newest version (2: the schema, then password
    // checks in flight): one version row.
    assert_eq!(
        query_i64(&c.db, "SELECT max(version) FROM apiq_schema"),
        Some(2)
    );
    assert_eq!(
        query_i64(&c.db, "SELECT count(*) FROM apiq_schema"),
        Some(1)
    );
    let key = c._dir.path().join("server.key");
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
    let others: Vec<_> = std::fs::read_dir(c._dir.path()).unwrap().collect();
    assert_eq!(others.len(), 1, "one key file and no leftovers");
}

/// Starts the binary expecting a refusal: one `error:` line, status 1.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apiq-server"))
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
fn bad_databases_are_refused_at_start_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    let key = key.to_str().unwrap();
    let admin = admin_url();
    // No key file with a URL.
    let e = refused(&["--db", &admin]);
    assert!(e.contains("--key-file"), "{e}");
    // Not a URL PostgreSQL understands.
    refused(&["--db", "postgres://a:b@[::1/x", "--key-file", key]);
    // Nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = refused(&[
        "--db",
        &format!("postgres://apiq:x@127.0.0.1:{port}/apiq"),
        "--key-file",
        key,
    ]);
    assert!(!e.contains(":x@"), "the password is not repeated: {e}");
    // Wrong password: the URL with its password changed.
    let (creds, rest) = admin.split_once('@').unwrap();
    let (user_part, _) = creds.rsplit_once(':').unwrap();
    let wrong = format!("{user_part}:not-the-password@{rest}");
    let e = refused(&["--db", &wrong, "--key-file", key]);
    assert!(!e.contains("not-the-password"), "{e}");
    // A database that does not exist.
    let (base, _) = admin.rsplit_once('/').unwrap();
    refused(&["--db", &format!("{base}/no_such_db_x"), "--key-file", key]);
    // A newer schema: refused, and nothing of ours is created.
    let db = new_database();
    sql(
        &db,
        "CREATE TABLE apiq_schema (version BIGINT NOT NULL); INSERT INTO apiq_schema VALUES (99)",
    );
    let e = refused(&["--db", &db, "--key-file", key]);
    assert!(e.contains("newer"), "{e}");
    assert_eq!(
        query_i64(&db, "SELECT max(version) FROM apiq_schema"),
        Some(99)
    );
    assert_eq!(
        query_i64(
            &db,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'users'"
        ),
        Some(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test-postgres.sh"]
async fn the_database_going_away_gives_internal_errors_then_recovers() {
    let c = Cluster::start(1, &[]);
    c.signup(0, "away@x.io").await;
    let s = c.signin(0, "away@x.io", PW).await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = || async {
        c.call(0, "account/rest/getuserinfo", &[("session", &s)])
            .await
    };
    assert_eq!(info().await["result"], 0);
    let name = c.db.rsplit('/').next().unwrap().to_owned();
    // Refuse new connections and cut the open ones.
    sql(
        &admin_url(),
        &format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ),
    );
    for _ in 0..6 {
        let r = info().await;
        assert_eq!(r["result"], 1, "{r}");
        assert_eq!(r["error"], "internal error");
    }
    sql(
        &admin_url(),
        &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"),
    );
    // Back without a restart: every request answers again.
    for _ in 0..10 {
        assert_eq!(info().await["result"], 0);
    }
}
