//! Proton Authenticator's JSON export: `{version: 1, entries: [{content:
//! {uri, entry_type, name}, note}]}`. `uri` is an `otpauth://` URI (or
//! `steam://SECRET` for Steam entries); `note` is kept. Encrypted Proton
//! exports are not supported.

use serde::Deserialize;

use super::{Importer, Parsed, Probe};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "proton";

pub(crate) struct Proton;

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    entries: Vec<Item>,
    salt: Option<serde::de::IgnoredAny>,
    content: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Item {
    content: Content,
    note: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    uri: SecretText,
    #[serde(default)]
    name: Option<String>,
}

impl Importer for Proton {
    fn detect(&self, probe: &Probe) -> bool {
        probe.json().is_some_and(|s| {
            s.object_with(&["version", "entries"]) && !s.has("header") && !s.has("db")
        })
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let export: Export = util::from_json(bytes, NAME)?;
        if export.salt.is_some() && export.content.is_some() {
            return Err(FormatError::Unsupported(
                "encrypted Proton Authenticator exports".into(),
            ));
        }
        let mut out = Parsed::default();
        for (i, item) in export.entries.iter().enumerate() {
            let display = item.content.name.clone().unwrap_or_default();
            let uri = item.content.uri.trim();
            let entry = match util::strip_prefix_ci(uri, "steam://") {
                Some(secret) => Fields::new(OtpType::Steam, "Steam", display.clone())
                    .build(apiq_otp::Secret::from_base32(secret)),
                None => apiq_otp::uri::parse(uri).map_err(apiq_otp::SkipReason::from),
            };
            let label = || {
                if display.is_empty() {
                    format!("entry {}", i + 1)
                } else {
                    display.clone()
                }
            };
            out.push(
                label,
                entry.map(|entry| Imported {
                    note: item.note.clone().unwrap_or_default(),
                    ..Imported::new(entry)
                }),
            );
        }
        Ok(out)
    }
}
