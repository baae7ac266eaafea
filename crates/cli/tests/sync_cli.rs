//! `apiq sync` through the real binary: two or three vaults on one folder
//! (`design/cli.md`, "Sync between devices").

mod vault_support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vault_support::*;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sync(vault: &Path) -> std::process::Output {
    let o = run(&["sync", "--vault", s(vault)], Some(PW), "");
    assert_ok(&o);
    o
}

fn list(vault: &Path) -> Vec<(String, String, String)> {
    let o = run(&["list", "--json", "--vault", s(vault)], Some(PW), "");
    assert_ok(&o);
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    let mut l: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["issuer"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    l.sort();
    l
}

fn add(vault: &Path, uri: &str) -> String {
    let o = run(&["add", uri, "--vault", s(vault)], Some(PW), "");
    assert_ok(&o);
    out(&o).trim().to_string()
}

/// A (cheap vault, published by `sync init`), B and C joined by the CLI.
fn three(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let folder = dir.join("Sync");
    let a_dir = dir.join("a");
    fs::create_dir(&a_dir).unwrap();
    let a = cheap_vault(&a_dir);
    add(&a, &uri("One", "me", 1));
    let o = run(
        &[
            "sync",
            "init",
            "--folder",
            s(&folder),
            "--name",
            "laptop",
            "--vault",
            s(&a),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert!(out(&o).contains("published"), "{}", out(&o));
    let b = dir.join("b.apiq");
    let c = dir.join("c.apiq");
    for (v, name) in [(&b, "desktop"), (&c, "tablet")] {
        let o = run(
            &[
                "sync",
                "join",
                "--folder",
                s(&folder),
                "--name",
                name,
                "--vault",
                s(v),
            ],
            Some(PW),
            "",
        );
        assert_ok(&o);
        assert!(out(&o).contains("joined"), "{}", out(&o));
    }
    (folder, a, b, c)
}

#[test]
fn three_devices_converge_and_a_sync_with_nothing_new_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, a, b, c) = three(dir.path());
    assert_eq!(list(&b), list(&a));
    add(&a, &uri("FromA", "x", 2));
    add(&b, &uri("FromB", "y", 3));
    add(&c, &uri("FromC", "z", 4));
    // A, B, then A again; then C, then A and B once more.
    sync(&a);
    let o = sync(&b);
    assert!(out(&o).contains("pulled: 1 added"), "{}", out(&o));
    sync(&a);
    sync(&c);
    sync(&a);
    sync(&b);
    let all = list(&a);
    assert_eq!(all.len(), 4);
    assert_eq!(list(&b), all);
    assert_eq!(list(&c), all);

    // Nothing new: no file is written, in the vault's folder or the sync folder.
    let snapshot = |paths: Vec<PathBuf>| -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
        paths
            .into_iter()
            .map(|p| {
                let m = fs::metadata(&p).unwrap().modified().unwrap();
                (p.clone(), fs::read(&p).unwrap(), m)
            })
            .collect()
    };
    let files = || {
        let mut v: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.extend([a.clone(), b.clone(), c.clone()]);
        v.sort();
        v
    };
    let before = snapshot(files());
    let o = sync(&a);
    assert!(out(&o).contains("pulled: nothing"), "{}", out(&o));
    assert!(out(&o).contains("pushed: nothing"), "{}", out(&o));
    sync(&b);
    sync(&c);
    assert_eq!(snapshot(files()), before);

    // Status: three devices, this one marked, names and write times.
    let o = run(
        &["sync", "status", "--json", "--vault", s(&a)],
        Some(PW),
        "",
    );
    assert_ok(&o);
    let st: Value = serde_json::from_str(&out(&o)).unwrap();
    let devices = st["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 3);
    let mut names: Vec<&str> = devices
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["desktop", "laptop", "tablet"]);
    assert_eq!(devices.iter().filter(|d| d["this"] == true).count(), 1);
    assert!(devices
        .iter()
        .all(|d| d["last_write"].as_u64().unwrap() > 1_600_000_000));
    assert_eq!(
        st["folder"].as_str().unwrap(),
        s(&std::path::absolute(&folder).unwrap())
    );
}

#[test]
fn a_removal_loses_to_a_later_edit_and_wins_over_an_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_folder, a, b, _c) = three(dir.path());
    let x = add(&a, &uri("Keep", "x", 2));
    let y = add(&a, &uri("Gone", "y", 3));
    sync(&a);
    sync(&b);
    // B renames Y, then A (not having seen it) removes Y: the removal is later.
    assert_ok(&run(
        &["rename", &y, "--issuer", "Renamed", "--vault", s(&b)],
        Some(PW),
        "",
    ));
    assert_ok(&run(&["remove", &y, "--vault", s(&a)], Some(PW), ""));
    // A removes X, then B (not having seen it) renames X: the edit is later.
    assert_ok(&run(&["remove", &x, "--vault", s(&a)], Some(PW), ""));
    assert_ok(&run(
        &["rename", &x, "--issuer", "Edited", "--vault", s(&b)],
        Some(PW),
        "",
    ));
    sync(&a);
    sync(&b);
    sync(&a);
    let l = list(&a);
    assert_eq!(l, list(&b));
    let issuers: Vec<&str> = l.iter().map(|e| e.1.as_str()).collect();
    assert!(issuers.contains(&"Edited"), "{issuers:?}");
    assert!(
        !issuers.contains(&"Renamed") && !issuers.contains(&"Gone"),
        "{issuers:?}"
    );
}

#[test]
fn hotp_counter_is_the_highest_and_a_used_recovery_code_is_used_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (_folder, a, b, _c) = three(dir.path());
    let h = add(
        &a,
        "otpauth://hotp/H:me?secret=JBSWY3DPEHPK3PXP&issuer=H&counter=0",
    );
    let t = add(&a, &uri("T", "me", 7));
    assert_ok(&run(
        &[
            "recovery",
            "add",
            &t,
            "aaaa-1111",
            "bbbb-2222",
            "--vault",
            s(&a),
        ],
        Some(PW),
        "",
    ));
    sync(&a);
    sync(&b);
    for _ in 0..3 {
        assert_ok(&run(&["next", &h, "--vault", s(&a)], Some(PW), ""));
    }
    assert_ok(&run(&["next", &h, "--vault", s(&b)], Some(PW), ""));
    assert_ok(&run(
        &["recovery", "use", &t, "aaaa-1111", "--vault", s(&b)],
        Some(PW),
        "",
    ));
    sync(&b);
    sync(&a);
    sync(&b);
    for v in [&a, &b] {
        let vault = open(v);
        let e = vault
            .entries()
            .iter()
            .find(|e| e.otp.issuer == "H")
            .unwrap();
        assert_eq!(e.otp.kind().counter(), Some(3));
    }
    let o = run(
        &["recovery", "use", &t, "aaaa-1111", "--vault", s(&a)],
        Some(PW),
        "",
    );
    assert!(!o.status.success());
    assert!(err(&o).contains("already used"), "{}", err(&o));
}

#[test]
fn bad_files_are_reported_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, a, b, _c) = three(dir.path());
    add(&b, &uri("FromB", "y", 3));
    sync(&b);
    sync(&a);
    let b_file = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| open(&b).device_id().len() == 16 && s(p).contains(&open(&b).device_id()))
        .unwrap();
    let good = fs::read(&b_file).unwrap();
    // Another vault's file beside them.
    let other_dir = dir.path().join("other");
    fs::create_dir(&other_dir).unwrap();
    let other = cheap_vault(&other_dir);
    let of = dir.path().join("OtherSync");
    assert_ok(&run(
        &["sync", "init", "--folder", s(&of), "--vault", s(&other)],
        Some(PW),
        "",
    ));
    for f in fs::read_dir(&of).unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, folder.join(f.file_name().unwrap())).unwrap();
    }
    add(&b, &uri("Later", "z", 4));
    sync(&b);
    let newer = fs::read(&b_file).unwrap();
    let mut flipped = newer.clone();
    let n = flipped.len() / 2;
    flipped[n] ^= 0x40;
    let mut version = newer.clone();
    version[8] = 7;
    let cases: [(&str, Vec<u8>); 3] = [
        ("truncated", newer[..newer.len() - 100].to_vec()),
        ("flipped byte", flipped),
        ("newer version", version),
    ];
    let vault_before = fs::read(&a).unwrap();
    let list_before = list(&a);
    for (what, bytes) in cases {
        fs::write(&b_file, &bytes).unwrap();
        let o = run(&["sync", "--vault", s(&a)], Some(PW), "");
        assert_ok(&o);
        let e = err(&o);
        assert!(
            e.lines()
                .any(|l| l.starts_with("warning:") && l.contains(s(&b_file))),
            "{what}: {e}"
        );
        assert!(e.contains("another vault"), "{what}: {e}");
        assert!(out(&o).contains("pulled: nothing"), "{what}: {}", out(&o));
        assert_eq!(fs::read(&a).unwrap(), vault_before, "{what}");
        assert_eq!(list(&a), list_before, "{what}");
    }
    // The good file again: B's change arrives.
    fs::write(&b_file, &newer).unwrap();
    let o = sync(&a);
    assert!(out(&o).contains("pulled: 1 added"), "{}", out(&o));
    let _ = good;
}

#[test]
fn an_unreadable_folder_and_a_wrong_password_fail_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, a, _b, _c) = three(dir.path());
    let before = fs::read(&a).unwrap();
    // A file where the folder should be.
    let not_a_dir = dir.path().join("file");
    fs::write(&not_a_dir, "x").unwrap();
    let o = run(
        &["sync", "--folder", s(&not_a_dir), "--vault", s(&a)],
        Some(PW),
        "",
    );
    assert_fails(&o, 1, "cannot be read");
    let o = run(
        &[
            "sync",
            "--folder",
            s(&dir.path().join("missing")),
            "--vault",
            s(&a),
        ],
        Some(PW),
        "",
    );
    assert_fails(&o, 1, "does not exist");
    assert_eq!(fs::read(&a).unwrap(), before);
    // Join with a wrong password: nothing is created.
    let d = dir.path().join("d.apiq");
    let o = run(
        &["sync", "join", "--folder", s(&folder), "--vault", s(&d)],
        Some("wrong"),
        "",
    );
    assert_fails(&o, 1, "wrong password");
    assert!(!d.exists());
    // Sync without a folder.
    let lone_dir = dir.path().join("lone");
    fs::create_dir(&lone_dir).unwrap();
    let lone = cheap_vault(&lone_dir);
    let o = run(&["sync", "--vault", s(&lone)], Some(PW), "");
    assert_fails(&o, 1, "sync init");
}

/// A password change re-keys the data (issue 14, item 9): `apiq vault
/// passwd` on A, then B's `apiq sync` warns that the new password is
/// needed and brings nothing; `apiq sync --new-password` with it brings
/// A's changes and B's vault opens with the new password only.
#[test]
fn a_password_change_is_taken_with_sync_new_password() {
    let dir = tempfile::tempdir().unwrap();
    let (_folder, a, b, _c) = three(dir.path());
    let mut c = cmd(&["vault", "passwd", "--vault", s(&a)]);
    c.env("APIQ_VAULT_PASSWORD", PW)
        .env("APIQ_NEW_VAULT_PASSWORD", "the new password");
    assert_ok(&finish(c.spawn().unwrap(), ""));
    let with_new = |args: &[&str]| {
        let mut c = cmd(args);
        c.env("APIQ_VAULT_PASSWORD", "the new password");
        finish(c.spawn().unwrap(), "")
    };
    assert_ok(&with_new(&[
        "add",
        &uri("Later", "me", 9),
        "--vault",
        s(&a),
    ]));
    assert_ok(&with_new(&["sync", "--vault", s(&a)]));
    let o = sync(&b);
    assert!(err(&o).contains("sync --new-password"), "{}", err(&o));
    assert!(!list(&b).iter().any(|(_, i, _)| i == "Later"));
    // A wrong new password: exit 1, nothing taken.
    let mut c = cmd(&["sync", "--new-password", "--vault", s(&b)]);
    c.env("APIQ_VAULT_PASSWORD", PW)
        .env("APIQ_NEW_VAULT_PASSWORD", "not it");
    assert_fails(&finish(c.spawn().unwrap(), ""), 1, "wrong password");
    let mut c = cmd(&["sync", "--new-password", "--vault", s(&b)]);
    c.env("APIQ_VAULT_PASSWORD", PW)
        .env("APIQ_NEW_VAULT_PASSWORD", "the new password");
    assert_ok(&finish(c.spawn().unwrap(), ""));
    let o = run(&["list", "--vault", s(&b)], Some(PW), "");
    assert_fails(&o, 1, "wrong password");
    let o = with_new(&["list", "--json", "--vault", s(&b)]);
    assert_ok(&o);
    assert!(out(&o).contains("\"Later\""), "{}", out(&o));
}
