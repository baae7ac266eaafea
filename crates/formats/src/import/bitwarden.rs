//! Bitwarden unencrypted exports, JSON and CSV: every login item with a
//! `totp` field. That field holds an `otpauth://` URI, a `steam://SECRET`
//! or a bare base32 secret (TOTP with the defaults). The item's name is the
//! issuer where the URI has none, the login's username the account name;
//! favourites, notes and folders are kept. Items without a TOTP field are
//! not OTP items and are not counted. Encrypted (account- or
//! password-protected) exports are refused as unsupported.

use serde::Deserialize;

use apiq_otp::SkipReason;

use super::{Importer, Parsed, Probe};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "bitwarden";

pub(crate) struct Bitwarden;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    name: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    favorite: bool,
    folder_id: Option<String>,
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    totp: Option<SecretText>,
}

/// One row of the CSV export (the columns we use).
#[derive(Deserialize)]
struct Row {
    #[serde(default)]
    folder: String,
    #[serde(default)]
    favorite: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    login_username: String,
    #[serde(default)]
    login_totp: SecretText,
}

impl Importer for Bitwarden {
    fn detect(&self, probe: &Probe) -> bool {
        match probe {
            Probe::Json(s) => s.object_with(&["items"]) && (s.has("encrypted") || s.has("folders")),
            Probe::Text(t) => t
                .lines()
                .next()
                .is_some_and(|h| h.split(',').any(|c| c.trim() == "login_totp")),
            _ => false,
        }
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let body = util::strip_bom(bytes);
        if body.trim_ascii_start().starts_with(b"{") {
            return import_json(body);
        }
        import_csv(body)
    }
}

struct Item2<'a> {
    name: &'a str,
    username: &'a str,
    totp: &'a str,
    note: &'a str,
    favorite: bool,
    folder: Option<String>,
}

fn import_json(body: &[u8]) -> Result<Parsed, FormatError> {
    let export: Export = util::from_json(body, NAME)?;
    if export.encrypted {
        return Err(FormatError::Unsupported(
            "encrypted Bitwarden exports; export as unencrypted JSON or CSV".into(),
        ));
    }
    let mut out = Parsed::default();
    for item in &export.items {
        let Some(login) = &item.login else { continue };
        let Some(totp) = login.totp.as_ref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let folder = item
            .folder_id
            .as_ref()
            .and_then(|id| export.folders.iter().find(|f| &f.id == id))
            .map(|f| f.name.clone());
        add(
            &mut out,
            Item2 {
                name: item.name.as_deref().unwrap_or(""),
                username: login.username.as_deref().unwrap_or(""),
                totp,
                note: item.notes.as_deref().unwrap_or(""),
                favorite: item.favorite,
                folder,
            },
        );
    }
    Ok(out)
}

fn import_csv(body: &[u8]) -> Result<Parsed, FormatError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let headers = reader.headers().map_err(|e| {
        FormatError::corrupt(NAME, format!("unreadable CSV header ({})", csv_error(&e)))
    })?;
    if !headers.iter().any(|h| h == "login_totp") {
        return Err(FormatError::corrupt(
            NAME,
            "the CSV has no login_totp column",
        ));
    }
    let mut out = Parsed::default();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.skip(
                    format!("row {}", i + 2),
                    SkipReason::Unreadable(format!("unreadable row ({})", csv_error(&e))),
                );
                continue;
            }
        };
        if row.login_totp.trim().is_empty() {
            continue;
        }
        add(
            &mut out,
            Item2 {
                name: &row.name,
                username: &row.login_username,
                totp: &row.login_totp,
                note: &row.notes,
                favorite: row.favorite.trim() == "1",
                folder: Some(row.folder.clone()).filter(|f| !f.is_empty()),
            },
        );
    }
    Ok(out)
}

/// A CSV error's kind and position, without field contents.
fn csv_error(e: &csv::Error) -> String {
    match e.position() {
        Some(p) => format!("line {}", p.line()),
        None => "invalid CSV".into(),
    }
}

fn add(out: &mut Parsed, item: Item2) {
    let totp = item.totp.trim();
    let label = || util::label(item.name, item.username);
    let entry = if util::strip_prefix_ci(totp, "otpauth://").is_some() {
        apiq_otp::uri::parse(totp)
            .map_err(SkipReason::from)
            .map(|mut e| {
                if e.issuer.is_empty() {
                    e.issuer = item.name.trim().to_string();
                }
                if e.name.is_empty() {
                    e.name = item.username.trim().to_string();
                }
                e
            })
    } else if let Some(secret) = util::strip_prefix_ci(totp, "steam://") {
        Fields::new(OtpType::Steam, item.name, item.username)
            .build(apiq_otp::Secret::from_base32(secret))
    } else {
        Fields::new(OtpType::Totp, item.name, item.username)
            .build(apiq_otp::Secret::from_base32(totp))
    };
    out.push(
        label,
        entry.map(|entry| Imported {
            note: item.note.to_string(),
            favorite: item.favorite,
            groups: item.folder.into_iter().collect(),
            ..Imported::new(entry)
        }),
    );
}
