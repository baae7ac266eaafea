//! What the app is started with, handed to the window.
//!
//! The desktop's URL handler (the `.deb`'s `.desktop` file declares
//! `x-scheme-handler/otpauth` and `otpauth-migration`) starts the app with
//! the link as its argument; a file manager's "Open with" gives a path. The
//! first usable argument becomes a [`LaunchRequest`] kept in the
//! [`LaunchInbox`] until the window takes it (`launch_take`, asked when the
//! code list shows and on the `launch` event): a URI opens the add dialog
//! with its preview, an image the add dialog with its QR code, any other
//! file the import dialog.
//!
//! A second launch (same user, same `APIQ_DATA_DIR`: [`super::instance`])
//! hands its arguments to the running app, which brings its window to the
//! front; the second process exits with status 0.

use std::path::{Path, PathBuf};

use base64::Engine;
use tauri::{AppHandle, Emitter, Manager, State};

use super::dto::LaunchRequest;
use crate::state::lock;

/// The event telling the window a request is waiting.
pub const EVENT: &str = "launch";
/// The largest file taken from the command line.
const MAX_FILE: u64 = 32 * 1024 * 1024;
const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "gif", "bmp", "webp"];

/// One command-line argument, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Uri(String),
    Image(PathBuf),
    Import(PathBuf),
}

/// Reads an argument: a URI by its scheme (any case), a `file://` URL or
/// a path (relative to `cwd`) by its extension. Options (`-x`, `--x`) and
/// empty arguments are not requests.
pub fn classify(arg: &str, cwd: &Path) -> Option<Arg> {
    let a = arg.trim();
    if a.is_empty() || a.starts_with('-') {
        return None;
    }
    let lower = a.to_ascii_lowercase();
    if lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://") {
        return Some(Arg::Uri(a.to_string()));
    }
    let path = match lower.strip_prefix("file://") {
        Some(_) => PathBuf::from(percent_decode(&a["file://".len()..])),
        None => PathBuf::from(a),
    };
    let path = if path.is_absolute() {
        path
    } else {
        cwd.join(path)
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Some(if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        Arg::Image(path)
    } else {
        Arg::Import(path)
    })
}

/// The first request among the arguments (without the program's name).
pub fn first_request<S: AsRef<str>>(args: &[S], cwd: &Path) -> Option<Arg> {
    args.iter().find_map(|a| classify(a.as_ref(), cwd))
}

/// `%XX` escapes of a `file://` URL's path.
fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request for an argument: a URI as it is, a file read (up to 32 MiB).
pub fn load(arg: Arg) -> LaunchRequest {
    let (path, image) = match arg {
        Arg::Uri(uri) => return LaunchRequest::Uri { uri },
        Arg::Image(p) => (p, true),
        Arg::Import(p) => (p, false),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let problem = |what: String| LaunchRequest::Problem { message: what };
    let meta = match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m,
        Ok(_) => return problem(format!("{} is not a file.", path.display())),
        Err(_) => return problem(format!("{} was not found.", path.display())),
    };
    if meta.len() > MAX_FILE {
        return problem(format!("{name} is too large to be an image or an export."));
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
            if image {
                LaunchRequest::Image { name, data }
            } else {
                LaunchRequest::Import { name, data }
            }
        }
        Err(e) => problem(format!("{name} cannot be read: {e}.")),
    }
}

/// The request waiting for the window.
#[derive(Default)]
pub struct LaunchInbox {
    pending: std::sync::Mutex<Option<LaunchRequest>>,
}

impl LaunchInbox {
    pub fn put(&self, r: LaunchRequest) {
        *lock(&self.pending) = Some(r);
    }
    pub fn take(&self) -> Option<LaunchRequest> {
        lock(&self.pending).take()
    }
}

/// At start: the inbox, with this process's own arguments in it.
pub fn init(app: &AppHandle) {
    let inbox = LaunchInbox::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(a) = first_request(&args, &cwd) {
        inbox.put(load(a));
    }
    app.manage(inbox);
}

/// A second launch's arguments (its program name first) and folder: the
/// request goes to the inbox, the window is told and brought forward.
pub fn second_launch(app: &AppHandle, argv: Vec<String>, cwd: String) {
    if let Some(a) = first_request(argv.get(1..).unwrap_or_default(), Path::new(&cwd)) {
        if let Some(inbox) = app.try_state::<LaunchInbox>() {
            inbox.put(load(a));
        }
        let _ = app.emit(EVENT, ());
    }
    show_main(app);
}

/// Shows, unminimizes and focuses the main window.
pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// The request the app was started with or handed, once.
#[tauri::command(async)]
pub fn launch_take(inbox: State<'_, LaunchInbox>) -> Option<LaunchRequest> {
    inbox.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_read_by_scheme_and_extension() {
        let cwd = Path::new("/home/ann");
        let uri = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP";
        assert_eq!(classify(uri, cwd), Some(Arg::Uri(uri.into())));
        let m = "OTPAUTH-MIGRATION://offline?data=abc";
        assert_eq!(classify(m, cwd), Some(Arg::Uri(m.into())));
        assert_eq!(
            classify("qr.PNG", cwd),
            Some(Arg::Image("/home/ann/qr.PNG".into()))
        );
        assert_eq!(
            classify("/tmp/a.webp", cwd),
            Some(Arg::Image("/tmp/a.webp".into()))
        );
        assert_eq!(
            classify("backup.json", cwd),
            Some(Arg::Import("/home/ann/backup.json".into()))
        );
        assert_eq!(
            classify("file:///tmp/my%20codes.jpg", cwd),
            Some(Arg::Image("/tmp/my codes.jpg".into()))
        );
        assert_eq!(classify("--automation", cwd), None);
        assert_eq!(classify("  ", cwd), None);
        assert_eq!(
            first_request(&["-v", "", uri, "x.png"], cwd),
            Some(Arg::Uri(uri.into()))
        );
        assert_eq!(first_request::<&str>(&[], cwd), None);
    }

    #[test]
    fn files_are_read_and_problems_said() {
        let dir = tempfile::tempdir().unwrap();
        let img = dir.path().join("qr.png");
        std::fs::write(&img, [1u8, 2, 3]).unwrap();
        assert_eq!(
            load(Arg::Image(img)),
            LaunchRequest::Image {
                name: "qr.png".into(),
                data: "AQID".into()
            }
        );
        let exp = dir.path().join("export.txt");
        std::fs::write(&exp, b"hi").unwrap();
        assert_eq!(
            load(Arg::Import(exp)),
            LaunchRequest::Import {
                name: "export.txt".into(),
                data: "aGk=".into()
            }
        );
        match load(Arg::Import(dir.path().join("missing.json"))) {
            LaunchRequest::Problem { message } => {
                assert!(message.contains("was not found"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        match load(Arg::Import(dir.path().to_path_buf())) {
            LaunchRequest::Problem { message } => {
                assert!(message.contains("not a file"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_inbox_gives_a_request_once() {
        let inbox = LaunchInbox::default();
        assert_eq!(inbox.take(), None);
        inbox.put(LaunchRequest::Uri {
            uri: "otpauth://x".into(),
        });
        assert!(inbox.take().is_some());
        assert_eq!(inbox.take(), None);
    }
}
