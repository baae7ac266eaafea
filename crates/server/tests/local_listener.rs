//! The defences of a local listener (`design/account-api.md`): a request
//! to a loopback server whose `Host` is not this machine, or whose
//! `Origin` is another site's, is refused with 403 and changes nothing.
//! A real server on 127.0.0.1, spoken to over HTTP.

use std::sync::Arc;

use apiq_server::{AppState, Config, ManualClock};
use reqwest::header::{HOST, ORIGIN};

const CREATE: &str = "/1.0/users/registration/rest/createaccount";
const SIGNIN: &str = "/1.0/users/authentication/rest/signin";

async fn start() -> (String, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(dir.path().join("apiq.db"));
    cfg.clock = Arc::new(ManualClock::new(1_700_000_010));
    cfg.hash_threads = 2;
    let state = AppState::new(cfg).unwrap();
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(apiq_server::serve(l, state));
    (format!("http://127.0.0.1:{port}"), port, dir)
}

/// Creates `login` with the given extra headers; the HTTP status and body.
async fn create(
    url: &str,
    login: &str,
    headers: &[(reqwest::header::HeaderName, String)],
) -> (u16, String) {
    let mut r = reqwest::Client::new()
        .post(format!("{url}{CREATE}"))
        .form(&[("email", login), ("password", "listener test pw 1")]);
    for (k, v) in headers {
        r = r.header(k, v);
    }
    let resp = r.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Whether `login` exists: a sign-in with its password succeeds.
async fn exists(url: &str, login: &str) -> bool {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}{SIGNIN}"))
        .form(&[("login", login), ("password", "listener test pw 1")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["result"] == 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_is_refused_and_changes_nothing() {
    let (url, port, _dir) = start().await;
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1.evil.example",
        "10.1.2.3",
    ] {
        let (status, body) = create(&url, "rebind@x.io", &[(HOST, host.to_string())]).await;
        assert_eq!(status, 403, "Host {host}: {body}");
        assert!(body.contains("Host"), "{body}");
    }
    assert!(
        !exists(&url, "rebind@x.io").await,
        "a refused request created nothing"
    );
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
    ] {
        let login = format!("ok-{}@x.io", host.len());
        let (status, body) = create(&url, &login, &[(HOST, host.clone())]).await;
        assert_eq!(status, 200, "Host {host}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_refused_and_its_own_is_not() {
    let (url, port, _dir) = start().await;
    for origin in [
        "https://evil.example",
        "null",
        &format!("http://localhost:{}", port + 1),
    ] {
        let (status, body) = create(&url, "page@x.io", &[(ORIGIN, origin.to_string())]).await;
        assert_eq!(status, 403, "Origin {origin}: {body}");
        assert!(body.contains("Origin"), "{body}");
    }
    assert!(
        !exists(&url, "page@x.io").await,
        "a refused request created nothing"
    );
    let (status, body) = create(&url, "same@x.io", &[(ORIGIN, url.clone())]).await;
    assert_eq!(status, 200, "its own origin: {body}");
    let (status, body) = create(&url, "script@x.io", &[]).await;
    assert_eq!(status, 200, "no Origin (a script): {body}");
    assert!(exists(&url, "script@x.io").await);
}

/// Issue 14 item 3: the database, its WAL and its folder are the owner's
/// alone, whoever creates them; an older database others could read is
/// tightened.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_its_folder_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new-folder").join("account.db");
    let mut cfg = Config::new(&db);
    cfg.clock = Arc::new(ManualClock::new(1_700_000_010));
    cfg.hash_threads = 2;
    let state = AppState::new(cfg).unwrap();
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(apiq_server::serve(l, state));
    let (status, _) = create(&url, "perm@x.io", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    for suffix in ["", "-wal", "-shm"] {
        let f = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        if f.exists() {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }
    assert!(std::path::PathBuf::from(format!("{}-wal", db.display())).exists());

    // An older database left readable by others is tightened at start.
    let old = dir.path().join("old.db");
    drop(AppState::new(Config::new(&old)).unwrap());
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(AppState::new(Config::new(&old)).unwrap());
    assert_eq!(mode(&old), 0o600);
}
