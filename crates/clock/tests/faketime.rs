//! The HTTP `Date` measurement against a real server whose clock is
//! shifted with Debian's `faketime` (libfaketime, LD_PRELOAD): Python's
//! `http.server` started under `faketime -f +120s` stamps its replies two
//! minutes ahead, so this clock is 120 s behind it. (The account server
//! under faketime is tested through `apiq clock` in the CLI's tests.)

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

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

fn shifted_server(shift: &str) -> Server {
    let script = "import http.server, socketserver, sys\n\
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

#[tokio::test]
async fn a_server_two_minutes_ahead_reads_as_this_clock_120_s_behind() {
    let s = shifted_server("+120s");
    let m = apiq_clock::http::query(&s.1, Duration::from_secs(10))
        .await
        .unwrap();
    assert!((m.offset_s - 120.0).abs() < 1.5, "{m:?}");
    assert!(m.is_off());
    assert_eq!(m.source, s.1);
}

#[tokio::test]
async fn a_server_on_time_reads_as_right() {
    let s = shifted_server("+0s");
    let m = apiq_clock::http::query(&s.1, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(m.offset_s.abs() < 1.5, "{m:?}");
    assert!(!m.is_off());
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r =
        apiq_clock::http::query(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5)).await;
    assert!(
        matches!(r, Err(apiq_clock::ClockError::Unreachable { .. })),
        "{r:?}"
    );
}
