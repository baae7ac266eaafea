//! The recovery-code vault of each entry: store pasted codes (parsed by the
//! vault crate, so the preview and what is stored agree), mark used, copy
//! one, and the overview of accounts with few codes left.

use apiq_vault::{recovery, VaultEntry};
use tauri::State;
use zeroize::Zeroizing;

use super::parse_id;
use crate::dto::{CopyResult, RecoveryItem, RecoveryOverviewItem, RecoveryView};
use crate::error::{AppError, AppResult};
use crate::state::{now_secs, AppState};

fn view(e: &VaultEntry) -> RecoveryView {
    let r = &e.recovery;
    RecoveryView {
        entry_id: e.id.to_hex(),
        items: r
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| RecoveryItem {
                index: i as u32,
                code: c.code.expose().to_string(),
                used: c.is_used(),
            })
            .collect(),
        remaining: r.remaining() as u32,
        low: r.codes.is_empty() || r.is_low(),
    }
}

fn entry_view(state: &AppState, id: apiq_vault::EntryId) -> AppResult<RecoveryView> {
    state.with_vault(|v| {
        v.get(id)
            .map(view)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))
    })
}

#[tauri::command(async)]
pub fn recovery_get(state: State<'_, AppState>, entry_id: String) -> AppResult<RecoveryView> {
    entry_view(&state, parse_id(&entry_id)?)
}

/// The codes a pasted text holds, as they would be stored.
#[tauri::command(async)]
pub fn recovery_parse(text: String) -> AppResult<Vec<String>> {
    let text = Zeroizing::new(text);
    Ok(recovery::parse_codes(&text))
}

/// Stores the codes found in `text`; `replace` drops the stored ones first
/// (new codes from the service make the old ones useless).
#[tauri::command(async)]
pub fn recovery_save(
    state: State<'_, AppState>,
    entry_id: String,
    text: String,
    replace: bool,
) -> AppResult<RecoveryView> {
    let id = parse_id(&entry_id)?;
    let text = Zeroizing::new(text);
    let codes = recovery::parse_codes(&text);
    if codes.is_empty() {
        return Err(AppError::Invalid(
            "No recovery code was found in the text.".into(),
        ));
    }
    state.with_vault(|v| {
        Ok(apiq_app::recovery::store(
            v,
            id,
            &codes,
            replace,
            now_secs(),
        )?)
    })?;
    entry_view(&state, id)
}

/// Marks one code used (or unused again, for a mistaken click).
#[tauri::command(async)]
pub fn recovery_mark(
    state: State<'_, AppState>,
    entry_id: String,
    index: u32,
    used: bool,
) -> AppResult<RecoveryView> {
    let id = parse_id(&entry_id)?;
    state.with_vault(|v| {
        Ok(apiq_app::recovery::mark(
            v,
            id,
            index as usize,
            used,
            now_secs(),
        )?)
    })?;
    entry_view(&state, id)
}

#[tauri::command(async)]
pub fn recovery_copy(
    state: State<'_, AppState>,
    entry_id: String,
    index: u32,
) -> AppResult<CopyResult> {
    let id = parse_id(&entry_id)?;
    let code = state.with_vault(|v| {
        v.get(id)
            .and_then(|e| e.recovery.codes.get(index as usize))
            .map(|c| Zeroizing::new(c.code.expose().to_string()))
            .ok_or_else(|| AppError::NotFound("This recovery code is no longer stored.".into()))
    })?;
    let clear = state.clipboard_clear();
    state.clipboard.copy(code, clear)?;
    Ok(CopyResult {
        clears_in_secs: clear.map(|d| d.as_secs() as u32).unwrap_or(0),
    })
}

/// Accounts with no recovery codes stored or fewer than three unused.
#[tauri::command(async)]
pub fn recovery_overview(state: State<'_, AppState>) -> AppResult<Vec<RecoveryOverviewItem>> {
    state.with_vault(|v| {
        Ok(apiq_app::recovery::few_left(v.entries())
            .map(|e| RecoveryOverviewItem {
                entry_id: e.id.to_hex(),
                issuer: e.otp.issuer.clone(),
                name: e.otp.name.clone(),
                remaining: (!e.recovery.codes.is_empty()).then(|| e.recovery.remaining() as u32),
            })
            .collect())
    })
}
