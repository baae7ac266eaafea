//! Plain lists of `otpauth://` URIs, one per line, and
//! `otpauth-migration://` lines (Google Authenticator exports, batches
//! merged). Ente Auth's plain export is such a list whose URIs carry a
//! `codeDisplay` JSON parameter: its `pinned` becomes favourite, its `tags`
//! groups, its `note` the note, and entries in Ente's trash are skipped.
//! WinAuth's text export and Authenticator Plus' `Accounts.txt` are the same
//! format.
//!
//! Lines that are neither kind of URI are skipped with a reason, so a list
//! with a header or a stray line still imports; a file with no URI at all
//! is an error.

use apiq_otp::{migration, OtpError, SkipReason};
use serde::Deserialize;

use super::{Importer, Parsed, Probe};
use crate::util::strip_prefix_ci;
use crate::{FormatError, Imported};

const NAME: &str = "otpauth";

pub(crate) struct Otpauth;

fn is_uri_line(line: &str) -> bool {
    let l = line.trim_start();
    strip_prefix_ci(l, "otpauth://").is_some() || is_migration(l)
}

fn is_migration(line: &str) -> bool {
    strip_prefix_ci(line, "otpauth-migration://").is_some()
}

impl Importer for Otpauth {
    fn detect(&self, probe: &Probe) -> bool {
        matches!(probe, Probe::Text(t) if t.lines().any(is_uri_line))
    }

    fn import(&self, bytes: &[u8], _password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let text = std::str::from_utf8(crate::util::strip_bom(bytes))
            .map_err(|_| FormatError::corrupt(NAME, "the file is not UTF-8 text"))?;
        parse_text(text, NAME)
    }
}

/// Ente Auth's per-URI display settings.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CodeDisplay {
    pinned: bool,
    trashed: bool,
    tags: Vec<String>,
    note: String,
}

fn code_display(uri: &str) -> Option<CodeDisplay> {
    let query = uri.split_once('?')?.1;
    let raw = query.split('&').find_map(|p| {
        p.strip_prefix("codeDisplay=")
            .or_else(|| p.strip_prefix("codedisplay="))
    })?;
    let text = percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .ok()?
        .into_owned();
    serde_json::from_str(&text).ok()
}

/// Parses the lines of a URI list (`format` names the error's source).
pub(crate) fn parse_text(text: &str, format: &'static str) -> Result<Parsed, FormatError> {
    let mut out = Parsed::default();
    let mut batches = Vec::new();
    let mut uris = 0usize;
    // Where the migration entries go: where their first batch was.
    let mut migration_at: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let here = || format!("line {}", i + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !is_uri_line(line) {
            out.skip(here(), OtpError::NotOtpauth.into());
            continue;
        }
        uris += 1;
        if is_migration(line) {
            match migration::parse(line) {
                Ok(b) => {
                    migration_at.get_or_insert(out.entries.len());
                    batches.push(b);
                }
                Err(e) => out.skip(here(), e.into()),
            }
            continue;
        }
        let display = code_display(line).unwrap_or_default();
        if display.trashed {
            out.skip(here(), SkipReason::Trashed("Ente Auth"));
            continue;
        }
        out.push(
            here,
            apiq_otp::uri::parse(line)
                .map_err(SkipReason::from)
                .map(|entry| Imported {
                    favorite: display.pinned,
                    groups: display.tags,
                    note: display.note,
                    ..Imported::new(entry)
                }),
        );
    }
    if uris == 0 {
        return Err(FormatError::corrupt(
            format,
            "no otpauth:// URI in the text",
        ));
    }
    if !batches.is_empty() {
        let (entries, skipped) = merge(batches);
        let at = migration_at
            .unwrap_or(out.entries.len())
            .min(out.entries.len());
        out.entries
            .splice(at..at, entries.into_iter().map(Imported::new));
        out.skipped.extend(skipped);
    }
    Ok(out)
}

/// Merges migration batches; an incomplete set still yields the entries
/// it has, plus a skipped item saying batches are missing.
fn merge(batches: Vec<migration::Batch>) -> (Vec<apiq_otp::Entry>, Vec<apiq_otp::Skipped>) {
    match migration::merge_batches(batches.clone()) {
        Ok(m) => (m.entries, m.skipped),
        Err(e) => {
            let mut entries = Vec::new();
            let mut skipped = Vec::new();
            for b in batches {
                entries.extend(b.entries);
                skipped.extend(b.skipped);
            }
            skipped.push(apiq_otp::Skipped::new("migration batches", e));
            (entries, skipped)
        }
    }
}
