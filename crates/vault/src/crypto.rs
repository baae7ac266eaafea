//! The vault's cryptography, in one place: random keys and nonces,
//! XChaCha20-Poly1305 seals, key wrapping, and Argon2id with its floor and
//! its calibration.
//!
//! Every key lives in a [`Key`] (`Zeroizing<[u8; 32]>`), wiped when dropped.
//! Functions here take and return keys and byte buffers only; they know
//! nothing of files or entries.

use std::time::{Duration, Instant};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::format::{KdfParams, NONCE_LEN, SALT_LEN, WRAPPED_LEN};

/// A 256-bit key, wiped on drop.
pub type Key = Zeroizing<[u8; 32]>;

/// A fresh random key from the OS.
pub fn random_key() -> Key {
    let mut k = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut k[..]);
    k
}

/// Fresh random bytes from the OS (nonces, salts, ids).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    OsRng.fill_bytes(&mut b);
    b
}

fn cipher(key: &Key) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.as_ref().into())
}

/// Encrypts `buf` in place and appends the tag.
pub fn seal(key: &Key, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut Vec<u8>) {
    cipher(key)
        .encrypt_in_place(XNonce::from_slice(nonce), aad, buf)
        .expect("a Vec buffer always has room for the tag");
}

/// Decrypts `buf` (ciphertext + tag) in place; `false` when the key, the
/// associated data or a byte is wrong.
#[must_use]
pub fn open(key: &Key, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut Vec<u8>) -> bool {
    cipher(key)
        .decrypt_in_place(XNonce::from_slice(nonce), aad, buf)
        .is_ok()
}

/// Wraps the data key under a key-encryption key: (nonce, wrapped key).
pub fn wrap(kek: &Key, data_key: &Key, aad: &[u8]) -> ([u8; NONCE_LEN], [u8; WRAPPED_LEN]) {
    let nonce = random_bytes::<NONCE_LEN>();
    let mut buf = Zeroizing::new(Vec::with_capacity(WRAPPED_LEN));
    buf.extend_from_slice(&data_key[..]);
    seal(kek, &nonce, aad, &mut buf);
    let mut wrapped = [0u8; WRAPPED_LEN];
    wrapped.copy_from_slice(&buf);
    (nonce, wrapped)
}

/// Unwraps a data key; `None` when the key-encryption key is wrong or the
/// slot was altered.
pub fn unwrap(
    kek: &Key,
    nonce: &[u8; NONCE_LEN],
    wrapped: &[u8; WRAPPED_LEN],
    aad: &[u8],
) -> Option<Key> {
    let mut buf = Zeroizing::new(wrapped.to_vec());
    if !open(kek, nonce, aad, &mut buf) {
        return None;
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&buf);
    Some(key)
}

impl KdfParams {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane. Vaults are
    /// never created below it (except through [`crate::Kdf::UncheckedForTests`]).
    pub const FLOOR: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };
    /// Most memory calibration will choose (then it adds passes instead).
    pub const MAX_CALIBRATED_M_KIB: u32 = 256 * 1024;
    /// Limits accepted when opening, so that a crafted file cannot ask for
    /// absurd work: 4 GiB, 64 passes, 16 lanes.
    const MAX_M_KIB: u32 = 4 * 1024 * 1024;
    const MAX_T: u32 = 64;
    const MAX_P: u32 = 16;

    /// At or above [`KdfParams::FLOOR`] in memory and passes.
    pub fn meets_floor(&self) -> bool {
        self.m_kib >= Self::FLOOR.m_kib && self.t >= Self::FLOOR.t && self.p >= 1
    }

    fn argon2(&self) -> Option<argon2::Argon2<'static>> {
        if self.m_kib > Self::MAX_M_KIB || self.t > Self::MAX_T || self.p > Self::MAX_P {
            return None;
        }
        let params = argon2::Params::new(self.m_kib, self.t, self.p, Some(32)).ok()?;
        Some(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    /// Argon2id(password, salt) → a key-encryption key; `None` when Argon2
    /// refuses the parameters or they exceed the opening limits (a crafted
    /// or damaged slot).
    pub fn derive(&self, password: &[u8], salt: &[u8; SALT_LEN]) -> Option<Key> {
        let argon = self.argon2()?;
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(password, salt, &mut key[..])
            .ok()?;
        Some(key)
    }

    /// Parameters that make one derivation cost about `target` on this
    /// machine, never below [`KdfParams::FLOOR`]: one timed run at the floor,
    /// then memory scaled up to [`KdfParams::MAX_CALIBRATED_M_KIB`] and passes
    /// after that. (Argon2's cost is close to linear in m × t.)
    pub fn calibrate(target: Duration) -> KdfParams {
        let floor = Self::FLOOR;
        let salt = [0u8; SALT_LEN];
        let start = Instant::now();
        let _ = floor.derive(b"calibration", &salt);
        let spent = start.elapsed().as_secs_f64().max(1e-6);
        let units_floor = f64::from(floor.m_kib) * f64::from(floor.t);
        let budget = units_floor * target.as_secs_f64() / spent;
        let m = (budget / f64::from(floor.t)).clamp(
            f64::from(floor.m_kib),
            f64::from(Self::MAX_CALIBRATED_M_KIB),
        );
        let m_kib = (m as u32) / 1024 * 1024;
        let m_kib = m_kib.max(floor.m_kib);
        let t = ((budget / f64::from(m_kib)).round() as u32).clamp(floor.t, Self::MAX_T);
        KdfParams { m_kib, t, p: 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let key = random_key();
        let nonce = random_bytes();
        let mut buf = b"hello vault".to_vec();
        seal(&key, &nonce, b"aad", &mut buf);
        assert_ne!(&buf[..11], b"hello vault");
        let mut ok = buf.clone();
        assert!(open(&key, &nonce, b"aad", &mut ok));
        assert_eq!(ok, b"hello vault");
        let mut bad_aad = buf.clone();
        assert!(!open(&key, &nonce, b"aaD", &mut bad_aad));
        let mut flipped = buf.clone();
        flipped[3] ^= 1;
        assert!(!open(&key, &nonce, b"aad", &mut flipped));
        assert!(!open(&random_key(), &nonce, b"aad", &mut buf));
    }

    #[test]
    fn wrap_unwrap() {
        let kek = random_key();
        let dk = random_key();
        let (n, w) = wrap(&kek, &dk, b"slot");
        assert_eq!(unwrap(&kek, &n, &w, b"slot").as_deref(), Some(&*dk));
        assert!(unwrap(&random_key(), &n, &w, b"slot").is_none());
        assert!(unwrap(&kek, &n, &w, b"other slot").is_none());
    }

    #[test]
    fn derive_is_deterministic_and_salted() {
        let p = KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let a = p.derive(b"pw", &[1; SALT_LEN]).unwrap();
        assert_eq!(*a, *p.derive(b"pw", &[1; SALT_LEN]).unwrap());
        assert_ne!(*a, *p.derive(b"pw", &[2; SALT_LEN]).unwrap());
        assert_ne!(*a, *p.derive(b"pW", &[1; SALT_LEN]).unwrap());
    }

    #[test]
    fn absurd_parameters_are_refused_without_running() {
        let p = KdfParams {
            m_kib: u32::MAX,
            t: 1,
            p: 1,
        };
        assert!(p.derive(b"pw", &[0; SALT_LEN]).is_none());
        let p = KdfParams {
            m_kib: 64,
            t: 1000,
            p: 1,
        };
        assert!(p.derive(b"pw", &[0; SALT_LEN]).is_none());
    }

    #[test]
    fn calibration_never_goes_below_the_floor() {
        // Even asking for a near-zero cost keeps OWASP's minimum.
        let p = KdfParams::calibrate(Duration::from_millis(1));
        assert!(p.meets_floor(), "{p:?}");
        assert_eq!(p, KdfParams::FLOOR);
        assert!(!KdfParams {
            m_kib: 19455,
            t: 2,
            p: 1
        }
        .meets_floor());
        assert!(!KdfParams {
            m_kib: 19456,
            t: 1,
            p: 1
        }
        .meets_floor());
    }
}
