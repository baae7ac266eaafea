//! Import from other apps' exports (through the formats crate: detection,
//! passwords, the same preview as adding, the vault's backup of the
//! previous version on save) and export to their formats, with what each
//! format cannot hold said before the file is written.

use apiq_app::import::{to_exportable, Scope};
use apiq_formats::{ExportFormat, Format, FormatError, Imported};
use tauri::State;
use zeroize::Zeroizing;

use super::add::keep;
use crate::dto::{FormatInfo, ImportOutcome};
use crate::error::{sentence, AppError, AppResult};
use crate::state::AppState;

/// The name people know a format by.
pub fn display_name(f: Format) -> &'static str {
    match f {
        Format::Otpauth => "otpauth:// links (text)",
        Format::Aegis => "Aegis",
        Format::TwoFas => "2FAS",
        Format::AndOtp => "andOTP",
        Format::Bitwarden => "Bitwarden",
        Format::Stratum => "Stratum / Authenticator Pro",
        Format::Authy => "Authy",
        Format::FreeOtp => "FreeOTP",
        Format::FreeOtpPlus => "FreeOTP+",
        Format::GoogleAuthenticator => "Google Authenticator (database)",
        Format::MicrosoftAuthenticator => "Microsoft Authenticator (database)",
        Format::Steam => "Steam (maFile)",
        Format::Proton => "Proton Authenticator",
        Format::BattleNet => "Battle.net",
        Format::Duo => "Duo Mobile",
        Format::TotpAuthenticator => "TOTP Authenticator",
        Format::AuthenticatorPlus => "Authenticator Plus",
    }
}

fn export_display(f: ExportFormat) -> (&'static str, &'static str) {
    match f {
        ExportFormat::Otpauth => ("otpauth:// links (text file)", "apiq-export.txt"),
        ExportFormat::Aegis | ExportFormat::AegisEncrypted => ("Aegis", "apiq-aegis-export.json"),
        ExportFormat::GoogleMigration { .. } => (
            "Google Authenticator migration links",
            "apiq-google-migration.txt",
        ),
        ExportFormat::TwoFas | ExportFormat::TwoFasEncrypted => ("2FAS", "apiq-export.2fas"),
    }
}

fn format_error(e: FormatError) -> AppError {
    match e {
        FormatError::WrongPassword => AppError::Import("The password does not open this export.".into()),
        FormatError::UnknownFormat => AppError::Import(
            "This file is not an export this app can read. Check that it is the backup file itself.".into(),
        ),
        other => AppError::Import(sentence(&other.to_string())),
    }
}

#[tauri::command(async)]
pub fn import_formats() -> AppResult<Vec<FormatInfo>> {
    Ok(Format::all()
        .iter()
        .map(|f| FormatInfo {
            id: f.name().to_string(),
            name: display_name(*f).to_string(),
            password: false,
            warnings: Vec::new(),
        })
        .collect())
}

/// An export file (base64) and the password when the person typed one.
#[tauri::command(async)]
pub fn import_file(
    state: State<'_, AppState>,
    data: String,
    password: Option<String>,
) -> AppResult<ImportOutcome> {
    let bytes = super::add::decode_base64(&data)?;
    let bytes: &[u8] = &bytes;
    let password = password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    let result =
        apiq_app::import::from_export(bytes, None, password.as_ref().map(|p| p.as_bytes()));
    let (format, found) = match result {
        Ok(r) => r,
        Err(FormatError::PasswordRequired) => {
            let format = apiq_formats::detect(bytes)
                .map(display_name)
                .unwrap_or("encrypted");
            return Ok(ImportOutcome::NeedsPassword {
                format: format.to_string(),
            });
        }
        Err(e) => return Err(format_error(e)),
    };
    let preview = keep(&state, display_name(format), found, true)?;
    Ok(ImportOutcome::Preview { preview })
}

fn vault_items(state: &AppState) -> AppResult<Vec<Imported>> {
    state.with_vault(|v| Ok(to_exportable(v.entries(), Scope::Active)))
}

/// The export formats, each with what it would lose of this vault.
#[tauri::command(async)]
pub fn export_formats(state: State<'_, AppState>) -> AppResult<Vec<FormatInfo>> {
    let items = vault_items(&state)?;
    let mut out = Vec::new();
    for f in ExportFormat::all() {
        if f.encrypted() {
            continue; // offered as the password option of its plain twin
        }
        let encrypted_twin = matches!(f, ExportFormat::Aegis | ExportFormat::TwoFas);
        // (that a plain file holds the secrets readable is said by the
        // window itself, next to "I understand")
        let mut warnings = Vec::new();
        match apiq_formats::export(&items, *f, None, &mut rand::rngs::OsRng) {
            Ok(x) => warnings.extend(
                x.warnings
                    .iter()
                    .map(|w| format!("{}: {}", w.label, sentence(&w.warning))),
            ),
            Err(e) => warnings.push(sentence(&e.to_string())),
        }
        out.push(FormatInfo {
            id: f.name().to_string(),
            name: export_display(*f).0.to_string(),
            password: encrypted_twin,
            warnings,
        });
    }
    Ok(out)
}

/// Exports and asks where to write the file (save dialog); returns the
/// save job whose `save-done` event tells where it went (see
/// [`crate::savefile`]). With a password the format's encrypted variant is
/// used; a plain file, which holds the secrets readable, needs the vault's
/// password (`vault_password`, or typed a moment ago: see
/// [`AppState::fresh_password`]).
#[tauri::command(async)]
pub fn export_file(
    state: State<'_, AppState>,
    format: String,
    password: Option<String>,
    vault_password: Option<String>,
) -> AppResult<u32> {
    let vault_password = vault_password.map(Zeroizing::new);
    let base = ExportFormat::from_name(&format)
        .ok_or_else(|| AppError::Invalid(format!("Unknown export format “{format}”.")))?;
    let password = password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    let chosen = match (base, password.is_some()) {
        (ExportFormat::Aegis, true) => ExportFormat::AegisEncrypted,
        (ExportFormat::TwoFas, true) => ExportFormat::TwoFasEncrypted,
        (f, false) => f,
        (_, true) => return Err(AppError::Invalid("This format cannot be encrypted.".into())),
    };
    if !chosen.encrypted() {
        state.fresh_password(vault_password.as_deref().map(|p| p.as_str()))?;
    }
    let items = vault_items(&state)?;
    let export = apiq_formats::export(
        &items,
        chosen,
        password.as_ref().map(|p| p.as_bytes()),
        &mut rand::rngs::OsRng,
    )
    .map_err(format_error)?;
    Ok(crate::savefile::start(
        export_display(chosen).1.to_string(),
        Zeroizing::new(export.bytes.to_vec()),
        "write the export",
    ))
}
