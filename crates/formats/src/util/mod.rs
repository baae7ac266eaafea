//! Small pieces every importer shares, one responsibility per module:
//!
//! - [`json`]: JSON with secret-free error messages, and the shape of a
//!   document (what detection reads);
//! - [`prefs`]: Android `shared_prefs` XML, with a nesting bound;
//! - [`secrets`]: serde types that hold secret material and zeroize it;
//! - [`fields`]: loose OTP fields as foreign formats store them, turned into
//!   a validated entry (or the typed reason it cannot be one).
//!
//! Here itself: labels, prefix and BOM stripping, lenient base64.

use base64::Engine;
use zeroize::Zeroizing;

pub(crate) mod fields;
pub(crate) mod json;
pub(crate) mod prefs;
pub(crate) mod secrets;

pub(crate) use fields::{parse_algorithm, split_issuer, Fields, OtpType};
pub(crate) use json::{from_json, json_error, JsonShape};
pub(crate) use prefs::shared_prefs;
pub(crate) use secrets::{ser_secret, SecretBytes, SecretText};

/// `issuer: name`, or whichever is set, or `(unnamed)`.
pub(crate) fn label(issuer: &str, name: &str) -> String {
    match (issuer.trim(), name.trim()) {
        ("", "") => "(unnamed)".to_string(),
        ("", n) => n.to_string(),
        (i, "") => i.to_string(),
        (i, n) => format!("{i}: {n}"),
    }
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
