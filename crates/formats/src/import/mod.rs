//! Importing: one module per foreign format, each an `Importer`, and
//! detection from content.
//!
//! Detection looks at the bytes once (`Probe`): magic numbers (ZIP,
//! SQLite, Java serialization, Authenticator Pro headers), the keys of a
//! JSON document (read without keeping any value), the preference names of
//! an Android `shared_prefs` XML file, or the lines of a text file. Each
//! importer says whether a probe looks like its format; the first of
//! [`Format::all`] that does is used. Detection never needs the password.

use apiq_otp::{SkipReason, Skipped};

use crate::util::{self, JsonShape};
use crate::{javaser, sqlite, Format, FormatError, Import, Imported, MAX_INPUT_BYTES};

mod aegis;
mod andotp;
mod authenticator_plus;
mod authy;
mod battle_net;
mod bitwarden;
mod duo;
mod freeotp;
mod google_authenticator;
mod microsoft_authenticator;
mod otpauth;
mod proton;
mod steam;
mod stratum;
mod totp_authenticator;
mod twofas;

pub(crate) use twofas::ITERATIONS as TWOFAS_ITERATIONS;

/// What an import of one file produced.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub entries: Vec<Imported>,
    pub skipped: Vec<Skipped>,
}

impl Parsed {
    /// Records one item: an entry, or a skipped item with its reason.
    pub fn push(&mut self, label: impl FnOnce() -> String, item: Result<Imported, SkipReason>) {
        match item {
            Ok(e) => self.entries.push(e),
            Err(reason) => self.skipped.push(Skipped {
                label: label(),
                reason,
            }),
        }
    }

    pub fn skip(&mut self, label: impl Into<String>, reason: SkipReason) {
        self.skipped.push(Skipped::new(label, reason));
    }
}

/// The input as detection sees it.
pub(crate) enum Probe<'a> {
    /// A JSON object or array, by its keys.
    Json(JsonShape),
    /// An Android preferences file, by its preference names.
    Prefs(Vec<String>),
    /// A SQLite database, by its tables' names and `CREATE` statements.
    Sqlite(Vec<(String, String)>),
    /// UTF-8 text that is none of the above.
    Text(&'a str),
    /// Anything else.
    Binary(&'a [u8]),
}

impl<'a> Probe<'a> {
    pub fn of(bytes: &'a [u8]) -> Probe<'a> {
        if sqlite::is_sqlite(bytes) {
            let tables = sqlite::Db::open(bytes)
                .and_then(|db| db.tables())
                .map(|t| t.into_iter().map(|(n, s, _)| (n, s)).collect())
                .unwrap_or_default();
            return Probe::Sqlite(tables);
        }
        let body = util::strip_bom(bytes);
        let start = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(body.len());
        match body.get(start) {
            Some(b'{' | b'[') => {
                if let Ok(shape) = serde_json::from_slice::<JsonShape>(body) {
                    return Probe::Json(shape);
                }
            }
            Some(b'<') => {
                if let Ok(prefs) = util::shared_prefs(body, "xml") {
                    return Probe::Prefs(prefs.into_iter().map(|(k, _)| k).collect());
                }
            }
            _ => {}
        }
        match std::str::from_utf8(body) {
            Ok(text) if !javaser::is_java_serialized(bytes) => Probe::Text(text),
            _ => Probe::Binary(bytes),
        }
    }

    pub fn json(&self) -> Option<&JsonShape> {
        match self {
            Probe::Json(s) => Some(s),
            _ => None,
        }
    }

    pub fn pref(&self, name: &str) -> bool {
        matches!(self, Probe::Prefs(p) if p.iter().any(|k| k == name))
    }

    pub fn sqlite_table(&self, name: &str) -> Option<&str> {
        match self {
            Probe::Sqlite(t) => t
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, sql)| sql.as_str()),
            _ => None,
        }
    }

    pub fn binary(&self) -> Option<&[u8]> {
        match self {
            Probe::Binary(b) => Some(b),
            _ => None,
        }
    }
}

/// One foreign format.
pub(crate) trait Importer: Sync {
    /// Whether the probed input looks like this format.
    fn detect(&self, probe: &Probe) -> bool;
    /// Reads the file. `password` is used only by encrypted variants.
    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError>;
}

fn importer(format: Format) -> &'static dyn Importer {
    match format {
        Format::Otpauth => &otpauth::Otpauth,
        Format::Aegis => &aegis::Aegis,
        Format::TwoFas => &twofas::TwoFas,
        Format::AndOtp => &andotp::AndOtp,
        Format::Bitwarden => &bitwarden::Bitwarden,
        Format::Stratum => &stratum::Stratum,
        Format::Authy => &authy::Authy,
        Format::FreeOtp => &freeotp::FreeOtp,
        Format::FreeOtpPlus => &freeotp::FreeOtpPlus,
        Format::GoogleAuthenticator => &google_authenticator::GoogleAuthenticator,
        Format::MicrosoftAuthenticator => &microsoft_authenticator::MicrosoftAuthenticator,
        Format::Steam => &steam::Steam,
        Format::Proton => &proton::Proton,
        Format::BattleNet => &battle_net::BattleNet,
        Format::Duo => &duo::Duo,
        Format::TotpAuthenticator => &totp_authenticator::TotpAuthenticator,
        Format::AuthenticatorPlus => &authenticator_plus::AuthenticatorPlus,
    }
}

fn check_size(bytes: &[u8]) -> Result<(), FormatError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(FormatError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    Ok(())
}

/// Which format the bytes are in, from their content alone. Files that
/// two apps write identically are reported as the first of them: FreeOTP
/// 1.x's and FreeOTP+'s `tokens.xml` as [`Format::FreeOtp`].
pub fn detect(bytes: &[u8]) -> Result<Format, FormatError> {
    check_size(bytes)?;
    let probe = Probe::of(bytes);
    Format::all()
        .iter()
        .copied()
        .find(|f| importer(*f).detect(&probe))
        .ok_or(FormatError::UnknownFormat)
}

/// Imports an export file. `format: None` detects it from the content;
/// `password` is needed only for encrypted exports (and ignored by plain
/// ones). Items that cannot become entries are returned in
/// [`Import::skipped`] with a reason; the whole import fails only when the
/// file cannot be read at all.
pub fn import(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&[u8]>,
) -> Result<Import, FormatError> {
    check_size(bytes)?;
    let format = match format {
        Some(f) => f,
        None => detect(bytes)?,
    };
    let parsed = importer(format).import(bytes, password)?;
    Ok(Import {
        entries: parsed.entries,
        skipped: parsed.skipped,
        format,
    })
}

/// Whether binary input starts with the magic of a format other than
/// andOTP's (which has none).
pub(crate) fn has_known_magic(b: &[u8]) -> bool {
    javaser::is_java_serialized(b)
        || sqlite::is_sqlite(b)
        || b.starts_with(b"PK\x03\x04")
        || b.starts_with(stratum::MAGIC)
        || b.starts_with(stratum::LEGACY_MAGIC)
}

/// The password, or [`FormatError::PasswordRequired`].
pub(crate) fn need_password(password: Option<&[u8]>) -> Result<&[u8], FormatError> {
    password.ok_or(FormatError::PasswordRequired)
}
