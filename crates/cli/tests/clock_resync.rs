//! `apiq clock` against a local SNTP responder with a shifted clock and an
//! HTTP server under `faketime`; `apiq resync` on a real vault file.

mod vault_support;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

use vault_support::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

#[test]
fn clock_ntp_measures_a_responder_five_minutes_ahead() {
    let r = apiq_clock::sntp::Responder::start(300.0).unwrap();
    let addr = r.addr().to_string();
    let o = run(&["clock", "--ntp", &addr, "--json"], None, "");
    assert_ok(&o);
    let j = json(&o);
    let off = j["offset_s"].as_f64().unwrap();
    assert!((off - 300.0).abs() < 0.2, "{j}");
    assert_eq!(j["source"], format!("ntp:{addr}"));
    // And behind, in words.
    let r = apiq_clock::sntp::Responder::start(-42.0).unwrap();
    let o = run(&["clock", "--ntp", &r.addr().to_string()], None, "");
    assert_ok(&o);
    assert!(
        out(&o).starts_with("+") || out(&o).starts_with("-"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("42 s ahead"), "{}", out(&o));
}

#[test]
fn clock_failures_are_errors_with_nothing_on_stdout() {
    // A port nobody answers on: a timeout, exit 1.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let o = run(&["clock", "--ntp", &addr, "--timeout", "1"], None, "");
    assert_fails(&o, 1, "did not answer");
    let o = run(&["clock", "--ntp", "host:notaport"], None, "");
    assert_fails(&o, 2, "not a valid address");
    let o = run(&["clock", "--server", "ftp://x"], None, "");
    assert_fails(&o, 2, "not a valid address");
    let o = run(&["clock", "--server", "http://x", "--ntp", "y"], None, "");
    assert_fails(&o, 2, "");
}

struct Server(Child, String);

/// `faketime` runs Python as its own child: killing `faketime` alone
/// left Python serving on, an orphan holding the test's output open (a
/// run piped through `tee` never ended). The server is started in a
/// process group of its own, and the whole group is killed.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Python's http.server under `faketime -f SHIFT`: its `Date` headers are
/// shifted by SHIFT.
fn shifted_server(shift: &str) -> Server {
    let script = "import http.server\n\
        class H(http.server.BaseHTTPRequestHandler):\n\
        \x20   def do_GET(self):\n\
        \x20       self.send_response(404); self.send_header('Content-Length', '0'); self.end_headers()\n\
        \x20   def log_message(self, *a): pass\n\
        s = http.server.HTTPServer(('127.0.0.1', 0), H)\n\
        print(s.server_address[1], flush=True)\n\
        s.serve_forever()\n";
    let mut child = Command::new("faketime")
        .args(["-f", shift, "python3", "-c", script])
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("faketime and python3 (scripts/deps-app.sh)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("the server's port");
    Server(child, format!("http://127.0.0.1:{port}"))
}

#[test]
fn clock_server_reads_a_server_under_faketime() {
    let s = shifted_server("-90s");
    let o = run(&["clock", "--server", &s.1, "--json"], None, "");
    assert_ok(&o);
    let j = json(&o);
    let off = j["offset_s"].as_f64().unwrap();
    // The server's clock is 90 s behind, so this one is ahead: negative.
    assert!((off + 90.0).abs() < 1.5, "{j}");
    assert_eq!(j["source"], s.1);
    // The default server comes from APIQ_SERVER_URL.
    let mut c = cmd(&["clock", "--json"]);
    c.env("APIQ_SERVER_URL", &s.1).env_remove("APIQ_SERVER");
    let o = finish(c.spawn().unwrap(), "");
    assert_ok(&o);
    assert_eq!(json(&o)["source"], s.1);
}

// ---- resync ----

/// RFC 4226 appendix D's secret ("12345678901234567890") and its codes.
const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_CODES: [&str; 10] = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
    "520489",
];

fn hotp_vault(dir: &std::path::Path) -> (String, String) {
    let path = cheap_vault(dir);
    let v = path.to_str().unwrap().to_string();
    let uri = format!("otpauth://hotp/Svc:ann?secret={RFC_SECRET}&counter=0&issuer=Svc");
    let o = run(&["add", "--vault", &v, &uri], Some(PW), "");
    assert_ok(&o);
    let id = out(&o).split_whitespace().next().unwrap().to_string();
    (v, id)
}

#[test]
fn resync_sets_the_counter_after_the_two_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (v, id) = hotp_vault(dir.path());
    let o = run(
        &["resync", "--vault", &v, &id, RFC_CODES[5], RFC_CODES[6]],
        Some(PW),
        "",
    );
    assert_ok(&o);
    assert!(out(&o).contains("counter 0 -> 7"), "{}", out(&o));
    // The next code is counter 7's, and then 8's.
    let o = run(&["next", "--vault", &v, &id], Some(PW), "");
    assert_eq!(out(&o), format!("{}\n", RFC_CODES[7]));
    let o = run(&["next", "--vault", &v, &id], Some(PW), "");
    assert_eq!(out(&o), format!("{}\n", RFC_CODES[8]));
}

#[test]
fn resync_refusals_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (v, id) = hotp_vault(dir.path());
    let before = std::fs::read(&v).unwrap();
    for (args, needle) in [
        (vec![RFC_CODES[6], RFC_CODES[5]], "no two consecutive codes"),
        (vec!["12345", RFC_CODES[5]], "not a 6-digit code"),
        (vec![RFC_CODES[5], RFC_CODES[5]], "the same"),
    ] {
        let o = run(
            &["resync", "--vault", &v, &id, args[0], args[1]],
            Some(PW),
            "",
        );
        assert_fails(&o, 2, needle);
    }
    // Beyond the window.
    let o = run(
        &[
            "resync",
            "--vault",
            &v,
            &id,
            RFC_CODES[8],
            RFC_CODES[9],
            "--window",
            "5",
        ],
        Some(PW),
        "",
    );
    assert_fails(&o, 2, "no two consecutive codes");
    assert_eq!(std::fs::read(&v).unwrap(), before, "the vault file changed");
    // A TOTP entry has no counter.
    let uri = format!("otpauth://totp/T:t?secret={RFC_SECRET}");
    let o = run(&["add", "--vault", &v, &uri], Some(PW), "");
    let tid = out(&o).split_whitespace().next().unwrap().to_string();
    let o = run(
        &["resync", "--vault", &v, &tid, RFC_CODES[0], RFC_CODES[1]],
        Some(PW),
        "",
    );
    assert_fails(&o, 2, "only HOTP");
}
