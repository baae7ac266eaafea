//! 2FAS backups, schema 4 (as 2FAS for Android writes them): `services`
//! with `secret`, `otp {label, account, issuer, digits, period, algorithm,
//! counter, tokenType TOTP/HOTP/STEAM, source}`, `order`, `groupId`; and
//! `groups`. The crate reads no clock, so `updatedAt` is 0.
//!
//! Encrypted: `services` is empty and `servicesEncrypted` is
//! `base64(ciphertext‖tag):base64(salt):base64(iv)` of the services JSON
//! under AES-256-GCM with key = PBKDF2-HMAC-SHA256(password, 256-byte
//! random salt, 10,000); `reference` is 2FAS' fixed check text encrypted
//! with the same key and another IV, which 2FAS decrypts to verify the
//! password.
//!
//! 2FAS shows 6–8 digits: other lengths get a warning. An entry's 2FAS icon
//! fields ([`crate::TWOFAS_ICON_MIME`]) are written back as its `icon`;
//! pictures are not kept (2FAS has no custom images in its backups).

use std::collections::BTreeMap;

use apiq_otp::migration::ExportWarning;
use apiq_otp::Kind;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::{CryptoRng, RngCore};
use serde::Serialize;
use zeroize::Zeroizing;

use super::aegis::to_json;
use super::{uuid, warn, warn_lost_metadata};
use crate::crypto::{self, Prf};
use crate::{FormatError, Imported};

/// The text 2FAS encrypts as `reference` to check a password.
const REFERENCE: &str = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Service<'a> {
    name: &'a str,
    #[serde(serialize_with = "crate::util::ser_secret")]
    secret: Zeroizing<String>,
    updated_at: u64,
    otp: Otp<'a>,
    order: Order,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    /// 2FAS's own icon fields, when the entry came from 2FAS with them.
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Otp<'a> {
    label: &'a str,
    account: &'a str,
    issuer: &'a str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    algorithm: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    token_type: &'static str,
    source: &'static str,
}

#[derive(Serialize)]
struct Order {
    position: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Group<'a> {
    id: String,
    name: &'a str,
    is_expanded: bool,
    updated_at: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Backup<'a> {
    services: Vec<Service<'a>>,
    groups: Vec<Group<'a>>,
    updated_at: u64,
    schema_version: u32,
    app_version_code: u32,
    app_version_name: &'static str,
    app_origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    services_encrypted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

fn encrypt<R: RngCore + CryptoRng>(
    key: &[u8; 32],
    salt: &[u8],
    plain: &[u8],
    rng: &mut R,
) -> String {
    let mut iv = [0u8; 12];
    rng.fill_bytes(&mut iv);
    let ct = crypto::gcm_encrypt(key, &iv, plain);
    format!(
        "{}:{}:{}",
        STANDARD.encode(ct),
        STANDARD.encode(salt),
        STANDARD.encode(iv)
    )
}

pub(super) fn write<R: RngCore + CryptoRng>(
    entries: &[Imported],
    password: Option<&[u8]>,
    rng: &mut R,
    warnings: &mut Vec<ExportWarning>,
) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let mut group_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut groups = Vec::new();
    for g in entries.iter().filter_map(|e| e.groups.first()) {
        if !group_ids.contains_key(g.as_str()) {
            let id = uuid(rng);
            group_ids.insert(g, id.clone());
            groups.push(Group {
                id,
                name: g,
                is_expanded: true,
                updated_at: 0,
            });
        }
    }
    let mut services = Vec::with_capacity(entries.len());
    for (position, e) in entries.iter().enumerate() {
        let kind = e.entry.kind();
        if !(6..=8).contains(&e.entry.digits()) && !matches!(kind, Kind::Steam { .. }) {
            warn(
                warnings,
                e,
                format!("2FAS shows 6 to 8 digits, not {}", e.entry.digits()),
            );
        }
        if e.groups.len() > 1 {
            warn(
                warnings,
                e,
                "2FAS keeps one group per entry: only the first is kept",
            );
        }
        warn_lost_metadata(warnings, e, "2FAS", true, |i| {
            i.mime == crate::TWOFAS_ICON_MIME
        });
        services.push(Service {
            name: if e.entry.issuer.is_empty() {
                &e.entry.name
            } else {
                &e.entry.issuer
            },
            secret: Zeroizing::new(e.entry.secret().to_base32()),
            updated_at: 0,
            otp: Otp {
                label: &e.entry.name,
                account: &e.entry.name,
                issuer: &e.entry.issuer,
                digits: e.entry.digits(),
                period: kind.period(),
                algorithm: e.entry.algorithm().as_str(),
                counter: kind.counter(),
                token_type: match kind {
                    Kind::Totp { .. } => "TOTP",
                    Kind::Hotp { .. } => "HOTP",
                    Kind::Steam { .. } => "STEAM",
                },
                source: "Manual",
            },
            order: Order { position },
            group_id: e
                .groups
                .first()
                .and_then(|g| group_ids.get(g.as_str()).cloned()),
            icon: e
                .icon
                .as_ref()
                .filter(|i| i.mime == crate::TWOFAS_ICON_MIME)
                .and_then(|i| serde_json::from_slice(&i.data).ok()),
        });
    }
    let mut backup = Backup {
        services: Vec::new(),
        groups,
        updated_at: 0,
        schema_version: 4,
        app_version_code: 5_000_000,
        app_version_name: "5.0.0",
        app_origin: "android",
        services_encrypted: None,
        reference: None,
    };
    let estimate = 1024 + entries.len() * 400;
    match password {
        None => {
            backup.services = services;
            Ok(to_json(&backup, estimate))
        }
        Some(password) => {
            let plain = to_json(&services, estimate);
            drop(services);
            let mut salt = [0u8; 256];
            rng.fill_bytes(&mut salt);
            let key = crypto::pbkdf2(
                Prf::Sha256,
                password,
                &salt,
                crate::import::TWOFAS_ITERATIONS,
                "2fas",
            )?;
            backup.services_encrypted = Some(encrypt(&key, &salt, &plain, rng));
            backup.reference = Some(encrypt(&key, &salt, REFERENCE.as_bytes(), rng));
            Ok(to_json(&backup, 4096 + plain.len() * 2))
        }
    }
}
