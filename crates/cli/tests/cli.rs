//! The `apiq` binary as a real process, checked against `design/cli.md`:
//! outputs, exit codes, `error:` lines, and nothing on stdout on failure.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn apiq(args: &[&str], stdin: Option<&str>) -> Output {
    apiq_env(args, stdin, None)
}

fn apiq_env(args: &[&str], stdin: Option<&str>, password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_apiq"));
    cmd.env_remove("APIQ_IMPORT_PASSWORD");
    if let Some(p) = password {
        cmd.env("APIQ_IMPORT_PASSWORD", p);
    }
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A failure per the contract: the exit code, an `error:` line, empty stdout.
fn assert_fails(o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(
        o.stdout.is_empty(),
        "stdout must be empty on failure: {:?}",
        stdout(o)
    );
    assert!(
        err.lines().any(|l| l.starts_with("error:")),
        "no error: line in {err:?}"
    );
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
}

const V1: &str = "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno&algorithm=SHA1&digits=6&period=30";
const V7: &str = "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Boeing";
const V4: &str = "otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&issuer=Issuu&algorithm=SHA1&digits=6&counter=1";

#[test]
fn code_prints_one_line_per_uri_in_order() {
    let o = apiq(&["code", V1, V7, V4, "--at", "1234567890"], None);
    assert!(o.status.success());
    // Values from the fixtures' expected.json (codes_at 1234567890).
    assert_eq!(stdout(&o), "001580\nWR5P6\n253717\n");
}

#[test]
fn code_reads_stdin_and_skips_blank_lines() {
    let o = apiq(
        &["code", "-", "--at", "59"],
        Some(&format!("{V1}\n\n  \n{V7}\n")),
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "526156\n9WW3X\n");
}

#[test]
fn one_bad_uri_fails_the_whole_command_with_its_line() {
    let input = format!("{V1}\n{V7}\notpauth://totp/x?secret=NOT*BASE32\n");
    let o = apiq(&["code", "-", "--at", "59"], Some(&input));
    assert_fails(&o, 2, "line 3");
}

/// A long input (split across threads inside): the codes come out in input
/// order, equal to one-at-a-time runs, and an error names the first bad
/// line even when a later line is bad too.
#[test]
fn a_long_stdin_keeps_order_and_names_the_first_bad_line() {
    let uris = [V1, V7, V4];
    let n = 9_000;
    let input: String = (0..n).map(|i| format!("{}\n", uris[i % 3])).collect();
    let o = apiq(&["code", "-", "--at", "1234567890"], Some(&input));
    assert!(o.status.success());
    let want: String = (0..n)
        .map(|i| ["001580\n", "WR5P6\n", "253717\n"][i % 3])
        .collect();
    assert_eq!(stdout(&o), want);

    let mut lines: Vec<String> = input.lines().map(str::to_string).collect();
    lines[6_500] = "otpauth://totp/x?secret=NOT*BASE32".into();
    lines[8_900] = "otpauth://totp/x".into();
    lines[2] = String::new(); // a blank line still counts as a line
    let o = apiq(
        &["code", "-", "--at", "59"],
        Some(&(lines.join("\n") + "\n")),
    );
    assert_fails(&o, 2, "line 6501");
    // A bad line early on wins over the later ones (whatever thread ends first).
    lines[3_000] = "otpauth://yotp/x?secret=JBSWY3DP".into();
    let o = apiq(
        &["code", "-", "--at", "59"],
        Some(&(lines.join("\n") + "\n")),
    );
    assert_fails(&o, 2, "line 3001");
}

#[test]
fn code_refusals_each_exit_2() {
    for (uri, why) in [
        ("otpauth://totp/x", "missing"),
        ("otpauth://totp/x?secret=", "empty"),
        ("otpauth://totp/x?secret=JBSW1", "base32"),
        ("otpauth://yotp/x?secret=JBSWY3DP", "type"),
        (
            "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5",
            "algorithm",
        ),
        ("otpauth://totp/x?secret=JBSWY3DP&digits=12", "digits"),
        ("otpauth://totp/x?secret=JBSWY3DP&period=0", "period"),
        ("otpauth://hotp/x?secret=JBSWY3DP", "counter"),
    ] {
        let o = apiq(&["code", uri], None);
        assert_fails(&o, 2, why);
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = apiq(&["code"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let o = apiq(&["code", V1, "--at", "soon"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn inspect_prints_canonical_json() {
    let o = apiq(&["inspect", V4], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{
            "type": "hotp", "issuer": "Issuu", "name": "James",
            "secret": "YOOMIXWS5GN6RTBPUFFWKTW5M4", "algorithm": "SHA1",
            "digits": 6, "period": null, "counter": 1,
            "note": "", "groups": [], "favorite": false
        }])
    );
}

#[test]
fn inspect_expands_migration_lines_from_stdin() {
    // Entries -> migration URIs (otp crate) -> inspect --format otpauth.
    let entries = three_entries();
    let (uris, _) = apiq_otp::migration::format_batches(&entries, 2, 9);
    assert_eq!(uris.len(), 2);
    let o = apiq(
        &["inspect", "-", "--format", "otpauth"],
        Some(&uris.join("\n")),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[2]["name"], "Mason");
}

fn three_entries() -> Vec<apiq_otp::Entry> {
    let other = "otpauth://totp/Other:Mason?secret=JBSWY3DPEHPK3PXP&issuer=Other";
    apiq_otp::parse_lines(&format!("{V1}\n{V4}\n{other}"))
        .unwrap()
        .0
}

#[test]
fn inspect_of_a_missing_file_fails_cleanly() {
    let o = apiq(&["inspect", "/nonexistent/export.json"], None);
    assert_fails(&o, 2, "cannot read");
}

#[test]
fn qr_then_scan_round_trips_through_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    let o = apiq(&["qr", V1, "--out", png.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&png).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a QR of a secret is owner-only");
    }
    let o = apiq(&["scan", png.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), format!("{V1}\n"));

    let o = apiq(&["scan", "--entries", png.to_str().unwrap()], None);
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["issuer"], "Deno");
    assert_eq!(v[0]["secret"], "4SJHB4GSD43FZBAI7C2HLRJGPQ");
}

#[test]
fn qr_in_the_terminal_draws_blocks() {
    let o = apiq(&["qr", V1], None);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.lines().count() > 10);
    assert!(text.contains('█') || text.contains('▀') || text.contains('▄'));
}

#[test]
fn scan_without_a_qr_code_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.png");
    write_blank_png(&blank);
    let o = apiq(&["scan", blank.to_str().unwrap()], None);
    assert_fails(&o, 1, &format!("no QR code in {}", blank.display()));
}

#[test]
fn scan_of_a_non_image_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.png");
    std::fs::write(&junk, b"this is not an image").unwrap();
    let o = apiq(&["scan", junk.to_str().unwrap()], None);
    assert_fails(&o, 2, "junk.png");
}

#[test]
fn qr_out_into_a_missing_folder_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no/such/dir/x.png");
    let o = apiq(&["qr", V1, "--out", target.to_str().unwrap()], None);
    assert_fails(&o, 1, "cannot write");
    assert!(!target.exists());
}

/// A white 64×64 PNG, written via the scan crate's renderer of an empty
/// picture would be circular; use the image crate directly.
fn write_blank_png(path: &Path) {
    let img = image::GrayImage::from_pixel(64, 64, image::Luma([255u8]));
    img.save(path).unwrap();
}

/// Every fixture of other apps' exports, through the real binary, by its
/// format name and by auto-detection, gives the entries expected.json lists.
#[test]
fn inspect_imports_every_fixture_by_name_and_auto() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/aegis-importers");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    const PARAMS: [&str; 6] = ["type", "secret", "algorithm", "digits", "period", "counter"];
    const EXACT: [&str; 8] = [
        "type",
        "issuer",
        "name",
        "secret",
        "algorithm",
        "digits",
        "period",
        "counter",
    ];
    let mut checked = 0;
    for (file, spec) in expected["files"].as_object().unwrap() {
        let path = dir.join(file);
        let keys: &[&str] = if spec["compare"] == "exact" {
            &EXACT
        } else {
            &PARAMS
        };
        let want: Vec<serde_json::Value> = spec["entries"].as_array().unwrap().clone();
        for format in [spec["format"].as_str().unwrap(), "auto"] {
            let o = apiq_env(
                &["inspect", path.to_str().unwrap(), "--format", format],
                None,
                spec["password"].as_str(),
            );
            assert!(
                o.status.success(),
                "{file} --format {format}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let got: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
            let project = |v: &serde_json::Value| -> Vec<serde_json::Value> {
                keys.iter().map(|k| v[*k].clone()).collect()
            };
            let mut got_p: Vec<_> = got.iter().map(project).collect();
            let mut want_p: Vec<_> = want.iter().map(project).collect();
            got_p.sort_by_key(|v| serde_json::to_string(v).unwrap());
            want_p.sort_by_key(|v| serde_json::to_string(v).unwrap());
            assert_eq!(got_p, want_p, "{file} --format {format}");
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} fixture imports checked");
}

#[test]
fn inspect_of_an_encrypted_export_without_password_says_so() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/aegis-importers");
    let o = apiq(
        &[
            "inspect",
            dir.join("aegis_encrypted.json").to_str().unwrap(),
        ],
        None,
    );
    assert_fails(&o, 2, "APIQ_IMPORT_PASSWORD");
    let o = apiq_env(
        &[
            "inspect",
            dir.join("aegis_encrypted.json").to_str().unwrap(),
            "--format",
            "aegis",
        ],
        None,
        Some("not the password"),
    );
    assert_fails(&o, 2, "wrong password");
}

#[test]
fn inspect_refuses_an_unknown_format_name() {
    let o = apiq(&["inspect", V1, "--format", "lastpass-secret"], None);
    assert_fails(&o, 2, "unknown format");
}

#[test]
fn inspect_of_random_binary_is_not_called_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(
        &junk,
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let o = apiq(&["inspect", junk.to_str().unwrap()], None);
    assert_fails(&o, 2, "not a recognised export");
}

/// Issue 14 item 13: input `inspect` cannot read is a failure (exit 2,
/// `error:` lines naming why, nothing on stdout), as `apiq code` refuses the
/// same URIs; it used to print `[]` with a warning and exit 0.
#[test]
fn inspect_of_unreadable_input_fails() {
    let cases = [
        ("otpauth://totp/x?secret=JBSWY3DP1PK3PXP0", "base32"),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "counter"),
        ("otpauth://totp/x?issuer=y", "secret is missing"),
        ("otpauth-migration://offline?data=AAAA", "migration payload"),
        (
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=-30",
            "period",
        ),
    ];
    for (input, why) in cases {
        let o = apiq(&["inspect", input], None);
        assert_fails(&o, 2, why);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.lines().all(|l| l.starts_with("error:")),
            "{input}: every line an error: line: {err:?}"
        );
        // The same through stdin, as a one-line file.
        let o = apiq(&["inspect", "-"], Some(input));
        assert_fails(&o, 2, why);
    }
}

/// A file where some lines are read keeps its entries; the rest are
/// warnings, and the exit is 0.
#[test]
fn inspect_of_a_partly_readable_file_prints_what_it_read() {
    let text = format!("{V1}\notpauth://totp/x?secret=JBSWY3DP1PK3PXP0\n{V4}\n");
    let o = apiq(&["inspect", "-"], Some(&text));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let v: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.len(), 2);
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning: skipped line 2") && l.contains("base32")),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
}
