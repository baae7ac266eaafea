//! Adding accounts: previews from a pasted link, an image (file, drop,
//! paste), the clipboard, the screen, or the manual form; then "Add"
//! stores exactly what the preview showed as new.

use std::time::Duration;

use apiq_app::import::{self, Found};
use apiq_otp::{Algorithm, Entry, Kind, Secret};
use apiq_vault::NewEntry;
use tauri::State;
use zeroize::Zeroizing;

use crate::dto::{ManualEntry, OtpKind, Preview, SaveResult};
use crate::error::{AppError, AppResult};
use crate::preview;
use crate::state::{lock, now_secs, AppState, PendingPreview};

/// Builds a preview against the open vault and keeps its new entries.
pub fn keep(state: &AppState, source: &str, found: Found, import: bool) -> AppResult<Preview> {
    let built = state.with_vault(|v| {
        Ok(apiq_app::preview::Preview::build(
            found.entries,
            &found.skipped,
            v.entries(),
        ))
    })?;
    let id = state.next_id();
    let new_count = built.new.len() as u32;
    lock(&state.previews).insert(
        id,
        PendingPreview {
            items: built.new,
            import,
        },
    );
    Ok(Preview {
        id,
        source: source.to_string(),
        items: built.items.into_iter().map(preview::item_view).collect(),
        new_count,
    })
}

fn from_images(
    state: &AppState,
    source: &str,
    images: &[image::DynamicImage],
) -> AppResult<Preview> {
    let mut texts = Vec::new();
    for img in images {
        for t in apiq_scan::decode_image(img) {
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
    }
    keep(state, source, import::from_qr_texts(&texts), false)
}

#[tauri::command(async)]
pub fn preview_text(state: State<'_, AppState>, text: String) -> AppResult<Preview> {
    let text = Zeroizing::new(text);
    let found =
        import::from_text(&text).map_err(|e| AppError::Invalid(preview::text_error(&text, &e)))?;
    keep(&state, "text", found, false)
}

/// Image bytes from a file picker, a drop or a paste, base64 in the JSON
/// body. (Session 1 moved off the raw-body IPC path after images seemed to
/// lose their reply now and then; the trace of session 2 showed the reply
/// arrived and the Add dialog itself dropped it, since fixed in the UI.)
#[tauri::command(async)]
pub fn preview_image(state: State<'_, AppState>, data: String) -> AppResult<Preview> {
    let bytes = decode_base64(&data)?;
    let texts = apiq_scan::decode_bytes(&bytes)?;
    keep(&state, "image", import::from_qr_texts(&texts), false)
}

/// Bytes the window sent as base64.
pub fn decode_base64(data: &str) -> AppResult<Zeroizing<Vec<u8>>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map(Zeroizing::new)
        .map_err(|_| AppError::Invalid("The file could not be received.".into()))
}

#[tauri::command(async)]
pub fn preview_clipboard_image(state: State<'_, AppState>) -> AppResult<Preview> {
    let img = state.clipboard.image()?;
    from_images(&state, "clipboard", &[image::DynamicImage::ImageRgba8(img)])
}

/// Every screen, with this window out of the way while it is captured.
#[tauri::command(async)]
pub fn preview_screen(
    state: State<'_, AppState>,
    window: tauri::WebviewWindow,
) -> AppResult<Preview> {
    let was_visible = window.is_visible().unwrap_or(true);
    if was_visible {
        let _ = window.hide();
        std::thread::sleep(Duration::from_millis(350));
    }
    let shots = crate::screen::capture_all();
    if was_visible {
        let _ = window.show();
        let _ = window.set_focus();
    }
    from_images(&state, "screen", &shots?)
}

/// The manual form: validated again here (the window's checks are a
/// convenience).
pub fn manual_entry(m: &ManualEntry) -> AppResult<Entry> {
    let secret = Secret::from_base32(&m.secret).map_err(|_| {
        AppError::Invalid(
            "The secret key is not valid: it uses only the letters A–Z and the digits 2–7.".into(),
        )
    })?;
    let algorithm = Algorithm::parse(&m.algorithm)?;
    let (kind, digits) = match m.kind {
        OtpKind::Totp => (Kind::Totp { period: m.period }, m.digits),
        OtpKind::Steam => (
            Kind::Steam {
                period: m.period.max(1),
            },
            5,
        ),
        OtpKind::Hotp => (Kind::Hotp { counter: m.counter }, m.digits),
    };
    if m.kind == OtpKind::Totp && m.period == 0 {
        return Err(AppError::Invalid(
            "The period must be at least one second.".into(),
        ));
    }
    Ok(Entry::new(
        kind,
        m.issuer.trim(),
        m.name.trim(),
        secret,
        algorithm,
        digits,
    )?)
}

#[tauri::command(async)]
pub fn preview_manual(state: State<'_, AppState>, entry: ManualEntry) -> AppResult<Preview> {
    let mut entry = entry;
    let e = manual_entry(&entry);
    zeroize::Zeroize::zeroize(&mut entry.secret);
    let found = Found {
        entries: vec![NewEntry::from(e?)],
        skipped: Vec::new(),
    };
    keep(&state, "manual", found, false)
}

#[tauri::command(async)]
pub fn preview_save(state: State<'_, AppState>, id: u32) -> AppResult<SaveResult> {
    let pending = lock(&state.previews).remove(&id).ok_or_else(|| {
        AppError::NotFound(
            "This preview expired (the vault was locked). Add the account again.".into(),
        )
    })?;
    let total = pending.items.len();
    let report = state.with_vault(|v| Ok(v.import(pending.items, now_secs())?))?;
    let backup = if pending.import {
        apiq_vault::Vault::backups(&state.vault_path())
            .first()
            .map(|p| p.display().to_string())
    } else {
        None
    };
    Ok(SaveResult {
        added: report.added.len() as u32,
        skipped: (total - report.added.len()) as u32,
        backup,
    })
}

#[tauri::command(async)]
pub fn preview_discard(state: State<'_, AppState>, id: u32) -> AppResult<()> {
    lock(&state.previews).remove(&id);
    Ok(())
}
