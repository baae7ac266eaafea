//! The app's settings (auto-lock, clipboard clearing, hidden codes, the
//! account server), stored in the data folder.

use tauri::State;

use crate::dto::Settings;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[tauri::command(async)]
pub fn settings_get(state: State<'_, AppState>) -> AppResult<Settings> {
    Ok(state.settings())
}

#[tauri::command(async)]
pub fn settings_set(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> AppResult<Settings> {
    let url = settings.server_url.trim().to_string();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        return Err(AppError::Invalid(
            "The account server's address starts with http:// or https://.".into(),
        ));
    }
    // A plain http:// server elsewhere than this machine would receive
    // passwords readable by the network: refused here, before any request.
    if !url.is_empty() {
        if let Err(e @ apiq_client::ClientError::InsecureUrl(_)) = apiq_client::Client::new(&url) {
            return Err(AppError::Invalid(crate::error::sentence(&e.to_string())));
        }
    }
    let mut s = settings;
    s.server_url = url.trim_end_matches('/').to_string();
    crate::desktop::validate_settings(&mut s)?;
    let before = state.settings();
    let saved = state.save_settings(s)?;
    crate::desktop::apply_settings(&app, &before, &saved)?;
    Ok(saved)
}
