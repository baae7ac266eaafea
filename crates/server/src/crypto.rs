//! The server key and everything derived from randomness.
//!
//! - The **server key** (32 random bytes) lives outside the database: a key
//!   file (mode 0600, created atomically beside the database by default) or
//!   bytes the embedding app holds (for example in the OS keyring). Two
//!   subkeys are derived from it with HMAC-SHA-256: one seals values with
//!   XChaCha20-Poly1305 (random 24-byte nonce; the purpose and the user id
//!   are the associated data, so a sealed value cannot be moved to another
//!   column or account), the other keys the lookup hash of recovery codes.
//! - **Sessions** are 256-bit random values (base64url); only their SHA-256
//!   is stored.
//! - **Personal access tokens** are `apq_` + 30 base62 characters + a
//!   6-character base62 CRC32 of those 30, so a mistyped or truncated token
//!   is refused before any database lookup (GitHub's scheme).
//! - **Recovery codes** are 10 base32 characters (50 bits) shown as
//!   `xxxxx-xxxxx`.

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{ServerError, StoreError};

/// Where the server key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// A 32-byte key file, created (mode 0600) when missing.
    File(PathBuf),
    /// Key bytes held by the caller (e.g. read from the OS keyring).
    Bytes(Zeroizing<[u8; 32]>),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::File(p) => f.debug_tuple("File").field(p).finish(),
            KeySource::Bytes(_) => f.write_str("Bytes(***)"),
        }
    }
}

impl KeySource {
    /// The default key file for a database: `<db>.key` beside it.
    pub fn beside(db: &Path) -> Self {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push(".key");
        KeySource::File(db.with_file_name(name))
    }
}

/// The subkeys derived from the server key.
pub struct ServerKey {
    seal: XChaCha20Poly1305,
    lookup: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl ServerKey {
    pub fn load(source: &KeySource) -> Result<Self, ServerError> {
        match source {
            KeySource::Bytes(b) => Ok(Self::from_master(b)),
            KeySource::File(path) => {
                let master = load_or_create_key_file(path)?;
                Ok(Self::from_master(&master))
            }
        }
    }

    pub fn from_master(master: &[u8; 32]) -> Self {
        let seal = Zeroizing::new(hmac(master, &[b"apiq-server seal v1"]));
        let lookup = Zeroizing::new(hmac(master, &[b"apiq-server lookup v1"]));
        ServerKey {
            seal: XChaCha20Poly1305::new(seal.as_ref().into()),
            lookup,
        }
    }

    /// Encrypts `plaintext` for `purpose` of user `uid`: nonce ‖ ciphertext.
    pub fn seal(&self, purpose: &str, uid: i64, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = aad(purpose, uid);
        let ct = self
            .seal
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption of a small buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        out
    }

    pub fn open(
        &self,
        purpose: &str,
        uid: i64,
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        if blob.len() < 24 {
            return Err(StoreError::Unseal);
        }
        let (nonce, ct) = blob.split_at(24);
        let aad = aad(purpose, uid);
        self.seal
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map(Zeroizing::new)
            .map_err(|_| StoreError::Unseal)
    }

    /// The keyed hash under which failures against a login without an
    /// account are counted (the login itself is never stored for them).
    /// The tag keeps it apart from recovery-code lookups under the same key.
    pub fn login_lookup(&self, login: &str) -> [u8; 32] {
        hmac(
            self.lookup.as_ref(),
            &[b"unknown-login v1\0", login.as_bytes()],
        )
    }

    /// The keyed lookup hash of a normalized recovery code of user `uid`.
    pub fn lookup(&self, uid: i64, code: &str) -> [u8; 32] {
        hmac(self.lookup.as_ref(), &[&uid.to_be_bytes(), code.as_bytes()])
    }
}

fn aad(purpose: &str, uid: i64) -> Vec<u8> {
    let mut a = purpose.as_bytes().to_vec();
    a.push(0);
    a.extend_from_slice(&uid.to_be_bytes());
    a
}

fn load_or_create_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>, ServerError> {
    let err = |message: String| ServerError::Key {
        path: path.display().to_string(),
        message,
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(path)
                    .map_err(|e| err(e.to_string()))?
                    .permissions()
                    .mode();
                if mode & 0o077 != 0 {
                    return Err(err(format!(
                        "mode {:o} lets others read it; chmod 600 it",
                        mode & 0o777
                    )));
                }
            }
            let bytes = Zeroizing::new(bytes);
            let key: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| err(format!("expected 32 bytes, found {}", bytes.len())))?;
            Ok(Zeroizing::new(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = Zeroizing::new([0u8; 32]);
            rand::thread_rng().fill_bytes(key.as_mut());
            write_new_private(path, key.as_ref()).map_err(|e| err(e.to_string()))?;
            // Another process may have won the race: read back what is there.
            load_or_create_key_file(path)
        }
        Err(e) => Err(err(e.to_string())),
    }
}

/// Writes a new file with mode 0600 atomically: a temporary in the same
/// folder, fsynced, hard-linked to `path` (which fails if it exists, so a
/// racing writer never overwrites a key), the folder fsynced.
fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A missing folder is made owner-only (the database goes there too).
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(&dir)?;
    }
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        rand::thread_rng().gen::<u32>()
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// A new session value: 32 random bytes, base64url without padding.
pub fn new_session_value() -> Zeroizing<String> {
    use base64::Engine;
    let mut b = Zeroizing::new([0u8; 32]);
    rand::thread_rng().fill_bytes(b.as_mut());
    Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b.as_ref()))
}

/// A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation).
pub fn new_totp_secret() -> Zeroizing<Vec<u8>> {
    let mut b = Zeroizing::new(vec![0u8; 20]);
    rand::thread_rng().fill_bytes(b.as_mut());
    b
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The prefix of every personal access token.
pub const TOKEN_PREFIX: &str = "apq_";
const TOKEN_BODY: usize = 30;
const TOKEN_CHECK: usize = 6;
/// Length of a personal access token.
pub const TOKEN_LEN: usize = TOKEN_PREFIX.len() + TOKEN_BODY + TOKEN_CHECK;

fn checksum(body: &str) -> String {
    let mut n = crc32fast::hash(body.as_bytes());
    let mut out = [b'0'; TOKEN_CHECK];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out.to_vec()).expect("base62 is ASCII")
}

/// A new personal access token value.
pub fn new_token_value() -> Zeroizing<String> {
    let mut rng = rand::thread_rng();
    let body: String = (0..TOKEN_BODY)
        .map(|_| BASE62[rng.gen_range(0..62)] as char)
        .collect();
    let check = checksum(&body);
    Zeroizing::new(format!("{TOKEN_PREFIX}{body}{check}"))
}

/// Whether `value` has a token's shape and a matching checksum.
pub fn token_well_formed(value: &str) -> bool {
    let Some(rest) = value.strip_prefix(TOKEN_PREFIX) else {
        return false;
    };
    if value.len() != TOKEN_LEN || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (body, check) = rest.split_at(TOKEN_BODY);
    checksum(body) == check
}

const BASE32_LOWER: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A new recovery code, normalized form (10 base32 characters).
pub fn new_recovery_code() -> Zeroizing<String> {
    let mut rng = rand::thread_rng();
    Zeroizing::new(
        (0..10)
            .map(|_| BASE32_LOWER[rng.gen_range(0..32)] as char)
            .collect(),
    )
}

/// Display form `xxxxx-xxxxx` of a normalized recovery code.
pub fn display_recovery_code(normalized: &str) -> String {
    if normalized.len() == 10 && normalized.is_ascii() {
        format!("{}-{}", &normalized[..5], &normalized[5..])
    } else {
        normalized.to_string()
    }
}

/// What a submitted 2FA code is, once dashes, spaces and case are ignored.
#[derive(PartialEq, Eq)]
pub enum CodeShape {
    Totp(Zeroizing<String>),
    Recovery(Zeroizing<String>),
    Malformed,
}

pub fn classify_code(input: &str) -> CodeShape {
    let norm: Zeroizing<String> = Zeroizing::new(
        input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t'))
            .flat_map(char::to_lowercase)
            .collect(),
    );
    if norm.len() == 6 && norm.bytes().all(|b| b.is_ascii_digit()) {
        CodeShape::Totp(norm)
    } else if norm.len() == 10 && norm.bytes().all(|b| BASE32_LOWER.contains(&b)) {
        CodeShape::Recovery(norm)
    } else {
        CodeShape::Malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_a_checksum() {
        for _ in 0..50 {
            let t = new_token_value();
            assert_eq!(t.len(), TOKEN_LEN);
            assert!(token_well_formed(&t));
            // Change one body character: the checksum no longer matches.
            let mut bad: Vec<u8> = t.as_bytes().to_vec();
            bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
            assert!(!token_well_formed(std::str::from_utf8(&bad).unwrap()));
        }
        assert!(!token_well_formed("apq_"));
        assert!(!token_well_formed(
            "apq_ééééééééééééééééééééééééééééééééééé"
        ));
        assert!(!token_well_formed(&"x".repeat(TOKEN_LEN)));
    }

    #[test]
    fn sealing_binds_purpose_and_user() {
        let k = ServerKey::from_master(&[7; 32]);
        let blob = k.seal("totp", 1, b"secret");
        assert_eq!(k.open("totp", 1, &blob).unwrap().as_slice(), b"secret");
        assert!(k.open("totp", 2, &blob).is_err());
        assert!(k.open("recovery", 1, &blob).is_err());
        assert!(ServerKey::from_master(&[8; 32])
            .open("totp", 1, &blob)
            .is_err());
        assert!(k.open("totp", 1, &blob[..10]).is_err());
    }

    #[test]
    fn codes_are_classified() {
        assert!(matches!(classify_code("123456"), CodeShape::Totp(_)));
        assert!(matches!(classify_code("123 456"), CodeShape::Totp(_)));
        assert!(matches!(
            classify_code("ABCDE-FGH23"),
            CodeShape::Recovery(_)
        ));
        for bad in [
            "12345",
            "1234567",
            "１２３４５６",
            "abcdef",
            "",
            "abcde-fgh21",
            "٣٣٣٣٣٣",
        ] {
            assert!(classify_code(bad) == CodeShape::Malformed, "{bad}");
        }
        let c = new_recovery_code();
        assert_eq!(c.len(), 10);
        assert!(
            matches!(classify_code(&display_recovery_code(&c).to_uppercase()), CodeShape::Recovery(n) if *n == *c)
        );
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let src = KeySource::beside(&db);
        let KeySource::File(path) = &src else {
            unreachable!()
        };
        assert_eq!(path.file_name().unwrap(), "a.db.key");
        let k1 = ServerKey::load(&src).unwrap();
        let blob = k1.seal("p", 1, b"x");
        let k2 = ServerKey::load(&src).unwrap();
        assert_eq!(k2.open("p", 1, &blob).unwrap().as_slice(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(ServerKey::load(&src).is_err());
        }
    }
}
