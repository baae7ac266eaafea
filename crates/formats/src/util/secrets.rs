//! Serde types for fields that hold secret material: kept in `Zeroizing`
//! buffers (wiped on drop) and printed as `***` by `Debug`.

use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use zeroize::Zeroizing;

/// A string that holds secret material: zeroized on drop, hidden in Debug.
#[derive(Default, Clone)]
pub(crate) struct SecretText(pub Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SecretText(Zeroizing::new(String::deserialize(d)?)))
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl std::ops::Deref for SecretText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Serializes a zeroizing string (for `#[serde(serialize_with)]`).
pub(crate) fn ser_secret<S: serde::Serializer>(
    s: &Zeroizing<String>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

/// A Java `byte[]` as JSON (signed numbers), holding secret material.
#[derive(Default, Clone)]
pub(crate) struct SecretBytes(pub Zeroizing<Vec<u8>>);

impl<'de> Deserialize<'de> for SecretBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretBytes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of bytes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SecretBytes, A::Error> {
                let mut out = Zeroizing::new(Vec::new());
                while let Some(b) = seq.next_element::<i64>()? {
                    if !(-128..=255).contains(&b) {
                        return Err(de::Error::custom("a byte value out of range"));
                    }
                    out.push(b as u8);
                }
                Ok(SecretBytes(out))
            }
        }
        d.deserialize_seq(V)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
