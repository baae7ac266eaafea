//! # Apiq Authenticator's desktop window
//!
//! A Tauri 2 shell over the project's crates: the window (`ui/`) shows
//! labels and codes; everything holding a secret stays here. The modules:
//!
//! - [`state`]: the data folder, the open vault, previews, undo, settings;
//!   the clock is read there (the crates take time as a parameter).
//! - [`commands`]: the IPC commands, thin over `apiq-vault`, `apiq-otp`,
//!   `apiq-scan` and `apiq-formats`; errors as `{kind, message}`
//!   ([`error`]).
//! - [`dto`]: the shapes crossing the bridge, exported to TypeScript
//!   ([`bindings`]).
//! - [`reminder`]: asks for the password now and then when the keyring
//!   opens the vault.
//! - [`clipboard`], [`screen`]: the system clipboard (cleared after a copy
//!   only if it still holds our code) and screen capture, from Rust only.
//! - [`desktop`]: the clock check, HOTP resync, the launch argument and
//!   single instance, automatic sync through a folder.
//!
//! The web view gets no file system, shell, clipboard or dialog permission:
//! `capabilities/main.json` grants the app's own commands and events only.

pub mod account;
pub mod bindings;
pub mod clipboard;
pub mod commands;
pub mod desktop;
pub mod dto;
pub mod error;
pub mod memory;
pub mod preview;
pub mod reminder;
pub mod savefile;
pub mod screen;
pub mod screenlock;
pub mod state;

use std::time::Duration;

use tauri::{Emitter, Manager};

use crate::state::{lock, AppState};

/// How often the idle lock looks at the clock.
const IDLE_CHECK: Duration = Duration::from_secs(2);

pub fn run() {
    memory::return_large_blocks();
    memory::software_rendering_settings();
    // A second launch hands its arguments over and exits here.
    let instance = desktop::single_instance();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let data_dir = apiq_app::files::data_dir().map_err(|e| e.to_string())?;
            let st = AppState::new(data_dir).map_err(|e| e.to_string())?;
            app.manage(st);
            desktop::init(app.handle(), instance);
            start_idle_lock(app.handle().clone());
            let handle = app.handle().clone();
            screenlock::watch(move || {
                let st = handle.state::<AppState>();
                if lock(&st.vault).is_some() {
                    st.lock_all();
                    let _ = handle.emit("vault-locked", "Locked because the screen locked.");
                }
            });
            Ok(())
        })
        .invoke_handler(traced(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::vault_create,
            commands::vault::vault_unlock,
            commands::vault::vault_unlock_keyring,
            commands::vault::vault_lock,
            commands::vault::vault_set_keyring,
            commands::vault::vault_change_password,
            commands::vault::vault_check_password,
            commands::vault::vault_backups,
            commands::vault::vault_restore_backup,
            commands::vault::activity,
            commands::entries::entries_list,
            commands::entries::codes_now,
            commands::entries::hotp_next,
            commands::entries::copy_code,
            commands::entries::entry_update,
            commands::icons::entry_icon,
            commands::icons::entry_icon_set,
            commands::icons::entry_icon_clear,
            commands::icons::icon_packs,
            commands::icons::icon_pack_import,
            commands::icons::icon_pack_remove,
            commands::icons::pack_icon,
            commands::entries::entry_delete,
            commands::entries::entry_restore,
            commands::entries::entry_qr,
            commands::entries::copy_text,
            savefile::save_begin,
            savefile::save_status,
            commands::add::preview_text,
            commands::add::preview_image,
            commands::add::preview_clipboard_image,
            commands::add::preview_screen,
            commands::add::preview_manual,
            commands::add::preview_save,
            commands::add::preview_discard,
            commands::transfer::import_formats,
            commands::transfer::import_file,
            commands::transfer::export_formats,
            commands::transfer::export_file,
            commands::recovery::recovery_get,
            commands::recovery::recovery_parse,
            commands::recovery::recovery_save,
            commands::recovery::recovery_mark,
            commands::recovery::recovery_copy,
            commands::recovery::recovery_overview,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::sync::sync_status,
            commands::sync::sync_devices,
            commands::sync::sync_start,
            commands::sync::sync_now,
            commands::sync::sync_new_password,
            commands::sync::sync_stop,
            commands::sync::sync_join,
            commands::sync::sync_pick_folder,
            commands::account::account_status,
            commands::account::account_signup,
            commands::account::account_signin,
            commands::account::account_verify,
            commands::account::account_code_from_vault,
            commands::account::account_signout,
            commands::twofa::twofa_begin,
            commands::twofa::twofa_add_to_vault,
            commands::twofa::twofa_enable,
            commands::twofa::twofa_finish,
            commands::twofa::account_codes_copy,
            commands::twofa::account_codes_download,
            commands::twofa::account_recovery_view,
            commands::twofa::account_recovery_regenerate,
            commands::twofa::twofa_disable,
            commands::tokens::tokens_list,
            commands::tokens::token_create,
            commands::tokens::token_delete,
            commands::tokens::sessions_list,
            commands::tokens::sessions_signout_others,
            desktop::clock::clock_status,
            desktop::clock::clock_check,
            desktop::resync::entry_resync,
            desktop::launch::launch_take,
            desktop::desktop_info,
            desktop::palette::palette_hide,
            desktop::palette::palette_copy,
            desktop::palette::palette_unlock,
            desktop::palette::palette_unlock_keyring,
            desktop::palette::palette_shown,
        ]))
        .on_window_event(|window, event| match event {
            // Closing the main window keeps the app in the tray (Settings).
            tauri::WindowEvent::CloseRequested { api, .. }
                if window.label() == "main" && desktop::tray::close_hides(window.app_handle()) =>
            {
                api.prevent_close();
                let _ = window.hide();
            }
            // Otherwise the app ends with its main window (the hidden
            // quick-copy palette must not keep it running).
            tauri::WindowEvent::Destroyed if window.label() == "main" => {
                window.app_handle().exit(0);
            }
            _ => {}
        })
        .build(tauri::generate_context!())
        .expect("error while building the Apiq Authenticator window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Our copy leaves with us (if it is still there).
                if let Some(st) = app.try_state::<AppState>() {
                    st.clipboard.clear_if_ours();
                }
            }
        });
}

/// With `APIQ_TRACE_IPC=1` (the e2e suite sets it) each command's name is
/// written to stderr as it arrives: to tell a request that never reached
/// Rust from a reply that never reached the window. Names only: never an
/// argument or a result.
fn traced<R: tauri::Runtime>(
    handler: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        trace(invoke.message.command());
        handler(invoke)
    }
}

/// Writes `what` with the time to stderr when `APIQ_TRACE_IPC=1`.
fn trace(what: &str) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("APIQ_TRACE_IPC").is_some_and(|v| v == "1")) {
        return;
    }
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    eprintln!("ipc {}.{:03}: {what}", t.as_secs(), t.subsec_millis());
}

/// Locks the vault after the configured idle time and tells the window.
fn start_idle_lock(app: tauri::AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(IDLE_CHECK);
        let st = app.state::<AppState>();
        let limit = st.settings().auto_lock_secs;
        if limit == 0 || lock(&st.vault).is_none() {
            continue;
        }
        let idle = lock(&st.last_activity).elapsed();
        if idle >= Duration::from_secs(limit.into()) {
            st.lock_all();
            let _ = app.emit("vault-locked", "Locked after a while without use.");
        }
    });
}
