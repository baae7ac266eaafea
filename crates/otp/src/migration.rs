//! Google Authenticator's export: `otpauth-migration://offline?data=…`.
//!
//! The data is a base64 protobuf `MigrationPayload`, declared inline with
//! prost derives (no protoc step). Exports of many accounts come as several
//! QR codes, each a batch (`batch_size`, `batch_index`, `batch_id`);
//! [`merge_batches`] puts them back together and says which are missing.
//! Unknown fields are ignored (prost skips them). MD5 and unknown types are
//! reported as skipped with a reason, never silently dropped.
//!
//! Writing: [`format_batches`] splits entries into payloads and says, per
//! entry, what the format cannot hold (Google Authenticator only knows 6 or
//! 8 digits and 30-second TOTP).

use base64::Engine;
use prost::Message;

use crate::uri::strip_prefix_ignore_case;
use crate::{Algorithm, Entry, Kind, OtpError, Params, Secret};

/// The protobuf schema, as published by Google Authenticator's exports.
pub mod proto {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MigrationPayload {
        #[prost(message, repeated, tag = "1")]
        pub otp_parameters: Vec<OtpParameters>,
        #[prost(int32, tag = "2")]
        pub version: i32,
        #[prost(int32, tag = "3")]
        pub batch_size: i32,
        #[prost(int32, tag = "4")]
        pub batch_index: i32,
        #[prost(int32, tag = "5")]
        pub batch_id: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OtpParameters {
        #[prost(bytes = "vec", tag = "1")]
        pub secret: Vec<u8>,
        #[prost(string, tag = "2")]
        pub name: String,
        #[prost(string, tag = "3")]
        pub issuer: String,
        /// 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5.
        #[prost(int32, tag = "4")]
        pub algorithm: i32,
        /// 0 unspecified, 1 six, 2 eight.
        #[prost(int32, tag = "5")]
        pub digits: i32,
        /// 0 unspecified, 1 HOTP, 2 TOTP.
        #[prost(int32, tag = "6")]
        pub r#type: i32,
        #[prost(int64, tag = "7")]
        pub counter: i64,
    }

    impl Drop for OtpParameters {
        fn drop(&mut self) {
            zeroize::Zeroize::zeroize(&mut self.secret);
        }
    }
}

pub use crate::skipped::{SkipReason, Skipped};

/// One decoded QR code of an export.
#[derive(Debug, Clone)]
pub struct Batch {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
    pub batch_size: i32,
    pub batch_index: i32,
    pub batch_id: i32,
}

/// Decodes one `otpauth-migration://offline?data=…` URI.
pub fn parse(uri: &str) -> Result<Batch, OtpError> {
    let uri = uri.trim();
    let rest =
        strip_prefix_ignore_case(uri, "otpauth-migration://").ok_or(OtpError::NotMigration)?;
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    let data = query
        .split('&')
        .find_map(|p| p.strip_prefix("data="))
        .ok_or_else(|| OtpError::BadMigration("no data parameter".into()))?;
    let data = percent_encoding::percent_decode_str(data)
        .decode_utf8()
        .map_err(|_| OtpError::BadMigration("data is not valid text".into()))?;
    parse_payload(&decode_base64(&data)?)
}

/// Standard or URL-safe base64, padded or not; `+` may have become a space.
fn decode_base64(data: &str) -> Result<Vec<u8>, OtpError> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let cleaned: String = data
        .chars()
        .map(|c| if c == ' ' { '+' } else { c })
        .filter(|&c| c != '=' && c != '\n' && c != '\r')
        .collect();
    STANDARD_NO_PAD
        .decode(&cleaned)
        .or_else(|_| URL_SAFE_NO_PAD.decode(&cleaned))
        .map_err(|_| OtpError::BadMigration("data is not base64".into()))
}

/// Decodes the protobuf bytes of one payload.
pub fn parse_payload(bytes: &[u8]) -> Result<Batch, OtpError> {
    let payload = proto::MigrationPayload::decode(bytes)
        .map_err(|e| OtpError::BadMigration(format!("not a migration payload ({e})")))?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (i, p) in payload.otp_parameters.iter().enumerate() {
        match to_entry(p) {
            Ok(e) => entries.push(e),
            Err(reason) => skipped.push(Skipped {
                label: label_of(p, i),
                reason,
            }),
        }
    }
    Ok(Batch {
        entries,
        skipped,
        batch_size: payload.batch_size,
        batch_index: payload.batch_index,
        batch_id: payload.batch_id,
    })
}

fn label_of(p: &proto::OtpParameters, i: usize) -> String {
    match (p.issuer.is_empty(), p.name.is_empty()) {
        (true, true) => format!("entry #{}", i + 1),
        (true, false) => p.name.clone(),
        (false, true) => p.issuer.clone(),
        (false, false) => format!("{}: {}", p.issuer, p.name),
    }
}

fn to_entry(p: &proto::OtpParameters) -> Result<Entry, SkipReason> {
    let unknown = |field, value: i32| SkipReason::UnknownCode {
        field,
        value: value.into(),
    };
    let algorithm = match p.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(SkipReason::UnsupportedAlgorithm("MD5")),
        n => return Err(unknown("algorithm", n)),
    };
    let digits = match p.digits {
        0 | 1 => 6,
        2 => 8,
        n => return Err(unknown("digit count", n)),
    };
    let kind = match p.r#type {
        0 | 2 => Kind::Totp { period: 30 },
        1 => Kind::Hotp {
            counter: u64::try_from(p.counter)
                .map_err(|_| OtpError::BadCounter(p.counter.to_string()))?,
        },
        n => return Err(unknown("OTP type", n)),
    };
    let secret = Secret::from_bytes(p.secret.clone())?;
    let name = match issuer_stripped(&p.issuer, &p.name) {
        Some(rest) => rest.trim().to_string(),
        None => p.name.clone(),
    };
    let params = Params {
        kind,
        algorithm,
        digits,
    };
    Ok(Entry::from_params(params, p.issuer.clone(), name, secret)?)
}

/// Google writes the name as `Issuer:name`: the account part of `name` when
/// it starts with the issuer and a colon (the reader keeps only that part,
/// trimmed), or `None`.
fn issuer_stripped<'a>(issuer: &str, name: &'a str) -> Option<&'a str> {
    match name.split_once(':') {
        Some((prefix, rest)) if !issuer.is_empty() && prefix.trim() == issuer.trim() => Some(rest),
        _ => None,
    }
}

/// The result of reading several migration URIs.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
}

/// Merges batches: groups them by `batch_id`, orders them by `batch_index`,
/// drops repeated scans of the same batch, and refuses a group with a batch
/// missing (naming which).
pub fn merge_batches(batches: Vec<Batch>) -> Result<Merged, OtpError> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<i32, BTreeMap<i32, Batch>> = BTreeMap::new();
    let mut order: Vec<i32> = Vec::new();
    for b in batches {
        if !order.contains(&b.batch_id) {
            order.push(b.batch_id);
        }
        groups
            .entry(b.batch_id)
            .or_default()
            .entry(b.batch_index)
            .or_insert(b);
    }
    let mut merged = Merged::default();
    for id in order {
        let group = groups.remove(&id).unwrap_or_default();
        let size = group
            .values()
            .map(|b| b.batch_size)
            .max()
            .unwrap_or(1)
            .max(1);
        let missing: Vec<String> = (0..size)
            .filter(|i| !group.contains_key(i))
            .map(|i| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            return Err(OtpError::IncompleteBatch(format!(
                "export {id} has {size} QR codes; missing number {}",
                missing.join(", ")
            )));
        }
        for (_, b) in group {
            merged.entries.extend(b.entries);
            merged.skipped.extend(b.skipped);
        }
    }
    Ok(merged)
}

/// Parses and merges several migration URIs.
pub fn parse_all<'a>(uris: impl IntoIterator<Item = &'a str>) -> Result<Merged, OtpError> {
    let batches = uris.into_iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    merge_batches(batches)
}

/// What an export to Google Authenticator changes or drops for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportWarning {
    pub label: String,
    pub warning: String,
}

/// Why the migration format cannot hold an entry, or `None` when it can.
pub fn unsupported(e: &Entry) -> Option<String> {
    match e.kind() {
        Kind::Steam { .. } => {
            Some("Steam Guard codes are not supported by Google Authenticator".to_string())
        }
        Kind::Totp { period } if period != 30 => Some(format!(
            "a {period}-second period is not supported (Google Authenticator uses 30 s)"
        )),
        _ if !matches!(e.digits(), 6 | 8) => Some(format!(
            "{} digits are not supported (only 6 or 8)",
            e.digits()
        )),
        Kind::Hotp { counter } if i64::try_from(counter).is_err() => {
            Some("the HOTP counter is too large for the format".to_string())
        }
        _ => None,
    }
}

/// Writes entries as migration URIs, `batch_size` entries per QR code
/// (Google uses 10). `batch_id` ties the batches together; pass a random
/// value. Entries the format cannot hold at all (Steam, non-30 s periods,
/// digits other than 6 and 8) are left out with a warning.
pub fn format_batches(
    entries: &[Entry],
    batch_size: usize,
    batch_id: i32,
) -> (Vec<String>, Vec<ExportWarning>) {
    let mut params = Vec::new();
    let mut warnings = Vec::new();
    for e in entries {
        let label = if e.issuer.is_empty() {
            e.name.clone()
        } else {
            format!("{}: {}", e.issuer, e.name)
        };
        let problem = unsupported(e);
        if let Some(warning) = problem {
            warnings.push(ExportWarning { label, warning });
            continue;
        }
        let (r#type, counter) = match e.kind() {
            Kind::Hotp { counter } => (1, counter as i64),
            _ => (2, 0),
        };
        // A name that itself starts with `Issuer:` (an account called
        // "Acme:alice" at Acme) is written with the prefix once more, so
        // that the reader, which takes one prefix off, reads it back whole.
        let name = match issuer_stripped(&e.issuer, &e.name) {
            Some(_) => format!("{}:{}", e.issuer, e.name),
            None => e.name.clone(),
        };
        params.push(proto::OtpParameters {
            secret: e.secret().expose().to_vec(),
            name,
            issuer: e.issuer.clone(),
            algorithm: match e.algorithm() {
                Algorithm::Sha1 => 1,
                Algorithm::Sha256 => 2,
                Algorithm::Sha512 => 3,
            },
            digits: if e.digits() == 8 { 2 } else { 1 },
            r#type,
            counter,
        });
    }
    let size = batch_size.max(1);
    let chunks: Vec<&[proto::OtpParameters]> = params.chunks(size).collect();
    let n = chunks.len().max(1) as i32;
    let mut uris = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let payload = proto::MigrationPayload {
            otp_parameters: chunk.to_vec(),
            version: 1,
            batch_size: n,
            batch_index: i as i32,
            batch_id,
        };
        let mut bytes = payload.encode_to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        zeroize::Zeroize::zeroize(&mut bytes);
        let data = percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC);
        uris.push(format!("otpauth-migration://offline?data={data}"));
    }
    (uris, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(issuer: &str, name: &str, kind: Kind, digits: u8) -> Entry {
        Entry::new(
            kind,
            issuer,
            name,
            Secret::from_bytes(name.as_bytes().to_vec()).unwrap(),
            Algorithm::Sha1,
            digits,
        )
        .unwrap()
    }

    /// A payload of one TOTP entry (secret "abc") as Google writes it, read.
    fn read_one_totp(issuer: &str, name: &str, algorithm: i32) -> Batch {
        let payload = proto::MigrationPayload {
            otp_parameters: vec![proto::OtpParameters {
                secret: b"abc".to_vec(),
                name: name.into(),
                issuer: issuer.into(),
                algorithm,
                digits: 1,
                r#type: 2,
                counter: 0,
            }],
            version: 1,
            batch_size: 1,
            batch_index: 0,
            batch_id: 0,
        };
        parse_payload(&payload.encode_to_vec()).unwrap()
    }

    /// `entries` written as migration URIs and read back.
    fn exported_and_read(entries: &[Entry]) -> Vec<Entry> {
        let (uris, _) = format_batches(entries, 10, 1);
        parse_all(uris.iter().map(|s| s.as_str())).unwrap().entries
    }

    #[test]
    fn round_trip_in_batches() {
        let entries: Vec<Entry> = (0..23)
            .map(|i| entry("Iss", &format!("user{i}"), Kind::Totp { period: 30 }, 6))
            .collect();
        let (uris, warnings) = format_batches(&entries, 10, 42);
        assert!(warnings.is_empty());
        assert_eq!(uris.len(), 3);
        // Scanned out of order, one twice.
        let order = [&uris[2], &uris[0], &uris[1], &uris[0]];
        let merged = parse_all(order.iter().map(|s| s.as_str())).unwrap();
        assert_eq!(merged.entries, entries);
    }

    #[test]
    fn a_name_starting_with_its_issuer_round_trips() {
        // Google's own `Issuer:name` is read as the name alone…
        let batch = read_one_totp("Acme", "Acme: alice", 1);
        assert_eq!(batch.entries[0].name, "alice");
        // …and a name that starts with the issuer itself survives an export
        // and an import (it used to lose its "Acme:").
        let entries = vec![
            entry("Acme", "Acme:alice", Kind::Totp { period: 30 }, 6),
            entry("Acme", "Acme: Acme:bob", Kind::Totp { period: 30 }, 6),
            entry("", "Acme:carol", Kind::Totp { period: 30 }, 6),
        ];
        assert_eq!(exported_and_read(&entries), entries);
        // What the fuzzer found (fuzz/fuzz_targets/migration.rs): issuer
        // "\x1a\n", a name starting with "\x1a:" twice.
        let found = [
            0x0a, 0x17, 0x1a, 0x00, 0x1a, 0x02, 0x1a, 0x0a, 0x12, 0x00, 0x0a, 0x01, 0x06, 0x12,
            0x0a, 0x1a, 0x3a, 0x1a, 0x3a, 0x00, 0x06, 0x01, 0x0a, 0x00, 0x5b,
        ];
        let batch = parse_payload(&found).unwrap();
        assert_eq!(batch.entries[0].name, "\x1a:\0\x06\x01\n\0[");
        assert_eq!(exported_and_read(&batch.entries), batch.entries);
    }

    #[test]
    fn missing_batch_is_named() {
        let entries: Vec<Entry> = (0..15)
            .map(|i| entry("I", &format!("u{i}"), Kind::Totp { period: 30 }, 6))
            .collect();
        let (uris, _) = format_batches(&entries, 10, 7);
        let err = parse_all([uris[0].as_str()]).unwrap_err();
        assert!(err.to_string().contains("missing number 2"), "{err}");
    }

    #[test]
    fn warns_about_what_does_not_fit() {
        let entries = vec![
            entry("S", "steam", Kind::Steam { period: 30 }, 5),
            entry("P", "p60", Kind::Totp { period: 60 }, 6),
            entry("D", "d7", Kind::Totp { period: 30 }, 7),
            entry("H", "hotp", Kind::Hotp { counter: 3 }, 8),
        ];
        let (uris, warnings) = format_batches(&entries, 10, 1);
        assert_eq!(warnings.len(), 3);
        let merged = parse_all(uris.iter().map(|s| s.as_str())).unwrap();
        assert_eq!(merged.entries, vec![entries[3].clone()]);
    }

    #[test]
    fn md5_is_skipped_with_a_reason() {
        let batch = read_one_totp("i", "n", 4);
        assert!(batch.entries.is_empty());
        assert_eq!(
            batch.skipped[0].reason,
            SkipReason::UnsupportedAlgorithm("MD5")
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("otpauth-migration://offline?data=%%%").is_err());
        assert!(parse("otpauth-migration://offline").is_err());
        assert!(
            parse("otpauth-migration://offline?data=AAAA").is_err(),
            "tag 0 is invalid protobuf"
        );
        assert_eq!(
            parse("otpauth://totp/x").unwrap_err(),
            OtpError::NotMigration
        );
    }
}
