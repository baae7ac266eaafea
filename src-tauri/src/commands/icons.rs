//! Icons: an entry's own picture (kept in the vault) and Aegis icon packs
//! (kept in the data folder). The window asks for pictures by entry or by
//! issuer and gets `data:` URLs; what is matched, shrunk and checked is in
//! [`apiq_app::icon`] and [`apiq_app::icon_pack`]. Nothing is fetched from
//! the network.

use apiq_app::icon;
use apiq_app::icon_pack::{self, Pack, PackError, PackStore};
use tauri::State;

use super::add::decode_base64;
use super::entries::view;
use super::parse_id;
use crate::dto::{EntryView, IconPackView};
use crate::error::{AppError, AppResult};
use crate::state::{lock, now_secs, AppState};

impl From<PackError> for AppError {
    fn from(e: PackError) -> Self {
        match e {
            PackError::NotFound => AppError::NotFound("This icon pack is no longer there.".into()),
            PackError::Io(e) => AppError::io("keep the icon pack", &e),
            e => AppError::Invalid(crate::error::sentence(&e.to_string())),
        }
    }
}

fn pack_view(p: &Pack) -> IconPackView {
    IconPackView {
        uuid: p.uuid.clone(),
        name: p.name.clone(),
        version: p.version,
        icons: p.len() as u32,
    }
}

/// The kept packs, read from the data folder on first use.
fn with_packs<T>(state: &AppState, f: impl FnOnce(&[Pack]) -> T) -> T {
    let mut packs = lock(&state.icon_packs);
    let packs = packs.get_or_insert_with(|| {
        let (packs, problems) = PackStore::new(&state.data_dir).load();
        for p in problems {
            eprintln!("icon pack left out: {p}");
        }
        packs
    });
    f(packs)
}

/// The entry's own picture as a `data:` URL; `null` when it has none (or
/// only another app's icon reference, which is not a picture).
#[tauri::command(async)]
pub fn entry_icon(state: State<'_, AppState>, id: String) -> AppResult<Option<String>> {
    let id = parse_id(&id)?;
    state.with_vault(|v| {
        let e = v
            .get(id)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))?;
        // The stored form is already the data: URL the window shows.
        Ok(e.icon.clone().filter(|s| icon::is_picture(s)))
    })
}

/// Gives an entry its own icon from an image file's bytes (base64): shrunk
/// to a small PNG (or an SVG kept), stored in the vault.
#[tauri::command(async)]
pub fn entry_icon_set(
    state: State<'_, AppState>,
    id: String,
    data: String,
) -> AppResult<EntryView> {
    let id = parse_id(&id)?;
    let bytes = decode_base64(&data)?;
    let stored = icon::from_file(&bytes)
        .map_err(|e| AppError::Invalid(crate::error::sentence(&e.to_string())))?;
    set(&state, id, Some(stored))
}

/// Removes an entry's own icon (the pack's, the brand's or its letters
/// show again).
#[tauri::command(async)]
pub fn entry_icon_clear(state: State<'_, AppState>, id: String) -> AppResult<EntryView> {
    let id = parse_id(&id)?;
    set(&state, id, None)
}

fn set(state: &AppState, id: apiq_vault::EntryId, icon: Option<String>) -> AppResult<EntryView> {
    state.with_vault(|v| {
        v.update(id, now_secs(), |e| e.icon = icon)?;
        v.get(id)
            .map(view)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))
    })
}

/// The imported icon packs, in the order they are asked.
#[tauri::command(async)]
pub fn icon_packs(state: State<'_, AppState>) -> AppResult<Vec<IconPackView>> {
    Ok(with_packs(&state, |packs| {
        packs.iter().map(pack_view).collect()
    }))
}

/// Imports an icon pack (an Aegis pack ZIP, base64): checked whole, kept
/// in the data folder, replacing a pack of the same id.
#[tauri::command(async)]
pub fn icon_pack_import(state: State<'_, AppState>, data: String) -> AppResult<IconPackView> {
    let bytes = decode_base64(&data)?;
    let pack = PackStore::new(&state.data_dir).import(&bytes)?;
    let view = pack_view(&pack);
    *lock(&state.icon_packs) = None;
    Ok(view)
}

#[tauri::command(async)]
pub fn icon_pack_remove(state: State<'_, AppState>, uuid: String) -> AppResult<()> {
    PackStore::new(&state.data_dir).remove(&uuid)?;
    *lock(&state.icon_packs) = None;
    Ok(())
}

/// The icon packs' picture for an issuer, as a `data:` URL; `null` when no
/// pack has one.
#[tauri::command(async)]
pub fn pack_icon(state: State<'_, AppState>, issuer: String) -> AppResult<Option<String>> {
    let found = with_packs(&state, |packs| {
        icon_pack::find(packs, &issuer).map(|(p, file)| p.read(file))
    });
    match found {
        None => Ok(None),
        Some(Ok(d)) => Ok(Some(d.to_data_url())),
        // A kept pack whose icon no longer reads: the row shows its letters.
        Some(Err(e)) => {
            eprintln!("icon pack: {e}");
            Ok(None)
        }
    }
}
