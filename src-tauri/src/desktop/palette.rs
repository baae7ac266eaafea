//! Quick copy: a global shortcut (Settings; default Ctrl+Alt+A) opens a
//! small always-on-top palette from anywhere on the desktop. The person
//! types a few letters of the issuer or account, picks with the arrows,
//! and Enter copies the code under the normal clipboard rules (cleared
//! after the configured delay if still ours, marked for clipboard managers
//! as not to be kept: `crate::clipboard` through the `copy_code` command)
//! and hides the palette; Escape hides it. A locked vault asks for the
//! password there (or the keyring opens it).
//!
//! The palette window is made on the first use and then only hidden and
//! shown again (the warm path measured in `docs/benchmarks.md`).
//! The shortcut is an X11 key grab ([`super::hotkey`]); where none can be
//! made (no X display, or another app holds it) the app runs without it
//! and says so in Settings.

use std::sync::Mutex;
use std::time::Instant;

use tauri::{AppHandle, Emitter, Manager, State, WebviewUrl, WebviewWindowBuilder};

use super::hotkey::{self, Hotkeys};

use crate::dto::{CopyResult, VaultStatus};
use crate::error::{AppError, AppResult};
use crate::state::{lock, AppState};

/// The palette window's label.
pub const LABEL: &str = "palette";
/// Its title (what a window manager, and the e2e tests, see).
pub const TITLE: &str = "Apiq Quick Copy";
/// The shortcut when Settings name none.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+A";
/// The event telling the palette it was opened (reset, refresh, focus).
pub const EVENT_OPEN: &str = "palette-open";
/// The event telling the main window the vault was unlocked elsewhere.
pub const EVENT_UNLOCKED: &str = "vault-unlocked";

/// The palette's state: the registered shortcut, and when it was last
/// pressed (for the latency trace).
#[derive(Default)]
pub struct Palette {
    hotkeys: Mutex<Option<Hotkeys>>,
    pressed_at: Mutex<Option<Instant>>,
    /// Why the shortcut could not be registered, if it could not.
    pub problem: Mutex<Option<String>>,
}

/// Reads a shortcut such as `Ctrl+Alt+A` (see [`hotkey::parse`]).
pub fn parse_shortcut(text: &str) -> Result<hotkey::Combo, String> {
    hotkey::parse(text)
}

/// Creates the (hidden) palette window.
pub fn create_window(app: &AppHandle) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html".into()))
        .title(TITLE)
        .inner_size(460.0, 340.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .visible(false)
        .center()
        .build()?;
    Ok(())
}

/// Shows the palette, in front and focused, and tells it to start afresh
/// (made on first use: a hidden window made at start would keep the app
/// running after its main window closed).
pub fn show(app: &AppHandle) {
    if app.get_webview_window(LABEL).is_none() {
        if let Err(e) = create_window(app) {
            eprintln!("the quick-copy palette could not be made: {e}");
            return;
        }
    }
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.center();
        let _ = w.show();
        let _ = w.set_always_on_top(true);
        let _ = w.set_focus();
        let _ = app.emit_to(LABEL, EVENT_OPEN, ());
    }
}

/// Hides the palette.
pub fn hide(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.hide();
    }
}

/// The shortcut's action: the palette shown, or hidden when it is up.
fn toggle(app: &AppHandle) {
    let visible = app
        .get_webview_window(LABEL)
        .and_then(|w| w.is_visible().ok())
        .unwrap_or(false);
    if visible {
        hide(app);
    } else {
        if let Some(p) = app.try_state::<Palette>() {
            *lock(&p.pressed_at) = Some(Instant::now());
        }
        show(app);
    }
}

/// Registers `text` as the quick-copy shortcut (replacing the previous
/// one); an empty text turns it off.
pub fn register(app: &AppHandle, text: &str) -> AppResult<()> {
    let palette = app.state::<Palette>();
    *lock(&palette.problem) = None;
    let combo = if text.trim().is_empty() {
        None
    } else {
        Some(parse_shortcut(text).map_err(AppError::Invalid)?)
    };
    let mut hk = lock(&palette.hotkeys);
    if hk.is_none() && combo.is_some() {
        let handle = app.clone();
        match Hotkeys::start(move || toggle(&handle)) {
            Ok(h) => *hk = Some(h),
            Err(e) => {
                let why = format!("Quick copy has no global shortcut on this desktop: {e}.");
                *lock(&palette.problem) = Some(why.clone());
                return Err(AppError::Invalid(why));
            }
        }
    }
    let Some(h) = hk.as_ref() else { return Ok(()) };
    h.set(combo).map_err(|e| {
        let why = format!("The shortcut {} cannot be used: {e}.", text.trim());
        *lock(&palette.problem) = Some(why.clone());
        AppError::Invalid(why)
    })
}

/// At start: the window and the shortcut from Settings (the app runs on
/// without them, saying why).
pub fn init(app: &AppHandle) {
    app.manage(Palette::default());
    let shortcut = app.state::<AppState>().settings().quick_copy_shortcut;
    if let Err(e) = register(app, &shortcut) {
        eprintln!("quick copy: {e}");
    }
}

/// Hides the palette (Escape).
#[tauri::command(async)]
pub fn palette_hide(app: AppHandle) {
    hide(&app);
}

/// Copies an entry's code (the normal clipboard rules) and hides the
/// palette.
#[tauri::command(async)]
pub fn palette_copy(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> AppResult<CopyResult> {
    let r = crate::commands::entries::copy_code(state, id)?;
    hide(&app);
    Ok(r)
}

/// Unlocks with the password from the palette; the main window is told.
#[tauri::command(async)]
pub fn palette_unlock(
    app: AppHandle,
    state: State<'_, AppState>,
    password: String,
) -> AppResult<VaultStatus> {
    let st = crate::commands::vault::vault_unlock(state, password)?;
    let _ = app.emit(EVENT_UNLOCKED, ());
    Ok(st)
}

/// Unlocks with the keyring from the palette; the main window is told.
#[tauri::command(async)]
pub fn palette_unlock_keyring(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<VaultStatus> {
    let st = crate::commands::vault::vault_unlock_keyring(state)?;
    let _ = app.emit(EVENT_UNLOCKED, ());
    Ok(st)
}

/// The palette drew its first frame after opening (`filtered_ms` absent),
/// or its list after a keystroke (`filtered_ms`: from the input event to
/// that frame). With `APIQ_TRACE_IPC=1` the figures go to stderr, where
/// `tests/e2e/bench-desktop.js` reads them; otherwise this does nothing.
#[tauri::command(async)]
pub fn palette_shown(palette: State<'_, Palette>, filtered_ms: Option<f64>) {
    if let Some(ms) = filtered_ms {
        crate::trace(&format!("palette filtered in {ms:.1} ms"));
    } else if let Some(t) = lock(&palette.pressed_at).take() {
        crate::trace(&format!(
            "palette shown {:.1} ms after the shortcut",
            t.elapsed().as_secs_f64() * 1000.0
        ));
    }
}
