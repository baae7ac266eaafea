//! The shared secret as a type of its own.
//!
//! A [`Secret`] owns its bytes in a [`Zeroizing`] buffer, so they are wiped
//! when it is dropped. It has no public field, prints as `Secret(***)` in
//! `Debug`, has no `Display`, and compares in constant time. The only ways to
//! read it are the explicit [`Secret::expose`] and [`Secret::to_base32`].

use std::fmt;

use std::sync::LazyLock;

use data_encoding::{Encoding, Specification, BASE32_NOPAD};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::OtpError;

/// RFC 4648 base32 that, like Python's `b32decode` and most apps, ignores
/// non-zero bits in the last character: real exporters write such secrets.
static BASE32_LENIENT: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    spec.encoding().expect("a valid base32 specification")
});

/// An OTP shared secret (raw key bytes).
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw key bytes. Refuses an empty key.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, OtpError> {
        if bytes.is_empty() {
            return Err(OtpError::EmptySecret);
        }
        Ok(Secret(Zeroizing::new(bytes)))
    }

    /// Parses base32 the way real exporters write it: any case, spaces,
    /// dashes, and `=` padding (complete or not) are tolerated.
    pub fn from_base32(text: &str) -> Result<Self, OtpError> {
        let mut clean = Zeroizing::new(String::with_capacity(text.len()));
        for c in text.chars() {
            match c {
                ' ' | '-' | '\t' | '\n' | '\r' => {}
                '=' => {}
                c if c.is_ascii_alphanumeric() => clean.push(c.to_ascii_uppercase()),
                _ => return Err(OtpError::BadBase32),
            }
        }
        // Padding is only valid at the end; the filter above dropped it
        // wherever it was, so check that nothing followed it.
        if let Some(pos) = text.find('=') {
            if text[pos..].chars().any(|c| c != '=' && !c.is_whitespace()) {
                return Err(OtpError::BadBase32);
            }
        }
        if clean.is_empty() {
            return Err(OtpError::EmptySecret);
        }
        let mut bytes = BASE32_LENIENT
            .decode(clean.as_bytes())
            .map_err(|_| OtpError::BadBase32)?;
        if bytes.is_empty() {
            bytes.zeroize();
            return Err(OtpError::EmptySecret);
        }
        Ok(Secret(Zeroizing::new(bytes)))
    }

    /// Upper-case base32 without `=` padding (the canonical form).
    /// The caller owns the copy; wrap it in `Zeroizing` where it lingers.
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    /// The raw key bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a constructed secret; here for clippy's sake.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Length is not secret (it shows in the base32 length anyway).
        self.0.len() == other.0.len() && bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }

    #[test]
    fn lenient_base32() {
        let a = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for spelling in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP======",
        ] {
            assert_eq!(Secret::from_base32(spelling).unwrap(), a, "{spelling}");
        }
        assert_eq!(a.to_base32(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn refusals() {
        assert_eq!(Secret::from_base32(""), Err(OtpError::EmptySecret));
        assert_eq!(Secret::from_base32("===="), Err(OtpError::EmptySecret));
        assert_eq!(Secret::from_base32("JBSW1"), Err(OtpError::BadBase32));
        assert_eq!(Secret::from_base32("JBSW%Y3"), Err(OtpError::BadBase32));
        assert_eq!(Secret::from_base32("JB=SWY3"), Err(OtpError::BadBase32));
        assert_eq!(Secret::from_bytes(vec![]), Err(OtpError::EmptySecret));
    }

    #[test]
    fn constant_time_eq_distinguishes() {
        let a = Secret::from_bytes(vec![1, 2, 3]).unwrap();
        let b = Secret::from_bytes(vec![1, 2, 4]).unwrap();
        let c = Secret::from_bytes(vec![1, 2]).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, a.clone());
    }
}
