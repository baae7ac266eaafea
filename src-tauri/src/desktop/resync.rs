//! HOTP resync in the window: the person types the next two codes the
//! service accepts (from the other device or token that moved the
//! counter); the counter after them is found (`apiq_otp::resync`, a window
//! of 1,000 ahead) and stored with the vault's update.

use apiq_otp::resync::{resync, ResyncError, DEFAULT_WINDOW};
use tauri::State;

use crate::commands::entries::view;
use crate::commands::parse_id;
use crate::dto::EntryView;
use crate::error::{AppError, AppResult};
use crate::state::{lock, now_secs, AppState};

/// What a refused resync tells the person.
fn message(e: &ResyncError) -> String {
    match e {
        ResyncError::NotHotp => "Only counter-based (HOTP) accounts have a counter to resynchronize.".into(),
        ResyncError::BadCode(_, digits) => format!("Type two {digits}-digit codes."),
        ResyncError::SameCode => "The two codes are the same: type two consecutive codes.".into(),
        ResyncError::NotFound { window, .. } => format!(
            "These two codes do not follow each other within the next {window} codes of this account. \
             Check the codes and their order."
        ),
    }
}

/// Sets an HOTP entry's counter after `code1`, `code2`; answers the
/// updated entry. The code shown for it in this session is forgotten (it
/// was made at the old counter).
#[tauri::command(async)]
pub fn entry_resync(
    state: State<'_, AppState>,
    id: String,
    code1: String,
    code2: String,
) -> AppResult<EntryView> {
    let id = parse_id(&id)?;
    let entry = state.with_vault(|v| {
        let e = v
            .get(id)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))?;
        let counter = resync(&e.otp, &code1, &code2, DEFAULT_WINDOW)
            .map_err(|e| AppError::Invalid(message(&e)))?;
        v.update(id, now_secs(), |e| e.otp.set_counter(counter))?;
        v.get(id)
            .map(view)
            .ok_or_else(|| AppError::NotFound("This account is no longer in the vault.".into()))
    })?;
    lock(&state.hotp_codes).remove(&id);
    state.touch();
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_sentence() {
        for e in [
            ResyncError::NotHotp,
            ResyncError::BadCode("1".into(), 6),
            ResyncError::SameCode,
            ResyncError::NotFound {
                from: 0,
                window: 1000,
            },
        ] {
            let m = message(&e);
            assert!(m.ends_with('.'), "{m}");
        }
        assert!(message(&ResyncError::NotFound {
            from: 0,
            window: 1000
        })
        .contains("1000"));
    }
}
