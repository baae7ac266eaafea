//! Settings > Sync and joining from the create screen: thin over
//! `Vault::sync_init`/`join`/`sync_forget`/`sync_devices` and the sync
//! thread (`crate::desktop::sync`), which runs every sync after these.

use apiq_app::sync::{self as policy, Trigger};
use apiq_vault::Vault;
use tauri::{AppHandle, Emitter, State};
use zeroize::Zeroizing;

use crate::desktop::dto::{SyncDevice, SyncView};
use crate::dto::VaultStatus;
use crate::error::{AppError, AppResult};
use crate::state::{lock, AppState};

/// A folder typed or chosen by the person, as an absolute path.
fn folder(typed: &str) -> AppResult<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    policy::folder_path(typed, home.as_deref()).ok_or_else(|| {
        AppError::Invalid(
            "Choose the sync folder, or type its full path (starting with / or ~/).".into(),
        )
    })
}

/// The sync status (also sent as the `sync-status` event).
#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>) -> AppResult<SyncView> {
    Ok(state.sync.view())
}

/// The devices seen in the sync folder (none when not syncing).
#[tauri::command(async)]
pub fn sync_devices(state: State<'_, AppState>) -> AppResult<Vec<SyncDevice>> {
    let devices = state.with_vault(|v| match v.sync_folder() {
        None => Ok(Vec::new()),
        Some(_) => Ok(v.sync_devices(None)?),
    })?;
    Ok(policy::device_lines(&devices)
        .into_iter()
        .map(|d| SyncDevice {
            name: d.name,
            id: d.id,
            this: d.this,
            written_ms: d.written_ms,
            entries: d.entries as u32,
            problem: d.problem,
            file: d.file,
        })
        .collect())
}

/// Starts syncing this vault through `folder` (created if missing; refused
/// when it holds another vault's files), as `device_name` (default: the
/// host name).
#[tauri::command(async)]
pub fn sync_start(
    state: State<'_, AppState>,
    folder: String,
    device_name: Option<String>,
) -> AppResult<SyncView> {
    let folder = self::folder(&folder)?;
    let name = policy::device_name(device_name.as_deref());
    // Not through `with_vault`: the sync asked for below covers this
    // change (no second, debounced one).
    let folder = {
        let mut guard = lock(&state.vault);
        let v = guard.as_mut().ok_or(AppError::Locked)?;
        v.sync_init(&folder, &name)?.folder
    };
    state.sync.set_device_name(&name);
    state.sync.starting(&folder);
    Ok(state.sync.view())
}

/// Syncs now (the status follows as `sync-status` events).
#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>) -> AppResult<SyncView> {
    state.with_vault(|_| Ok(()))?;
    state.sync.kick(Trigger::Manual);
    Ok(state.sync.view())
}

/// Another device changed the vault's password (which re-keys the data):
/// takes the new key with the new password, then syncs. A wrong password
/// changes nothing.
#[tauri::command(async)]
pub fn sync_new_password(
    app: AppHandle,
    state: State<'_, AppState>,
    password: String,
) -> AppResult<SyncView> {
    let password = Zeroizing::new(password);
    let report = state.with_vault(|v| Ok(v.sync_with_new_password(None, &password)?))?;
    super::vault::password_typed(&state);
    // What came in is shown at once (this sync ran here, not on the sync
    // thread, which tells the window itself).
    if report.saved {
        let _ = app.emit(crate::desktop::sync::EVENT_CHANGED, ());
    }
    state.sync.kick(Trigger::Manual);
    Ok(state.sync.view())
}

/// Stops syncing on this device: the folder is forgotten (it and the
/// entries stay as they are).
#[tauri::command(async)]
pub fn sync_stop(state: State<'_, AppState>) -> AppResult<SyncView> {
    state.with_vault(|v| Ok(v.sync_forget()?))?;
    state.sync.stop();
    Ok(state.sync.view())
}

/// Creates this device's vault from a sync folder (instead of a new one):
/// the folder's vault password opens it; a wrong one creates nothing.
#[tauri::command(async)]
pub fn sync_join(
    state: State<'_, AppState>,
    folder: String,
    password: String,
    device_name: Option<String>,
) -> AppResult<VaultStatus> {
    let password = Zeroizing::new(password);
    let folder = self::folder(&folder)?;
    let name = policy::device_name(device_name.as_deref());
    let (vault, _report) = Vault::join(
        &state.vault_path(),
        &folder,
        &password,
        &name,
        state.vault_options(false),
    )?;
    *lock(&state.vault) = Some(vault);
    state.sync.set_device_name(&name);
    super::vault::password_typed(&state);
    state.touch();
    Ok(super::vault::status(&state))
}

/// Opens the native folder dialog; the choice arrives as the
/// `sync-folder-picked` event.
#[tauri::command(async)]
pub fn sync_pick_folder(app: AppHandle) -> AppResult<()> {
    crate::desktop::sync::pick_folder(app);
    Ok(())
}
