//! The vault commands as a real process, checked against `design/cli.md`:
//! outputs, exit codes, `error:` lines, nothing on stdout and no file
//! changed on failure.

mod vault_support;

use std::fs;

use vault_support::*;

#[test]
fn init_creates_a_calibrated_vault_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut c = cmd(&["vault", "init"]);
    c.env("APIQ_DATA_DIR", &data).env("APIQ_VAULT_PASSWORD", PW);
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    let path = data.join("vault.apiq");
    assert_eq!(out(&o), format!("created {}\n", path.display()));
    let info = run(
        &["vault", "info", "--json", "--vault", path.to_str().unwrap()],
        Some(PW),
        "",
    );
    assert_ok(&info);
    let j: serde_json::Value = serde_json::from_str(&out(&info)).unwrap();
    assert!(j["slots"][0]["m_kib"].as_u64().unwrap() >= 19456, "{j}");
    assert!(j["slots"][0]["t"].as_u64().unwrap() >= 2, "{j}");
    let before = fs::read(&path).unwrap();
    let o = run(
        &["vault", "init", "--vault", path.to_str().unwrap()],
        Some(PW),
        "",
    );
    assert_fails(&o, 1, "already exists");
    assert_eq!(fs::read(&path).unwrap(), before);
    // No password source at all, not a terminal: a clear usage error.
    let other = dir.path().join("other.apiq");
    let o = run(
        &["vault", "init", "--vault", other.to_str().unwrap()],
        None,
        "",
    );
    assert_fails(&o, 2, "APIQ_VAULT_PASSWORD");
    assert!(!other.exists());
}

#[test]
fn add_list_rename_remove_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    let o = run(
        &[
            "add",
            "--vault",
            v,
            "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME",
            "otpauth://hotp/H:h?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0",
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    let ids: Vec<String> = out(&o).lines().map(str::to_string).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids
        .iter()
        .all(|i| i.len() == 32 && i.bytes().all(|b| b.is_ascii_hexdigit())));

    // RFC 6238 / RFC 4226 secret "12345678901234567890": at t=59 → 287082;
    // HOTP counter 0 → 755224.
    let o = run(
        &["list", "--vault", v, "--at", "59", "--json"],
        Some(PW),
        "",
    );
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(j[0]["id"], ids[0].as_str());
    assert_eq!(j[0]["code"], "287082");
    assert_eq!(j[0]["type"], "totp");
    assert_eq!(j[0]["issuer"], "ACME");
    assert_eq!(j[0]["name"], "alice");
    assert_eq!(j[1]["code"], "755224");
    assert!(!out(&o).contains("GEZDGNBV"), "list shows no secret");
    let o = run(&["list", "--vault", v, "--at", "59"], Some(PW), "");
    assert_eq!(
        out(&o).lines().next().unwrap(),
        format!("{}  287082      ACME (alice)", ids[0])
    );

    // HOTP: `next` prints the code and the counter is kept.
    let o = run(&["next", "--vault", v, &ids[1]], Some(PW), "");
    assert_eq!(out(&o), "755224\n");
    let o = run(&["next", "--vault", v, &ids[1][..6]], Some(PW), "");
    assert_eq!(out(&o), "287082\n");

    let o = run(
        &[
            "rename", "--vault", v, &ids[0], "bob", "--issuer", "Acme Inc",
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(out(&o), format!("{}  Acme Inc (bob)\n", ids[0]));
    let o = run(&["remove", "--vault", v, &ids[1]], Some(PW), "");
    assert_eq!(out(&o), format!("removed {}\n", ids[1]));
    let vault = open(&path);
    assert_eq!(vault.entries().len(), 1);
    assert_eq!(vault.entries()[0].otp.name, "bob");
}

#[test]
fn failures_print_nothing_and_change_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    assert_ok(&run(
        &["add", "--vault", v, &uri("A", "a", 1)],
        Some(PW),
        "",
    ));
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let b = uri("B", "b", 2);
    let cases: Vec<(Vec<&str>, Option<&str>, i32, &str)> = vec![
        (
            vec!["list", "--vault", v],
            Some("wrong"),
            1,
            "wrong password",
        ),
        (
            vec!["add", "--vault", v, "otpauth://totp/x?secret=!!"],
            Some(PW),
            2,
            "line 1",
        ),
        (
            vec!["add", "--vault", v, &b, "nonsense"],
            Some(PW),
            2,
            "line 2",
        ),
        (
            vec!["remove", "--vault", v, "0123456789abcdef"],
            Some(PW),
            2,
            "no entry",
        ),
        (
            vec!["rename", "--vault", v, "0123"],
            Some(PW),
            2,
            "rename needs",
        ),
        (
            vec!["recovery", "use", "--vault", v, "ffff", "1234"],
            Some(PW),
            2,
            "no entry",
        ),
        (
            vec!["export", "--vault", v, "--format", "nope"],
            Some(PW),
            2,
            "unknown export format",
        ),
        (
            vec!["export", "--vault", v, "--format", "aegis-encrypted"],
            Some(PW),
            2,
            "APIQ_EXPORT_PASSWORD",
        ),
        (
            vec!["import", "--vault", v, "/nonexistent/file"],
            Some(PW),
            2,
            "cannot read",
        ),
        (
            vec!["list", "--vault", "/nonexistent/v.apiq"],
            Some(PW),
            1,
            "apiq vault init",
        ),
    ];
    for (args, pw, code, needle) in cases {
        let o = run(&args, pw, "");
        assert_fails(&o, code, needle);
        assert!(snapshot() == before, "{args:?} changed a file");
    }
}

#[test]
fn a_damaged_vault_names_its_backups() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    assert_ok(&run(
        &["add", "--vault", v, &uri("A", "a", 1)],
        Some(PW),
        "",
    ));
    let mut bytes = fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x40;
    fs::write(&path, &bytes).unwrap();
    let o = run(&["list", "--vault", v], Some(PW), "");
    assert_fails(&o, 1, "damaged");
    assert!(err(&o).contains("vault.apiq.bak-0000000001"), "{}", err(&o));
    assert_eq!(
        fs::read(&path).unwrap(),
        bytes,
        "a failed open writes nothing"
    );
    let backups = run(&["vault", "backups", "--vault", v], None, "");
    let newest = out(&backups).lines().next().unwrap().to_string();
    let o = run(&["vault", "restore", "--vault", v, &newest], Some(PW), "");
    assert_ok(&o);
    assert!(fs::read_dir(dir.path()).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains(".damaged-")));
    assert_eq!(
        open(&path).entries().len(),
        0,
        "backup 1 was the empty vault"
    );
}

#[test]
fn password_stdin_and_uris_from_stdin_share_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    let input = format!("{PW}\n{}\n\n{}\n", uri("A", "a", 1), uri("B", "b", 2));
    let o = run(
        &["add", "--vault", v, "--password-stdin", "-"],
        None,
        &input,
    );
    assert_ok(&o);
    assert_eq!(out(&o).lines().count(), 2);
    let o = run(&["list", "--vault", v, "--password-stdin"], None, "wrong\n");
    assert_fails(&o, 1, "wrong password");
}

#[test]
fn import_skips_duplicates_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    assert_ok(&run(
        &["add", "--vault", v, &uri("A", "a", 1)],
        Some(PW),
        "",
    ));
    let file = dir.path().join("uris.txt");
    fs::write(
        &file,
        format!(
            "{}\n{}\n{}\n",
            uri("A", "again", 1),
            uri("B", "b", 2),
            uri("C", "c", 3)
        ),
    )
    .unwrap();
    let o = run(
        &["import", "--vault", v, file.to_str().unwrap()],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(out(&o), "added 2, duplicates 1, unsupported 0\n");
    let o = run(
        &[
            "import",
            "--vault",
            v,
            file.to_str().unwrap(),
            "--format",
            "otpauth",
        ],
        Some(PW),
        "",
    );
    assert_eq!(out(&o), "added 0, duplicates 3, unsupported 0\n");

    let o = run(
        &["export", "--vault", v, "--format", "otpauth"],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(out(&o).lines().count(), 3);
    assert!(out(&o).lines().all(|l| l.starts_with("otpauth://totp/")));

    // Our own format: the vault file, encrypted; it imports elsewhere with
    // its password, recovery codes included.
    let vault = open(&path);
    let id = vault.entries()[0].id.to_hex();
    assert_ok(&run(
        &[
            "recovery",
            "add",
            "--vault",
            v,
            &id,
            "1111-2222",
            "3333-4444",
        ],
        Some(PW),
        "",
    ));
    let backup = dir.path().join("backup.apiq");
    let o = run(
        &[
            "export",
            "--vault",
            v,
            "--format",
            "apiq",
            "--out",
            backup.to_str().unwrap(),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert!(o.stdout.is_empty());
    let other_dir = tempfile::tempdir().unwrap();
    let other = cheap_vault(other_dir.path());
    let mut c = cmd(&[
        "import",
        "--vault",
        other.to_str().unwrap(),
        backup.to_str().unwrap(),
    ]);
    c.env("APIQ_VAULT_PASSWORD", PW)
        .env("APIQ_IMPORT_PASSWORD", PW);
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    assert_eq!(out(&o), "added 3, duplicates 0, unsupported 0\n");
    let imported = open(&other);
    assert_eq!(imported.entries()[0].recovery.remaining(), 2);
}

#[test]
fn recovery_codes_from_a_downloaded_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    let o = run(
        &["add", "--vault", v, &uri("GitHub", "me", 1)],
        Some(PW),
        "",
    );
    let id = out(&o).trim().to_string();
    let file = dir.path().join("github-recovery-codes.txt");
    fs::write(
        &file,
        "GitHub recovery codes\n\n- 1a2b3-4c5d6\n- 7e8f9-0a1b2\n- 3c4d5-6e7f8\n\nKeep them safe.\n",
    )
    .unwrap();
    let o = run(
        &[
            "recovery",
            "add",
            "--vault",
            v,
            &id,
            "--file",
            file.to_str().unwrap(),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(
        out(&o),
        "added 3 recovery codes (0 already kept); 3 unused\n"
    );
    let o = run(
        &["recovery", "use", "--vault", v, &id, "1A2B3 4C5D6"],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(out(&o), "marked used; 2 unused left\n");
    assert!(
        err(&o).starts_with("warning: only 2 unused recovery codes left"),
        "{}",
        err(&o)
    );
    let o = run(
        &["recovery", "use", "--vault", v, &id, "1a2b3-4c5d6"],
        Some(PW),
        "",
    );
    assert_fails(&o, 1, "already used");
    let o = run(
        &["recovery", "list", "--vault", v, &id, "--json"],
        Some(PW),
        "",
    );
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(
        (
            j["total"].as_u64(),
            j["remaining"].as_u64(),
            j["low"].as_bool()
        ),
        (Some(3), Some(2), Some(true))
    );
    assert_eq!(j["codes"][0]["used"], true);
    let o = run(&["recovery", "search", "--vault", v, "0a1b"], Some(PW), "");
    assert_eq!(out(&o), format!("{id}  7e8f9-0a1b2  unused  GitHub (me)\n"));
}

/// `export --qr-dir`: one PNG per Google Authenticator batch, each scanning
/// back (through our own decoder) to the batch that holds the entries.
#[test]
fn export_google_migration_as_qr_images() {
    let dir = tempfile::tempdir().unwrap();
    let vault = cheap_vault(dir.path());
    let v = vault.to_str().unwrap();
    let uris: Vec<String> = (0..12)
        .map(|n| uri("Iss", &format!("user{n}"), n + 1))
        .collect();
    let mut args = vec!["add", "--vault", v];
    args.extend(uris.iter().map(|s| s.as_str()));
    assert_ok(&run(&args, Some(PW), ""));

    let qr = dir.path().join("qr");
    let o = run(
        &[
            "export",
            "--vault",
            v,
            "--format",
            "google-migration",
            "--qr-dir",
            qr.to_str().unwrap(),
        ],
        Some(PW),
        "",
    );
    assert_ok(&o);
    let listing = out(&o);
    let files: Vec<&str> = listing.lines().collect();
    assert_eq!(files.len(), 2, "12 entries in batches of 10: {files:?}");
    let mut texts = Vec::new();
    for f in &files {
        texts.extend(apiq_scan::decode_bytes(&std::fs::read(f).unwrap()).unwrap());
    }
    let merged = apiq_otp::migration::parse_all(texts.iter().map(|s| s.as_str())).unwrap();
    assert_eq!(merged.entries.len(), 12);

    // The folder must be new: a second export refuses and writes nothing.
    let o = run(
        &[
            "export",
            "--vault",
            v,
            "--format",
            "google-migration",
            "--qr-dir",
            qr.to_str().unwrap(),
        ],
        Some(PW),
        "",
    );
    assert_fails(&o, 1, "cannot create the folder");
    let o = run(
        &[
            "export",
            "--vault",
            v,
            "--format",
            "aegis",
            "--qr-dir",
            dir.path().join("x").to_str().unwrap(),
        ],
        Some(PW),
        "",
    );
    assert_fails(&o, 2, "--qr-dir needs");
    assert!(!dir.path().join("x").exists());
}

/// Regression: the CLI once defaulted to `<data>/dev.apiq.authenticator`
/// while the window keeps its vault in `<data>/apiq-authenticator`, so
/// `apiq list` did not see the app's vault. Both now use the latter.
#[test]
fn default_vault_is_the_desktop_apps() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&["vault", "init"]);
    c.env("XDG_DATA_HOME", dir.path())
        .env("APIQ_VAULT_PASSWORD", PW);
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    assert!(dir.path().join("apiq-authenticator/vault.apiq").is_file());
}

/// Issue 14 items 3 and 12: the data folder the CLI creates is owner-only,
/// and without APIQ_DATA_DIR, XDG_DATA_HOME and HOME there is no data
/// folder at all (a clear error), never one in the shared temporary folder.
#[test]
fn the_data_folder_is_private_and_never_a_shared_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&["vault", "init"]);
    c.env("XDG_DATA_HOME", dir.path())
        .env("APIQ_VAULT_PASSWORD", PW);
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("apiq-authenticator"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    let mut c = cmd(&["vault", "init"]);
    c.env_remove("XDG_DATA_HOME")
        .env_remove("HOME")
        .env("TMPDIR", dir.path().join("tmp"))
        .env("APIQ_VAULT_PASSWORD", PW);
    let o = finish(c.spawn().unwrap(), "");
    assert_fails(&o, 2, "APIQ_DATA_DIR");
    assert!(!dir.path().join("tmp").exists());
}

/// Issue 11: one variable names the account server for both front ends,
/// APIQ_SERVER_URL, with the CLI's older APIQ_SERVER still accepted.
#[test]
fn the_account_server_comes_from_apiq_server_url_or_its_alias() {
    let dir = tempfile::tempdir().unwrap();
    for var in ["APIQ_SERVER_URL", "APIQ_SERVER"] {
        let mut c = cmd(&["account", "signup", "ann@example.com", "--password-stdin"]);
        c.env("APIQ_DATA_DIR", dir.path())
            .env_remove("APIQ_SERVER_URL")
            .env_remove("APIQ_SERVER")
            // A port nobody listens on: the error names the server asked.
            .env(var, "http://127.0.0.1:9/");
        let o = finish(c.spawn().unwrap(), "account password 42\n");
        assert_fails(&o, 1, "127.0.0.1:9");
    }
}

/// Issue 14 item 4: a plain http:// server that is not this machine is
/// refused before the password is sent (exit 2, `error:` saying https).
#[test]
fn plain_http_to_another_machine_is_refused_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(&["account", "signup", "ann@example.com", "--password-stdin"]);
    c.env("APIQ_DATA_DIR", dir.path())
        .env_remove("APIQ_SERVER")
        .env("APIQ_SERVER_URL", "http://192.0.2.1:8420");
    let o = finish(c.spawn().unwrap(), "account password 42\n");
    assert_fails(&o, 2, "use https://");
}

/// The rollback check (issue 14, item 9): an older copy of the vault put
/// in its place is refused (exit 1, the versions and what to do), the
/// file is left as it is, and `apiq vault accept-older` takes it on purpose.
#[test]
fn an_older_copy_is_refused_until_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let v = cheap_vault(dir.path());
    let p = v.to_str().unwrap();
    let apiq = |args: &[&str]| {
        let mut c = cmd(args);
        c.env("APIQ_VAULT_PASSWORD", PW).env("APIQ_DATA_DIR", &data);
        finish(c.spawn().unwrap(), "")
    };
    assert_ok(&apiq(&["add", &uri("First", "me", 1), "--vault", p]));
    let old = std::fs::read(&v).unwrap();
    assert_ok(&apiq(&["add", &uri("Second", "me", 2), "--vault", p]));
    std::fs::write(&v, &old).unwrap();
    let o = apiq(&["list", "--vault", p]);
    assert_fails(&o, 1, "older copy");
    assert!(err(&o).contains("apiq vault accept-older"), "{}", err(&o));
    assert_eq!(
        std::fs::read(&v).unwrap(),
        old,
        "the refused file was changed"
    );
    let o = apiq(&["vault", "accept-older", "--vault", p]);
    assert_ok(&o);
    assert!(out(&o).contains("accepted"), "{}", out(&o));
    let o = apiq(&["list", "--json", "--vault", p]);
    assert_ok(&o);
    assert!(out(&o).contains("First") && !out(&o).contains("Second"));
}

/// `apiq icon`: a picture becomes the entry's own icon (shrunk, in the
/// vault), `list --json` names its type, a file that is not a picture is
/// refused without touching the vault, `--clear` removes it.
#[test]
fn an_entry_gets_its_own_icon_and_loses_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = cheap_vault(dir.path());
    let v = path.to_str().unwrap();
    let o = run(&["add", "--vault", v, &uri("A", "a", 1)], Some(PW), "");
    assert_ok(&o);
    let id = out(&o).trim().to_string();
    let png = dir.path().join("logo.png");
    image::RgbaImage::from_pixel(512, 256, image::Rgba([200, 10, 10, 255]))
        .save(&png)
        .unwrap();
    let o = run(
        &["icon", "--vault", v, &id, png.to_str().unwrap()],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert_eq!(out(&o), format!("{id}  icon set\n"));
    let stored = open(&path).entries()[0].icon.clone().unwrap();
    let data = apiq_app::icon::parse(&stored).unwrap();
    let img = image::load_from_memory(&data.bytes).unwrap();
    assert_eq!((img.width(), img.height()), (128, 64));
    let o = run(&["list", "--vault", v, "--json"], Some(PW), "");
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(j[0]["icon"], "image/png");

    let before = fs::read(&path).unwrap();
    let text = dir.path().join("notes.txt");
    fs::write(&text, "hello").unwrap();
    let o = run(
        &["icon", "--vault", v, &id, text.to_str().unwrap()],
        Some(PW),
        "",
    );
    assert_fails(&o, 2, "not an image");
    assert_eq!(fs::read(&path).unwrap(), before);

    let o = run(&["icon", "--vault", v, &id, "--clear"], Some(PW), "");
    assert_eq!(out(&o), format!("{id}  icon removed\n"));
    assert!(open(&path).entries()[0].icon.is_none());
    let o = run(&["list", "--vault", v, "--json"], Some(PW), "");
    let j: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(j[0]["icon"].is_null());
}
