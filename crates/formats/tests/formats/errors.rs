//! Bad input gives clear errors: wrong and missing passwords, damage past
//! a key check, truncation, random bytes, inputs over the size limit, ZIP
//! bombs, deep nesting.

use std::io::Write;

use apiq_formats::{import, Format, FormatError, MAX_INPUT_BYTES};

use crate::common::{expected, fixture};

/// Every encrypted fixture with its format.
fn encrypted() -> Vec<(String, Format)> {
    let exp = expected();
    exp["files"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(f, spec)| !spec["password"].is_null() && !f.starts_with("freeotp_v2_api2"))
        .map(|(f, spec)| {
            (
                f.clone(),
                Format::from_name(spec["format"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn wrong_password_is_its_own_error() {
    let files = encrypted();
    assert!(files.len() >= 12);
    for (file, format) in files {
        let got = import(&fixture(&file), Some(format), Some(b"not the password"));
        assert_eq!(got.unwrap_err(), FormatError::WrongPassword, "{file}");
    }
}

#[test]
fn missing_password_is_its_own_error() {
    for (file, format) in encrypted() {
        let got = import(&fixture(&file), Some(format), None);
        assert_eq!(got.unwrap_err(), FormatError::PasswordRequired, "{file}");
        let got = import(&fixture(&file), None, None);
        assert_eq!(
            got.unwrap_err(),
            FormatError::PasswordRequired,
            "{file} detected"
        );
    }
}

/// Flips a byte of a base64 field inside a JSON file.
fn tamper(bytes: &[u8], field: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let at = text.find(field).unwrap() + field.len() + 10;
    let mut b = text.into_bytes();
    b[at] = if b[at] == b'A' { b'B' } else { b'A' };
    b
}

#[test]
fn aegis_damage_past_the_key_check_is_corrupt_not_wrong_password() {
    let damaged = tamper(&fixture("aegis_encrypted.json"), "\"db\": \"");
    let err = import(&damaged, Some(Format::Aegis), Some(b"test")).unwrap_err();
    assert!(matches!(err, FormatError::Corrupt { .. }), "{err:?}");
    let err = import(&damaged, Some(Format::Aegis), Some(b"wrong")).unwrap_err();
    assert_eq!(err, FormatError::WrongPassword);
}

#[test]
fn twofas_damage_past_the_reference_is_corrupt() {
    let damaged = tamper(
        &fixture("2fas_authenticator_encrypted_v4.2fas"),
        "\"servicesEncrypted\":\"",
    );
    let err = import(&damaged, Some(Format::TwoFas), Some(b"test")).unwrap_err();
    assert!(matches!(err, FormatError::Corrupt { .. }), "{err:?}");
}

#[test]
fn truncated_files_never_import_silently_wrong() {
    let exp = expected();
    for (file, spec) in exp["files"].as_object().unwrap() {
        let bytes = fixture(file);
        let format = Format::from_name(spec["format"].as_str().unwrap()).unwrap();
        let password = spec["password"].as_str().map(str::as_bytes);
        let want = spec["entries"].as_array().unwrap().len();
        for cut in [1, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
            match import(&bytes[..cut], Some(format), password) {
                Err(FormatError::TooLarge { .. } | FormatError::UnknownFormat) => {
                    panic!("{file} cut at {cut}: a nonsensical error")
                }
                Err(_) => {}
                // Line- and row-based formats may yield the intact part.
                Ok(i) => assert!(
                    i.entries.len() < want || cut == bytes.len() - 1,
                    "{file} cut at {cut}"
                ),
            }
        }
    }
}

#[test]
fn truncated_json_is_corrupt() {
    let b = fixture("aegis_plain.json");
    let err = import(&b[..b.len() / 2], Some(Format::Aegis), None).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::Corrupt {
                format: "aegis",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn random_text_is_an_unknown_format() {
    let text = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\nSed do eiusmod.";
    assert_eq!(
        import(text, None, None).unwrap_err(),
        FormatError::UnknownFormat
    );
    assert_eq!(
        import(b"", None, None).unwrap_err(),
        FormatError::UnknownFormat
    );
    assert_eq!(
        import(b"{\"a\": 1}", None, None).unwrap_err(),
        FormatError::UnknownFormat
    );
}

#[test]
fn random_bytes_are_errors_for_every_format() {
    // A fixed pseudo-random buffer (xorshift), no magic of any format.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for f in Format::all() {
        assert!(import(&bytes, Some(*f), Some(b"pw")).is_err(), "{f}");
        assert!(import(&bytes, Some(*f), None).is_err(), "{f}");
    }
    // Binary without a header is taken for an (old, headerless) andOTP
    // backup: the only format that can look like that.
    assert_eq!(
        import(&bytes, None, None).unwrap_err(),
        FormatError::PasswordRequired
    );
    assert_eq!(
        import(&bytes, None, Some(b"pw")).unwrap_err(),
        FormatError::WrongPassword
    );
}

#[test]
fn inputs_over_the_limit_are_refused_before_parsing() {
    let huge = vec![b'['; 100 * 1024 * 1024];
    for f in [
        None,
        Some(Format::Aegis),
        Some(Format::Otpauth),
        Some(Format::GoogleAuthenticator),
    ] {
        let err = import(&huge, f, None).unwrap_err();
        assert_eq!(
            err,
            FormatError::TooLarge {
                size: huge.len() as u64,
                limit: MAX_INPUT_BYTES as u64
            }
        );
    }
    assert!(apiq_formats::detect(&huge).is_err());
}

#[test]
fn a_zip_bomb_is_cut_at_the_limit() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("Accounts.txt", opts).unwrap();
    let zeros = vec![b'0'; 1 << 20];
    for _ in 0..(MAX_INPUT_BYTES >> 20) + 2 {
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(
        bytes.len() < 1 << 20,
        "the bomb is small ({} bytes)",
        bytes.len()
    );
    let err = import(&bytes, Some(Format::AuthenticatorPlus), None).unwrap_err();
    assert!(matches!(err, FormatError::TooLarge { .. }), "{err:?}");
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    for open in ["[", "{\"a\":"] {
        let deep = open.repeat(1_000_000);
        for f in [
            None,
            Some(Format::Aegis),
            Some(Format::TwoFas),
            Some(Format::AndOtp),
            Some(Format::Bitwarden),
        ] {
            let err = import(deep.as_bytes(), f, None).unwrap_err();
            assert!(
                matches!(
                    err,
                    FormatError::Corrupt { .. } | FormatError::UnknownFormat
                ),
                "{f:?}: {err:?}"
            );
        }
    }
    // Nesting inside a valid outer document, and inside decrypted content.
    let inner = format!(
        "{{\"version\":1,\"header\":{{}},\"db\":{}}}",
        "[".repeat(100_000)
    );
    assert!(matches!(
        import(inner.as_bytes(), Some(Format::Aegis), None),
        Err(FormatError::Corrupt { .. })
    ));
}

#[test]
fn deeply_nested_xml_is_an_error() {
    let deep = format!("<map>{}", "<a>".repeat(1_000_000));
    for f in [None, Some(Format::Authy), Some(Format::FreeOtp)] {
        assert!(import(deep.as_bytes(), f, None).is_err(), "{f:?}");
    }
}

#[test]
fn xml_entities_are_not_expanded() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><map><string name="tokenOrder">&b;</string></map>"#;
    assert!(import(bomb.as_bytes(), Some(Format::FreeOtp), None).is_err());
}

#[test]
fn error_messages_never_quote_secrets() {
    // A secret where a number belongs: the parse error must not echo it.
    let doc = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":1,"entries":[{"type":"totp","name":"n","issuer":"i","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":"JBSWY3DPEHPK3PXP","period":30}}]}}"#;
    let err = import(doc.as_bytes(), Some(Format::Aegis), None).unwrap_err();
    assert!(matches!(err, FormatError::Corrupt { .. }));
    assert!(!err.to_string().contains("JBSW"), "{err}");
}

#[test]
fn bad_items_are_skipped_with_reasons() {
    let text = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n\
                otpauth://totp/B:b?secret=not*base32\n\
                hello\n\
                otpauth://motp/C:c?secret=JBSWY3DPEHPK3PXP\n";
    let i = import(text.as_bytes(), None, None).unwrap();
    assert_eq!(i.entries.len(), 1);
    assert_eq!(i.skipped.len(), 3, "{:?}", i.skipped);
    assert!(i
        .skipped
        .iter()
        .all(|s| !s.reason.to_string().is_empty() && s.label.starts_with("line ")));
    // An Aegis vault with an MOTP entry: skipped, the rest imported.
    let doc = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[
        {"type":"motp","name":"m","issuer":"i","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"MD5","digits":6,"period":10,"pin":"1234"}},
        {"type":"totp","name":"t","issuer":"i","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}],"groups":[]}}"#;
    let i = import(doc.as_bytes(), None, None).unwrap();
    assert_eq!(i.entries.len(), 1);
    assert_eq!(i.skipped.len(), 1);
    assert_eq!(
        i.skipped[0].reason,
        apiq_otp::SkipReason::Invalid(apiq_otp::OtpError::BadType("motp".into())),
        "{:?}",
        i.skipped
    );
    assert_eq!(i.skipped[0].label, "i: m");
}

/// Issue 14 item 10: `Debug` of what an import returns never prints an
/// issuer, an account name, a note or a group (they reach logs).
#[test]
fn debug_output_names_no_account() {
    let display = percent_encoding::utf8_percent_encode(
        r#"{"pinned":true,"tags":["Banking Group"],"note":"PIN is in the drawer"}"#,
        percent_encoding::NON_ALPHANUMERIC,
    );
    let text = format!(
        "otpauth://totp/SecretBank:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=SecretBank&codeDisplay={display}\n\
         otpauth://totp/HiddenCorp:bob?secret=JBSW1\n"
    );
    let got = import(text.as_bytes(), None, None).unwrap();
    assert_eq!(got.entries.len(), 1);
    assert_eq!(got.entries[0].note, "PIN is in the drawer");
    assert_eq!(got.skipped.len(), 1);
    let json = apiq_otp::EntryJson::from(&got.entries[0].entry);
    let debug = format!("{got:?} {got:#?} {json:?}");
    for hidden in [
        "SecretBank",
        "alice",
        "drawer",
        "Banking",
        "HiddenCorp",
        "bob",
        "JBSW",
    ] {
        assert!(!debug.contains(hidden), "{hidden} in {debug}");
    }
}
