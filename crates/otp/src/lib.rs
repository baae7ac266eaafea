//! # apiq-otp: the pure one-time-password core
//!
//! Everything else in Apiq Authenticator stands on this crate, and it stands
//! on nothing of theirs: no files, no clock, no network, no environment.
//! Times and counters are arguments; bytes and text come in, values go out.
//!
//! - [`Secret`]: the key, zeroized on drop, hidden from `Debug`, compared in
//!   constant time.
//! - [`Entry`], [`Params`], [`Kind`], [`Algorithm`]: a validated account,
//!   built through one check ([`Params::check`]); an entry that exists can
//!   always produce a code ([`Entry::code_at`], [`Generator`], [`code`]).
//! - [`Skipped`], [`SkipReason`]: what an import could not use, and why
//!   (typed, with a message for users).
//! - [`uri`]: `otpauth://` parsing of real exporters' spellings, and
//!   formatting that parses back to the same entry.
//! - [`migration`]: Google Authenticator's `otpauth-migration://` payloads,
//!   read (batches merged) and written (with per-entry warnings).
//! - [`json`]: the canonical JSON shape of the CLI contract.
//! - [`resync`]: finding a drifted HOTP counter from two consecutive codes.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod code;
mod entry;
mod error;
pub mod json;
pub mod migration;
pub mod resync;
mod secret;
mod skipped;
pub mod uri;

pub use code::{hotp, Generator, STEAM_ALPHABET};
pub use entry::{Algorithm, Entry, Kind, Params, DIGITS, STEAM_DIGITS};
pub use error::OtpError;
pub use json::EntryJson;
pub use secret::Secret;
pub use skipped::{SkipReason, Skipped};

/// Everything a block of text holds: `otpauth://` URIs and
/// `otpauth-migration://` URIs, one per line, blank lines skipped. A line
/// that is neither, or that does not parse, is an error naming the line
/// (1-based). Migration batches are merged across lines; items a migration
/// payload holds but we cannot use are returned as skipped, with reasons.
pub fn parse_lines(text: &str) -> Result<(Vec<Entry>, Vec<Skipped>), LineError> {
    let mut entries = Vec::new();
    let mut batches = Vec::new();
    // Entries keep their order: migration entries stand where their first
    // batch stood.
    let mut slots: Vec<Slot> = Vec::new();
    enum Slot {
        Uri(usize),
        Migration,
    }
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let err = |error| LineError { line: i + 1, error };
        if uri::strip_prefix_ignore_case(line, "otpauth-migration://").is_some() {
            batches.push(migration::parse(line).map_err(err)?);
            if !slots.iter().any(|s| matches!(s, Slot::Migration)) {
                slots.push(Slot::Migration);
            }
        } else {
            entries.push(uri::parse(line).map_err(err)?);
            slots.push(Slot::Uri(entries.len() - 1));
        }
    }
    let merged = migration::merge_batches(batches).map_err(|error| LineError { line: 0, error })?;
    let mut out = Vec::with_capacity(entries.len() + merged.entries.len());
    let mut migrated = Some(merged.entries);
    let mut singles: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    for slot in slots {
        match slot {
            Slot::Uri(i) => out.extend(singles[i].take()),
            Slot::Migration => out.extend(migrated.take().unwrap_or_default()),
        }
    }
    Ok((out, merged.skipped))
}

/// A parse error with the 1-based line it happened on (0: not one line's
/// fault, such as a migration batch missing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{error}", if *.line > 0 { format!("line {}: ", .line) } else { String::new() })]
pub struct LineError {
    pub line: usize,
    pub error: OtpError,
}
