//! # The app as part of the desktop
//!
//! What makes the authenticator one keystroke away instead of a window to
//! find, and what keeps its codes right:
//!
//! - [`clock`]: this machine's clock against the account server's `Date`
//!   or an NTP server from Settings, at start and hourly; the
//!   `clock-warning` banner's data; codes optionally made with the
//!   measured offset ([`clock::code_now_ms`]).
//! - [`resync`]: an HOTP counter put right from two consecutive codes.
//! - [`launch`]: the command-line argument (an `otpauth://` or
//!   `otpauth-migration://` URI, an image, an export file) handed to the
//!   window, at start or from a second launch (single instance).
//! - [`instance`]: one app per user and data folder (a Unix socket).
//! - [`palette`], [`hotkey`]: quick copy, a global shortcut (an X11 key
//!   grab) and its palette window.
//! - [`tray`]: the tray icon and its menu (where the desktop has a tray host).
//! - [`autostart`]: start at login.
//! - [`sync`]: automatic sync through a folder (a background thread, a
//!   folder watcher, the header's status).
//! - [`dto`]: the shapes these commands send to the window.
//!
//! Each module owns its state (managed by Tauri) and its commands; the
//! settings they read are the app's (`crate::dto::Settings`).

pub mod autostart;
pub mod clock;
pub mod dto;
pub mod hotkey;
pub mod instance;
pub mod launch;
pub mod palette;
pub mod resync;
pub mod sync;
pub mod tray;

use tauri::{AppHandle, Manager};

use crate::dto::Settings;
use crate::error::{AppError, AppResult};

/// Checks and normalizes the desktop settings before they are saved.
pub fn validate_settings(s: &mut Settings) -> AppResult<()> {
    s.ntp_server = s.ntp_server.trim().to_string();
    if !s.ntp_server.is_empty() {
        apiq_clock::sntp::normalize(&s.ntp_server).map_err(|_| {
            AppError::Invalid(
                "The NTP server is a host name or address, with an optional :port (such as pool.ntp.org).".into(),
            )
        })?;
    }
    s.quick_copy_shortcut = s.quick_copy_shortcut.trim().to_string();
    if !s.quick_copy_shortcut.is_empty() {
        palette::parse_shortcut(&s.quick_copy_shortcut)
            .map_err(|e| AppError::Invalid(format!("The quick-copy shortcut: {e}.")))?;
    }
    Ok(())
}

/// Applies what changed in the settings to the running desktop parts; a
/// part that cannot follow says why (the settings stay saved).
pub fn apply_settings(app: &AppHandle, before: &Settings, after: &Settings) -> AppResult<()> {
    if before.ntp_server != after.ntp_server
        || before.server_url != after.server_url
        || before.clock_correct != after.clock_correct
    {
        clock::recheck(app);
    }
    if before.quick_copy_shortcut != after.quick_copy_shortcut {
        palette::register(app, &after.quick_copy_shortcut)?;
    }
    if before.autostart != after.autostart {
        autostart::set(after.autostart)?;
    }
    Ok(())
}

/// Before the app is built: claims the data folder; a second launch
/// hands its arguments to the running app and exits 0 here.
pub fn single_instance() -> Option<std::os::unix::net::UnixListener> {
    // No data folder: the app's setup says so and stops; nothing to claim.
    let data_dir = apiq_app::files::data_dir().ok()?;
    if let Err(e) = apiq_app::files::ensure_dir(&data_dir) {
        eprintln!("running without the single-instance check: {e}");
        return None;
    }
    let data_dir = data_dir.path;
    let h = instance::Handover {
        argv: std::env::args().collect(),
        cwd: std::env::current_dir()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
    };
    match instance::claim(&data_dir, &h) {
        instance::Claim::First(l) => Some(l),
        instance::Claim::Handed => std::process::exit(0),
        instance::Claim::Alone(why) => {
            eprintln!("running without the single-instance check: {why}");
            None
        }
    }
}

/// Everything desktop at start (called from the app's setup, after the
/// state exists), with the single-instance listener when there is one.
pub fn init(app: &AppHandle, listener: Option<std::os::unix::net::UnixListener>) {
    launch::init(app);
    if let Some(l) = listener {
        let handle = app.clone();
        instance::serve(l, move |h| launch::second_launch(&handle, h.argv, h.cwd));
    }
    clock::start(app.clone());
    sync::start(app);
    palette::init(app);
    app.manage(tray::TrayPresence(tray::init(app)));
    if autostart::started_hidden() && app.state::<tray::TrayPresence>().0 {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.hide();
        }
    }
}

/// What the desktop parts can do here, for Settings.
#[tauri::command(async)]
pub fn desktop_info(app: AppHandle) -> dto::DesktopInfo {
    dto::DesktopInfo {
        tray: app.try_state::<tray::TrayPresence>().is_some_and(|t| t.0),
        shortcut_problem: app
            .try_state::<palette::Palette>()
            .and_then(|p| crate::state::lock(&p.problem).clone()),
    }
}
