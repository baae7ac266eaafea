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
