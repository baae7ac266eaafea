//! Every API the pure crates (`otp`, `formats`) must not use, once each,
//! under the same crate attribute they carry. `scripts/check-pure-bans.sh`
//! runs clippy here and checks that each line marked BANNED is reported:
//! if clippy.toml lost an entry, or a clippy upgrade stopped resolving a
//! path, the check fails instead of the ban silently lapsing.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]
#![allow(dead_code, unused_must_use)]

fn clock() {
    let _ = std::time::SystemTime::now(); // BANNED
    let _ = std::time::Instant::now(); // BANNED
}

fn env() {
    let _ = std::env::var("X"); // BANNED
    let _ = std::env::var_os("X"); // BANNED
    let _ = std::env::vars(); // BANNED
    let _ = std::env::vars_os(); // BANNED
}

fn files() {
    let _ = std::fs::read("x"); // BANNED
    let _ = std::fs::read_to_string("x"); // BANNED
    let _ = std::fs::read_dir("x"); // BANNED
    let _ = std::fs::write("x", b""); // BANNED
    let _ = std::fs::create_dir("x"); // BANNED
    let _ = std::fs::create_dir_all("x"); // BANNED
    let _ = std::fs::remove_file("x"); // BANNED
    let _ = std::fs::remove_dir_all("x"); // BANNED
    let _ = std::fs::rename("x", "y"); // BANNED
    let _ = std::fs::copy("x", "y"); // BANNED
    let _ = std::fs::metadata("x"); // BANNED
}

fn file(_: &std::fs::File) {} // BANNED
fn open(_: &std::fs::OpenOptions) {} // BANNED
fn dir(_: &std::fs::DirBuilder) {} // BANNED
fn tcp(_: &std::net::TcpStream) {} // BANNED
fn listen(_: &std::net::TcpListener) {} // BANNED
fn udp(_: &std::net::UdpSocket) {} // BANNED
