//! 2FAS Authenticator backups (`.2fas` / `.json`), schema versions 1–4.
//!
//! `{schemaVersion, services: [...], groups: [...]}`; each service has a
//! `secret` (base32), a `name` and an `otp` object (`account`, `issuer`,
//! `digits`, `period`, `algorithm`, `counter`, `tokenType` TOTP/HOTP/STEAM
//! from schema 3 on; absent fields take the defaults SHA1/6/30, and schema
//! 2 wrote HOTP tokens without a type: they come back as TOTP, as 2FAS
//! itself reads them). `groupId` names a group of the top-level list.
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
                ..Imported::new(entry)
            });
            out.push(label, item);
        }
        Ok(out)
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
