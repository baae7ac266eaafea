//! The CLI and the OS keyring slot. The `#[ignore]`d tests need a keyring
//! session and run from `scripts/test-keyring.sh` (APIQ_TEST_KEYRING names
//! the store); the last one runs everywhere: with no keyring reachable,
//! `vault init --keyring` still creates the vault and says why once.

mod vault_support;

use vault_support::*;

fn backend() -> String {
    std::env::var("APIQ_TEST_KEYRING").expect("run scripts/test-keyring.sh")
}

#[test]
#[ignore = "needs a keyring session: scripts/test-keyring.sh"]
fn a_keyring_vault_opens_without_a_password_until_the_slot_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let v = path.to_str().unwrap();
    let o = run(
        &[
            "vault",
            "init",
            "--vault",
            v,
            "--keyring",
            "--keyring-backend",
            &backend(),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert!(out(&o).contains("keyring: "), "{}", out(&o));
    assert!(err(&o).is_empty(), "{}", err(&o));
    // No password anywhere, stdin not a terminal: the keyring unlocks it.
    let o = run(&["add", "--vault", v, &uri("K", "k", 1)], None, "");
    assert_ok(&o);
    let o = run(&["list", "--vault", v], None, "");
    assert_ok(&o);
    assert_eq!(out(&o).lines().count(), 1);
    // --no-keyring insists on the password.
    let o = run(&["list", "--vault", v, "--no-keyring"], None, "");
    assert_fails(&o, 2, "APIQ_VAULT_PASSWORD");
    let o = run(&["vault", "keyring", "remove", "--vault", v], None, "");
    assert_ok(&o);
    let o = run(&["list", "--vault", v], None, "");
    assert_fails(&o, 2, "APIQ_VAULT_PASSWORD");
    let o = run(
        &[
            "vault",
            "keyring",
            "add",
            "--vault",
            v,
            "--backend",
            &backend(),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_ok(&run(&["list", "--vault", v], None, ""));
    assert_ok(&run(
        &["vault", "keyring", "remove", "--vault", v],
        None,
        "",
    ));
}

#[test]
fn no_keyring_reachable_creates_a_password_vault_and_says_why_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.apiq");
    let v = path.to_str().unwrap();
    let mut c = cmd(&[
        "vault",
        "init",
        "--vault",
        v,
        "--keyring",
        "--keyring-backend",
        "secret-service",
    ]);
    c.env("APIQ_VAULT_PASSWORD", PW).env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/apiq-test-bus",
    );
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    assert_eq!(out(&o), format!("created {v}\n"));
    let e = err(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("warning: no OS keyring is reachable (Secret Service: "),
        "{e}"
    );
    assert!(e.contains("password only"), "{e}");
    let o = run(&["vault", "info", "--vault", v, "--json"], Some(PW), "");
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(j["slots"].as_array().unwrap().len(), 1);
    assert_eq!(j["slots"][0]["type"], "password");
}
