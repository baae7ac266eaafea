//! Aegis vaults, as Aegis' `docs/vault.md` documents them: content version
//! 3 (`entries` with `uuid`, `note`, `favorite`, `icon`/`icon_mime`/
//! `icon_hash`, `info`, `groups` as UUIDs; top-level `groups`), wrapped in
//! `{version: 1, header, db}`.
//!
//! Encrypted: a random 256-bit master key encrypts the content JSON with
//! AES-256-GCM (random 96-bit nonce; nonce and tag in `header.params`, hex;
//! ciphertext base64 in `db`). One password slot (type 1) wraps the master
//! key under scrypt(password, random 256-bit salt, N=2^15, r=8, p=1) with
//! AES-256-GCM. Aegis fixes Steam at SHA1/30 s/5 digits: other Steam
//! parameters get a warning.

use std::collections::BTreeMap;

use apiq_otp::migration::ExportWarning;
use apiq_otp::Kind;
use base64::Engine;
use rand::{CryptoRng, RngCore};
use serde::Serialize;
use sha2::Digest;
use zeroize::Zeroizing;

use super::{uuid, warn};
use crate::{crypto, FormatError, Imported};

/// scrypt cost of the password slot (Aegis' own parameters).
pub(crate) const SCRYPT_N: u64 = 1 << 15;
pub(crate) const SCRYPT_R: u32 = 8;
pub(crate) const SCRYPT_P: u32 = 1;

#[derive(Serialize)]
struct Content<'a> {
    version: u32,
    entries: Vec<EntryOut<'a>>,
    groups: Vec<GroupOut<'a>>,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    uuid: String,
    name: &'a str,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<String>,
    icon_mime: Option<&'a str>,
    icon_hash: Option<String>,
    info: Info,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct Info {
    #[serde(serialize_with = "crate::util::ser_secret")]
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

#[derive(Serialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u8,
    uuid: String,
    key: String,
    key_params: KeyParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<KeyParams>,
}

#[derive(Serialize)]
struct Vault<T: Serialize> {
    version: u32,
    header: Header,
    db: T,
}

fn content<'a, R: RngCore + CryptoRng>(
    entries: &'a [Imported],
    rng: &mut R,
    warnings: &mut Vec<ExportWarning>,
) -> Content<'a> {
    let mut group_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut groups = Vec::new();
    for g in entries.iter().flat_map(|e| e.groups.iter()) {
        if !group_ids.contains_key(g.as_str()) {
            let id = uuid(rng);
            group_ids.insert(g, id.clone());
            groups.push(GroupOut { uuid: id, name: g });
        }
    }
    let out = entries
        .iter()
        .map(|e| {
            let kind = e.entry.kind();
            if let Kind::Steam { period } = kind {
                if period != 30 || e.entry.algorithm() != apiq_otp::Algorithm::Sha1 {
                    warn(
                        warnings,
                        e,
                        "Aegis computes Steam codes with SHA1 and 30 s only",
                    );
                }
            }
            // Aegis keeps pictures; another app's icon reference is lost.
            let icon = e.icon.as_ref().filter(|i| i.is_image());
            if e.icon.is_some() && icon.is_none() {
                warn(warnings, e, "the icon is not kept by Aegis");
            }
            EntryOut {
                kind: kind.type_name(),
                uuid: uuid(rng),
                name: &e.entry.name,
                issuer: &e.entry.issuer,
                note: &e.note,
                favorite: e.favorite,
                icon: icon.map(|i| base64::engine::general_purpose::STANDARD.encode(&i.data)),
                icon_mime: icon.map(|i| i.mime.as_str()),
                icon_hash: icon.map(|i| hex::encode(sha2::Sha256::digest(&i.data))),
                info: Info {
                    secret: Zeroizing::new(e.entry.secret().to_base32()),
                    algo: e.entry.algorithm().as_str(),
                    digits: e.entry.digits(),
                    period: kind.period(),
                    counter: kind.counter(),
                },
                groups: e
                    .groups
                    .iter()
                    .filter_map(|g| group_ids.get(g.as_str()).cloned())
                    .collect(),
            }
        })
        .collect();
    Content {
        version: 3,
        entries: out,
        groups,
    }
}

/// Serializes into a buffer sized up front, so growth leaves no stray
/// copies of the secrets behind.
pub(super) fn to_json<T: Serialize>(value: &T, estimate: usize) -> Zeroizing<Vec<u8>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(estimate));
    // Serializing plain structs of strings and numbers into a Vec cannot fail.
    let _ = serde_json::to_writer_pretty(&mut *buf, value);
    buf
}

fn estimate(entries: &[Imported]) -> usize {
    4096 + entries
        .iter()
        .map(|e| {
            600 + e.note.len()
                + e.entry.name.len()
                + e.entry.issuer.len()
                + e.icon.as_ref().map_or(0, |i| i.data.len() * 4 / 3 + 100)
        })
        .sum::<usize>()
}

pub(super) fn write<R: RngCore + CryptoRng>(
    entries: &[Imported],
    password: Option<&[u8]>,
    rng: &mut R,
    warnings: &mut Vec<ExportWarning>,
) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let content = content(entries, rng, warnings);
    let Some(password) = password else {
        let vault = Vault {
            version: 1,
            header: Header {
                slots: None,
                params: None,
            },
            db: content,
        };
        return Ok(to_json(&vault, estimate(entries)));
    };
    let plain = to_json(&content, estimate(entries));
    drop(content);

    let mut master = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(&mut master[..]);
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut nonce);
    let mut db = crypto::gcm_encrypt(&master, &nonce, &plain);
    let tag = db.split_off(db.len() - 16);

    let mut salt = [0u8; 32];
    rng.fill_bytes(&mut salt);
    let mut slot_nonce = [0u8; 12];
    rng.fill_bytes(&mut slot_nonce);
    let kek = crypto::scrypt(password, &salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, "aegis")?;
    let mut wrapped = crypto::gcm_encrypt(&kek, &slot_nonce, &master[..]);
    let slot_tag = wrapped.split_off(wrapped.len() - 16);

    let vault = Vault {
        version: 1,
        header: Header {
            slots: Some(vec![Slot {
                kind: 1,
                uuid: uuid(rng),
                key: hex::encode(&wrapped),
                key_params: KeyParams {
                    nonce: hex::encode(slot_nonce),
                    tag: hex::encode(&slot_tag),
                },
                n: SCRYPT_N,
                r: SCRYPT_R,
                p: SCRYPT_P,
                salt: hex::encode(salt),
                repaired: true,
                is_backup: false,
            }]),
            params: Some(KeyParams {
                nonce: hex::encode(nonce),
                tag: hex::encode(&tag),
            }),
        },
        db: base64::engine::general_purpose::STANDARD.encode(&db),
    };
    Ok(to_json(&vault, db.len() * 4 / 3 + 2048))
}
