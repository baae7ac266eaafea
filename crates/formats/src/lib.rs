//! # apiq-formats: other authenticators' export files, in and out
//!
//! Pure: bytes (and a password) come in, entries and a list of skipped
//! items with reasons go out. Nothing here reads files, the clock or the
//! environment; randomness for exports is an argument.
//!
//! - [`import()`]: one module per foreign format under `import/`, all behind
//!   the `import::Importer` trait, with detection from content
//!   ([`detect`]). Every item a file holds either becomes an [`Imported`]
//!   entry or a [`Skipped`] with a reason; nothing is dropped silently.
//! - [`export()`]: otpauth URI lists, Aegis vaults (plain and encrypted),
//!   Google Authenticator migration URIs in batches, 2FAS backups (plain
//!   and encrypted), each with per-entry warnings about what the target
//!   cannot hold.
//!
//! Robustness promises, tested in `tests/` and fuzzed in `fuzz/`: no input
//! makes these functions panic; inputs above [`MAX_INPUT_BYTES`] are refused
//! before parsing; JSON nesting is bounded (serde_json's recursion limit),
//! XML refuses DTDs, ZIP members are read through a size cap, key-derivation
//! parameters read from a file are bounded (`crypto.rs`). Decrypted
//! plaintext and derived keys live in `Zeroizing` buffers.
//!
//! The supported formats, their cryptography and quirks are tabled in the
//! crate's `README.md`.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

mod crypto;
mod error;
pub mod export;
pub mod import;
mod javaser;
mod sqlite;
mod util;

use std::fmt;

pub use apiq_otp::migration::ExportWarning;
pub use apiq_otp::{Entry, Skipped};
pub use error::FormatError;
pub use export::{export, Export, ExportFormat};
pub use import::{detect, import};

/// The largest input [`import()`] accepts: 32 MiB. Real exports are far
/// smaller (a 10,000-entry Aegis vault is ≈ 3 MiB); the bound keeps memory
/// use of a hostile or mistaken input (a disk image, a video) small. A
/// caller reading a file should compare its length with this before reading.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// The [`Icon::mime`] of 2FAS's icon fields (its service's `icon` object,
/// as compact JSON): which of 2FAS's own icons, or which label and colour,
/// the entry shows there. The 2FAS importer fills it and the 2FAS exporter
/// writes it back, so an entry keeps its icon through Apiq.
pub const TWOFAS_ICON_MIME: &str = "application/vnd.apiq.2fas-icon+json";

/// A foreign export format that can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `otpauth://` and `otpauth-migration://` URIs, one per line (also Ente
    /// Auth's plain export and WinAuth's text export).
    Otpauth,
    /// Aegis vault JSON, plain or encrypted.
    Aegis,
    /// 2FAS Authenticator backups (schemas 1–4), plain or encrypted.
    TwoFas,
    /// andOTP JSON, encrypted (current and old layouts) or plain.
    AndOtp,
    /// Bitwarden unencrypted JSON or CSV exports (`login.totp`).
    Bitwarden,
    /// Stratum / Authenticator Pro backups (plain, encrypted, legacy
    /// encrypted) and its internal SQLite database.
    Stratum,
    /// Authy's Android shared preferences (plain or encrypted secrets).
    Authy,
    /// FreeOTP: 1.x `tokens.xml` and 2.x encrypted backups.
    FreeOtp,
    /// FreeOTP+: JSON export and its `tokens.xml`.
    FreeOtpPlus,
    /// Google Authenticator's internal SQLite database.
    GoogleAuthenticator,
    /// Microsoft Authenticator's internal SQLite database.
    MicrosoftAuthenticator,
    /// Steam Desktop Authenticator / SteamGuard `.maFile` JSON.
    Steam,
    /// Proton Authenticator JSON export.
    Proton,
    /// The Battle.net app's shared preferences.
    BattleNet,
    /// Duo Mobile's accounts JSON.
    Duo,
    /// TOTP Authenticator: encrypted `.bin` backups and its shared
    /// preferences.
    TotpAuthenticator,
    /// Authenticator Plus: encrypted ZIP holding `Accounts.txt`.
    AuthenticatorPlus,
}

impl Format {
    /// Every format, in the order auto-detection tries them.
    pub fn all() -> &'static [Format] {
        &[
            Format::Aegis,
            Format::TwoFas,
            Format::AndOtp,
            Format::Bitwarden,
            Format::Stratum,
            Format::Authy,
            Format::FreeOtp,
            Format::FreeOtpPlus,
            Format::GoogleAuthenticator,
            Format::MicrosoftAuthenticator,
            Format::Steam,
            Format::Proton,
            Format::BattleNet,
            Format::Duo,
            Format::TotpAuthenticator,
            Format::AuthenticatorPlus,
            Format::Otpauth,
        ]
    }

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Otpauth => "otpauth",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::AndOtp => "andotp",
            Format::Bitwarden => "bitwarden",
            Format::Stratum => "stratum",
            Format::Authy => "authy",
            Format::FreeOtp => "freeotp",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::GoogleAuthenticator => "google-authenticator",
            Format::MicrosoftAuthenticator => "microsoft-authenticator",
            Format::Steam => "steam",
            Format::Proton => "proton",
            Format::BattleNet => "battle-net",
            Format::Duo => "duo",
            Format::TotpAuthenticator => "totp-authenticator",
            Format::AuthenticatorPlus => "authenticator-plus",
        }
    }

    /// Parses a `--format` name (case-insensitive; `_` and `-` alike), plus
    /// a few aliases people use: `ente`, `winauth` (otpauth lists),
    /// `authenticator-pro` (Stratum's old name), `freeotpplus`. `auto` is not
    /// a format: callers map it to `None` before calling [`import()`].
    pub fn from_name(name: &str) -> Option<Format> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        if let Some(f) = Format::all().iter().find(|f| f.name() == n) {
            return Some(*f);
        }
        Some(match n.as_str() {
            "ente" | "ente-auth" | "winauth" | "uri" | "uris" | "text" => Format::Otpauth,
            "twofas" => Format::TwoFas,
            "authenticator-pro" | "authenticatorpro" => Format::Stratum,
            "freeotpplus" | "freeotp+" => Format::FreeOtpPlus,
            "google" => Format::GoogleAuthenticator,
            "microsoft" => Format::MicrosoftAuthenticator,
            "battlenet" => Format::BattleNet,
            "proton-authenticator" => Format::Proton,
            "authenticatorplus" => Format::AuthenticatorPlus,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The entries, in the file's order (its display order where it keeps
    /// one).
    pub entries: Vec<Imported>,
    /// Items that could not become entries, each with a reason.
    pub skipped: Vec<Skipped>,
    /// The format read (the detected one under auto-detection).
    pub format: Format,
}

/// One imported entry with the metadata a vault keeps beside it. `Debug`
/// shows neither labels nor the note nor group names (they say which
/// services a person uses; `Debug` output reaches logs).
#[derive(Clone, PartialEq, Eq)]
pub struct Imported {
    pub entry: Entry,
    /// A free-text note (`""` when none).
    pub note: String,
    /// Names of the groups (folders, tags, categories) the entry is in.
    pub groups: Vec<String>,
    pub favorite: bool,
    pub icon: Option<Icon>,
}

impl Imported {
    /// An entry without metadata.
    pub fn new(entry: Entry) -> Self {
        Imported {
            entry,
            note: String::new(),
            groups: Vec::new(),
            favorite: false,
            icon: None,
        }
    }

    /// `issuer: name`, or whichever of them is set: how skipped items and
    /// warnings name an entry.
    pub fn label(&self) -> String {
        util::label(&self.entry.issuer, &self.entry.name)
    }
}

impl fmt::Debug for Imported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Imported")
            .field("entry", &self.entry)
            .field(
                "note",
                &format_args!("({} chars)", self.note.chars().count()),
            )
            .field("groups", &self.groups.len())
            .field("favorite", &self.favorite)
            .field("icon", &self.icon)
            .finish()
    }
}

impl From<Entry> for Imported {
    fn from(entry: Entry) -> Self {
        Imported::new(entry)
    }
}

/// An entry's icon image as the source app stored it.
#[derive(Clone, PartialEq, Eq)]
pub struct Icon {
    /// `image/png`, `image/jpeg`, `image/svg+xml` …
    pub mime: String,
    pub data: Vec<u8>,
}

impl Icon {
    /// A picture (`image/…`), as opposed to another app's icon reference
    /// such as [`TWOFAS_ICON_MIME`].
    pub fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }
}

impl fmt::Debug for Icon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Icon({}, {} bytes)", self.mime, self.data.len())
    }
}
