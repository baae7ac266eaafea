//! The `apiq-server` binary as a process: the first stdout line, the
//! loopback rule, and no secret in its logs (debug level) or files, on the
//! engine under test (`tests/common`).

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_apiq-server"))
}

#[test]
fn refuses_a_non_loopback_address_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["--db"])
        .arg(dir.path().join("a.db"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: refusing to serve plain HTTP"),
        "{err}"
    );
    assert!(
        err.contains("--tls-cert") && err.contains("--insecure-http"),
        "{err}"
    );
}

/// A test CA and a certificate it signed for `localhost` (openssl, from
/// Debian's package): `(ca, cert, key)`.
fn certificates(
    dir: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |n: &str| dir.join(n);
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    std::fs::write(
        p("leaf.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let run = |args: Vec<std::ffi::OsString>| {
        let ok = Command::new("openssl")
            .args(args)
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(ok.success());
    };
    let os = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    let mut ca = os(&["req", "-x509"]);
    ca.extend(os(&ec));
    ca.extend(os(&["-days", "2", "-subj", "/CN=apiq test CA", "-keyout"]));
    ca.extend([p("ca.key").into(), "-out".into(), p("ca.pem").into()]);
    run(ca);
    let mut csr = os(&["req"]);
    csr.extend(os(&ec));
    csr.extend(os(&["-subj", "/CN=localhost", "-keyout"]));
    csr.extend([p("key.pem").into(), "-out".into(), p("leaf.csr").into()]);
    run(csr);
    run(vec![
        "x509".into(),
        "-req".into(),
        "-in".into(),
        p("leaf.csr").into(),
        "-CA".into(),
        p("ca.pem").into(),
        "-CAkey".into(),
        p("ca.key").into(),
        "-CAcreateserial".into(),
        "-days".into(),
        "2".into(),
        "-extfile".into(),
        p("leaf.ext").into(),
        "-out".into(),
        p("cert.pem").into(),
    ]);
    (p("ca.pem"), p("cert.pem"), p("key.pem"))
}

/// The first stdout line of a started server, and the server.
fn start(args: &[&std::ffi::OsStr]) -> (String, std::process::Child) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (line.trim().to_string(), child)
}

/// On a non-loopback address with a certificate: HTTPS, and only HTTPS.
#[test]
fn serves_https_with_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(dir.path());
    let db = dir.path().join("tls.db");
    let (line, mut child) = start(&[
        "--db".as_ref(),
        db.as_os_str(),
        "--listen".as_ref(),
        "0.0.0.0:0".as_ref(),
        "--tls-cert".as_ref(),
        cert.as_os_str(),
        "--tls-key".as_ref(),
        key.as_os_str(),
    ]);
    let port = line
        .strip_prefix("listening on https://0.0.0.0:")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
        let https = reqwest::Client::builder()
            .add_root_certificate(ca)
            .no_proxy()
            .build()
            .unwrap();
        let v: Value = https
            .post(format!(
                "https://localhost:{port}/1.0/users/registration/rest/createaccount"
            ))
            .form(&[("email", "tls@x.io"), ("password", "tls test password 1")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["result"], 0, "{v}");
        // Plain HTTP on the same port gets no answer.
        let plain = reqwest::Client::builder().no_proxy().build().unwrap();
        assert!(plain
            .get(format!("http://127.0.0.1:{port}/openapi.json"))
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .is_err());
    });
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn bad_tls_files_are_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_ca, cert, _key) = certificates(dir.path());
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a key\n").unwrap();
    let out = bin()
        .arg("--db")
        .arg(dir.path().join("b.db"))
        .args(["--listen", "0.0.0.0:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&junk)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read the private key"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn insecure_http_is_said_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    let (line, mut child) = start(&[
        "--db".as_ref(),
        db.as_os_str(),
        "--listen".as_ref(),
        "0.0.0.0:0".as_ref(),
        "--insecure-http".as_ref(),
    ]);
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn walks_a_flow_and_logs_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("srv.db");
    let mut cmd = bin();
    // The engine under test: SQLite, or PostgreSQL (scripts/test-postgres.sh)
    // with the key file where SQLite would put it.
    match common::pg_admin_url() {
        Some(admin) => cmd
            .args(["--db", &common::new_pg_database(&admin), "--key-file"])
            .arg(dir.path().join("srv.db.key")),
        None => cmd.arg("--db").arg(&db),
    };
    let mut child = cmd
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );

    let pw = "Log-Secret-Password-42";
    let secrets = run_flow(&url, pw);

    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let logs = format!("{err}{rest}");
    assert!(logs.contains("request"), "debug logs expected: {logs}");
    assert!(logs.contains("audit"));
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "a secret appears in the logs");
    }
    // The key file sits beside the database, private.
    let key = dir.path().join("srv.db.key");
    assert_eq!(std::fs::read(&key).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for s in &secrets {
            assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()));
        }
    }
}

/// Create, sign in, 2FA on, sign in with a recovery code, a token: returns
/// every secret value seen.
fn run_flow(url: &str, pw: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let call = |path: &str, params: Vec<(&str, String)>| {
            let req = http.get(format!("{url}/1.0/users/{path}")).query(&params);
            async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
        };
        let mut secrets = vec![pw.to_owned()];
        let r = call(
            "registration/rest/createaccount",
            vec![("email", "log@x.io".into()), ("password", pw.into())],
        )
        .await;
        assert_eq!(r["result"], 0, "{r}");
        let r = call(
            "authentication/rest/signin",
            vec![("login", "log@x.io".into()), ("password", pw.into())],
        )
        .await;
        let session = r["session"].as_str().unwrap().to_owned();
        secrets.push(session.clone());
        let cfg = call(
            "account/rest/get2faconfig",
            vec![("session", session.clone()), ("password", pw.into())],
        )
        .await;
        let secret_b32 = cfg["secret"].as_str().unwrap().to_owned();
        secrets.push(secret_b32.clone());
        let secret = apiq_otp::Secret::from_base32(&secret_b32).unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = apiq_otp::hotp(&secret, apiq_otp::Algorithm::Sha1, now / 30, 6).unwrap();
        let r = call(
            "account/rest/enable2fa",
            vec![
                ("session", session.clone()),
                ("password", pw.into()),
                ("code", code),
            ],
        )
        .await;
        assert_eq!(r["result"], 0, "{r}");
        let codes: Vec<String> = r["recoveryCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        let r = call(
            "authentication/rest/signin",
            vec![("login", "log@x.io".into()), ("password", pw.into())],
        )
        .await;
        let pending = r["session"].as_str().unwrap().to_owned();
        secrets.push(pending.clone());
        let bad = call(
            "authentication/rest/verify2facode",
            vec![("session", pending.clone()), ("code", "999999".into())],
        )
        .await;
        assert_eq!(bad["result"], 703);
        let r = call(
            "authentication/rest/verify2facode",
            vec![("session", pending.clone()), ("code", codes[0].clone())],
        )
        .await;
        assert_eq!(r["result"], 0, "{r}");
        let t = call(
            "authentication/rest/createtoken",
            vec![
                ("session", pending.clone()),
                ("password", pw.into()),
                ("description", "x".into()),
                ("apiList", "*".into()),
            ],
        )
        .await;
        let token = t["token"]["value"].as_str().unwrap().to_owned();
        assert_eq!(
            call("account/rest/getuserinfo", vec![("session", token.clone())]).await["result"],
            0
        );
        secrets.push(token);
        for c in codes {
            secrets.push(c.replace('-', ""));
            secrets.push(c);
        }
        secrets
    })
}

/// Two instances sharing `--hash-slots`: while every slot is held (here by
/// the test, as a third instance hashing would), neither hashes; a slot
/// released lets their passwords through, one after the other.
#[test]
fn instances_sharing_hashing_slots_wait_for_a_free_slot() {
    let dir = tempfile::tempdir().unwrap();
    let slots = dir.path().join("slots");
    let mut children = Vec::new();
    let mut urls = Vec::new();
    for name in ["a.db", "b.db"] {
        let db = dir.path().join(name);
        let (line, child) = start(&[
            "--db".as_ref(),
            db.as_os_str(),
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--hash-slots".as_ref(),
            slots.as_os_str(),
        ]);
        urls.push(
            line.strip_prefix("listening on ")
                .unwrap_or_else(|| panic!("first line: {line:?}"))
                .to_owned(),
        );
        children.push(child);
    }
    let mut held = Vec::new();
    for entry in std::fs::read_dir(&slots).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("slot-")
        {
            continue;
        }
        let file = std::fs::File::open(path).unwrap();
        file.lock().unwrap();
        held.push(file);
    }
    assert_eq!(
        held.len(),
        std::thread::available_parallelism().unwrap().get(),
        "one slot per CPU"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let mut calls = tokio::task::JoinSet::new();
        for url in &urls {
            let req = http
                .post(format!("{url}/1.0/users/registration/rest/createaccount"))
                .form(&[("email", "slot@x.io"), ("password", "slot-password-1")]);
            calls.spawn(async move {
                let r: Value = req.send().await.unwrap().json().await.unwrap();
                r
            });
        }
        // A hash takes tens of milliseconds; with every slot held none may
        // end, however long this waits.
        let early = tokio::time::timeout(std::time::Duration::from_millis(700), calls.join_next());
        assert!(
            early.await.is_err(),
            "a password was hashed while every slot was held"
        );
        held.truncate(held.len() - 1);
        for _ in 0..2 {
            let r = calls.join_next().await.unwrap().unwrap();
            assert_eq!(r["result"], 0, "{r}");
        }
    });
    for mut child in children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn a_hashing_slots_folder_open_to_others_is_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let slots = dir.path().join("slots");
    std::fs::create_dir(&slots).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&slots, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let out = bin()
        .arg("--db")
        .arg(dir.path().join("a.db"))
        .arg("--hash-slots")
        .arg(&slots)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("writable by other users"),
        "{err}"
    );
}
