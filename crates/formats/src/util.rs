//! Small pieces every importer shares: JSON with secret-free error messages,
//! secret-holding serde types that zeroize, Android `shared_prefs` XML,
//! lenient base64, labels, and turning loose fields into a validated entry
//! (or a reason it cannot be one).

use std::fmt;

use apiq_otp::{Algorithm, Entry, Kind, OtpError, Params, Secret, SkipReason};
use base64::Engine;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::FormatError;

/// `issuer: name`, or whichever is set, or `(unnamed)`.
pub(crate) fn label(issuer: &str, name: &str) -> String {
    match (issuer.trim(), name.trim()) {
        ("", "") => "(unnamed)".to_string(),
        ("", n) => n.to_string(),
        (i, "") => i.to_string(),
        (i, n) => format!("{i}: {n}"),
    }
}

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

/// `s` without `prefix`, compared case-insensitively (ASCII).
pub(crate) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Drops a UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

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

/// Deepest element nesting accepted in XML: preference files are three
/// levels deep; roxmltree recurses per level, so a hostile file must not
/// reach it with thousands.
const MAX_XML_DEPTH: usize = 32;

/// Whether elements nest deeper than `max`, by a conservative scan: it may
/// count more depth than there is (tags inside comments), never less
/// (quoted attribute values are skipped).
fn xml_depth_exceeds(b: &[u8], max: usize) -> bool {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let element = b
            .get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b':');
        // Walk to the end of the tag, skipping quoted attribute values.
        let mut quote = None;
        let mut j = i + 1;
        while j < b.len() {
            match (quote, b[j]) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, c @ (b'"' | b'\'')) => quote = Some(c),
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let self_closing = j > 0 && b.get(j - 1) == Some(&b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if element && !self_closing {
            depth += 1;
            if depth > max {
                return true;
            }
        }
        i = j + 1;
    }
    false
}

/// The `<string>` entries of an Android `shared_prefs` XML file
/// (`<map><string name="…">…</string>…</map>`), in file order. Other value
/// kinds (`int`, `boolean` …) are listed with their `value` attribute.
pub(crate) fn shared_prefs(
    bytes: &[u8],
    format: &'static str,
) -> Result<Vec<(String, Zeroizing<String>)>, FormatError> {
    let text = std::str::from_utf8(strip_bom(bytes))
        .map_err(|_| FormatError::corrupt(format, "the XML is not valid UTF-8"))?;
    if xml_depth_exceeds(text.as_bytes(), MAX_XML_DEPTH) {
        return Err(FormatError::corrupt(format, "XML nested too deeply"));
    }
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| FormatError::corrupt(format, format!("invalid XML ({e})")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "map" {
        return Err(FormatError::corrupt(
            format,
            "not an Android preferences file (no <map>)",
        ));
    }
    let mut out = Vec::new();
    for node in root.children().filter(|n| n.is_element()) {
        let Some(name) = node.attribute("name") else {
            continue;
        };
        let value = match node.tag_name().name() {
            "string" => node.text().unwrap_or(""),
            _ => node.attribute("value").unwrap_or(""),
        };
        out.push((name.to_string(), Zeroizing::new(value.to_string())));
    }
    Ok(out)
}

/// Base64, standard or URL-safe, padded or not, whitespace ignored.
pub(crate) fn base64_decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let clean: Zeroizing<String> = Zeroizing::new(
        text.chars()
            .filter(|c| !c.is_ascii_whitespace() && *c != '=')
            .collect(),
    );
    STANDARD_NO_PAD
        .decode(clean.as_bytes())
        .or_else(|_| URL_SAFE_NO_PAD.decode(clean.as_bytes()))
        .ok()
        .map(Zeroizing::new)
}

/// Loose OTP fields as a foreign format stores them, turned into a
/// validated entry by [`Fields::build`].
#[derive(Debug, Clone)]
pub(crate) struct Fields<'a> {
    /// `totp`, `hotp` or `steam` (any case); anything else is refused.
    pub kind: &'a str,
    pub issuer: String,
    pub name: String,
    pub algorithm: Option<&'a str>,
    pub digits: Option<i64>,
    pub period: Option<i64>,
    pub counter: Option<i64>,
}

impl<'a> Fields<'a> {
    pub fn new(kind: &'a str, issuer: impl Into<String>, name: impl Into<String>) -> Self {
        Fields {
            kind,
            issuer: issuer.into(),
            name: name.into(),
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
        }
    }

    /// Validates the fields with `secret` (defaults: SHA1, 6 digits, 30 s).
    /// The error is the reason to report in a [`apiq_otp::Skipped`].
    pub fn build(&self, secret: Result<Secret, OtpError>) -> Result<Entry, SkipReason> {
        let period = match self.period {
            None | Some(0) => 30,
            Some(p) => u32::try_from(p).map_err(|_| OtpError::BadPeriod(p.to_string()))?,
        };
        let kind = match self.kind.trim().to_ascii_lowercase().as_str() {
            "totp" => Kind::Totp { period },
            "steam" => Kind::Steam { period },
            "hotp" => {
                let c = self.counter.unwrap_or(0);
                Kind::Hotp {
                    counter: u64::try_from(c).map_err(|_| OtpError::BadCounter(c.to_string()))?,
                }
            }
            other => return Err(OtpError::BadType(other.to_string()).into()),
        };
        let secret = secret?;
        let algorithm = match self.algorithm.map(str::trim).filter(|a| !a.is_empty()) {
            None => Algorithm::Sha1,
            Some(a) => Algorithm::parse(&a.replace('-', ""))?,
        };
        let digits = match self.digits {
            None => 6,
            Some(d) => u8::try_from(d).map_err(|_| OtpError::BadDigits(d.to_string()))?,
        };
        let params = Params {
            kind,
            algorithm,
            digits,
        };
        Ok(Entry::from_params(
            params,
            self.issuer.trim(),
            self.name.trim(),
            secret,
        )?)
    }
}

/// Splits `Issuer:name` when the issuer is unknown; strips a leading
/// `issuer:` from `name` when it repeats a known issuer.
pub(crate) fn split_issuer(issuer: &str, name: &str) -> (String, String) {
    let issuer = issuer.trim();
    let name = name.trim();
    if issuer.is_empty() {
        if let Some((i, n)) = name.split_once(':') {
            return (i.trim().to_string(), n.trim().to_string());
        }
        return (String::new(), name.to_string());
    }
    match name.strip_prefix(issuer).and_then(|r| r.strip_prefix(':')) {
        Some(rest) => (issuer.to_string(), rest.trim().to_string()),
        None => (issuer.to_string(), name.to_string()),
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

    #[test]
    fn issuer_splitting() {
        assert_eq!(
            split_issuer("", "Deno:Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(
            split_issuer("Deno", "Deno:Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(
            split_issuer("Deno", "Mason"),
            ("Deno".into(), "Mason".into())
        );
        assert_eq!(split_issuer("", "Mason"), ("".into(), "Mason".into()));
    }

    #[test]
    fn fields_validate() {
        let s = || Secret::from_base32("JBSWY3DPEHPK3PXP");
        assert!(Fields::new("TOTP", "a", "b").build(s()).is_ok());
        assert_eq!(
            Fields::new("motp", "a", "b").build(s()).unwrap_err(),
            SkipReason::Invalid(OtpError::BadType("motp".into()))
        );
        let mut f = Fields::new("hotp", "a", "b");
        f.counter = Some(-1);
        assert!(f.build(s()).is_err());
        f.counter = Some(3);
        f.digits = Some(300);
        assert!(f.build(s()).is_err());
        f.digits = Some(8);
        f.algorithm = Some("sha-256");
        let e = f.build(s()).unwrap();
        assert_eq!(e.algorithm(), Algorithm::Sha256);
        assert_eq!(e.kind().counter(), Some(3));
    }
}
