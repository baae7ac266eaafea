//! The code list: labels, codes at the app's clock, HOTP "next", copy,
//! edit, delete with undo, and QR codes to move entries to a phone.

use apiq_otp::{Generator, Kind};
use apiq_vault::VaultEntry;
use base64::Engine;
use tauri::State;
use zeroize::Zeroizing;

use super::parse_id;
use crate::dto::{CodeView, CodesSnapshot, CopyResult, Deleted, EntryPatch, EntryView, QrImage};
use crate::error::{AppError, AppResult};
use crate::preview::kind_of;
use crate::state::{lock, now_secs, AppState};

/// How many deleted entries can be brought back (most recent first).
const UNDO_DEPTH: usize = 20;

pub fn view(e: &VaultEntry) -> EntryView {
    let rec = &e.recovery;
    EntryView {
        id: e.id.to_hex(),
        issuer: e.otp.issuer.clone(),
        name: e.otp.name.clone(),
        note: e.note.clone(),
        group: e.groups.join(", "),
        pinned: e.pinned || e.favorite,
        archived: e.archived,
        kind: kind_of(&e.otp),
        digits: e.otp.digits(),
        algorithm: e.otp.algorithm().as_str().to_string(),
        period: e.otp.kind().period(),
        counter: e.otp.kind().counter(),
        recovery_remaining: (!rec.codes.is_empty()).then(|| rec.remaining() as u32),
        created: e.created,
        icon: e
            .icon
            .as_deref()
            .filter(|s| apiq_app::icon::is_picture(s))
            .map(apiq_app::icon::key),
    }
}

/// The codes of every entry at `now_ms`: TOTP and Steam with the next
/// period's code and the end of the current one; HOTP the code generated
/// in this session, if any (an HOTP code is only made by "next", which
/// advances and saves the counter first).
pub fn codes_at(
    entries: &[VaultEntry],
    hotp: &std::collections::HashMap<apiq_vault::EntryId, Zeroizing<String>>,
    now_ms: u64,
) -> Vec<CodeView> {
    let now = now_ms / 1000;
    entries
        .iter()
        .map(|e| match e.otp.kind() {
            Kind::Totp { period } | Kind::Steam { period } => {
                let g = Generator::new(&e.otp);
                let p = u64::from(period.max(1));
                let end = (now / p + 1) * p;
                CodeView {
                    id: e.id.to_hex(),
                    code: g.code_at(now),
                    next: Some(g.code_at(end)),
                    valid_until_ms: Some(end * 1000),
                }
            }
            Kind::Hotp { .. } => CodeView {
                id: e.id.to_hex(),
                code: hotp.get(&e.id).map(|c| c.to_string()).unwrap_or_default(),
                next: None,
                valid_until_ms: None,
            },
        })
        .collect()
}

#[tauri::command(async)]
pub fn entries_list(state: State<'_, AppState>) -> AppResult<Vec<EntryView>> {
    state.with_vault(|v| Ok(v.entries().iter().map(view).collect()))
}

#[tauri::command(async)]
pub fn codes_now(state: State<'_, AppState>) -> AppResult<CodesSnapshot> {
    // The app's clock, corrected by the measured offset when Settings ask.
    let now = crate::desktop::clock::code_now_ms();
    let hotp = lock(&state.hotp_codes).clone();
    state.with_vault(|v| {
        Ok(CodesSnapshot {
            now_ms: now,
            codes: codes_at(v.entries(), &hotp, now),
        })
    })
}

fn next_hotp(state: &AppState, id: apiq_vault::EntryId) -> AppResult<Zeroizing<String>> {
    let code = Zeroizing::new(state.with_vault(|v| Ok(v.next_hotp(id, now_secs())?))?);
    lock(&state.hotp_codes).insert(id, code.clone());
    Ok(code)
}

#[tauri::command(async)]
pub fn hotp_next(state: State<'_, AppState>, id: String) -> AppResult<CodeView> {
    let id = parse_id(&id)?;
    let code = next_hotp(&state, id)?;
    Ok(CodeView {
        id: id.to_hex(),
        code: code.to_string(),
        next: None,
        valid_until_ms: None,
    })
}

/// Copies the entry's current code (for HOTP: the one shown, or a new one
/// when none was made yet) and schedules the clipboard's clearing.
#[tauri::command(async)]
pub fn copy_code(state: State<'_, AppState>, id: String) -> AppResult<CopyResult> {
    let id = parse_id(&id)?;
    let now = crate::desktop::clock::code_now_secs();
    let current = state.with_vault(|v| {
        let e = v
            .get(id)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))?;
        Ok(match e.otp.kind() {
            Kind::Hotp { .. } => None,
            _ => Some(Zeroizing::new(Generator::new(&e.otp).code_at(now))),
        })
    })?;
    let code = match current {
        Some(c) => c,
        None => match lock(&state.hotp_codes).get(&id).cloned() {
            Some(c) => c,
            None => next_hotp(&state, id)?,
        },
    };
    let clear = state.clipboard_clear();
    state.clipboard.copy(code, clear)?;
    Ok(CopyResult {
        clears_in_secs: clear.map(|d| d.as_secs() as u32).unwrap_or(0),
    })
}

#[tauri::command(async)]
pub fn entry_update(
    state: State<'_, AppState>,
    id: String,
    patch: EntryPatch,
) -> AppResult<EntryView> {
    let id = parse_id(&id)?;
    if patch.issuer.trim().is_empty() && patch.name.trim().is_empty() {
        return Err(AppError::Invalid(
            "Give the service or the account a name.".into(),
        ));
    }
    state.with_vault(|v| {
        v.update(id, now_secs(), |e| {
            e.otp.issuer = patch.issuer.trim().to_string();
            e.otp.name = patch.name.trim().to_string();
            e.note = patch.note.clone();
            e.groups = patch
                .group
                .split(',')
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty())
                .collect();
            e.pinned = patch.pinned;
            e.favorite = patch.pinned;
        })?;
        v.get(id)
            .map(view)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))
    })
}

#[tauri::command(async)]
pub fn entry_delete(state: State<'_, AppState>, id: String) -> AppResult<Deleted> {
    let id = parse_id(&id)?;
    let removed = state.with_vault(|v| Ok(v.remove(id)?))?;
    lock(&state.hotp_codes).remove(&id);
    let token = state.next_id();
    let label = removed.label();
    let mut trash = lock(&state.trash);
    trash.push((token, removed));
    if trash.len() > UNDO_DEPTH {
        trash.remove(0);
    }
    Ok(Deleted {
        undo_token: token,
        label,
    })
}

#[tauri::command(async)]
pub fn entry_restore(state: State<'_, AppState>, undo_token: u32) -> AppResult<EntryView> {
    let entry = {
        let mut trash = lock(&state.trash);
        let i = trash
            .iter()
            .position(|(t, _)| *t == undo_token)
            .ok_or_else(|| AppError::NotFound("This deletion can no longer be undone.".into()))?;
        trash.remove(i).1
    };
    let v = view(&entry);
    let back = entry.clone();
    let r = state.with_vault(|vault| {
        Ok(vault.transact(move |entries| {
            entries.push(back);
            Ok(())
        })?)
    });
    if let Err(e) = r {
        lock(&state.trash).push((undo_token, entry));
        return Err(e);
    }
    Ok(v)
}

/// QR codes for moving entries to a phone (see [`apiq_app::phone`]). They
/// show the secrets to anyone who sees the screen: the vault's password
/// is asked first (`password`, or typed a moment ago: see
/// [`AppState::fresh_password`]).
#[tauri::command(async)]
pub fn entry_qr(
    state: State<'_, AppState>,
    ids: Vec<String>,
    password: Option<String>,
) -> AppResult<Vec<QrImage>> {
    let password = password.map(Zeroizing::new);
    state.fresh_password(password.as_deref().map(|p| p.as_str()))?;
    let ids = ids
        .iter()
        .map(|i| parse_id(i))
        .collect::<AppResult<Vec<_>>>()?;
    let entries: Vec<apiq_otp::Entry> = state.with_vault(|v| {
        ids.iter()
            .map(|id| {
                v.get(*id).map(|e| e.otp.clone()).ok_or_else(|| {
                    AppError::NotFound("This account is no longer in the vault.".into())
                })
            })
            .collect()
    })?;
    let codes = apiq_app::phone::codes(&entries, &mut rand::rngs::OsRng)
        .map_err(|e| AppError::Internal(crate::error::sentence(&e.to_string())))?;
    codes
        .into_iter()
        .map(|c| {
            let png = Zeroizing::new(apiq_scan::render_png(&c.text, 6)?);
            Ok(QrImage {
                data_url: format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&*png)
                ),
                label: c.label,
                note: c.note,
            })
        })
        .collect()
}

/// Copies a text the window shows (a new access token's value), with the
/// same clearing as codes.
#[tauri::command(async)]
pub fn copy_text(state: State<'_, AppState>, text: String) -> AppResult<CopyResult> {
    let clear = state.clipboard_clear();
    state.clipboard.copy(Zeroizing::new(text), clear)?;
    Ok(CopyResult {
        clears_in_secs: clear.map(|d| d.as_secs() as u32).unwrap_or(0),
    })
}
