//! Thin, typed wrappers over the RustCrypto crates, shared by the importers
//! and exporters. No primitive is implemented here.
//!
//! Promises: derived keys and plaintexts come back in `Zeroizing` buffers;
//! a failed authentication tag or padding check is `Err(Undecryptable)`,
//! never a panic; key-derivation parameters taken from a file are checked
//! against the bounds below before any work is done, so a hostile file
//! cannot make an import take minutes or gigabytes.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use sha2::Digest;
use zeroize::Zeroizing;

use crate::FormatError;

/// A 256-bit key.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// The most memory scrypt may use for a key read from a file (128·r·N
/// bytes): 256 MiB, eight times what Aegis itself uses.
pub(crate) const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// The most PBKDF2 iterations read from a file (andOTP uses ≈150,000).
pub(crate) const MAX_PBKDF2_ITERATIONS: u32 = 2_000_000;

/// The tag check or padding check failed: wrong key or damaged data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Undecryptable;

/// AES-256-GCM decryption of `ciphertext ‖ tag` (16-byte tag).
pub(crate) fn gcm_decrypt(
    key: &[u8; 32],
    nonce: &[u8],
    ciphertext_and_tag: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Undecryptable> {
    if nonce.len() != 12 || ciphertext_and_tag.len() < 16 {
        return Err(Undecryptable);
    }
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext_and_tag,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| Undecryptable)
}

/// AES-256-GCM encryption: returns `ciphertext ‖ tag`.
pub(crate) fn gcm_encrypt(key: &[u8; 32], nonce: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.into());
    // Encryption only fails for plaintexts beyond GCM's 64 GiB limit, far
    // past anything an export holds.
    cipher
        .encrypt(Nonce::from_slice(nonce), plaintext)
        .unwrap_or_default()
}

/// AES-256-CBC decryption with PKCS#7 padding.
pub(crate) fn cbc_decrypt(
    key: &[u8; 32],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Undecryptable> {
    if iv.len() != 16 || ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return Err(Undecryptable);
    }
    let dec = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).map_err(|_| Undecryptable)?;
    dec.decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| Undecryptable)
}

/// SHA-256 of the password as a key (andOTP old layout, TOTP Authenticator).
pub(crate) fn sha256_key(password: &[u8]) -> Key {
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&sha2::Sha256::digest(password));
    key
}

/// The hash behind a PBKDF2-HMAC.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

/// PBKDF2-HMAC to a 256-bit key; iterations are checked against
/// [`MAX_PBKDF2_ITERATIONS`].
pub(crate) fn pbkdf2(
    prf: Prf,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    format: &'static str,
) -> Result<Key, FormatError> {
    if iterations == 0 {
        return Err(FormatError::corrupt(
            format,
            "zero key-derivation iterations",
        ));
    }
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(FormatError::Unsupported(format!(
            "{iterations} PBKDF2 iterations (more than the {MAX_PBKDF2_ITERATIONS} allowed)"
        )));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    match prf {
        Prf::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, &mut key[..]),
        Prf::Sha256 => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut key[..])
        }
        Prf::Sha512 => {
            pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, &mut key[..])
        }
    }
    Ok(key)
}

/// scrypt to a 256-bit key. `n` must be a power of two; memory use is
/// bounded by [`MAX_SCRYPT_MEMORY`].
pub(crate) fn scrypt(
    password: &[u8],
    salt: &[u8],
    n: u64,
    r: u32,
    p: u32,
    format: &'static str,
) -> Result<Key, FormatError> {
    if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
        return Err(FormatError::corrupt(format, "invalid scrypt parameters"));
    }
    let memory = 128u64.saturating_mul(u64::from(r)).saturating_mul(n).max(
        128u64
            .saturating_mul(u64::from(r))
            .saturating_mul(u64::from(p)),
    );
    if memory > MAX_SCRYPT_MEMORY || p > 16 {
        return Err(FormatError::Unsupported(format!(
            "scrypt parameters N={n} r={r} p={p} (beyond the allowed cost)"
        )));
    }
    let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p, 32)
        .map_err(|_| FormatError::corrupt(format, "invalid scrypt parameters"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, &mut key[..])
        .map_err(|_| FormatError::corrupt(format, "invalid scrypt parameters"))?;
    Ok(key)
}

/// Argon2id (version 0x13) to a 256-bit key with fixed, format-given costs.
pub(crate) fn argon2id(
    password: &[u8],
    salt: &[u8],
    t_cost: u32,
    m_cost_kib: u32,
    p_cost: u32,
    format: &'static str,
) -> Result<Key, FormatError> {
    let params = argon2::Params::new(m_cost_kib, t_cost, p_cost, Some(32))
        .map_err(|_| FormatError::corrupt(format, "invalid Argon2 parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, salt, &mut key[..])
        .map_err(|_| FormatError::corrupt(format, "invalid Argon2 salt"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcm_round_trip_and_tamper() {
        let key = [7u8; 32];
        let nonce = [1u8; 12];
        let ct = gcm_encrypt(&key, &nonce, b"hello");
        assert_eq!(&gcm_decrypt(&key, &nonce, &ct, b"").unwrap()[..], b"hello");
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert_eq!(gcm_decrypt(&key, &nonce, &bad, b""), Err(Undecryptable));
        assert_eq!(
            gcm_decrypt(&[8u8; 32], &nonce, &ct, b""),
            Err(Undecryptable)
        );
        assert_eq!(
            gcm_decrypt(&key, &nonce[..11], &ct, b""),
            Err(Undecryptable)
        );
        assert_eq!(
            gcm_decrypt(&key, &nonce, &ct[..10], b""),
            Err(Undecryptable)
        );
    }

    #[test]
    fn cbc_rejects_bad_lengths() {
        let key = [0u8; 32];
        assert!(cbc_decrypt(&key, &[0; 16], &[]).is_err());
        assert!(cbc_decrypt(&key, &[0; 16], &[0; 15]).is_err());
        assert!(cbc_decrypt(&key, &[0; 15], &[0; 16]).is_err());
    }

    #[test]
    fn kdf_bounds() {
        assert!(matches!(
            pbkdf2(Prf::Sha1, b"pw", b"salt", MAX_PBKDF2_ITERATIONS + 1, "x"),
            Err(FormatError::Unsupported(_))
        ));
        assert!(matches!(
            scrypt(b"pw", b"salt", 1 << 22, 8, 1, "x"),
            Err(FormatError::Unsupported(_))
        ));
        assert!(matches!(
            scrypt(b"pw", b"salt", 1000, 8, 1, "x"),
            Err(FormatError::Corrupt { .. })
        ));
    }

    /// RFC 7914 §12's second scrypt vector, truncated to our 32 bytes.
    #[test]
    fn scrypt_vector() {
        let key = scrypt(b"password", b"NaCl", 1024, 8, 16, "x").unwrap();
        assert_eq!(
            hex::encode(&key[..]),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
        );
    }
}
