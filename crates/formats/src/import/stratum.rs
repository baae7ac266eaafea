//! Stratum (formerly Authenticator Pro) backups and its internal database.
//!
//! Plain: JSON `{Authenticators: [{Type, Issuer, Username, Secret,
//! Algorithm, Digits, Period, Counter}], Categories: [{Id, Name}],
//! AuthenticatorCategories: [{CategoryId, AuthenticatorSecret}]}` with Type
//! 1 = HOTP, 2 = TOTP, 3 = mOTP, 4 = Steam, 5 = Yandex (3 and 5 skipped) and
//! Algorithm 0 = SHA1, 1 = SHA256, 2 = SHA512. Categories become groups.
//!
//! Encrypted: `AUTHENTICATORPRO` ‖ 16-byte salt ‖ 12-byte IV ‖ AES-256-GCM,
//! key = Argon2id(t=3, m=64 MiB, p=4). Legacy encrypted: `AuthenticatorPro`
//! ‖ 20-byte salt ‖ 16-byte IV ‖ AES-256-CBC/PKCS#7, key =
//! PBKDF2-HMAC-SHA1(64,000). Neither has a separate key check: a failed tag
//! (or, for CBC, bad padding or plaintext that is not JSON) is reported as
//! a wrong password.
//!
//! Internal: the app's SQLite database, tables `authenticator`, `category`
//! and `authenticatorcategory`, with the same codes.

use serde::Deserialize;

use apiq_otp::{Algorithm, SkipReason};

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Prf};
use crate::sqlite::{self, Db};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "stratum";
pub(crate) const MAGIC: &[u8] = b"AUTHENTICATORPRO";
pub(crate) const LEGACY_MAGIC: &[u8] = b"AuthenticatorPro";

pub(crate) struct Stratum;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Backup {
    #[serde(default)]
    authenticators: Vec<Auth>,
    #[serde(default)]
    categories: Vec<Category>,
    #[serde(default)]
    authenticator_categories: Vec<Link>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Auth {
    #[serde(rename = "Type")]
    kind: i64,
    issuer: Option<String>,
    username: Option<String>,
    secret: SecretText,
    algorithm: Option<i64>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Category {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Link {
    category_id: String,
    authenticator_secret: SecretText,
}

impl Importer for Stratum {
    fn detect(&self, probe: &Probe) -> bool {
        match probe {
            Probe::Json(s) => s.object_with(&["Authenticators"]),
            Probe::Binary(b) => b.starts_with(MAGIC) || b.starts_with(LEGACY_MAGIC),
            Probe::Sqlite(_) => probe.sqlite_table("authenticator").is_some(),
            _ => false,
        }
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        if sqlite::is_sqlite(bytes) {
            return import_db(bytes);
        }
        if let Some(rest) = bytes.strip_prefix(MAGIC) {
            let password = need_password(password)?;
            if rest.len() < 16 + 12 + 16 {
                return Err(FormatError::corrupt(
                    NAME,
                    "too short for an encrypted backup",
                ));
            }
            let key = crypto::argon2id(password, &rest[..16], 3, 65536, 4, NAME)?;
            let plain = crypto::gcm_decrypt(&key, &rest[16..28], &rest[28..], b"")
                .map_err(|_| FormatError::WrongPassword)?;
            return import_json(&plain);
        }
        if let Some(rest) = bytes.strip_prefix(LEGACY_MAGIC) {
            let password = need_password(password)?;
            if rest.len() < 20 + 16 + 16 {
                return Err(FormatError::corrupt(
                    NAME,
                    "too short for an encrypted backup",
                ));
            }
            let key = crypto::pbkdf2(Prf::Sha1, password, &rest[..20], 64_000, NAME)?;
            let plain = crypto::cbc_decrypt(&key, &rest[20..36], &rest[36..])
                .map_err(|_| FormatError::WrongPassword)?;
            if !plain.trim_ascii_start().starts_with(b"{") {
                return Err(FormatError::WrongPassword);
            }
            return import_json(&plain);
        }
        import_json(bytes)
    }
}

fn otp_type(code: i64) -> Result<OtpType, SkipReason> {
    match code {
        1 => Ok(OtpType::Hotp),
        2 => Ok(OtpType::Totp),
        4 => Ok(OtpType::Steam),
        3 => Err(SkipReason::UnsupportedKind("mOTP")),
        5 => Err(SkipReason::UnsupportedKind("Yandex")),
        value => Err(SkipReason::UnknownCode {
            field: "authenticator type",
            value,
        }),
    }
}

fn algorithm(code: Option<i64>) -> Result<Algorithm, SkipReason> {
    match code.unwrap_or(0) {
        0 => Ok(Algorithm::Sha1),
        1 => Ok(Algorithm::Sha256),
        2 => Ok(Algorithm::Sha512),
        value => Err(SkipReason::UnknownCode {
            field: "algorithm",
            value,
        }),
    }
}

/// One authenticator's fields, from JSON or a database row.
struct Row<'a> {
    kind: i64,
    issuer: &'a str,
    username: &'a str,
    secret: &'a str,
    algorithm: Option<i64>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
}

fn entry(r: &Row, groups: Vec<String>) -> Result<Imported, SkipReason> {
    let mut f = Fields::new(otp_type(r.kind)?, r.issuer, r.username);
    f.algorithm = Some(algorithm(r.algorithm)?);
    f.digits = r.digits;
    f.period = r.period;
    f.counter = r.counter;
    let entry = f.build(apiq_otp::Secret::from_base32(r.secret))?;
    Ok(Imported {
        groups,
        ..Imported::new(entry)
    })
}

fn import_json(bytes: &[u8]) -> Result<Parsed, FormatError> {
    let backup: Backup = util::from_json(bytes, NAME)?;
    let mut out = Parsed::default();
    for a in &backup.authenticators {
        let groups = backup
            .authenticator_categories
            .iter()
            .filter(|l| *l.authenticator_secret == *a.secret)
            .filter_map(|l| backup.categories.iter().find(|c| c.id == l.category_id))
            .map(|c| c.name.clone())
            .collect();
        let row = Row {
            kind: a.kind,
            issuer: a.issuer.as_deref().unwrap_or(""),
            username: a.username.as_deref().unwrap_or(""),
            secret: &a.secret,
            algorithm: a.algorithm,
            digits: a.digits,
            period: a.period,
            counter: a.counter,
        };
        out.push(
            || util::label(row.issuer, row.username),
            entry(&row, groups),
        );
    }
    Ok(out)
}

fn import_db(bytes: &[u8]) -> Result<Parsed, FormatError> {
    let corrupt = |e: String| FormatError::corrupt(NAME, e);
    let db = Db::open(bytes).map_err(corrupt)?;
    let auth = db.table("authenticator").map_err(corrupt)?;
    // Categories are optional: a database without them still imports.
    let categories = db.table("category").ok();
    let links = db.table("authenticatorcategory").ok();
    let mut out = Parsed::default();
    for r in &auth.rows {
        let secret = auth.get(r, "secret").as_str().unwrap_or("");
        let mut groups = Vec::new();
        if let (Some(cat), Some(links)) = (&categories, &links) {
            for l in links
                .rows
                .iter()
                .filter(|l| links.get(l, "authenticatorSecret").as_str() == Some(secret))
            {
                let id = links.get(l, "categoryId");
                if let Some(c) = cat.rows.iter().find(|c| cat.get(c, "id") == id) {
                    groups.extend(cat.get(c, "name").as_str().map(str::to_string));
                }
            }
        }
        let row = Row {
            kind: auth.get(r, "type").as_i64().unwrap_or(0),
            issuer: auth.get(r, "issuer").as_str().unwrap_or(""),
            username: auth.get(r, "username").as_str().unwrap_or(""),
            secret,
            algorithm: auth.get(r, "algorithm").as_i64(),
            digits: auth.get(r, "digits").as_i64(),
            period: auth.get(r, "period").as_i64(),
            counter: auth.get(r, "counter").as_i64(),
        };
        out.push(
            || util::label(row.issuer, row.username),
            entry(&row, groups),
        );
    }
    Ok(out)
}
