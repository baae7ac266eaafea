//! Quick copy: a global shortcut (Settings; default Ctrl+Alt+A) opens a
//! small always-on-top palette from anywhere on the desktop. The person
//! types a few letters of the issuer or account, picks with the arrows,
//! and Enter copies the code under the normal clipboard rules (cleared
//! after the configured delay if still ours, marked for clipboard managers
//! as not to be kept: `crate::clipboard` through the `copy_code` command)
//! and hides the palette; Escape hides it. A locked vault asks for the
//! password there (or the keyring opens it).
//!
//! The palette window is made on the first press, not at start: it is a
//! web process of its own (about 80 MiB, `docs/benchmarks.md`), which
//! nobody who never uses quick copy should carry. It stays made (hidden)
//! after that, so later presses are only a map and a focus (the warm path
//! measured in `docs/benchmarks.md`); the first press waits for its page
//! to load. It is never shown before its page has loaded: a window mapped
//! earlier takes the keyboard but drops what is typed (the first letters
//! were lost, then Enter copied the first entry's code instead of the one
//! typed for); a press that comes that early is kept and the palette opens
//! when the page is ready. The app still ends with its main window
//! (`lib.rs`: the palette is closed then).
//! The shortcut is an X11 key grab ([`super::hotkey`]); where none can be
//! made (no X display, or another app holds it) the app runs without it
//! and says so in Settings.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use tauri::webview::PageLoadEvent;
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
    /// The palette's page has loaded (it can take keystrokes).
    ready: AtomicBool,
    /// A show asked for before the page was ready.
    pending: AtomicBool,
}

impl Palette {
    /// Whether to show now (the page is ready) or later; a later show is
    /// remembered until [`Palette::loaded`].
    fn may_show(&self) -> bool {
        if self.ready.load(Ordering::SeqCst) {
            return true;
        }
        self.pending.store(true, Ordering::SeqCst);
        // The page may have become ready meanwhile: then nobody else will
        // see the pending flag.
        self.ready.load(Ordering::SeqCst) && self.pending.swap(false, Ordering::SeqCst)
    }

    /// The page has loaded: whether a show is waiting for it.
    fn loaded(&self) -> bool {
        self.ready.store(true, Ordering::SeqCst);
        self.pending.swap(false, Ordering::SeqCst)
    }
}

/// Reads a shortcut such as `Ctrl+Alt+A` (see [`hotkey::parse`]).
pub fn parse_shortcut(text: &str) -> Result<hotkey::Combo, String> {
    hotkey::parse(text)
}

/// The (hidden) palette window's builder.
fn builder(app: &AppHandle) -> WebviewWindowBuilder<'_, tauri::Wry, AppHandle> {
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html".into()))
        .on_page_load(|w, payload| {
            if payload.event() != PageLoadEvent::Finished {
                return;
            }
            let app = w.app_handle();
            if app.try_state::<Palette>().is_some_and(|p| p.loaded()) {
                show_now(app);
            }
        })
        .title(TITLE)
        .inner_size(460.0, 340.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .visible(false)
        .center()
}

/// Creates the (hidden) palette window, on the first press; it is shown
/// by [`show`] once its page has loaded.
///
/// It has a web process of its own. Made as a view *related* to the main
/// window's (one web process for both, 38 MiB less) WebKit refuses to let
/// WebDriver control it ("is-controlled-by-automation can't be set when
/// related-view is set"), so the palette's end-to-end suite could not
/// drive it; it is not (`docs/benchmarks.md`).
pub fn create_window(app: &AppHandle) -> tauri::Result<()> {
    builder(app).build()?;
    Ok(())
}

/// Shows the palette, in front and focused, and tells it to start afresh;
/// before its page has loaded, as soon as it has.
pub fn show(app: &AppHandle) {
    if app.get_webview_window(LABEL).is_none() {
        // Closed (or never made): made again, shown when loaded.
        if let Some(p) = app.try_state::<Palette>() {
            p.ready.store(false, Ordering::SeqCst);
        }
        if let Err(e) = create_window(app) {
            eprintln!("the quick-copy palette could not be made: {e}");
            return;
        }
    }
    if app.try_state::<Palette>().is_none_or(|p| p.may_show()) {
        show_now(app);
    }
}

/// Maps and focuses the (loaded) palette. The page is told first, so that
/// it starts afresh before the first key can reach it.
fn show_now(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = app.emit_to(LABEL, EVENT_OPEN, ());
        let _ = w.center();
        let _ = w.show();
        let _ = w.set_always_on_top(true);
        let _ = w.set_focus();
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

/// At start: the shortcut from Settings (the app runs on without it,
/// saying why). The window is made by the first press ([`show`]).
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
    let st = crate::commands::vault::vault_unlock(state, password, None)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_show_before_the_page_loaded_waits_for_it_and_happens_once() {
        let p = Palette::default();
        assert!(!p.may_show(), "not before the page is ready");
        assert!(!p.may_show(), "asked twice: still once");
        assert!(p.loaded(), "the page loaded: the waiting show happens");
        assert!(!p.loaded(), "and only once");
        assert!(p.may_show(), "a loaded page shows at once");
        let q = Palette::default();
        assert!(!q.loaded(), "loaded with no show waiting: nothing shown");
        assert!(q.may_show());
    }
}
