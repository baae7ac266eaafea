//! The client against a real server on 127.0.0.1.

use std::sync::Arc;

use apiq_client::{codes, Client, ClientError, Ids, TokenRequest};
use apiq_server::{AppState, Clock, Config, ManualClock};

const PW: &str = "client password 1";

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

async fn server() -> (Client, ManualClock, tempfile::TempDir) {
    server_with(|_| {}).await
}

async fn server_with(tweak: impl FnOnce(&mut Config)) -> (Client, ManualClock, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_700_000_010);
    let mut cfg = match std::env::var("APIQ_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        // scripts/test-postgres.sh: a new database on its PostgreSQL server.
        Some(admin) => {
            let name = format!(
                "apiq_c_{}",
                std::process::id() as u64 * 1000
                    + SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            let (a, sql) = (admin.clone(), format!("CREATE DATABASE {name}"));
            std::thread::spawn(move || {
                postgres::Client::connect(&a, postgres::NoTls)
                    .unwrap()
                    .batch_execute(&sql)
                    .unwrap()
            })
            .join()
            .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            Config::postgres(format!("{base}/{name}"), dir.path().join("c.key"))
        }
        None => Config::new(dir.path().join("c.db")),
    };
    cfg.clock = Arc::new(clock.clone());
    tweak(&mut cfg);
    let state = AppState::new(cfg).unwrap();
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(apiq_server::serve(l, state));
    (Client::new(url).unwrap(), clock, dir)
}

fn code(secret: &str, t: u64) -> String {
    let s = apiq_otp::Secret::from_base32(secret).unwrap();
    apiq_otp::hotp(&s, apiq_otp::Algorithm::Sha1, t / 30, 6).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_calls_walk_the_whole_api() {
    let (c, clock, _dir) = server().await;
    let uid = c.create_account("c@x.io", PW, Some("Cee")).await.unwrap();
    let e = c.create_account("C@x.io", PW, None).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::LOGIN_TAKEN));
    let s = c.signin("c@x.io", PW).await.unwrap();
    assert!(!s.two_factor_required);
    assert!(!format!("{s:?}").contains(s.session.expose()));
    let sess = s.session.expose().to_owned();
    let me = c.get_user_info(&sess).await.unwrap();
    assert_eq!(
        (me.uid, me.name.as_str(), me.two_factor_enabled),
        (uid, "Cee", false)
    );

    let cfg = c.get_2fa_config(&sess, PW).await.unwrap();
    assert!(cfg.otpauth_uri.expose().starts_with("otpauth://totp/"));
    assert!(cfg.qr_code.expose().starts_with("data:image/png;base64,"));
    let codes_ = c
        .enable_2fa(&sess, PW, &code(cfg.secret.expose(), clock.now()))
        .await
        .unwrap();
    assert_eq!(codes_.len(), 10);
    clock.advance(30);

    let p = c.signin("c@x.io", PW).await.unwrap();
    assert!(p.two_factor_required);
    let e = c.get_user_info(p.session.expose()).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::TWO_FACTOR_REQUIRED));
    let e = c
        .verify_2fa_code(p.session.expose(), "000000")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::INVALID_2FA_CODE));
    let v = c
        .verify_2fa_code(p.session.expose(), &code(cfg.secret.expose(), clock.now()))
        .await
        .unwrap();
    assert!(!v.two_factor_required);

    let b = c.get_2fa_backup_codes(&sess, PW).await.unwrap();
    assert_eq!(b.remaining, 10);
    assert_eq!(b.recovery_codes[0].code, codes_[0]);
    let fresh = c.regenerate_2fa_backup_codes(&sess, PW).await.unwrap();
    assert_ne!(fresh[0], codes_[0]);

    let t = c
        .create_token(
            &sess,
            PW,
            &TokenRequest {
                description: "ci".into(),
                api_list: vec!["users.Account.GetUserInfo".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(c.get_user_info(t.value.expose()).await.unwrap().uid, uid);
    let list = c.get_tokens(&sess).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, t.info.id);
    let e = c.get_2fa_config(t.value.expose(), PW).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::PERMISSION_DENIED));
    c.delete_tokens(&sess, PW, &Ids::All).await.unwrap();
    assert!(c
        .get_user_info(t.value.expose())
        .await
        .unwrap_err()
        .is_session_invalid());

    let sessions = c.get_sessions(&sess).await.unwrap();
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    c.disable_2fa(&sess, PW).await.unwrap();
    assert!(c
        .get_user_info(v.session.expose())
        .await
        .unwrap_err()
        .is_session_invalid());
    let log = c.get_audit_log(&sess, Some(5)).await.unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].event, "2fa.disabled");
    c.signout_sessions(&sess, &Ids::All).await.unwrap();
    c.signout(&sess).await.unwrap();
    assert!(c
        .get_user_info(&sess)
        .await
        .unwrap_err()
        .is_session_invalid());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_carries_retry_after() {
    let (c, _clock, _dir) = server().await;
    c.create_account("t@x.io", PW, None).await.unwrap();
    for _ in 0..5 {
        let e = c.signin("t@x.io", "wrong password").await.unwrap_err();
        assert_eq!(e.code(), Some(codes::AUTH_FAILED));
    }
    let e = c.signin("t@x.io", PW).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::TOO_MANY_ATTEMPTS));
    assert_eq!(e.retry_after(), Some(1));
    assert!(!e.is_busy(), "throttling is not busy: {e:?}");
}

/// A flood past the server's hashing queue: the surplus is
/// `ClientError::Busy` (told apart by the reply's `reason`, not its text),
/// never a throttling refusal, and the login is not throttled after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_server_is_told_apart_from_throttling() {
    let (c, _clock, _dir) = server_with(|cfg| {
        cfg.hash_threads = 1;
        cfg.hash_queue = 1;
    })
    .await;
    c.create_account("b@x.io", PW, None).await.unwrap();
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.signin("b@x.io", PW).await })
        })
        .collect();
    let mut busy = 0;
    for t in calls {
        match t.await.unwrap() {
            Ok(_) => {}
            Err(e) => {
                assert!(e.is_busy(), "{e:?}");
                assert!(matches!(e, ClientError::Busy { retry_after: 1, .. }));
                assert_eq!(e.code(), Some(codes::TOO_MANY_ATTEMPTS));
                busy += 1;
            }
        }
    }
    assert!(
        busy > 0,
        "16 at once through a queue of 1 must turn some away"
    );
    c.signin("b@x.io", PW).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_server_is_its_own_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::new(format!("http://127.0.0.1:{port}")).unwrap();
    let e = c.signin("a@b.c", PW).await.unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    assert!(e.to_string().contains("cannot reach"));
    assert!(matches!(
        Client::new("ftp://x"),
        Err(ClientError::BadUrl(_))
    ));
}

#[test]
fn plain_http_is_only_for_this_machine() {
    for url in [
        "http://example.com",
        "http://10.0.0.7:8420",
        "http://192.168.1.2",
        "http://[2001:db8::1]:8420",
        "http://localhost.example.com",
    ] {
        let e = Client::new(url).unwrap_err();
        assert!(matches!(e, ClientError::InsecureUrl(_)), "{url}: {e:?}");
        assert!(e.to_string().contains("use https://"), "{e}");
    }
    for url in [
        "https://example.com",
        "https://10.0.0.7:8420/",
        "http://127.0.0.1:8420",
        "http://127.9.9.9",
        "http://localhost:1",
        "http://LOCALHOST.",
        "http://[::1]:8420",
    ] {
        assert!(Client::new(url).is_ok(), "{url}");
    }
    for url in ["ftp://x", "http://", "localhost:8420", "https://"] {
        assert!(
            matches!(Client::new(url), Err(ClientError::BadUrl(_))),
            "{url}"
        );
    }
}

/// The `Date` of every reply reaches the watcher, refusals included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_replys_date_is_watched() {
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};
    let (c, _clock, _dir) = server().await;
    let seen: Arc<Mutex<Vec<apiq_client::ReplyDate>>> = Arc::default();
    let s2 = Arc::clone(&seen);
    let c = c.on_reply_date(move |d| s2.lock().unwrap().push(*d));
    assert!(format!("{c:?}").contains("watches_dates: true"));
    c.create_account("d@x.io", PW, None).await.unwrap();
    let e = c.signin("d@x.io", "not the password").await.unwrap_err();
    assert!(e.code().is_some(), "{e:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one per reply, the refusal too");
    for d in seen {
        assert!(d.sent <= d.received);
        // The server's Date is its real clock (the one of this machine),
        // to the second.
        let late = d.sent.duration_since(d.server).unwrap_or_default();
        let early = d.server.duration_since(d.received).unwrap_or_default();
        assert!(
            late < Duration::from_secs(2) && early < Duration::from_secs(2),
            "{d:?}"
        );
        assert!(d.server > SystemTime::UNIX_EPOCH);
    }
}

/// A server whose clock is elsewhere: its `Date` is read as sent, on a
/// refusal too; a reply without a readable `Date` is skipped.
#[tokio::test]
async fn a_shifted_servers_date_is_read_as_sent() {
    use std::io::{Read, Write};
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};

    /// A one-shot HTTP server (a thread) answering a refusal with this
    /// `Date` header, or none.
    fn one_reply(date: Option<&'static str>) -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut buf = vec![0u8; 8192];
            let _ = s.read(&mut buf);
            let body = r#"{"result":701,"error":"Wrong login or password."}"#;
            let date = date.map(|d| format!("Date: {d}\r\n")).unwrap_or_default();
            let reply = format!(
                "HTTP/1.1 200 OK\r\n{date}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.write_all(reply.as_bytes()).unwrap();
        });
        url
    }

    let seen: Arc<Mutex<Vec<apiq_client::ReplyDate>>> = Arc::default();
    let s2 = Arc::clone(&seen);
    let url = one_reply(Some("Sun, 06 Nov 1994 08:49:37 GMT"));
    let c = Client::new(url)
        .unwrap()
        .on_reply_date(move |d| s2.lock().unwrap().push(*d));
    let e = c.signin("a@x.io", "pw").await.unwrap_err();
    assert_eq!(e.code(), Some(701), "{e:?}");
    let d = seen.lock().unwrap()[0];
    assert_eq!(
        d.server,
        SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)
    );

    for date in [None, Some("yesterday")] {
        let s3 = Arc::clone(&seen);
        let c = Client::new(one_reply(date))
            .unwrap()
            .on_reply_date(move |d| s3.lock().unwrap().push(*d));
        let _ = c.signin("a@x.io", "pw").await;
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "no Date, or not a date: nothing"
    );
}
