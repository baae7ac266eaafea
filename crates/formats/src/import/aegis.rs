//! Aegis vaults (docs/vault.md in the Aegis repository): JSON
//! `{version: 1, header: {slots, params}, db}` where `db` is the content
//! object, or — encrypted — its AES-256-GCM ciphertext in base64, under a
//! random master key that each password slot wraps with an scrypt-derived
//! key (AES-256-GCM again; nonce and tag in hex).
//!
//! Wrong password vs damage: every password slot failing its tag is
//! [`FormatError::WrongPassword`]; a slot that opens but contents that fail
//! their tag, or do not parse, are [`FormatError::Corrupt`].
//!
//! Content versions 1–3 are read: v2's single `group` string and v3's
//! `groups` (UUIDs into the top-level group list) both become group names.
//! Notes, favourites and icons are kept. MOTP and Yandex entries are
//! skipped with a reason.

use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::{need_password, Importer, Parsed, Probe};
use crate::crypto::{self, Undecryptable};
use crate::util::{self, Fields, OtpType, SecretText};
use crate::{FormatError, Icon, Imported};

const NAME: &str = "aegis";

pub(crate) struct Aegis;

#[derive(Deserialize)]
struct Vault<'a> {
    #[serde(default)]
    header: Header,
    #[serde(borrow)]
    db: &'a RawValue,
}

#[derive(Deserialize, Default)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<KeyParams>,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: i64,
    #[serde(default)]
    key: String,
    key_params: Option<KeyParams>,
    n: Option<u64>,
    r: Option<u32>,
    p: Option<u32>,
    salt: Option<String>,
}

#[derive(Deserialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

/// The decrypted (or plain) vault content.
#[derive(Deserialize)]
pub(crate) struct AegisContent {
    #[serde(default)]
    entries: Vec<AegisEntry>,
    #[serde(default)]
    groups: Vec<AegisGroup>,
}

#[derive(Deserialize)]
struct AegisGroup {
    uuid: String,
    name: String,
}

#[derive(Deserialize)]
struct AegisEntry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    favorite: bool,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    icon_mime: Option<String>,
    info: Info,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    group: Option<String>,
}

#[derive(Deserialize)]
struct Info {
    secret: SecretText,
    algo: Option<String>,
    digits: Option<i64>,
    period: Option<i64>,
    counter: Option<i64>,
}

impl Importer for Aegis {
    fn detect(&self, probe: &Probe) -> bool {
        probe
            .json()
            .is_some_and(|s| s.object_with(&["version", "header", "db"]))
    }

    fn import(&self, bytes: &[u8], password: Option<&[u8]>) -> Result<Parsed, FormatError> {
        let vault: Vault = util::from_json(bytes, NAME)?;
        let raw = vault.db.get();
        if !raw.starts_with('"') {
            let content: AegisContent = util::from_json(raw.as_bytes(), NAME)?;
            return Ok(parse_content(content));
        }
        let password = need_password(password)?;
        let db: Zeroizing<String> = Zeroizing::new(
            serde_json::from_str(raw)
                .map_err(|_| FormatError::corrupt(NAME, "db is not a string"))?,
        );
        let slots = vault.header.slots.unwrap_or_default();
        let params = vault
            .header
            .params
            .ok_or_else(|| FormatError::corrupt(NAME, "encrypted vault without params"))?;
        let master = open_slots(&slots, password)?;
        let mut ct = util::base64_decode(&db)
            .ok_or_else(|| FormatError::corrupt(NAME, "db is not base64"))?;
        ct.extend_from_slice(&hex_field(&params.tag, "params.tag")?);
        let plain = crypto::gcm_decrypt(
            &master,
            &hex_field(&params.nonce, "params.nonce")?,
            &ct,
            b"",
        )
        .map_err(|Undecryptable| {
            FormatError::corrupt(NAME, "the vault contents fail their authentication tag")
        })?;
        let content: AegisContent = util::from_json(&plain, NAME)?;
        Ok(parse_content(content))
    }
}

fn hex_field(text: &str, what: &str) -> Result<Vec<u8>, FormatError> {
    hex::decode(text.trim()).map_err(|_| FormatError::corrupt(NAME, format!("{what} is not hex")))
}

/// Password slots tried at most: Aegis writes one (plus biometric slots);
/// a file with hundreds would cost a key derivation each.
pub(crate) const MAX_PASSWORD_SLOTS: usize = 8;

/// The scrypt work (memory × passes, `128·n·r·p` bytes) all tried slots may
/// add up to: four slots at the per-slot memory cap. Aegis' default is
/// 32 MiB.
pub(crate) const MAX_TOTAL_SCRYPT_WORK: u64 = 4 * crypto::MAX_SCRYPT_MEMORY;

/// Unwraps the master key with the first password slot the password opens.
/// At most [`MAX_PASSWORD_SLOTS`] are tried, and their summed cost is
/// checked against [`MAX_TOTAL_SCRYPT_WORK`] before any key derivation runs
/// (each slot is also under `crypto::scrypt`'s own cap).
fn open_slots(slots: &[Slot], password: &[u8]) -> Result<crypto::Key, FormatError> {
    let password_slots: Vec<&Slot> = slots.iter().filter(|s| s.kind == 1).collect();
    let tried = &password_slots[..password_slots.len().min(MAX_PASSWORD_SLOTS)];
    let work = tried.iter().fold(0u64, |sum, s| {
        let cost = 128u64
            .saturating_mul(s.n.unwrap_or(0))
            .saturating_mul(u64::from(s.r.unwrap_or(0)))
            .saturating_mul(u64::from(s.p.unwrap_or(0)));
        sum.saturating_add(cost)
    });
    if work > MAX_TOTAL_SCRYPT_WORK {
        return Err(FormatError::Unsupported(format!(
            "this Aegis vault's password slots would take {} MiB of scrypt work to try \
             (the limit is {} MiB)",
            work >> 20,
            MAX_TOTAL_SCRYPT_WORK >> 20
        )));
    }
    for slot in tried {
        let (Some(n), Some(r), Some(p), Some(salt), Some(kp)) = (
            slot.n,
            slot.r,
            slot.p,
            slot.salt.as_deref(),
            slot.key_params.as_ref(),
        ) else {
            return Err(FormatError::corrupt(
                NAME,
                "a password slot lacks its parameters",
            ));
        };
        let kek = crypto::scrypt(password, &hex_field(salt, "salt")?, n, r, p, NAME)?;
        let mut wrapped = hex_field(&slot.key, "slot key")?;
        wrapped.extend_from_slice(&hex_field(&kp.tag, "slot tag")?);
        if let Ok(master) =
            crypto::gcm_decrypt(&kek, &hex_field(&kp.nonce, "slot nonce")?, &wrapped, b"")
        {
            if master.len() != 32 {
                return Err(FormatError::corrupt(NAME, "the master key is not 256 bits"));
            }
            let mut key = Zeroizing::new([0u8; 32]);
            key.copy_from_slice(&master);
            return Ok(key);
        }
    }
    if password_slots.is_empty() {
        return Err(FormatError::Unsupported(
            "this Aegis vault has no password slot (biometric unlock only)".into(),
        ));
    }
    if password_slots.len() > tried.len() {
        return Err(FormatError::Unsupported(format!(
            "the password opens none of the first {MAX_PASSWORD_SLOTS} of this Aegis vault's \
             {} password slots; no more are tried",
            password_slots.len()
        )));
    }
    Err(FormatError::WrongPassword)
}

/// Turns vault content into entries (shared with the exporter's tests).
pub(crate) fn parse_content(content: AegisContent) -> Parsed {
    let mut out = Parsed::default();
    for e in content.entries {
        let issuer = e.issuer.clone().unwrap_or_default();
        let name = e.name.clone().unwrap_or_default();
        let label = || util::label(&issuer, &name);
        let item = (|| {
            let kind = OtpType::parse(&e.kind)?;
            if kind == OtpType::Hotp && e.info.counter.is_none() {
                return Err(apiq_otp::OtpError::MissingCounter.into());
            }
            let mut f = Fields::new(kind, issuer.clone(), name.clone());
            f.algorithm = util::parse_algorithm(e.info.algo.as_deref())?;
            f.digits = e.info.digits;
            f.period = e.info.period;
            f.counter = e.info.counter;
            f.build(apiq_otp::Secret::from_base32(&e.info.secret))
        })()
        .map(|entry| {
            let mut groups: Vec<String> = e
                .groups
                .iter()
                .filter_map(|id| content.groups.iter().find(|g| &g.uuid == id))
                .map(|g| g.name.clone())
                .collect();
            if let Some(g) = e.group.as_ref().filter(|g| !g.is_empty()) {
                groups.push(g.clone());
            }
            let icon = e
                .icon
                .as_deref()
                .and_then(util::base64_decode)
                .map(|data| Icon {
                    mime: e.icon_mime.clone().unwrap_or_else(|| "image/jpeg".into()),
                    data: data.to_vec(),
                });
            Imported {
                entry,
                note: e.note.clone().unwrap_or_default(),
                groups,
                favorite: e.favorite,
                icon,
            }
        });
        out.push(label, item);
    }
    out
}
