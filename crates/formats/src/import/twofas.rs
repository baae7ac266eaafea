//! 2FAS Authenticator backups (`.2fas` / `.json`), schema versions 1–4.
//!
//! `{schemaVersion, services: [...], groups: [...]}`; each service has a
//! `secret` (base32), a `name` and an `otp` object (`account`, `issuer`,
//! `digits`, `period`, `algorithm`, `counter`, `tokenType` TOTP/HOTP/STEAM
//! from schema 3 on; absent fields take the defaults SHA1/6/30, and schema
//! 2 wrote HOTP tokens without a type: they come back as TOTP, as 2FAS
//! itself reads them). `groupId` names a group of the top-level list.
//!
//! A service's `icon` object, when it is a choice (an icon of 2FAS's
//! collection other than the default, or a label of the person's own), is
//! kept as an [`crate::Icon`] of type [`crate::TWOFAS_ICON_MIME`].
//!
//! Encrypted backups keep `services` empty and put
//! `base64(ciphertext‖tag):base64(salt):base64(iv)` in `servicesEncrypted`:
//! PBKDF2-HMAC-SHA256, 10,000 iterations, AES-256-GCM. `reference` is a
//! known text encrypted the same way: it is the key check, so a wrong
//! password is told apart from damaged services.

use serde::Deserialize;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Prf};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Imported};

const NAME: &str = "2fas";
pub(crate) const ITERATIONS: u32 = 10_000;

pub(crate) struct TwoFas;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    #[serde(default)]
    services: Vec<Service>,
    services_encrypted: Option<String>,
    reference: Option<String>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    name: Option<String>,
    secret: SecretText,
    otp: Option<Otp>,
    group_id: Option<String>,
    /// 2FAS's icon choice, kept as it is ([`crate::TWOFAS_ICON_MIME`]).
    #[serde(default)]
    icon: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Otp {
    account: Option<String>,
    issuer: Option<String>,
    label: Option<String>,
    digits: Option<i64>,
    period: Option<i64>,
    algorithm: Option<String>,
    counter: Option<i64>,
    token_type: Option<String>,
}

impl Importer for TwoFas {
    fn detect(&self, probe: &Probe) -> bool {
        probe.json().is_some_and(|s| {
            !s.array && s.has("schemaVersion") && (s.has("services") || s.has("servicesEncrypted"))
        })
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let backup: Backup = util::from_json(bytes, NAME)?;
        let services = match &backup.services_encrypted {
            None => backup.services,
            Some(enc) => {
                let password = need_password(password)?;
                decrypt(enc, backup.reference.as_deref(), password)?
            }
        };
        let mut out = Parsed::default();
        for s in services {
            let otp = s.otp.unwrap_or_default();
            let issuer = otp
                .issuer
                .clone()
                .filter(|i| !i.trim().is_empty())
                .or_else(|| s.name.clone())
                .unwrap_or_default();
            let name = match otp.account.clone().filter(|a| !a.trim().is_empty()) {
                Some(a) => a,
                None => util::split_issuer(&issuer, otp.label.as_deref().unwrap_or("")).1,
            };
            let label = || util::label(&issuer, &name);
            let item = (|| {
                let kind = OtpType::parse(otp.token_type.as_deref().unwrap_or("TOTP"))?;
                let mut f = Fields::new(kind, issuer.clone(), name.clone());
                f.algorithm = util::parse_algorithm(otp.algorithm.as_deref())?;
                f.digits = otp.digits;
                f.period = otp.period;
                f.counter = otp.counter;
                f.build(apiq_otp::Secret::from_base32(&s.secret))
            })()
            .map(|entry| Imported {
                groups: s
                    .group_id
                    .iter()
                    .filter_map(|id| backup.groups.iter().find(|g| &g.id == id))
                    .map(|g| g.name.clone())
                    .collect(),
                icon: s
                    .icon
                    .as_ref()
                    .filter(|i| chosen_icon(i, s.name.as_deref().unwrap_or(&issuer)))
                    .map(|i| crate::Icon {
                        mime: crate::TWOFAS_ICON_MIME.into(),
                        data: i.to_string().into_bytes(),
                    }),
                ..Imported::new(entry)
            });
            out.push(label, item);
        }
        Ok(out)
    }
}

/// 2FAS's own default icon (the collection id every new service gets).
const DEFAULT_ICON: &str = "a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad";

/// Whether a service's `icon` is a choice worth keeping: an icon of 2FAS's
/// collection other than its default, or a label other than the two
/// letters 2FAS makes from the name. What 2FAS makes by itself is not kept
/// (it would make it again), so an entry without a choice has no icon.
fn chosen_icon(icon: &serde_json::Value, name: &str) -> bool {
    let selected = icon["selected"].as_str().unwrap_or("");
    match selected {
        "IconCollection" => icon["iconCollection"]["id"]
            .as_str()
            .is_some_and(|id| !id.eq_ignore_ascii_case(DEFAULT_ICON)),
        "Label" => {
            let auto: String = name
                .trim()
                .chars()
                .take(2)
                .flat_map(char::to_uppercase)
                .collect();
            icon["label"]["text"].as_str().is_some_and(|t| t != auto)
        }
        _ => icon.is_object() && !selected.is_empty(),
    }
}

/// The three base64 parts of an encrypted field.
fn parts(field: &str) -> Result<[zeroize::Zeroizing<Vec<u8>>; 3], FormatError> {
    let p: Vec<&str> = field.split(':').collect();
    let [ct, salt, iv] = p.as_slice() else {
        return Err(FormatError::corrupt(
            NAME,
            "an encrypted field is not ciphertext:salt:iv",
        ));
    };
    let d = |s: &str| {
        util::base64_decode(s)
            .ok_or_else(|| FormatError::corrupt(NAME, "an encrypted field is not base64"))
    };
    Ok([d(ct)?, d(salt)?, d(iv)?])
}

fn decrypt(
    enc: &str,
    reference: Option<&str>,
    password: &[u8],
) -> Result<Vec<Service>, FormatError> {
    let [ct, salt, iv] = parts(enc)?;
    let key = crypto::pbkdf2(Prf::Sha256, password, &salt, ITERATIONS, NAME)?;
    if let Some(reference) = reference {
        let [rct, rsalt, riv] = parts(reference)?;
        let rkey;
        let k = if rsalt[..] == salt[..] {
            &key
        } else {
            rkey = crypto::pbkdf2(Prf::Sha256, password, &rsalt, ITERATIONS, NAME)?;
            &rkey
        };
        crypto::gcm_decrypt(k, &riv, &rct, b"").map_err(|_| FormatError::WrongPassword)?;
        let plain = crypto::gcm_decrypt(&key, &iv, &ct, b"").map_err(|_| {
            FormatError::corrupt(NAME, "the services fail their authentication tag")
        })?;
        return util::from_json(&plain, NAME);
    }
    let plain = crypto::gcm_decrypt(&key, &iv, &ct, b"").map_err(|_| FormatError::WrongPassword)?;
    util::from_json(&plain, NAME)
}
