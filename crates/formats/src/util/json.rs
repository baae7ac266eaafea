//! JSON as importers read it: errors described without quoting the input
//! (serde_json's messages can contain field values, secrets included), a
//! byte-order mark tolerated, and [`JsonShape`], the keys of a document read
//! without keeping any value (what detection looks at).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::strip_bom;
use crate::FormatError;

/// Describes a serde_json error without quoting the input: the library's
/// messages can contain field values (`invalid type: string "JBSW…"`), so
/// anything between quotes is elided.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let mut out = String::with_capacity(msg.len());
    let mut quoted = false;
    for c in msg.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// Parses JSON into `T`, mapping errors to [`FormatError::Corrupt`] for
/// `format`. serde_json's recursion limit (128) makes deep nesting an error.
pub(crate) fn from_json<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    format: &'static str,
) -> Result<T, FormatError> {
    serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| FormatError::corrupt(format, json_error(&e)))
}

/// The shape of a JSON document, read without keeping any value: whether
/// it is an object or an array, and the top-level keys (of the first
/// element, for an array). What detection looks at.
#[derive(Debug, Default)]
pub(crate) struct JsonShape {
    pub array: bool,
    pub keys: Vec<String>,
}

impl JsonShape {
    pub fn has(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }
    pub fn object_with(&self, keys: &[&str]) -> bool {
        !self.array && keys.iter().all(|k| self.has(k))
    }
    pub fn array_of(&self, keys: &[&str]) -> bool {
        self.array && keys.iter().all(|k| self.has(k))
    }
}

impl<'de> Deserialize<'de> for JsonShape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(keys)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Vec::new())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
            fn visit_str<E>(self, _: &str) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
            fn visit_unit<E>(self) -> Result<Vec<String>, E> {
                Ok(Vec::new())
            }
        }
        impl<'de> de::DeserializeSeed<'de> for Keys {
            type Value = Vec<String>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
                d.deserialize_any(Keys)
            }
        }
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = JsonShape;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object or array")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<JsonShape, A::Error> {
                Ok(JsonShape {
                    array: false,
                    keys: Keys.visit_map(map)?,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonShape, A::Error> {
                let keys = seq.next_element_seed(Keys)?.unwrap_or_default();
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JsonShape { array: true, keys })
            }
        }
        d.deserialize_any(Top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_do_not_quote_values() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u32,
        }
        let e = serde_json::from_str::<T>(r#"{"n": "JBSWY3DPEHPK3PXP"}"#).unwrap_err();
        let msg = json_error(&e);
        assert!(!msg.contains("JBSW"), "{msg}");
        assert!(msg.contains("invalid type"), "{msg}");
    }

    #[test]
    fn shape_reads_keys_only() {
        let s: JsonShape = serde_json::from_str(r#"{"a": {"x": [1,2]}, "b": null}"#).unwrap();
        assert!(s.object_with(&["a", "b"]));
        let s: JsonShape = serde_json::from_str(r#"[{"secret": "x", "type": 1}, 5]"#).unwrap();
        assert!(s.array_of(&["secret", "type"]));
        let s: JsonShape = serde_json::from_str(r#"[]"#).unwrap();
        assert!(s.array && s.keys.is_empty());
        assert!(serde_json::from_str::<JsonShape>("5").is_err());
    }
}
