//! Exporting: writing entries in formats other apps read.
//!
//! Every exporter returns the bytes plus a warning for each entry about
//! data the target cannot hold (dropped entries, lost notes or icons,
//! parameters the target app may not support). Randomness (master keys,
//! salts, nonces, UUIDs, batch ids) comes from the caller's CSPRNG, which
//! keeps this crate pure and its tests reproducible.
//!
//! | format            | holds                                         | encryption |
//! |-------------------|-----------------------------------------------|------------|
//! | `otpauth`         | every entry; no note, group, icon, favourite  | none       |
//! | `aegis`           | everything (entries, notes, groups, icons, favourites) | none |
//! | `aegis-encrypted` | as `aegis`                                    | scrypt N=2^15 r=8 p=1 password slot, AES-256-GCM |
//! | `google-migration`| TOTP 30 s and HOTP with 6 or 8 digits         | none       |
//! | `2fas`            | TOTP, HOTP, Steam, groups                     | none       |
//! | `2fas-encrypted`  | as `2fas`                                     | PBKDF2-SHA256 10,000, AES-256-GCM |

use apiq_otp::migration::ExportWarning;
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::{FormatError, Imported};

mod aegis;
mod google;
mod otpauth;
mod twofas;

/// A format to export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `otpauth://` URIs, one per line.
    Otpauth,
    /// An unencrypted Aegis vault (Aegis: Import → Aegis).
    Aegis,
    /// An Aegis vault encrypted under the password (one password slot).
    AegisEncrypted,
    /// Google Authenticator `otpauth-migration://` URIs, one per line,
    /// `batch_size` entries each: render each line as one QR code.
    GoogleMigration { batch_size: usize },
    /// A 2FAS backup (schema 4), unencrypted.
    TwoFas,
    /// A 2FAS backup (schema 4) encrypted under the password.
    TwoFasEncrypted,
}

impl ExportFormat {
    /// Every export format (the migration one with Google's batch size, 10).
    pub fn all() -> &'static [ExportFormat] {
        &[
            ExportFormat::Otpauth,
            ExportFormat::Aegis,
            ExportFormat::AegisEncrypted,
            ExportFormat::GoogleMigration { batch_size: 10 },
            ExportFormat::TwoFas,
            ExportFormat::TwoFasEncrypted,
        ]
    }

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Otpauth => "otpauth",
            ExportFormat::Aegis => "aegis",
            ExportFormat::AegisEncrypted => "aegis-encrypted",
            ExportFormat::GoogleMigration { .. } => "google-migration",
            ExportFormat::TwoFas => "2fas",
            ExportFormat::TwoFasEncrypted => "2fas-encrypted",
        }
    }

    /// Parses a `--format` name (`google-migration` gets batches of 10).
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        ExportFormat::all()
            .iter()
            .copied()
            .find(|f| f.name() == n)
            .or(match n.as_str() {
                "google" | "google-authenticator" | "migration" => {
                    Some(ExportFormat::GoogleMigration { batch_size: 10 })
                }
                _ => None,
            })
    }

    /// Whether the format needs a password.
    pub fn encrypted(self) -> bool {
        matches!(
            self,
            ExportFormat::AegisEncrypted | ExportFormat::TwoFasEncrypted
        )
    }

    /// The format [`crate::import()`] reads this export back with.
    pub fn import_format(self) -> crate::Format {
        match self {
            ExportFormat::Otpauth | ExportFormat::GoogleMigration { .. } => crate::Format::Otpauth,
            ExportFormat::Aegis | ExportFormat::AegisEncrypted => crate::Format::Aegis,
            ExportFormat::TwoFas | ExportFormat::TwoFasEncrypted => crate::Format::TwoFas,
        }
    }
}

/// An export: the file's bytes (secrets inside: zeroized on drop) and
/// per-entry warnings.
pub struct Export {
    pub bytes: Zeroizing<Vec<u8>>,
    pub warnings: Vec<ExportWarning>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// Writes `entries` in `format`. Encrypted formats need a non-empty
/// `password` ([`FormatError::PasswordRequired`]); the others refuse one
/// ([`FormatError::Unsupported`]) rather than silently writing plaintext.
pub fn export<R: RngCore + CryptoRng>(
    entries: &[Imported],
    format: ExportFormat,
    password: Option<&[u8]>,
    rng: &mut R,
) -> Result<Export, FormatError> {
    let password = match (format.encrypted(), password) {
        (true, Some(p)) if !p.is_empty() => Some(p),
        (true, _) => return Err(FormatError::PasswordRequired),
        (false, Some(_)) => {
            return Err(FormatError::Unsupported(format!(
                "the {} format cannot be encrypted",
                format.name()
            )))
        }
        (false, None) => None,
    };
    let mut warnings = Vec::new();
    let bytes = match format {
        ExportFormat::Otpauth => otpauth::write(entries, &mut warnings),
        ExportFormat::Aegis => aegis::write(entries, None, rng, &mut warnings)?,
        ExportFormat::AegisEncrypted => aegis::write(entries, password, rng, &mut warnings)?,
        ExportFormat::GoogleMigration { batch_size } => {
            google::write(entries, batch_size, rng, &mut warnings)
        }
        ExportFormat::TwoFas => twofas::write(entries, None, rng, &mut warnings)?,
        ExportFormat::TwoFasEncrypted => twofas::write(entries, password, rng, &mut warnings)?,
    };
    Ok(Export { bytes, warnings })
}

/// Adds a warning about `entry`.
pub(crate) fn warn(
    warnings: &mut Vec<ExportWarning>,
    entry: &Imported,
    warning: impl Into<String>,
) {
    warnings.push(ExportWarning {
        label: entry.label(),
        warning: warning.into(),
    });
}

/// Warnings for the metadata a format without notes, groups or icons loses
/// (`keeps_icon`: which icons the format keeps).
pub(crate) fn warn_lost_metadata(
    warnings: &mut Vec<ExportWarning>,
    entry: &Imported,
    format: &str,
    keeps_groups: bool,
    keeps_icon: fn(&crate::Icon) -> bool,
) {
    if !entry.note.is_empty() {
        warn(
            warnings,
            entry,
            format!("the note is not kept: {format} has no notes"),
        );
    }
    if !keeps_groups && !entry.groups.is_empty() {
        warn(
            warnings,
            entry,
            format!("groups are not kept: {format} has no groups"),
        );
    }
    if entry.icon.as_ref().is_some_and(|i| !keeps_icon(i)) {
        warn(warnings, entry, format!("the icon is not kept by {format}"));
    }
}

/// A random version-4 UUID.
pub(crate) fn uuid<R: RngCore + CryptoRng>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
