//! The account API over real TCP on 127.0.0.1: the documented flow and
//! every adversarial case of the contract, each its own test. Time is a
//! hand-moved clock; nothing sleeps.

mod common;

use std::collections::BTreeSet;

use base64::Engine;
use common::*;
use serde_json::Value;

const PW: &str = "correct horse battery";

// ---- the documented flow ----------------------------------------------

fn decode_qr_data_uri(data_uri: &str) -> String {
    let b64 = data_uri
        .strip_prefix("data:image/png;base64,")
        .expect("a PNG data URI");
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .unwrap()
        .to_luma8();
    let (w, h) = img.dimensions();
    rxing::helpers::detect_in_luma(img.into_raw(), w, h, Some(rxing::BarcodeFormat::QR_CODE))
        .unwrap()
        .getText()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_documented_flow() {
    let s = start().await;
    let uid = s.signup("Ann@Example.com", PW).await;
    // Sign in without 2FA: a full session at once.
    let r = s.signin("ann@example.com", PW).await;
    assert_eq!(r["result"], 0);
    assert_eq!(r["twoFactorRequired"], false);
    let sess = r["session"].as_str().unwrap().to_owned();
    let info = s.userinfo(&sess).await;
    assert_eq!(info["uid"], uid);
    assert_eq!(info["email"], "ann@example.com");
    assert_eq!(info["login"], "ann@example.com");
    assert_eq!(info["twoFactorEnabled"], false);

    // Get2FAConfig: the QR code decodes back to the otpauth URI.
    let cfg = s
        .get(
            "account/rest/get2faconfig",
            &[("session", &sess), ("password", PW)],
        )
        .await;
    assert_eq!(cfg["result"], 0, "{cfg}");
    let uri = cfg["otpauthUri"].as_str().unwrap();
    assert_eq!(decode_qr_data_uri(cfg["qrCode"].as_str().unwrap()), uri);
    let entry = apiq_otp::uri::parse(uri).unwrap();
    assert_eq!(entry.issuer, "Apiqcloud");
    assert_eq!(entry.name, "ann@example.com");
    assert_eq!(entry.secret().to_base32(), cfg["secret"].as_str().unwrap());
    assert!(!cfg["secret"].as_str().unwrap().contains('='));
    assert_eq!(entry.digits(), 6);
    assert_eq!(entry.kind().period(), Some(30));
    assert_eq!(entry.algorithm(), apiq_otp::Algorithm::Sha1);

    // A second call replaces the pending secret: the first one's code fails.
    let cfg2 = s
        .get(
            "account/rest/get2faconfig",
            &[("session", &sess), ("password", PW)],
        )
        .await;
    assert_ne!(cfg2["secret"], cfg["secret"]);
    let old = totp(entry.secret(), s.now());
    let secret = apiq_otp::Secret::from_base32(cfg2["secret"].as_str().unwrap()).unwrap();
    let new = totp(&secret, s.now());
    if old != new {
        let r = s
            .get(
                "account/rest/enable2fa",
                &[("session", &sess), ("password", PW), ("code", &old)],
            )
            .await;
        assert_eq!(r["result"], 703, "{r}");
    }
    let r = s
        .get(
            "account/rest/enable2fa",
            &[("session", &sess), ("password", PW), ("code", &new)],
        )
        .await;
    assert_eq!(r["result"], 0, "{r}");
    let codes: Vec<String> = r["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), 10);
    for c in &codes {
        assert_eq!(c.len(), 11, "{c}");
        assert_eq!(&c[5..6], "-");
        assert!(c
            .chars()
            .all(|ch| ch == '-' || "abcdefghijklmnopqrstuvwxyz234567".contains(ch)));
    }
    let r = s
        .get(
            "account/rest/enable2fa",
            &[("session", &sess), ("password", PW), ("code", &new)],
        )
        .await;
    assert_eq!(r["result"], 706);

    // Sign in again: pending, then TOTP.
    s.next_step();
    let pending = s.pending("ann@example.com", PW).await;
    assert_eq!(s.userinfo(&pending).await["result"], 702);
    let r = s.verify(&pending, &totp(&secret, s.now())).await;
    assert_eq!(r["result"], 0, "{r}");
    assert_eq!(r["session"], pending.as_str());
    assert_eq!(r["twoFactorRequired"], false);
    let info = s.userinfo(&pending).await;
    assert_eq!(info["twoFactorEnabled"], true);
    assert_eq!(info["recoveryCodesRemaining"], 10);

    // And with a recovery code (case, dashes and spaces ignored).
    let p2 = s.pending("ann@example.com", PW).await;
    let typed = format!(" {} ", codes[3].to_uppercase().replace('-', " "));
    let r = s.verify(&p2, &typed).await;
    assert_eq!(r["result"], 0, "{r}");
    assert_eq!(s.userinfo(&p2).await["recoveryCodesRemaining"], 9);

    // View the codes.
    let v = s
        .get(
            "account/rest/get2fabackupcodes",
            &[("session", &p2), ("password", PW)],
        )
        .await;
    assert_eq!(v["result"], 0);
    assert_eq!(v["remaining"], 9);
    let listed: Vec<(String, bool)> = v["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["used"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
        codes
    );
    assert_eq!(listed.iter().filter(|c| c.1).count(), 1);
    assert!(listed[3].1);

    // Regenerate: every earlier code stops at once.
    let g = s
        .get(
            "account/rest/regenerate2fabackupcodes",
            &[("session", &p2), ("password", PW)],
        )
        .await;
    assert_eq!(g["result"], 0);
    let fresh: Vec<String> = g["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !codes.contains(c)));
    let p3 = s.pending("ann@example.com", PW).await;
    assert_eq!(s.verify(&p3, &codes[0]).await["result"], 703);
    assert_eq!(s.verify(&p3, &fresh[0]).await["result"], 0);

    // Tokens.
    let t = s
        .get(
            "authentication/rest/createtoken",
            &[
                ("session", &p3),
                ("password", PW),
                ("description", "ci"),
                ("apiList", "users.Account.GetUserInfo"),
                ("expiresAt", "2099-01-01 00:00:00"),
            ],
        )
        .await;
    assert_eq!(t["result"], 0, "{t}");
    let value = t["token"]["value"].as_str().unwrap().to_owned();
    assert!(value.starts_with("apq_") && value.len() == 40);
    assert_eq!(t["token"]["expiresAt"], "2099-01-01 00:00:00");
    let list = s
        .get("authentication/rest/gettokens", &[("session", &p3)])
        .await;
    assert_eq!(list["tokens"].as_array().unwrap().len(), 1);
    assert!(list["tokens"][0].get("value").is_none());
    assert!(!list.to_string().contains(&value));
    assert_eq!(list["tokens"][0]["last4"], &value[36..]);
    assert_eq!(list["tokens"][0]["apiList"][0], "users.Account.GetUserInfo");
    let info = s.userinfo(&value).await;
    assert_eq!(info["result"], 0);
    assert_eq!(info["uid"], uid);
    let id = t["token"]["id"].as_i64().unwrap().to_string();
    let d = s
        .get(
            "authentication/rest/deletetokens",
            &[("session", &p3), ("password", PW), ("ids", &id)],
        )
        .await;
    assert_eq!(d["result"], 0);
    assert_eq!(s.userinfo(&value).await["result"], 705);

    // Sessions.
    let ss = s
        .get("authentication/rest/getsessions", &[("session", &p3)])
        .await;
    let sessions = ss["sessions"].as_array().unwrap();
    assert!(sessions.len() >= 3, "{ss}");
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);

    // Disable: secret and codes deleted, other sessions signed out.
    let r = s
        .get(
            "account/rest/disable2fa",
            &[("session", &p3), ("password", PW)],
        )
        .await;
    assert_eq!(r["result"], 0, "{r}");
    assert_eq!(s.userinfo(&pending).await["result"], 705);
    assert_eq!(s.userinfo(&p2).await["result"], 705);
    let info = s.userinfo(&p3).await;
    assert_eq!(info["twoFactorEnabled"], false);
    assert_eq!(info["recoveryCodesRemaining"], 0);
    let r = s.signin("ann@example.com", PW).await;
    assert_eq!(r["twoFactorRequired"], false);
    let r = s
        .get(
            "account/rest/get2fabackupcodes",
            &[("session", &p3), ("password", PW)],
        )
        .await;
    assert_eq!(r["result"], 707);

    // The audit trail saw it all.
    let log = s.get("account/rest/getauditlog", &[("session", &p3)]).await;
    let events: BTreeSet<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect();
    for e in [
        "account.created",
        "signin",
        "signin.pending",
        "2fa.enabled",
        "2fa.failed",
        "recovery_code.used",
        "recovery_codes.regenerated",
        "token.created",
        "token.deleted",
        "2fa.disabled",
    ] {
        assert!(events.contains(e), "missing audit event {e}: {events:?}");
    }

    // Sign out.
    let r = s
        .get("authentication/rest/signout", &[("session", &p3)])
        .await;
    assert_eq!(r["result"], 0);
    assert_eq!(s.userinfo(&p3).await["result"], 705);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_and_form_bodies_are_accepted() {
    let s = start().await;
    let r: Value = s
        .http
        .post(format!(
            "{}/1.0/users/registration/rest/createaccount",
            s.url
        ))
        .json(&serde_json::json!({ "email": "j@x.io", "password": PW, "appid": 1 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"], 0, "{r}");
    let r = s
        .post(
            "authentication/rest/signin",
            &[("login", "J@X.IO"), ("password", PW), ("ruk", "x")],
        )
        .await;
    assert_eq!(r["result"], 0);
}

// ---- registration and sign-in refusals ----------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_rules() {
    let s = start().await;
    s.signup("a@b.c", PW).await;
    let r = s
        .post(
            "registration/rest/createaccount",
            &[("email", "A@B.C"), ("password", PW)],
        )
        .await;
    assert_eq!(r["result"], 708);
    let r = s
        .post(
            "registration/rest/createaccount",
            &[("email", "x@b.c"), ("password", "short")],
        )
        .await;
    assert_eq!(r["result"], 4);
    let long = "x".repeat(1025);
    let r = s
        .post(
            "registration/rest/createaccount",
            &[("email", "x@b.c"), ("password", &long)],
        )
        .await;
    assert_eq!(r["result"], 4);
    let r = s
        .post(
            "registration/rest/createaccount",
            &[("email", "not-an-email"), ("password", PW)],
        )
        .await;
    assert_eq!(r["result"], 4);
    let r = s
        .post("registration/rest/createaccount", &[("password", PW)])
        .await;
    assert_eq!(r["result"], 4);
    assert!(r["error"].as_str().unwrap().contains("email"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_login_and_wrong_password_look_the_same() {
    let s = start().await;
    s.signup("known@x.io", PW).await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..6 {
        // Interleaved so machine load hits both alike.
        let t = std::time::Instant::now();
        let a = s.signin("known@x.io", "wrong password!").await;
        known.push(t.elapsed());
        let t = std::time::Instant::now();
        let b = s
            .signin(&format!("nobody{i}@x.io"), "wrong password!")
            .await;
        unknown.push(t.elapsed());
        assert_eq!(a["result"], 701);
        assert_eq!(b["result"], 701);
        assert_eq!(a["error"], b["error"]);
        assert_eq!(a.as_object().unwrap().len(), b.as_object().unwrap().len());
        // Keep the known account under the throttle's free failures.
        if i % 4 == 3 {
            s.session("known@x.io", PW).await;
        }
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[3].as_secs_f64(), unknown[3].as_secs_f64());
    // An unknown login costs a full Argon2id verification too: without the
    // dummy hash it would answer in well under a tenth of the time.
    assert!(
        u > k * 0.5 && k > u * 0.5,
        "median known {k:.4}s unknown {u:.4}s"
    );
}

// ---- TOTP ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_totp_code_cannot_be_reused() {
    let s = start().await;
    let a = s.account_with_2fa("r@x.io", PW).await;
    let code = totp(&a.secret, s.now());
    let p1 = s.pending("r@x.io", PW).await;
    assert_eq!(s.verify(&p1, &code).await["result"], 0);
    let p2 = s.pending("r@x.io", PW).await;
    assert_eq!(s.verify(&p2, &code).await["result"], 703);
    // Still refused a step later (inside the ±1 window).
    s.next_step();
    let p3 = s.pending("r@x.io", PW).await;
    assert_eq!(s.verify(&p3, &code).await["result"], 703);
    // An earlier step than the last one used is refused as well.
    let before = totp(&a.secret, s.now() - 60);
    assert_eq!(s.verify(&p3, &before).await["result"], 703);
    assert_eq!(s.verify(&p3, &totp(&a.secret, s.now())).await["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_window_is_one_step_each_way() {
    let s = start().await;
    let a = s.account_with_2fa("w@x.io", PW).await;
    // Two steps past the enable step, so now − 1 step is still unused.
    s.clock.advance(60);
    let now = s.now();
    let p = s.pending("w@x.io", PW).await;
    // ±2 steps: refused.
    assert_eq!(
        s.verify(&p, &totp(&a.secret, now + 60)).await["result"],
        703
    );
    assert_eq!(
        s.verify(&p, &totp(&a.secret, now - 60)).await["result"],
        703
    );
    // −1 step: accepted (later than the enable step).
    assert_eq!(s.verify(&p, &totp(&a.secret, now - 30)).await["result"], 0);
    // +1 step: accepted.
    let p = s.pending("w@x.io", PW).await;
    assert_eq!(s.verify(&p, &totp(&a.secret, now + 30)).await["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enable_code_cannot_sign_in() {
    let s = start().await;
    s.signup("e@x.io", PW).await;
    let sess = s.session("e@x.io", PW).await;
    let cfg = s
        .post(
            "account/rest/get2faconfig",
            &[("session", &sess), ("password", PW)],
        )
        .await;
    let secret = apiq_otp::Secret::from_base32(cfg["secret"].as_str().unwrap()).unwrap();
    let code = totp(&secret, s.now());
    let r = s
        .post(
            "account/rest/enable2fa",
            &[("session", &sess), ("password", PW), ("code", &code)],
        )
        .await;
    assert_eq!(r["result"], 0);
    let p = s.pending("e@x.io", PW).await;
    assert_eq!(s.verify(&p, &code).await["result"], 703);
    s.clock.advance(29);
    let p = s.pending("e@x.io", PW).await;
    assert_eq!(s.verify(&p, &code).await["result"], 703);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifteen_parallel_uses_of_one_totp_code_give_one_session() {
    let s = start().await;
    let a = s.account_with_2fa("p@x.io", PW).await;
    let mut pendings = Vec::new();
    for _ in 0..15 {
        pendings.push(s.pending("p@x.io", PW).await);
    }
    let code = totp(&a.secret, s.now());
    let calls = pendings.iter().map(|p| s.verify(p, &code));
    let results = futures_join_all(calls).await;
    let ok = results.iter().filter(|r| r["result"] == 0).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results.iter().all(|r| [0, 703, 704].contains(&result(r))));
    let full = futures_join_all(pendings.iter().map(|p| s.userinfo(p))).await;
    assert_eq!(full.iter().filter(|r| r["result"] == 0).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_parallel_uses_of_one_recovery_code_give_one_session() {
    let s = start().await;
    let a = s.account_with_2fa("q@x.io", PW).await;
    let mut pendings = Vec::new();
    for _ in 0..30 {
        pendings.push(s.pending("q@x.io", PW).await);
    }
    let code = a.codes[0].clone();
    let results = futures_join_all(pendings.iter().map(|p| s.verify(p, &code))).await;
    let ok = results.iter().filter(|r| r["result"] == 0).count();
    assert_eq!(ok, 1, "{results:?}");
    let full = futures_join_all(pendings.iter().map(|p| s.userinfo(p))).await;
    assert_eq!(full.iter().filter(|r| r["result"] == 0).count(), 1);
    let winner = pendings
        .iter()
        .zip(&results)
        .find(|(_, r)| r["result"] == 0)
        .unwrap()
        .0;
    assert_eq!(s.userinfo(winner).await["recoveryCodesRemaining"], 9);
}

async fn futures_join_all<F: std::future::Future<Output = Value>>(
    futs: impl Iterator<Item = F>,
) -> Vec<Value> {
    // Every request is started before any is awaited: real parallel requests.
    futures_util::future::join_all(futs).await
}

// ---- pending sessions ----------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_session_may_only_verify_or_sign_out() {
    let s = start().await;
    let a = s.account_with_2fa("l@x.io", PW).await;
    let p = s.pending("l@x.io", PW).await;
    for (path, extra) in [
        ("account/rest/getuserinfo", vec![]),
        ("account/rest/get2faconfig", vec![("password", PW)]),
        ("account/rest/get2fabackupcodes", vec![("password", PW)]),
        (
            "account/rest/regenerate2fabackupcodes",
            vec![("password", PW)],
        ),
        ("account/rest/disable2fa", vec![("password", PW)]),
        (
            "account/rest/enable2fa",
            vec![("password", PW), ("code", "123456")],
        ),
        ("account/rest/getauditlog", vec![]),
        ("authentication/rest/getsessions", vec![]),
        ("authentication/rest/signoutsessions", vec![("ids", "*")]),
        (
            "authentication/rest/createtoken",
            vec![("password", PW), ("description", "x"), ("apiList", "*")],
        ),
        ("authentication/rest/gettokens", vec![]),
        (
            "authentication/rest/deletetokens",
            vec![("password", PW), ("ids", "*")],
        ),
    ] {
        let mut params = vec![("session", p.as_str())];
        params.extend(extra);
        assert_eq!(s.get(path, &params).await["result"], 702, "{path}");
    }
    // None of that counted as a failed attempt: the session still verifies.
    assert_eq!(s.verify(&p, &totp(&a.secret, s.now())).await["result"], 0);
    // signout works on a pending session.
    let p = s.pending("l@x.io", PW).await;
    assert_eq!(
        s.get("authentication/rest/signout", &[("session", &p)])
            .await["result"],
        0
    );
    assert_eq!(s.verify(&p, &a.codes[0]).await["result"], 705);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_session_expires_after_five_minutes() {
    let s = start().await;
    let a = s.account_with_2fa("x5@x.io", PW).await;
    let p = s.pending("x5@x.io", PW).await;
    s.clock.advance(301);
    assert_eq!(s.verify(&p, &totp(&a.secret, s.now())).await["result"], 705);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_session_dies_after_five_failed_codes() {
    let s = start().await;
    let a = s.account_with_2fa("d@x.io", PW).await;
    let p = s.pending("d@x.io", PW).await;
    // Malformed codes count as failed attempts too.
    for bad in ["12345", "abcdef", "١٢٣٤٥٦", "000000", "aaaaa-aaaaa"] {
        assert_eq!(s.verify(&p, bad).await["result"], 703, "{bad}");
    }
    // Dead: even the right code gets 705 now.
    assert_eq!(s.verify(&p, &totp(&a.secret, s.now())).await["result"], 705);
    assert_eq!(s.verify(&p, &a.codes[1]).await["result"], 705);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_session_refuses_another_users_code() {
    let s = start().await;
    let a = s.account_with_2fa("alice@x.io", PW).await;
    let b = s.account_with_2fa("bob@x.io", PW).await;
    let pa = s.pending("alice@x.io", PW).await;
    assert_eq!(
        s.verify(&pa, &totp(&b.secret, s.now())).await["result"],
        703
    );
    assert_eq!(s.verify(&pa, &b.codes[0]).await["result"], 703);
    // Bob's code is still good for Bob; Alice's for Alice.
    let pb = s.pending("bob@x.io", PW).await;
    assert_eq!(s.verify(&pb, &b.codes[0]).await["result"], 0);
    assert_eq!(s.verify(&pa, &totp(&a.secret, s.now())).await["result"], 0);
}

// ---- throttling -----------------------------------------------------------

/// Regression: throttling once answered 704 for a known login after five
/// failures but kept answering 701 for an unknown one, which told an
/// attacker which logins have accounts. Both must now answer alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_does_not_reveal_which_logins_exist() {
    let s = start().await;
    s.signup("exists@x.io", PW).await;
    let mut throttled = 0;
    for i in 0..8 {
        // The clock stands still, so the delays pile up for both alike.
        let a = s.signin("exists@x.io", "wrong password!").await;
        let b = s.signin("ghost@x.io", "wrong password!").await;
        assert_eq!(a["result"], b["result"], "attempt {i}: {a} vs {b}");
        assert_eq!(a["error"], b["error"], "attempt {i}");
        assert_eq!(a["retryAfter"], b["retryAfter"], "attempt {i}");
        if a["result"] == 704 {
            throttled += 1;
        }
    }
    assert!(throttled >= 2, "the throttle never engaged");
    // No login text was stored for the unknown one (database and WAL).
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", s.db.display());
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(!bytes.windows(5).any(|w| w == b"ghost"), "{path}");
    }
}

/// Issue 14, item 1: a sign-in used to check the wait, hash, and only then
/// record the failure, so 40 simultaneous wrong passwords were all checked
/// inside one window. The check is now claimed before the hash: of 40 at
/// once at most 5 are checked (the free attempts), the rest are told
/// "busy" (checks in flight) or "throttled" (failures); a login with no
/// account answers exactly alike, so the flood tells nothing either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_parallel_wrong_passwords_are_at_most_five_checks() {
    let s = std::sync::Arc::new(start().await);
    s.signup("guess@x.io", PW).await;
    for login in ["guess@x.io", "nobody@x.io"] {
        let replies = futures_join_all((0..40).map(|i| {
            let s = s.clone();
            async move { s.signin(login, &format!("wrong password {i}")).await }
        }))
        .await;
        let checked = replies.iter().filter(|r| r["result"] == 701).count();
        for r in replies.iter().filter(|r| r["result"] != 701) {
            assert_eq!(r["result"], 704, "{login}: {r}");
            assert!(r["reason"] == "busy" || r["reason"] == "throttled", "{r}");
            assert!(r["retryAfter"].as_u64().unwrap() >= 1, "{r}");
        }
        // Every refusal came from 5 checks in flight or 5 failures, and
        // each check in flight ends as a failure: exactly the free five.
        assert_eq!(checked, 5, "{login}: {checked} of 40 were checked");
        // The five failures throttle the login, the right password too.
        let r = s.signin(login, PW).await;
        assert_eq!(
            (r["result"].clone(), r["reason"].clone()),
            (704.into(), "throttled".into()),
            "{r}"
        );
    }
    s.clock.advance(1);
    assert_eq!(result(&s.signin("guess@x.io", PW).await), 0);
}

/// The same claim guards the password the 2FA methods ask for: 30 parallel
/// wrong passwords on `get2faconfig` from a signed-in session are at most
/// five checks, and the account's counter says five failures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_on_a_2fa_method_are_at_most_five_checks() {
    let s = std::sync::Arc::new(start().await);
    s.signup("confirm@x.io", PW).await;
    let sess = s.session("confirm@x.io", PW).await;
    let replies = futures_join_all((0..30).map(|_| {
        let (s, sess) = (s.clone(), sess.clone());
        async move {
            s.get(
                "account/rest/get2faconfig",
                &[("session", &sess), ("password", "not the password")],
            )
            .await
        }
    }))
    .await;
    let checked = replies.iter().filter(|r| r["result"] == 701).count();
    assert_eq!(checked, 5, "{replies:?}");
    assert!(replies
        .iter()
        .all(|r| r["result"] == 701 || r["result"] == 704));
    let r = s
        .get(
            "account/rest/get2faconfig",
            &[("session", &sess), ("password", PW)],
        )
        .await;
    assert_eq!(r["reason"], "throttled", "{r}");
}

/// Checks claimed by an instance that died before settling them hold the
/// account only for their lease (60 s after the newest claim), not for
/// ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_left_in_flight_by_a_crash_end_with_their_lease() {
    let s = start().await;
    s.signup("crash@x.io", PW).await;
    s.exec_sql(&format!(
        "UPDATE users SET checks = 5, checks_since = {} WHERE login = 'crash@x.io'",
        s.now()
    ));
    let r = s.signin("crash@x.io", PW).await;
    assert_eq!(
        (r["result"].clone(), r["reason"].clone()),
        (704.into(), "busy".into()),
        "{r}"
    );
    s.clock.advance(59);
    assert_eq!(s.signin("crash@x.io", PW).await["reason"], "busy");
    s.clock.advance(1);
    assert_eq!(result(&s.signin("crash@x.io", PW).await), 0);
}

/// Right passwords in parallel are never counted as failures: a burst
/// past the checks an account may have in flight is told "busy" (retry at
/// once), and the account signs in normally after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_right_passwords_are_busy_never_throttled() {
    let s = std::sync::Arc::new(start().await);
    s.signup("many@x.io", PW).await;
    let replies = futures_join_all((0..20).map(|_| {
        let s = s.clone();
        async move { s.signin("many@x.io", PW).await }
    }))
    .await;
    let ok = replies.iter().filter(|r| r["result"] == 0).count();
    assert!(ok >= 1, "{replies:?}");
    for r in replies.iter().filter(|r| r["result"] != 0) {
        assert_eq!(
            (r["result"].clone(), r["reason"].clone()),
            (704.into(), "busy".into()),
            "{r}"
        );
    }
    assert_eq!(result(&s.signin("many@x.io", PW).await), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockout_is_not_reset_by_a_new_signin_and_grows_to_a_lock() {
    let s = start().await;
    s.account_with_2fa("lock@x.io", PW).await;
    let mut failures = 0;
    let mut last_wait = 0;
    let mut locked_at = None;
    while failures < 100 {
        // A new sign-in with the right password...
        let r = s.signin("lock@x.io", PW).await;
        if r["result"] == 704 {
            // ...does not reset the counter: the wait only grows.
            let wait = r["retryAfter"].as_u64().unwrap();
            assert!(failures >= 5, "throttled after only {failures} failures");
            assert!(wait >= last_wait, "wait {wait} after {last_wait}");
            last_wait = wait;
            if wait >= 3600 {
                locked_at = Some(failures);
                break;
            }
            s.clock.advance(wait);
            continue;
        }
        assert_eq!(r["result"], 0, "{r}");
        let p = r["session"].as_str().unwrap().to_owned();
        assert_eq!(s.verify(&p, "000000").await["result"], 703);
        failures += 1;
        // A second guess at once on the same pending session is throttled
        // (from the fifth failure on) with the same wait a sign-in gets.
        let v = s.verify(&p, "000001").await;
        if failures >= 5 {
            assert_eq!(v["result"], 704, "{v}");
            let wait = v["retryAfter"].as_u64().unwrap();
            assert_eq!(s.signin("lock@x.io", PW).await["retryAfter"], wait);
        } else {
            assert_eq!(v["result"], 703);
            failures += 1;
        }
    }
    let locked_at = locked_at.expect("the account was never locked");
    assert!(locked_at < 100, "locked after {locked_at} failures");
    // Locked: the right password is refused with 704 for at least an hour.
    let r = s.signin("lock@x.io", PW).await;
    assert_eq!(r["result"], 704);
    assert!(r["retryAfter"].as_u64().unwrap() >= 3600);
    s.clock.advance(3000);
    assert_eq!(s.signin("lock@x.io", PW).await["result"], 704);
}

/// A sign-in done clears the account's failure counter (in the statement
/// that settles its password check): four wrong passwords, the right one,
/// four wrong ones again, the right one: never throttled. Without the
/// clearing the second round's second failure would be the sixth in a row
/// and be told to wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_done_clears_the_failure_counter() {
    let s = start().await;
    s.signup("clear@x.io", PW).await;
    for round in 0..2 {
        for i in 0..4 {
            let r = s.signin("clear@x.io", "wrong password!").await;
            assert_eq!(r["result"], 701, "round {round}, failure {i}: {r}");
        }
        let r = s.signin("clear@x.io", PW).await;
        assert_eq!(result(&r), 0, "round {round}: {r}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_failures_and_password_failures_share_the_account_counter() {
    let s = start().await;
    let a = s.account_with_2fa("share@x.io", PW).await;
    let p = s.pending("share@x.io", PW).await;
    for _ in 0..3 {
        assert_eq!(s.verify(&p, "000000").await["result"], 703);
    }
    for _ in 0..2 {
        assert_eq!(s.signin("share@x.io", "bad password").await["result"], 701);
    }
    // Five failures of mixed kinds: the next attempt waits.
    let r = s.verify(&p, &totp(&a.secret, s.now())).await;
    assert_eq!(r["result"], 704, "{r}");
    assert_eq!(r["retryAfter"], 1);
    let r = s.signin("share@x.io", PW).await;
    assert_eq!(r["result"], 704);
    // After the wait, the right code signs in and clears the counter.
    s.clock.advance(1);
    assert_eq!(s.verify(&p, &totp(&a.secret, s.now())).await["result"], 0);
    assert_eq!(s.signin("share@x.io", PW).await["result"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_limited_across_accounts() {
    let s = start_with(|c| {
        c.addr_max_failures = 4;
        c.addr_window = 60;
    })
    .await;
    for i in 0..4 {
        let r = s.signin(&format!("n{i}@x.io"), "wrong password").await;
        assert_eq!(r["result"], 701);
    }
    let r = s.signin("n9@x.io", "wrong password").await;
    assert_eq!(r["result"], 704);
    assert_eq!(r["retryAfter"], 60);
    s.clock.advance(60);
    assert_eq!(s.signin("n9@x.io", "wrong password").await["result"], 701);
}

/// A right password settles its check: the address's failed-attempt slot
/// comes back and the account's check in flight ends, so sign-ins that
/// succeed are never throttled or "busy" however many there are (on
/// PostgreSQL these changes and the new session are one statement).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_passwords_give_their_attempt_slots_back() {
    let s = start_with(|c| {
        c.addr_max_failures = 2;
        c.addr_window = 60;
    })
    .await;
    s.signup("back@x.io", PW).await;
    for _ in 0..8 {
        let r = s.signin("back@x.io", PW).await;
        assert_eq!(r["result"], 0, "{r}");
        assert_eq!(
            s.userinfo(r["session"].as_str().unwrap()).await["result"],
            0
        );
    }
    for _ in 0..2 {
        assert_eq!(s.signin("back@x.io", "wrong password").await["result"], 701);
    }
    assert_eq!(s.signin("back@x.io", PW).await["result"], 704);
}

// ---- sessions ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_when_idle_and_absolutely() {
    let s = start().await;
    s.signup("s@x.io", PW).await;
    let a = s.session("s@x.io", PW).await;
    s.clock.advance(23 * 3600);
    assert_eq!(s.userinfo(&a).await["result"], 0);
    s.clock.advance(23 * 3600);
    assert_eq!(s.userinfo(&a).await["result"], 0);
    s.clock.advance(24 * 3600 + 1);
    assert_eq!(s.userinfo(&a).await["result"], 705, "idle expiry");
    let b = s.session("s@x.io", PW).await;
    for _ in 0..9 {
        s.clock.advance(20 * 3600);
        let _ = s.userinfo(&b).await;
    }
    assert_eq!(s.userinfo(&b).await["result"], 705, "absolute expiry");
    assert_eq!(s.userinfo("not-a-session").await["result"], 705);
    assert_eq!(s.get("account/rest/getuserinfo", &[]).await["result"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signoutsessions_signs_out_others() {
    let s = start().await;
    s.signup("o@x.io", PW).await;
    let a = s.session("o@x.io", PW).await;
    let b = s.session("o@x.io", PW).await;
    let c = s.session("o@x.io", PW).await;
    let list = s
        .get("authentication/rest/getsessions", &[("session", &a)])
        .await;
    let b_id = list["sessions"][1]["id"].to_string();
    assert_eq!(
        s.get(
            "authentication/rest/signoutsessions",
            &[("session", &a), ("ids", &b_id)]
        )
        .await["result"],
        0
    );
    assert_eq!(s.userinfo(&b).await["result"], 705);
    assert_eq!(s.userinfo(&c).await["result"], 0);
    s.get(
        "authentication/rest/signoutsessions",
        &[("session", &a), ("ids", "*")],
    )
    .await;
    assert_eq!(s.userinfo(&c).await["result"], 705);
    assert_eq!(s.userinfo(&a).await["result"], 0);
}

// ---- 2FA state rules ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_state_rules_and_password_checks() {
    let s = start().await;
    s.signup("z@x.io", PW).await;
    let sess = s.session("z@x.io", PW).await;
    let with = |pw: &'static str| vec![("session", sess.clone()), ("password", pw.to_string())];
    let q = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let call = |path: &'static str, v: Vec<(&'static str, String)>| {
        let s = &s;
        async move {
            let p: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.get(path, &p).await
        }
    };
    let mut enable = q(&with(PW));
    enable.push(("code", "123456".into()));
    assert_eq!(
        call("account/rest/enable2fa", enable).await["result"],
        707,
        "no pending config"
    );
    assert_eq!(
        call("account/rest/get2fabackupcodes", with(PW)).await["result"],
        707
    );
    assert_eq!(
        call("account/rest/regenerate2fabackupcodes", with(PW)).await["result"],
        707
    );
    assert_eq!(
        call("account/rest/disable2fa", with(PW)).await["result"],
        707
    );
    assert_eq!(
        call("account/rest/get2faconfig", with("wrong password")).await["result"],
        701
    );
    assert_eq!(
        call("account/rest/get2faconfig", vec![("session", sess.clone())]).await["result"],
        4
    );
}

// ---- tokens -----------------------------------------------------------------------

async fn token(s: &Srv, sess: &str, extra: &[(&str, &str)]) -> Value {
    let mut p = vec![("session", sess), ("password", PW), ("description", "t")];
    p.extend_from_slice(extra);
    s.get("authentication/rest/createtoken", &p).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_a_broken_checksum_is_refused() {
    let s = start().await;
    s.signup("t1@x.io", PW).await;
    let sess = s.session("t1@x.io", PW).await;
    let t = token(&s, &sess, &[("apiList", "users.Account.GetUserInfo")]).await;
    let value = t["token"]["value"].as_str().unwrap().to_owned();
    assert_eq!(s.userinfo(&value).await["result"], 0);
    // One character changed in the checksum, in the body, or cut short.
    let mut c: Vec<char> = value.chars().collect();
    c[39] = if c[39] == 'A' { 'B' } else { 'A' };
    let bad_check: String = c.iter().collect();
    let mut c: Vec<char> = value.chars().collect();
    c[5] = if c[5] == 'A' { 'B' } else { 'A' };
    let bad_body: String = c.iter().collect();
    for bad in [
        bad_check,
        bad_body,
        value[..39].to_string(),
        format!("{value}0"),
    ] {
        assert_eq!(s.userinfo(&bad).await["result"], 705, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused() {
    let s = start().await;
    s.signup("t2@x.io", PW).await;
    let sess = s.session("t2@x.io", PW).await;
    let at = apiq_server::format_utc(s.now() + 3600);
    let t = token(&s, &sess, &[("apiList", "*"), ("expiresAt", &at)]).await;
    assert_eq!(t["result"], 0, "{t}");
    let value = t["token"]["value"].as_str().unwrap().to_owned();
    assert_eq!(s.userinfo(&value).await["result"], 0);
    s.clock.advance(3600);
    assert_eq!(s.userinfo(&value).await["result"], 705);
    // A past expiry is refused at creation.
    let past = apiq_server::format_utc(s.now() - 1);
    assert_eq!(
        token(&s, &sess, &[("apiList", "*"), ("expiresAt", &past)]).await["result"],
        4
    );
    assert_eq!(
        token(&s, &sess, &[("apiList", "*"), ("expiresAt", "tomorrow")]).await["result"],
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_token_is_refused_at_once() {
    let s = start().await;
    s.signup("t3@x.io", PW).await;
    let sess = s.session("t3@x.io", PW).await;
    let t1 = token(&s, &sess, &[("tokenTemplate", "Extended Access")]).await;
    let t2 = token(
        &s,
        &sess,
        &[(
            "apiList",
            "users.Account.GetUserInfo;users.Account.GetAuditLog",
        )],
    )
    .await;
    let (v1, v2) = (
        t1["token"]["value"].as_str().unwrap().to_owned(),
        t2["token"]["value"].as_str().unwrap().to_owned(),
    );
    assert_eq!(s.userinfo(&v1).await["result"], 0);
    let r = s
        .get(
            "authentication/rest/deletetokens",
            &[("session", &sess), ("password", PW), ("ids", "*")],
        )
        .await;
    assert_eq!(r["result"], 0);
    assert_eq!(s.userinfo(&v1).await["result"], 705);
    assert_eq!(s.userinfo(&v2).await["result"], 705);
    let r = s
        .get(
            "authentication/rest/deletetokens",
            &[("session", &sess), ("password", "nope nope"), ("ids", "*")],
        )
        .await;
    assert_eq!(r["result"], 701);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_can_never_manage_2fa_or_tokens() {
    let s = start().await;
    let a = s.account_with_2fa("t4@x.io", PW).await;
    let t = token(&s, &a.session, &[("apiList", "*")]).await;
    let v = t["token"]["value"].as_str().unwrap().to_owned();
    for (path, extra) in [
        ("account/rest/get2faconfig", vec![("password", PW)]),
        (
            "account/rest/enable2fa",
            vec![("password", PW), ("code", "123456")],
        ),
        ("account/rest/get2fabackupcodes", vec![("password", PW)]),
        (
            "account/rest/regenerate2fabackupcodes",
            vec![("password", PW)],
        ),
        ("account/rest/disable2fa", vec![("password", PW)]),
        (
            "authentication/rest/createtoken",
            vec![("password", PW), ("description", "x"), ("apiList", "*")],
        ),
        ("authentication/rest/gettokens", vec![]),
        (
            "authentication/rest/deletetokens",
            vec![("password", PW), ("ids", "*")],
        ),
        ("authentication/rest/signoutsessions", vec![("ids", "*")]),
        ("authentication/rest/signout", vec![]),
        (
            "authentication/rest/verify2facode",
            vec![("code", "123456")],
        ),
    ] {
        let mut params = vec![("session", v.as_str())];
        params.extend(extra);
        assert_eq!(s.get(path, &params).await["result"], 8202, "{path}");
    }
    // A narrow apiList is enforced too.
    let t = token(&s, &a.session, &[("apiList", "users.Account.GetAuditLog")]).await;
    let narrow = t["token"]["value"].as_str().unwrap().to_owned();
    assert_eq!(s.userinfo(&narrow).await["result"], 8202);
    assert_eq!(
        s.get("account/rest/getauditlog", &[("session", &narrow)])
            .await["result"],
        0
    );
    // Management methods cannot even be put in an apiList.
    let r = token(&s, &a.session, &[("apiList", "users.Account.Disable2FA")]).await;
    assert_eq!(r["result"], 4);
    // 2FA is still on, the token still works.
    assert_eq!(s.userinfo(&v).await["twoFactorEnabled"], true);
}

// ---- no secret at rest -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_plaintext_secret_code_password_or_token_in_the_database_files() {
    let s = start().await;
    let pw = "Plaintext-Password-7391";
    let a = s.account_with_2fa("db@x.io", pw).await;
    let p = s.pending("db@x.io", pw).await;
    assert_eq!(s.verify(&p, &a.codes[2]).await["result"], 0);
    let t = s
        .get(
            "authentication/rest/createtoken",
            &[
                ("session", &p),
                ("password", pw),
                ("description", "d"),
                ("apiList", "*"),
            ],
        )
        .await;
    let token_value = t["token"]["value"].as_str().unwrap().to_owned();
    // A second pending secret sits in the database too (after disable).
    let r = s
        .get(
            "account/rest/disable2fa",
            &[("session", &p), ("password", pw)],
        )
        .await;
    assert_eq!(r["result"], 0);
    let cfg = s
        .get(
            "account/rest/get2faconfig",
            &[("session", &p), ("password", pw)],
        )
        .await;
    let pending_secret = cfg["secret"].as_str().unwrap().to_owned();

    let mut needles: Vec<Vec<u8>> = vec![
        pw.as_bytes().to_vec(),
        p.as_bytes().to_vec(),
        a.session.as_bytes().to_vec(),
        token_value.as_bytes().to_vec(),
        token_value.as_bytes()[4..34].to_vec(),
        a.secret_b32.as_bytes().to_vec(),
        a.secret.expose().to_vec(),
        pending_secret.as_bytes().to_vec(),
        apiq_otp::Secret::from_base32(&pending_secret)
            .unwrap()
            .expose()
            .to_vec(),
    ];
    for c in &a.codes {
        needles.push(c.as_bytes().to_vec());
        needles.push(c.replace('-', "").as_bytes().to_vec());
    }
    // What the database holds: its files (SQLite), or a dump of every
    // table (PostgreSQL; binary columns appear there in hex).
    let mut stored: Vec<(String, Vec<u8>)> = Vec::new();
    match &s.pg_url {
        Some(url) => {
            let out = std::process::Command::new("pg_dump")
                .args(["--data-only", url])
                .output()
                .unwrap();
            assert!(out.status.success(), "pg_dump failed");
            stored.push(("pg_dump".into(), out.stdout));
            let hex: Vec<Vec<u8>> = needles
                .iter()
                .map(|n| {
                    n.iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                        .into_bytes()
                })
                .collect();
            needles.extend(hex);
        }
        None => {
            for entry in std::fs::read_dir(s.dir.path()).unwrap() {
                let path = entry.unwrap().path();
                stored.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
            assert!(stored.len() >= 2, "database files not found");
        }
    }
    for (name, bytes) in &stored {
        for n in &needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                "{name} holds a plaintext secret ({} bytes)",
                n.len()
            );
        }
    }
    // The check would catch a plaintext value: the login is stored in the clear.
    let login = b"db@x.io";
    assert!(stored
        .iter()
        .any(|(_, bytes)| bytes.windows(login.len()).any(|w| w == login)));
}

// ---- hostile input ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junk_and_oversized_input_never_gives_a_5xx() {
    let s = start().await;
    let huge = "x".repeat(64 * 1024 + 1000);
    let big = "y".repeat(20_000);
    let paths: Vec<String> = apiq_server::Method::ALL.iter().map(|m| m.path()).collect();
    let junk: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("session", ""), ("password", ""), ("code", "")],
        vec![("session", "apq_"), ("code", "１２３４５６")],
        vec![
            ("session", "\u{0}\u{1}"),
            ("login", "\u{202e}@x"),
            ("password", "\u{0}"),
        ],
        vec![("email", "a@b"), ("password", &big), ("name", &big)],
        vec![("ids", "1;;;-9999999999999999999999"), ("apiList", "[[[[")],
        vec![("expiresAt", "9999-99-99 99:99:99"), ("limit", "-1")],
    ];
    for path in &paths {
        for params in &junk {
            for post in [false, true] {
                let url = format!("{}{path}", s.url);
                let req = if post {
                    s.http.post(&url).form(params)
                } else {
                    s.http.get(&url).query(params)
                };
                let r = req.send().await.unwrap();
                assert_eq!(r.status(), 200, "{path} {params:?}");
                let v: Value = r.json().await.unwrap();
                assert_ne!(v["result"], 0, "{path} {params:?}: {v}");
                assert_ne!(v["result"], 1, "{path}: internal error on junk");
            }
        }
        // Raw junk bodies and encodings.
        for (ct, body) in [
            (
                "application/json",
                b"{\"session\": [1, {\"a\": null}], \"code\": 1e999}".to_vec(),
            ),
            ("application/json", b"{{{{".to_vec()),
            ("application/json", b"\"str\"".to_vec()),
            (
                "application/x-www-form-urlencoded",
                b"%FF%FE=%C0%AF&session=%00&&==&".to_vec(),
            ),
            ("text/plain", vec![0xff, 0x00, 0x80]),
            ("multipart/form-data; boundary=x", b"--x\r\n\r\n".to_vec()),
        ] {
            let r = s
                .http
                .post(format!("{}{path}?a=%FF&%%=1", s.url))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path} {ct}");
            let v: Value = r.json().await.unwrap();
            assert!(v["result"].as_i64().unwrap() > 1, "{path}: {v}");
        }
        // Oversized body: 413.
        let r = s
            .http
            .post(format!("{}{path}", s.url))
            .body(huge.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413, "{path}");
        // Wrong verb: 405.
        let r = s.http.put(format!("{}{path}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), 405, "{path}");
    }
    // Unknown routes: 404.
    for p in [
        "/",
        "/1.0/users/account/rest/nosuch",
        "/1.0/users/account/rest/GetUserInfo",
        "/1.0/x/y/rest/z",
    ] {
        let r = s.http.get(format!("{}{p}", s.url)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{p}");
    }
    // A very long query string is still answered without a 5xx.
    let long_q = format!(
        "{}/1.0/users/account/rest/getuserinfo?session={}",
        s.url,
        "z".repeat(30_000)
    );
    let r = s.http.get(long_q).send().await.unwrap();
    assert!(r.status().as_u16() < 500);
}

// ---- the OpenAPI document ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_and_router_match() {
    let s = start().await;
    let r = s
        .http
        .get(format!("{}/openapi.json", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let in_doc: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let mut in_router: BTreeSet<String> =
        apiq_server::Method::ALL.iter().map(|m| m.path()).collect();
    in_router.insert("/openapi.json".into());
    assert_eq!(in_doc, in_router);
    // Every documented operation answers (not 404/405) with its verb, and
    // its parameters are the ones the server reads.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for verb in item.as_object().unwrap().keys() {
            let url = format!("{}{path}", s.url);
            let r = match verb.as_str() {
                "get" => s.http.get(&url).send().await.unwrap(),
                "post" => s.http.post(&url).send().await.unwrap(),
                other => panic!("unexpected verb {other}"),
            };
            assert_eq!(r.status(), 200, "{verb} {path}");
        }
    }
    // The served document is the one in the repository.
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../account-proto/openapi.json"
    ))
    .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&file).unwrap(), doc);
    // And a path that is not in the document is not routed.
    let r = s
        .http
        .get(format!("{}/1.0/users/account/rest/deleteaccount", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// A flood of sign-ins larger than the hashing queue: the surplus is
/// answered at once with 704 "busy" and `retryAfter` (no 5xx, nothing
/// counted against the login), the rest are answered normally, and the
/// account signs in as usual afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_flood_past_the_hashing_queue_is_told_to_retry() {
    let s = start_with(|c| {
        c.hash_threads = 1;
        c.hash_queue = 2;
    })
    .await;
    // Six accounts, four sign-ins each: an account has at most five
    // password checks in flight (issue 14), so the flood reaches the
    // hashing queue whole, as one from many people would.
    for i in 0..6 {
        s.signup(&format!("flood{i}@example.com"), "correct horse")
            .await;
    }
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for n in 0..24 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.signin(&format!("flood{}@example.com", n % 6), "correct horse")
                .await
        }));
    }
    let (mut ok, mut busy) = (0, 0);
    for t in tasks {
        let r = t.await.unwrap();
        match result(&r) {
            0 => ok += 1,
            704 => {
                busy += 1;
                assert_eq!(r["retryAfter"], 1, "{r}");
                assert_eq!(r["reason"], "busy", "{r}");
            }
            other => panic!("unexpected result {other}: {r}"),
        }
    }
    assert!(
        busy > 0,
        "24 at once through a queue of 2 must turn some away"
    );
    // The two places of the queue are always served (the one running may
    // have been taken from the queue after the third arrived, or before).
    assert!(ok >= 2, "the queue's two places are served ({ok} were)");
    // Nothing was counted against the logins: each signs in at once.
    for i in 0..6 {
        assert_eq!(
            result(
                &s.signin(&format!("flood{i}@example.com"), "correct horse")
                    .await
            ),
            0
        );
    }
}

/// One address may create only so many accounts per window (each costs a
/// hash and a row): past it `createaccount` answers 704 with the wait and
/// creates nothing; refusals (708 taken, 4 bad parameter) use the
/// allowance up too, so taken logins cannot be listed at full speed
/// (`design/account-api.md`, "Defences of a local listener"); after the
/// window it may create again.
#[tokio::test]
async fn one_address_creates_only_so_many_accounts_per_window() {
    let s = start_with(|c| {
        c.signup_max_per_addr = 3;
        c.signup_window = 3600;
    })
    .await;
    let create = |email: &'static str, password: &'static str| {
        let s = &s;
        async move {
            s.post(
                "registration/rest/createaccount",
                &[("email", email), ("password", password)],
            )
            .await
        }
    };
    s.signup("user0@example.com", "correct horse").await;
    // Refused requests are counted: a taken login, a bad parameter.
    assert_eq!(
        result(&create("user0@example.com", "correct horse").await),
        708
    );
    assert_eq!(result(&create("user9@example.com", "short").await), 4);
    let r = create("user3@example.com", "correct horse").await;
    assert_eq!(result(&r), 704, "{r}");
    assert_eq!(r["retryAfter"], 3600, "{r}");
    assert_eq!(r["reason"], "throttled", "{r}");
    // Nothing was created: that login is unknown.
    assert_eq!(
        result(&s.signin("user3@example.com", "correct horse").await),
        701
    );
    s.clock.advance(3600);
    s.signup("user3@example.com", "correct horse").await;
}
