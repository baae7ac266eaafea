//! What the vault holds ([`VaultEntry`]) and its plaintext encoding.
//!
//! The plaintext is postcard (a compact, non-self-describing serde format)
//! of `{content version u16, entries}`: chosen after measuring the decode of
//! 10,000 entries (see `FORMAT.md`). Because postcard has no field names, the
//! field order of [`StoredRef`]/[`Stored`] *is* the format: a change is a new
//! content version with a conversion, never an edit.
//!
//! Secrets are serialized from borrowed bytes into a buffer that is wiped
//! when dropped and that never reallocates (see [`ZeroizingFlavor`]), and
//! decoded secret bytes move into [`apiq_otp::Secret`] without a copy.

use std::fmt;

use apiq_otp::{Algorithm, Entry, Kind, Secret};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::recovery::{CodeText, RecoveryCode, RecoveryCodes};

/// The version of the plaintext layout this code writes: 2 adds the sync
/// section after the entries (`FORMAT.md`); version 1 is still read.
pub const CONTENT_VERSION: u16 = 2;

/// An entry's random, stable identifier (128 bits, shown as 32 hex digits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub [u8; 16]);

impl EntryId {
    /// A fresh random id.
    pub fn random() -> Self {
        EntryId(crate::crypto::random_bytes())
    }

    /// Parses 32 hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        let mut id = [0u8; 16];
        hex::decode_to_slice(text.trim(), &mut id).ok()?;
        Some(EntryId(id))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for VaultEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultEntry")
            .field("id", &self.id)
            .field("otp", &self.otp)
            .field("note_chars", &self.note.chars().count())
            .field("groups", &self.groups.len())
            .field("favorite", &self.favorite)
            .field("pinned", &self.pinned)
            .field("icon", &self.icon.is_some())
            .field("created", &self.created)
            .field("updated", &self.updated)
            .field("archived", &self.archived)
            .field("recovery", &self.recovery)
            .finish()
    }
}

impl fmt::Debug for NewEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewEntry")
            .field("otp", &self.otp)
            .field("note_chars", &self.note.chars().count())
            .field("groups", &self.groups.len())
            .field("favorite", &self.favorite)
            .field("pinned", &self.pinned)
            .field("icon", &self.icon.is_some())
            .field("archived", &self.archived)
            .field("recovery", &self.recovery)
            .finish()
    }
}

impl fmt::Debug for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryId({})", self.to_hex())
    }
}

/// One account in the vault: the OTP entry and everything the user keeps
/// with it. `Debug` names no account: the entry's own `Debug` hides issuer,
/// name and secret, and the note and groups are shown by their sizes only.
#[derive(Clone, PartialEq, Eq)]
pub struct VaultEntry {
    pub id: EntryId,
    pub otp: Entry,
    pub note: String,
    pub groups: Vec<String>,
    pub favorite: bool,
    pub pinned: bool,
    /// The entry's own icon as a `data:` URL (a small PNG, an SVG, or another
    /// app's icon fields kept for re-export): see `apiq_app::icon`.
    pub icon: Option<String>,
    /// Unix seconds.
    pub created: u64,
    /// Unix seconds of the last change.
    pub updated: u64,
    /// Kept but out of the way (e.g. the account turned two-factor off).
    pub archived: bool,
    pub recovery: RecoveryCodes,
}

/// What a new entry starts with; the vault adds the id and the times.
/// `Debug` is as private as [`VaultEntry`]'s.
#[derive(Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub otp: Entry,
    pub note: String,
    pub groups: Vec<String>,
    pub favorite: bool,
    pub pinned: bool,
    pub icon: Option<String>,
    pub archived: bool,
    /// Recovery codes it arrives with (e.g. from another Apiq vault).
    pub recovery: RecoveryCodes,
}

impl From<Entry> for NewEntry {
    fn from(otp: Entry) -> Self {
        NewEntry {
            otp,
            note: String::new(),
            groups: Vec::new(),
            favorite: false,
            pinned: false,
            icon: None,
            archived: false,
            recovery: RecoveryCodes::default(),
        }
    }
}

impl From<VaultEntry> for NewEntry {
    /// Everything but the id and the times (what copying an entry into
    /// another vault keeps).
    fn from(e: VaultEntry) -> Self {
        NewEntry {
            otp: e.otp,
            note: e.note,
            groups: e.groups,
            favorite: e.favorite,
            pinned: e.pinned,
            icon: e.icon,
            archived: e.archived,
            recovery: e.recovery,
        }
    }
}

impl VaultEntry {
    pub(crate) fn from_new(new: NewEntry, now: u64) -> Self {
        VaultEntry {
            id: EntryId::random(),
            otp: new.otp,
            note: new.note,
            groups: new.groups,
            favorite: new.favorite,
            pinned: new.pinned,
            icon: new.icon,
            created: now,
            updated: now,
            archived: new.archived,
            recovery: new.recovery,
        }
    }

    /// `Issuer (name)`, or the name alone.
    pub fn label(&self) -> String {
        if self.otp.issuer.is_empty() {
            self.otp.name.clone()
        } else {
            format!("{} ({})", self.otp.issuer, self.otp.name)
        }
    }
}

// ---- encoding ----

#[derive(Serialize)]
struct ContentRef<'a> {
    version: u16,
    entries: Vec<StoredRef<'a>>,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    id: [u8; 16],
    kind: u8,
    period: u32,
    counter: u64,
    algorithm: u8,
    digits: u8,
    secret: &'a [u8],
    issuer: &'a str,
    name: &'a str,
    note: &'a str,
    groups: &'a [String],
    favorite: bool,
    pinned: bool,
    icon: Option<&'a str>,
    created: u64,
    updated: u64,
    archived: bool,
    recovery: Vec<CodeRef<'a>>,
}

#[derive(Serialize)]
struct CodeRef<'a> {
    code: &'a str,
    added: u64,
    used_at: Option<u64>,
}

#[derive(Deserialize)]
struct Content {
    version: u16,
    entries: Vec<Stored>,
}

#[derive(Deserialize)]
struct Stored {
    id: [u8; 16],
    kind: u8,
    period: u32,
    counter: u64,
    algorithm: u8,
    digits: u8,
    secret: Vec<u8>,
    issuer: String,
    name: String,
    note: String,
    groups: Vec<String>,
    favorite: bool,
    pinned: bool,
    icon: Option<String>,
    created: u64,
    updated: u64,
    archived: bool,
    recovery: Vec<StoredCode>,
}

#[derive(Deserialize)]
struct StoredCode {
    code: String,
    added: u64,
    used_at: Option<u64>,
}

impl Drop for Stored {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl Drop for StoredCode {
    fn drop(&mut self) {
        self.code.zeroize();
    }
}

const KIND_TOTP: u8 = 0;
const KIND_HOTP: u8 = 1;
const KIND_STEAM: u8 = 2;

fn algorithm_byte(a: Algorithm) -> u8 {
    match a {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    }
}

/// A serde output that writes into memory that is wiped on drop and that
/// grows by copying into a new wiped buffer, so no plaintext is left behind
/// in freed memory.
struct ZeroizingFlavor(Zeroizing<Vec<u8>>);

impl ZeroizingFlavor {
    fn reserve(&mut self, extra: usize) {
        let needed = self.0.len() + extra;
        if needed > self.0.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(needed.max(self.0.capacity() * 2)));
            bigger.extend_from_slice(&self.0);
            self.0 = bigger; // the old buffer is wiped as it drops
        }
    }
}

impl postcard::ser_flavors::Flavor for ZeroizingFlavor {
    type Output = Zeroizing<Vec<u8>>;
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.reserve(1);
        self.0.push(data);
        Ok(())
    }
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.reserve(data.len());
        self.0.extend_from_slice(data);
        Ok(())
    }
    fn finalize(self) -> postcard::Result<Self::Output> {
        Ok(self.0)
    }
}

/// Encodes the entries (content version [`CONTENT_VERSION`]) followed by
/// `trailer` (the sync section, which holds no secret); `spare` bytes of
/// capacity are left at the end (for the AEAD tag, so sealing in place
/// does not reallocate).
pub(crate) fn encode<'a>(
    entries: impl Iterator<Item = &'a VaultEntry> + Clone,
    trailer: &[u8],
    spare: usize,
) -> Zeroizing<Vec<u8>> {
    let stored: Vec<StoredRef> = entries
        .clone()
        .map(|e| {
            let kind = e.otp.kind();
            let (kind_byte, period, counter) = match kind {
                Kind::Totp { period } => (KIND_TOTP, period, 0),
                Kind::Hotp { counter } => (KIND_HOTP, 0, counter),
                Kind::Steam { period } => (KIND_STEAM, period, 0),
            };
            StoredRef {
                id: e.id.0,
                kind: kind_byte,
                period,
                counter,
                algorithm: algorithm_byte(e.otp.algorithm()),
                digits: e.otp.digits(),
                secret: e.otp.secret().expose(),
                issuer: &e.otp.issuer,
                name: &e.otp.name,
                note: &e.note,
                groups: &e.groups,
                favorite: e.favorite,
                pinned: e.pinned,
                icon: e.icon.as_deref(),
                created: e.created,
                updated: e.updated,
                archived: e.archived,
                recovery: e
                    .recovery
                    .codes
                    .iter()
                    .map(|c| CodeRef {
                        code: c.code.expose(),
                        added: c.added,
                        used_at: c.used_at,
                    })
                    .collect(),
            }
        })
        .collect();
    // A close first guess of the size, so the buffer rarely grows.
    let guess: usize = entries
        .map(|e| {
            64 + e.otp.issuer.len() + e.otp.name.len() + e.note.len() + e.recovery.codes.len() * 24
        })
        .sum();
    let flavor = ZeroizingFlavor(Zeroizing::new(Vec::with_capacity(
        guess + trailer.len() + spare + 16,
    )));
    let mut out = postcard::serialize_with_flavor(
        &ContentRef {
            version: CONTENT_VERSION,
            entries: stored,
        },
        flavor,
    )
    .expect("serializing into memory cannot fail");
    if out.capacity() - out.len() < spare + trailer.len() {
        let mut f = ZeroizingFlavor(out);
        f.reserve(spare + trailer.len());
        out = f.0;
    }
    out.extend_from_slice(trailer);
    out
}

/// Decodes content: the entries, the content version and the bytes after
/// them (the sync section of version 2, empty for version 1). Errors are
/// fixed texts.
pub(crate) fn decode(plain: &[u8]) -> Result<(Vec<VaultEntry>, u16, &[u8]), &'static str> {
    let (content, rest): (Content, &[u8]) =
        postcard::take_from_bytes(plain).map_err(|_| "the decrypted content does not decode")?;
    match content.version {
        1 if rest.is_empty() => {}
        1 => return Err("the decrypted content does not decode"),
        CONTENT_VERSION => {}
        _ => return Err("the content version is unknown"),
    }
    let version = content.version;
    let mut out = Vec::with_capacity(content.entries.len());
    for mut s in content.entries {
        let kind = match s.kind {
            KIND_TOTP => Kind::Totp { period: s.period },
            KIND_HOTP => Kind::Hotp { counter: s.counter },
            KIND_STEAM => Kind::Steam { period: s.period },
            _ => return Err("an entry has an unknown type"),
        };
        let algorithm = match s.algorithm {
            0 => Algorithm::Sha1,
            1 => Algorithm::Sha256,
            2 => Algorithm::Sha512,
            _ => return Err("an entry has an unknown algorithm"),
        };
        let secret = Secret::from_bytes(std::mem::take(&mut s.secret))
            .map_err(|_| "an entry has an empty secret")?;
        let otp = Entry::new(
            kind,
            std::mem::take(&mut s.issuer),
            std::mem::take(&mut s.name),
            secret,
            algorithm,
            s.digits,
        )
        .map_err(|_| "an entry has invalid parameters")?;
        let recovery = RecoveryCodes {
            codes: s
                .recovery
                .iter_mut()
                .map(|c| RecoveryCode {
                    code: CodeText::new(std::mem::take(&mut c.code)),
                    added: c.added,
                    used_at: c.used_at,
                })
                .collect(),
        };
        out.push(VaultEntry {
            id: EntryId(s.id),
            otp,
            note: std::mem::take(&mut s.note),
            groups: std::mem::take(&mut s.groups),
            favorite: s.favorite,
            pinned: s.pinned,
            icon: s.icon.take(),
            created: s.created,
            updated: s.updated,
            archived: s.archived,
            recovery,
        });
    }
    Ok((out, version, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_names_no_account_note_group_or_code() {
        let mut e = sample().remove(0);
        e.note = "private memo".into();
        e.groups = vec!["team-zeta".into(), "family-x".into()];
        let e = &e;
        let new = NewEntry {
            note: e.note.clone(),
            groups: e.groups.clone(),
            ..NewEntry::from(e.otp.clone())
        };
        for text in [format!("{e:?}"), format!("{e:#?}"), format!("{new:?}")] {
            for secret in [
                "GitHub",
                "me@example.com",
                "private memo",
                "team-zeta",
                "family-x",
                "github",
                "JBSWY3DPEHPK3PXP",
                "aaaa",
                "bbbb",
            ] {
                assert!(!text.contains(secret), "{secret:?} in {text}");
            }
        }
        assert!(format!("{e:?}").contains("groups: 2"));
    }

    fn sample() -> Vec<VaultEntry> {
        let mut a = VaultEntry::from_new(
            NewEntry {
                note: "note".into(),
                groups: vec!["work".into(), "mail".into()],
                favorite: true,
                icon: Some("github".into()),
                ..Entry::totp(
                    "GitHub",
                    "me@example.com",
                    Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
                    Algorithm::Sha256,
                    8,
                    60,
                )
                .unwrap()
                .into()
            },
            100,
        );
        a.recovery.add(["aaaa-1111", "bbbb-2222"], 101);
        a.recovery.use_code("aaaa1111", 102).unwrap();
        a.archived = true;
        let b = VaultEntry::from_new(
            Entry::new(
                Kind::Hotp { counter: 7 },
                "",
                "x",
                Secret::from_bytes(vec![1, 2, 3]).unwrap(),
                Algorithm::Sha512,
                6,
            )
            .unwrap()
            .into(),
            200,
        );
        let c = VaultEntry::from_new(
            Entry::new(
                Kind::Steam { period: 30 },
                "Steam",
                "y",
                Secret::from_bytes(vec![9; 20]).unwrap(),
                Algorithm::Sha1,
                5,
            )
            .unwrap()
            .into(),
            300,
        );
        vec![a, b, c]
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let entries = sample();
        let bytes = encode(entries.iter(), b"tail", 16);
        assert!(bytes.capacity() - bytes.len() >= 16);
        let (back, version, rest) = decode(&bytes).unwrap();
        assert_eq!(back, entries);
        assert_eq!((version, rest), (CONTENT_VERSION, &b"tail"[..]));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let bytes = encode(sample().iter(), &[], 0);
        for n in 0..bytes.len() {
            let _ = decode(&bytes[..n]);
        }
        assert!(decode(&[]).is_err());
        assert!(decode(&[3, 0]).is_err());
    }

    #[test]
    fn ids_parse_back() {
        let id = EntryId::random();
        assert_eq!(EntryId::parse(&id.to_hex()), Some(id));
        assert_eq!(EntryId::parse("zz"), None);
    }
}
