//! The byte layout of a vault file (format version 1), read and written
//! without any I/O or cryptography: `FORMAT.md` beside the crate is the
//! prose version of this module.
//!
//! ```text
//! magic "APIQVLT\0" | version u16 | header length u32 | vault id [16] |
//! generation u64 | slot count u8 | slots… | content nonce [24] |
//! ciphertext (content + 16-byte tag) | CRC-32 of everything before it
//! ```
//!
//! All integers are little-endian. Everything from the magic to the content
//! nonce is the *header*; it is the associated data of the content's
//! XChaCha20-Poly1305 seal, so no header byte (slots and generation included)
//! can change without the content failing to open. The trailing CRC-32 is not
//! a security measure: it tells a damaged file (a flipped bit, a truncated
//! copy) from a wrong password before any key derivation runs.
//!
//! [`parse`] never panics and never allocates more than the input's size;
//! it is the fuzz target's entry point.

use crate::keyring_slot::KeyringBackend;

/// The first 8 bytes of every vault file.
pub const MAGIC: [u8; 8] = *b"APIQVLT\0";
/// The format version this code writes; it reads this one and
/// [`OLDEST_VERSION`]. Version 2 may hold content version 2 (sync stamps);
/// the layout is the same.
pub const VERSION: u16 = 2;
/// The oldest format version still read.
pub const OLDEST_VERSION: u16 = 1;
/// The version bound into key-slot wraps: slots written under version 1
/// stay valid in version 2 files.
const WRAP_VERSION: u16 = 1;
/// Most key slots a file may hold.
pub const MAX_SLOTS: usize = 8;
/// Size of the wrapped data key: 32 bytes plus the Poly1305 tag.
pub const WRAPPED_LEN: usize = 48;
/// Size of an XChaCha20 nonce.
pub const NONCE_LEN: usize = 24;
/// Size of the Argon2 salt in a password slot.
pub const SALT_LEN: usize = 16;
/// The vault's random identifier (also the OS keyring's user name for it).
pub const ID_LEN: usize = 16;
const TAG_LEN: usize = 16;
const CRC_LEN: usize = 4;
const PREFIX_LEN: usize = 8 + 2 + 4;

/// Argon2id cost parameters as stored in a password slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// A password slot: the data key wrapped under Argon2id(password, salt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordSlot {
    pub kdf: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub nonce: [u8; NONCE_LEN],
    pub wrapped: [u8; WRAPPED_LEN],
}

/// An OS keyring slot: the data key wrapped under a random key-encryption
/// key that lives in the OS keyring (service `apiq-authenticator`, user =
/// the vault id in hex), in the store named by `backend`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringSlot {
    pub backend: KeyringBackend,
    pub nonce: [u8; NONCE_LEN],
    pub wrapped: [u8; WRAPPED_LEN],
}

/// One way to unwrap the data key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Password(PasswordSlot),
    Keyring(KeyringSlot),
}

const SLOT_PASSWORD: u8 = 1;
const SLOT_KEYRING: u8 = 2;
const PASSWORD_PARAMS_LEN: usize = 12 + SALT_LEN;
const PASSWORD_BODY_LEN: usize = PASSWORD_PARAMS_LEN + NONCE_LEN + WRAPPED_LEN;
const KEYRING_PARAMS_LEN: usize = 1;
const KEYRING_BODY_LEN: usize = KEYRING_PARAMS_LEN + NONCE_LEN + WRAPPED_LEN;

impl Slot {
    fn kind(&self) -> u8 {
        match self {
            Slot::Password(_) => SLOT_PASSWORD,
            Slot::Keyring(_) => SLOT_KEYRING,
        }
    }

    /// The slot's parameters (everything but nonce and wrapped key).
    fn params(&self) -> Vec<u8> {
        match self {
            Slot::Password(s) => {
                let mut v = Vec::with_capacity(PASSWORD_PARAMS_LEN);
                v.extend_from_slice(&s.kdf.m_kib.to_le_bytes());
                v.extend_from_slice(&s.kdf.t.to_le_bytes());
                v.extend_from_slice(&s.kdf.p.to_le_bytes());
                v.extend_from_slice(&s.salt);
                v
            }
            Slot::Keyring(s) => vec![s.backend.to_byte()],
        }
    }

    /// The associated data of this slot's key wrap: it binds the wrapped key
    /// to this vault, this kind of slot and these parameters.
    pub fn wrap_aad(&self, vault_id: &[u8; ID_LEN]) -> Vec<u8> {
        let mut aad = Vec::with_capacity(8 + 2 + ID_LEN + 1 + PASSWORD_PARAMS_LEN);
        aad.extend_from_slice(&MAGIC);
        aad.extend_from_slice(&WRAP_VERSION.to_le_bytes());
        aad.extend_from_slice(vault_id);
        aad.push(self.kind());
        aad.extend_from_slice(&self.params());
        aad
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let (nonce, wrapped) = match self {
            Slot::Password(s) => (&s.nonce, &s.wrapped),
            Slot::Keyring(s) => (&s.nonce, &s.wrapped),
        };
        let params = self.params();
        out.push(self.kind());
        let len = (params.len() + NONCE_LEN + WRAPPED_LEN) as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&params);
        out.extend_from_slice(nonce);
        out.extend_from_slice(wrapped);
    }
}

/// Everything before the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub vault_id: [u8; ID_LEN],
    /// Incremented on every save: how many times this vault was written.
    pub generation: u64,
    pub slots: Vec<Slot>,
    /// The content's nonce: fresh on every save, so it also names the save.
    pub nonce: [u8; NONCE_LEN],
}

impl Header {
    /// The header's bytes: magic to content nonce, the content's
    /// associated data.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(64 + self.slots.len() * 110);
        body.extend_from_slice(&self.vault_id);
        body.extend_from_slice(&self.generation.to_le_bytes());
        body.push(self.slots.len() as u8);
        for s in &self.slots {
            s.encode(&mut body);
        }
        body.extend_from_slice(&self.nonce);
        let mut out = Vec::with_capacity(PREFIX_LEN + body.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }
}

/// Why bytes are not a readable vault file. Reasons are fixed texts: no
/// file content is ever echoed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Not a vault or damaged beyond the checksum: the reason says which.
    Damaged(&'static str),
    /// A well-formed file of a later format version.
    UnsupportedVersion(u16),
}

/// A parsed file: its header, the header's bytes (associated data) and the
/// ciphertext (content plus tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile<'a> {
    pub header: Header,
    pub aad: &'a [u8],
    pub ciphertext: &'a [u8],
}

/// Appends the trailing checksum to a file body (header + ciphertext).
pub fn append_crc(file: &mut Vec<u8>) {
    let crc = crc32fast::hash(file);
    file.extend_from_slice(&crc.to_le_bytes());
}

/// Reads a vault file's structure. Checks, in order: the magic, the
/// checksum, the version, then every length; never panics.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile<'_>, FormatError> {
    use FormatError::Damaged;
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(Damaged("it does not start like an Apiq vault file"));
    }
    if bytes.len() < PREFIX_LEN + CRC_LEN {
        return Err(Damaged("the file is truncated"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - CRC_LEN);
    let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32fast::hash(body) != stored {
        return Err(Damaged(
            "its checksum does not match: bytes were changed or lost",
        ));
    }
    let mut r = Reader {
        bytes: body,
        pos: MAGIC.len(),
    };
    let version = r.u16()?;
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(FormatError::UnsupportedVersion(version));
    }
    let header_len = r.u32()? as usize;
    let header_end = PREFIX_LEN
        .checked_add(header_len)
        .filter(|&end| end <= body.len())
        .ok_or(Damaged("the header length is out of range"))?;
    let vault_id = r.array::<ID_LEN>()?;
    let generation = r.u64()?;
    let count = r.u8()? as usize;
    if count == 0 || count > MAX_SLOTS {
        return Err(Damaged("the number of key slots is out of range"));
    }
    let mut slots = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = r.u8()?;
        let len = r.u16()? as usize;
        let slot_start = r.pos;
        let slot = match (kind, len) {
            (SLOT_PASSWORD, PASSWORD_BODY_LEN) => Slot::Password(PasswordSlot {
                kdf: KdfParams {
                    m_kib: r.u32()?,
                    t: r.u32()?,
                    p: r.u32()?,
                },
                salt: r.array()?,
                nonce: r.array()?,
                wrapped: r.array()?,
            }),
            (SLOT_KEYRING, KEYRING_BODY_LEN) => Slot::Keyring(KeyringSlot {
                backend: KeyringBackend::from_byte(r.u8()?)
                    .ok_or(Damaged("a keyring slot names an unknown keyring"))?,
                nonce: r.array()?,
                wrapped: r.array()?,
            }),
            (SLOT_PASSWORD | SLOT_KEYRING, _) => {
                return Err(Damaged("a key slot has the wrong length"))
            }
            _ => return Err(Damaged("a key slot has an unknown kind")),
        };
        debug_assert_eq!(r.pos - slot_start, len);
        slots.push(slot);
    }
    let nonce = r.array::<NONCE_LEN>()?;
    if r.pos != header_end {
        return Err(Damaged("the header length does not match its content"));
    }
    let ciphertext = &body[header_end..];
    if ciphertext.len() < TAG_LEN {
        return Err(Damaged("the encrypted content is truncated"));
    }
    Ok(ParsedFile {
        header: Header {
            vault_id,
            generation,
            slots,
            nonce,
        },
        aad: &body[..header_end],
        ciphertext,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], FormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(FormatError::Damaged("the header is truncated"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            vault_id: [7; ID_LEN],
            generation: 42,
            slots: vec![
                Slot::Password(PasswordSlot {
                    kdf: KdfParams {
                        m_kib: 19456,
                        t: 2,
                        p: 1,
                    },
                    salt: [1; SALT_LEN],
                    nonce: [2; NONCE_LEN],
                    wrapped: [3; WRAPPED_LEN],
                }),
                Slot::Keyring(KeyringSlot {
                    backend: KeyringBackend::KernelKeyutils,
                    nonce: [4; NONCE_LEN],
                    wrapped: [5; WRAPPED_LEN],
                }),
            ],
            nonce: [9; NONCE_LEN],
        }
    }

    fn file(h: &Header, ciphertext: &[u8]) -> Vec<u8> {
        let mut f = h.encode();
        f.extend_from_slice(ciphertext);
        append_crc(&mut f);
        f
    }

    #[test]
    fn round_trip() {
        let h = header();
        let f = file(&h, &[0xAA; 40]);
        let p = parse(&f).unwrap();
        assert_eq!(p.header, h);
        assert_eq!(p.ciphertext, &[0xAA; 40]);
        assert_eq!(p.aad, &h.encode()[..]);
    }

    #[test]
    fn every_flipped_byte_and_every_truncation_is_refused() {
        let f = file(&header(), &[0xAA; 40]);
        for i in 0..f.len() {
            let mut g = f.clone();
            g[i] ^= 0x10;
            assert!(parse(&g).is_err(), "flip at {i} accepted");
        }
        for n in 0..f.len() {
            assert!(parse(&f[..n]).is_err(), "truncation to {n} accepted");
        }
    }

    #[test]
    fn a_later_version_is_named() {
        let mut f = header().encode();
        f[8] = 3;
        f.extend_from_slice(&[0; 16]);
        append_crc(&mut f);
        assert_eq!(parse(&f), Err(FormatError::UnsupportedVersion(3)));
        f[8] = 0;
        let n = f.len() - 4;
        f.truncate(n);
        append_crc(&mut f);
        assert_eq!(parse(&f), Err(FormatError::UnsupportedVersion(0)));
    }

    #[test]
    fn structural_lies_behind_a_valid_checksum_are_refused() {
        let h = header();
        // Header length pointing past the end, slot count 0 and 200, unknown slot kind.
        for (offset, value) in [(10usize, 0xFFu8), (38, 0), (38, 200), (39, 9)] {
            let mut f = h.encode();
            f[offset] = value;
            f.extend_from_slice(&[0; 20]);
            append_crc(&mut f);
            assert!(
                matches!(parse(&f), Err(FormatError::Damaged(_))),
                "offset {offset}"
            );
        }
    }
}
