//! SNTP (RFC 4330): one 48-byte request over UDP, one 48-byte reply.
//!
//! The client writes its transmit time T1 into the request; the server
//! echoes it as the reply's originate time, with T2 (request received) and
//! T3 (reply sent) by its clock; T4 is when the reply arrived here. Then
//! `offset = ((T2 - T1) + (T3 - T4)) / 2` and
//! `delay = (T4 - T1) - (T3 - T2)`.
//!
//! A reply is used only when it answers *this* request (its originate time
//! is our T1), comes from a server (mode 4) that is synchronized (leap
//! indicator not 3, stratum 1–15) and carries non-zero times; a stratum-0
//! reply is a "kiss-of-death" and reported with its code.
//!
//! [`Responder`] is a minimal SNTP server whose clock is shifted by a given
//! amount, for tests (the app's and the command line's).

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::{now_f64, ClockError, Measurement};

/// The NTP port.
pub const PORT: u16 = 123;
/// Length of an SNTP packet without extensions.
pub const PACKET_LEN: usize = 48;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: f64 = 2_208_988_800.0;
/// 2^32: the NTP era length in seconds and the fraction's scale.
const TWO_32: f64 = 4_294_967_296.0;

/// Unix seconds as a 64-bit NTP timestamp (seconds since 1900 in the high
/// 32 bits, wrapping in 2036 as NTP does; the fraction in the low 32).
pub fn to_ntp(unix: f64) -> u64 {
    let ntp = unix + NTP_UNIX_OFFSET;
    let secs = ntp.floor();
    let frac = ((ntp - secs) * TWO_32) as u64 & 0xffff_ffff;
    ((secs as u64 & 0xffff_ffff) << 32) | frac
}

/// A 64-bit NTP timestamp as Unix seconds. Seconds with the high bit clear
/// are in era 1 (from 2036), as RFC 4330 section 3 suggests.
pub fn from_ntp(ts: u64) -> f64 {
    let secs = (ts >> 32) as f64;
    let frac = (ts & 0xffff_ffff) as f64 / TWO_32;
    let era = if ts >> 63 == 0 { TWO_32 } else { 0.0 };
    secs + era + frac - NTP_UNIX_OFFSET
}

/// A client request sent at `t1` (Unix seconds): version 4, mode 3, the
/// transmit timestamp set.
pub fn request(t1: f64) -> [u8; PACKET_LEN] {
    let mut p = [0u8; PACKET_LEN];
    p[0] = (4 << 3) | 3; // LI 0, VN 4, mode 3 (client)
    p[40..48].copy_from_slice(&to_ntp(t1).to_be_bytes());
    p
}

/// The times a reply yields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Reference minus local, seconds (positive: the local clock is behind).
    pub offset_s: f64,
    /// The network round trip, seconds.
    pub delay_s: f64,
}

fn ts_at(p: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&p[at..at + 8]);
    u64::from_be_bytes(b)
}

/// Reads a reply to the request sent with [`request`]`(t1)`, received at
/// `t4` (both Unix seconds, local clock).
pub fn parse_reply(p: &[u8], t1: f64, t4: f64) -> Result<Sample, ClockError> {
    if p.len() < PACKET_LEN {
        return Err(ClockError::BadReply(format!(
            "{} bytes, an SNTP reply has at least {PACKET_LEN}",
            p.len()
        )));
    }
    let leap = p[0] >> 6;
    let version = (p[0] >> 3) & 7;
    let mode = p[0] & 7;
    let stratum = p[1];
    if !(1..=4).contains(&version) {
        return Err(ClockError::BadReply(format!("NTP version {version}")));
    }
    if mode != 4 {
        return Err(ClockError::BadReply(format!(
            "mode {mode}, not a server reply"
        )));
    }
    if ts_at(p, 24) != to_ntp(t1) {
        return Err(ClockError::BadReply(
            "it does not answer our request (originate time differs)".into(),
        ));
    }
    if stratum == 0 {
        let code: String = p[12..16]
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '?' })
            .collect();
        return Err(ClockError::KissOfDeath(code));
    }
    if leap == 3 || stratum > 15 {
        return Err(ClockError::Unsynchronized);
    }
    let (t2_raw, t3_raw) = (ts_at(p, 32), ts_at(p, 40));
    if t2_raw == 0 || t3_raw == 0 {
        return Err(ClockError::BadReply("a zero timestamp".into()));
    }
    let (t2, t3) = (from_ntp(t2_raw), from_ntp(t3_raw));
    Ok(Sample {
        offset_s: ((t2 - t1) + (t3 - t4)) / 2.0,
        delay_s: ((t4 - t1) - (t3 - t2)).max(0.0),
    })
}

/// `HOST` or `HOST:PORT` (IPv6 in brackets) checked and given its port
/// (123 by default), without looking the host up.
pub fn normalize(server: &str) -> Result<String, ClockError> {
    let s = server.trim();
    if s.is_empty() || s.contains('/') || s.contains(char::is_whitespace) {
        return Err(ClockError::BadAddress(server.into()));
    }
    if s.parse::<SocketAddr>().is_ok() {
        Ok(s.to_string())
    } else if s.starts_with('[') || s.matches(':').count() > 1 {
        // a bare IPv6 address, or a bracketed one without a port
        let ip = s.trim_start_matches('[').trim_end_matches(']');
        ip.parse::<std::net::Ipv6Addr>()
            .map_err(|_| ClockError::BadAddress(server.into()))?;
        Ok(format!("[{ip}]:{PORT}"))
    } else if let Some((host, port)) = s.rsplit_once(':') {
        if host.is_empty() || port.parse::<u16>().is_err() {
            return Err(ClockError::BadAddress(server.into()));
        }
        Ok(s.to_string())
    } else {
        Ok(format!("{s}:{PORT}"))
    }
}

/// `HOST` or `HOST:PORT` as socket addresses (the host looked up).
pub fn resolve(server: &str) -> Result<Vec<SocketAddr>, ClockError> {
    let addrs: Vec<SocketAddr> = normalize(server)?
        .to_socket_addrs()
        .map_err(|e| ClockError::Unreachable {
            what: server.into(),
            reason: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(ClockError::BadAddress(server.into()));
    }
    Ok(addrs)
}

/// Asks the SNTP server `server` (`HOST[:PORT]`) once, waiting at most
/// `timeout` for a valid reply (replies that do not answer this request
/// are ignored).
pub fn query(server: &str, timeout: Duration) -> Result<Measurement, ClockError> {
    let addr = resolve(server)?[0];
    let unreachable = |e: std::io::Error| ClockError::Unreachable {
        what: server.into(),
        reason: e.to_string(),
    };
    let bind: SocketAddr = if addr.is_ipv6() {
        "[::]:0".parse().expect("literal")
    } else {
        "0.0.0.0:0".parse().expect("literal")
    };
    let sock = UdpSocket::bind(bind).map_err(unreachable)?;
    sock.connect(addr).map_err(unreachable)?;
    let deadline = std::time::Instant::now() + timeout;
    let t1 = now_f64();
    sock.send(&request(t1)).map_err(unreachable)?;
    let mut buf = [0u8; 512];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(ClockError::Timeout(server.into()));
        }
        sock.set_read_timeout(Some(left)).map_err(unreachable)?;
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(ClockError::Timeout(server.into()))
            }
            Err(e) => return Err(unreachable(e)),
        };
        let t4 = now_f64();
        if n >= PACKET_LEN && ts_at(&buf, 24) != to_ntp(t1) {
            continue; // a stray or late datagram: keep waiting for ours
        }
        let s = parse_reply(&buf[..n], t1, t4)?;
        return Ok(Measurement {
            offset_s: s.offset_s,
            source: format!("ntp:{server}"),
            round_trip_s: s.delay_s,
        });
    }
}

/// The reply of a server that received `req` at `t2` and answers at `t3`
/// (Unix seconds by its clock): version copied, mode 4, stratum 2. `None`
/// for a packet that is not a client request.
pub fn reply_to(req: &[u8], t2: f64, t3: f64) -> Option<[u8; PACKET_LEN]> {
    if req.len() < PACKET_LEN || req[0] & 7 != 3 {
        return None;
    }
    let version = (req[0] >> 3) & 7;
    let mut p = [0u8; PACKET_LEN];
    p[0] = (version << 3) | 4;
    p[1] = 2; // stratum
    p[2] = 4; // poll
    p[3] = 0xec; // precision ~ 2^-20 s
    p[12..16].copy_from_slice(b"LOCL");
    p[16..24].copy_from_slice(&to_ntp(t2).to_be_bytes()); // reference time
    p[24..32].copy_from_slice(&req[40..48]); // originate = client's transmit
    p[32..40].copy_from_slice(&to_ntp(t2).to_be_bytes());
    p[40..48].copy_from_slice(&to_ntp(t3).to_be_bytes());
    Some(p)
}

/// A minimal SNTP server on 127.0.0.1 whose clock is the system clock plus
/// `shift_s` seconds: what tests point the client at. Stops when dropped.
pub struct Responder {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Responder {
    /// Starts answering on a free UDP port of 127.0.0.1.
    pub fn start(shift_s: f64) -> std::io::Result<Responder> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_read_timeout(Some(Duration::from_millis(50)))?;
        let addr = sock.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !flag.load(Ordering::SeqCst) {
                let Ok((n, from)) = sock.recv_from(&mut buf) else {
                    continue;
                };
                let t2 = now_f64() + shift_s;
                if let Some(reply) = reply_to(&buf[..n], t2, now_f64() + shift_s) {
                    let _ = sock.send_to(&reply, from);
                }
            }
        });
        Ok(Responder {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_to_the_microsecond() {
        for t in [
            0.0,
            1_700_000_000.123_456,
            2_085_978_495.5,
            2_085_978_496.25,
            4_000_000_000.0,
        ] {
            let back = from_ntp(to_ntp(t));
            assert!((back - t).abs() < 1e-6, "{t} -> {back}");
        }
        // The Unix epoch is NTP second 2208988800.
        assert_eq!(to_ntp(0.0) >> 32, 2_208_988_800);
    }

    #[test]
    fn the_request_is_a_version_4_client_packet_carrying_t1() {
        let p = request(1_700_000_000.5);
        assert_eq!(p.len(), 48);
        assert_eq!(p[0], 0x23);
        assert_eq!(ts_at(&p, 40), to_ntp(1_700_000_000.5));
        assert!(p[1..40].iter().all(|&b| b == 0));
    }

    #[test]
    fn offset_and_delay_from_the_four_timestamps() {
        // Local clock 100 s behind; 0.2 s each way; the server takes 0.1 s.
        let t1 = 1_700_000_000.0;
        let t2 = t1 + 100.0 + 0.2;
        let t3 = t2 + 0.1;
        let t4 = t1 + 0.5;
        let reply = reply_to(&request(t1), t2, t3).unwrap();
        let s = parse_reply(&reply, t1, t4).unwrap();
        assert!((s.offset_s - 100.0).abs() < 1e-5, "{s:?}");
        assert!((s.delay_s - 0.4).abs() < 1e-5, "{s:?}");
        // And ahead: the sign flips.
        let reply = reply_to(&request(t1), t1 - 30.0 + 0.2, t1 - 30.0 + 0.3).unwrap();
        let s = parse_reply(&reply, t1, t4).unwrap();
        assert!((s.offset_s + 30.0).abs() < 1e-5, "{s:?}");
    }

    #[test]
    fn replies_that_cannot_be_trusted_are_refused() {
        let t1 = 1_700_000_000.0;
        let good = reply_to(&request(t1), t1, t1).unwrap();
        assert!(parse_reply(&good, t1, t1).is_ok());

        assert!(matches!(
            parse_reply(&good[..47], t1, t1),
            Err(ClockError::BadReply(_))
        ));
        // Not an answer to our request.
        assert!(matches!(
            parse_reply(&good, t1 + 1.0, t1),
            Err(ClockError::BadReply(_))
        ));
        // A client packet, not a server reply.
        let mut p = good;
        p[0] = (p[0] & !7) | 3;
        assert!(matches!(
            parse_reply(&p, t1, t1),
            Err(ClockError::BadReply(_))
        ));
        // Kiss-of-death: stratum 0 with a code.
        let mut p = good;
        p[1] = 0;
        p[12..16].copy_from_slice(b"RATE");
        match parse_reply(&p, t1, t1) {
            Err(ClockError::KissOfDeath(code)) => assert_eq!(code, "RATE"),
            other => panic!("{other:?}"),
        }
        // Unsynchronized server.
        let mut p = good;
        p[0] |= 3 << 6;
        assert!(matches!(
            parse_reply(&p, t1, t1),
            Err(ClockError::Unsynchronized)
        ));
        // Zero transmit time.
        let mut p = good;
        p[40..48].fill(0);
        assert!(matches!(
            parse_reply(&p, t1, t1),
            Err(ClockError::BadReply(_))
        ));
    }

    #[test]
    fn addresses_take_a_default_port() {
        assert_eq!(resolve("127.0.0.1").unwrap()[0].port(), 123);
        assert_eq!(resolve("127.0.0.1:4123").unwrap()[0].port(), 4123);
        assert_eq!(resolve("[::1]:9").unwrap()[0].port(), 9);
        assert_eq!(resolve("::1").unwrap()[0].port(), 123);
        assert_eq!(resolve("localhost:5").unwrap()[0].port(), 5);
        for bad in [
            "",
            "host:",
            ":5",
            "host:port",
            "ntp://x",
            "a:99999",
            "a b",
            "[zz]",
        ] {
            assert!(
                matches!(resolve(bad), Err(ClockError::BadAddress(_))),
                "{bad}"
            );
            assert!(normalize(bad).is_err(), "{bad}");
        }
        // Checked without a lookup: a name that resolves nowhere is fine here.
        assert_eq!(normalize("ntp.invalid").unwrap(), "ntp.invalid:123");
    }

    #[test]
    fn a_query_against_a_shifted_responder_measures_the_shift() {
        for shift in [0.0, 120.0, -3600.5] {
            let r = Responder::start(shift).unwrap();
            let m = query(&r.addr().to_string(), Duration::from_secs(5)).unwrap();
            assert!((m.offset_s - shift).abs() < 0.05, "shift {shift}: {m:?}");
            assert_eq!(m.source, format!("ntp:{}", r.addr()));
            assert!(m.round_trip_s < 1.0);
        }
    }

    #[test]
    fn a_silent_server_times_out() {
        // A bound socket that never answers.
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = silent.local_addr().unwrap().to_string();
        let start = std::time::Instant::now();
        let r = query(&addr, Duration::from_millis(300));
        assert!(matches!(r, Err(ClockError::Timeout(_))), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn stray_datagrams_are_ignored_until_our_reply_comes() {
        // A server that first sends a reply to some other request, then
        // answers properly.
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            let (n, from) = sock.recv_from(&mut buf).unwrap();
            let stray = reply_to(&request(1.0), 5.0, 5.0).unwrap();
            sock.send_to(&stray, from).unwrap();
            let now = now_f64() + 42.0;
            sock.send_to(&reply_to(&buf[..n], now, now).unwrap(), from)
                .unwrap();
        });
        let m = query(&addr.to_string(), Duration::from_secs(5)).unwrap();
        t.join().unwrap();
        assert!((m.offset_s - 42.0).abs() < 0.05, "{m:?}");
    }
}
