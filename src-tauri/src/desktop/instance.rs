//! One running app per user and data folder: the first instance listens
//! on a Unix socket in the data folder (`instance.sock`, mode 0600); a
//! later launch with the same `APIQ_DATA_DIR` connects, hands over its
//! arguments and working folder, waits for the acknowledgement and exits
//! 0 (the running app brings its window forward, see
//! [`super::launch::second_launch`]). A socket left by a crashed instance
//! (nobody answers) is replaced.
//!
//! (A socket in the data folder rather than `tauri-plugin-single-instance`'s
//! D-Bus name: it is per data folder by construction, needs no session
//! bus, and adds no dependency; see docs/desktop.md.)

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The socket's file name in the data folder.
pub const SOCKET: &str = "instance.sock";
/// The largest hand-over message read.
const MAX_MESSAGE: u64 = 64 * 1024;

/// What a second launch hands over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// Its arguments, the program's name first.
    pub argv: Vec<String>,
    /// Its working folder (relative paths are relative to it).
    pub cwd: String,
}

/// The outcome of claiming the data folder.
pub enum Claim {
    /// This is the first instance: serve hand-overs on this listener.
    First(UnixListener),
    /// Another instance took the arguments: exit 0.
    Handed,
    /// Neither (the folder cannot hold a socket): run alone, as before.
    Alone(String),
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

fn hand_over(path: &Path, h: &Handover) -> std::io::Result<()> {
    let mut s = UnixStream::connect(path)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut line = serde_json::to_vec(h).map_err(std::io::Error::other)?;
    line.push(b'\n');
    s.write_all(&line)?;
    let mut ack = String::new();
    BufReader::new(s).read_line(&mut ack)?;
    if ack.trim() == "ok" {
        Ok(())
    } else {
        Err(std::io::Error::other(
            "the running instance did not acknowledge",
        ))
    }
}

fn bind(path: &Path) -> std::io::Result<UnixListener> {
    let l = UnixListener::bind(path)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(l)
}

/// Claims `data_dir` for this process, or hands `h` to the instance that
/// holds it.
pub fn claim(data_dir: &Path, h: &Handover) -> Claim {
    let path = socket_path(data_dir);
    if let Err(e) = std::fs::create_dir_all(data_dir) {
        return Claim::Alone(e.to_string());
    }
    for _ in 0..3 {
        if path.exists() {
            match hand_over(&path, h) {
                Ok(()) => return Claim::Handed,
                // Nobody listens: a crashed instance's socket.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Claim::Alone(e.to_string()),
            }
        }
        match bind(&path) {
            Ok(l) => return Claim::First(l),
            // Another instance bound it a moment ago: hand over to it.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Claim::Alone(e.to_string()),
        }
    }
    Claim::Alone("the instance socket kept changing".into())
}

/// Serves hand-overs on a thread: each is passed to `on` (then
/// acknowledged).
pub fn serve(listener: UnixListener, on: impl Fn(Handover) + Send + 'static) {
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut line = String::new();
            let read = BufReader::new((&s).take(MAX_MESSAGE)).read_line(&mut line);
            if read.is_err() {
                continue;
            }
            if let Ok(h) = serde_json::from_str::<Handover>(&line) {
                on(h);
                let _ = s.write_all(b"ok\n");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn handover(arg: &str) -> Handover {
        Handover {
            argv: vec!["apiq-authenticator".into(), arg.into()],
            cwd: "/tmp".into(),
        }
    }

    #[test]
    fn the_second_claim_hands_its_arguments_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::First(l) = claim(dir.path(), &handover("a")) else {
            panic!("the first claim must win")
        };
        let (tx, rx) = mpsc::channel();
        serve(l, move |h| tx.send(h).unwrap());
        assert!(matches!(
            claim(dir.path(), &handover("otpauth://x")),
            Claim::Handed
        ));
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            handover("otpauth://x")
        );
        // Only the owner may talk to it.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(socket_path(dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_dead_instances_socket_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        drop(bind(&socket_path(dir.path())).unwrap()); // bound, then nobody listens
        assert!(socket_path(dir.path()).exists());
        assert!(matches!(claim(dir.path(), &handover("a")), Claim::First(_)));
    }

    #[test]
    fn two_data_folders_are_two_instances() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let _la = match claim(a.path(), &handover("x")) {
            Claim::First(l) => l,
            _ => panic!(),
        };
        assert!(matches!(claim(b.path(), &handover("x")), Claim::First(_)));
    }
}
