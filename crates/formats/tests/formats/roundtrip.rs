//! Round trips: for every exporter, export → import gives back the entries
//! (and the metadata the format holds); what the format cannot hold is
//! exactly what the warnings name.

use apiq_formats::{export, import, ExportFormat, Format, Icon, Imported};
use apiq_otp::Kind;

use crate::common::{fixture, rng, sorted};

/// The seven reference vectors (TOTP, HOTP, Steam; SHA1/256/512; 6–8
/// digits; odd periods), with metadata on some.
pub fn sample() -> Vec<Imported> {
    let mut entries = import(&fixture("aegis_plain.json"), Some(Format::Aegis), None)
        .unwrap()
        .entries;
    entries[0].note = "main account — ünïcode".into();
    entries[0].favorite = true;
    entries[0].groups = vec!["Work".into()];
    entries[1].groups = vec!["Work".into(), "Personal".into()];
    entries[3].icon = Some(Icon {
        mime: "image/png".into(),
        data: vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3],
    });
    entries
}

fn round_trip(
    format: ExportFormat,
    entries: &[Imported],
    password: Option<&[u8]>,
) -> (apiq_formats::Export, Vec<Imported>) {
    let out = export(entries, format, password, &mut rng(7)).unwrap();
    let back = import(&out.bytes, Some(format.import_format()), password).unwrap();
    assert!(
        back.skipped.is_empty(),
        "{}: {:?}",
        format.name(),
        back.skipped
    );
    // Auto-detection reads our own exports too.
    let detected = import(&out.bytes, None, password).unwrap();
    assert_eq!(detected.format, format.import_format(), "{}", format.name());
    assert_eq!(sorted(&detected.entries), sorted(&back.entries));
    (out, back.entries)
}

#[test]
fn otpauth() {
    let entries = sample();
    let (out, back) = round_trip(ExportFormat::Otpauth, &entries, None);
    assert_eq!(sorted(&back), sorted(&entries));
    // One warning each for the note, the groups (two entries), the icon, Steam.
    assert_eq!(out.warnings.len(), 5, "{:?}", out.warnings);
}

#[test]
fn aegis_plain_and_encrypted_keep_everything() {
    let entries = sample();
    for (format, password) in [
        (ExportFormat::Aegis, None),
        (ExportFormat::AegisEncrypted, Some(&b"correct horse"[..])),
    ] {
        let (out, back) = round_trip(format, &entries, password);
        assert_eq!(back, entries, "{}", format.name());
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }
}

#[test]
fn aegis_encrypted_needs_the_password_back() {
    let out = export(
        &sample(),
        ExportFormat::AegisEncrypted,
        Some(b"pw1"),
        &mut rng(1),
    )
    .unwrap();
    let text = std::str::from_utf8(&out.bytes).unwrap();
    assert!(
        !text.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ"),
        "secrets are not in clear"
    );
    assert_eq!(
        import(&out.bytes, None, Some(b"pw2")).unwrap_err(),
        apiq_formats::FormatError::WrongPassword
    );
    assert_eq!(
        import(&out.bytes, None, None).unwrap_err(),
        apiq_formats::FormatError::PasswordRequired
    );
}

#[test]
fn google_migration_in_batches() {
    let entries = sample();
    // What Google Authenticator can hold: TOTP at 30 s and HOTP, 6 or 8 digits.
    let fits = |e: &Imported| {
        matches!(e.entry.digits(), 6 | 8)
            && match e.entry.kind() {
                Kind::Totp { period } => period == 30,
                Kind::Hotp { .. } => true,
                Kind::Steam { .. } => false,
            }
    };
    let kept: Vec<Imported> = entries.iter().filter(|e| fits(e)).cloned().collect();
    assert!(kept.len() >= 2 && kept.len() < entries.len());
    let format = ExportFormat::GoogleMigration { batch_size: 2 };
    let (out, back) = round_trip(format, &entries, None);
    assert_eq!(sorted(&back), sorted(&kept));
    let lines = std::str::from_utf8(&out.bytes).unwrap().lines().count();
    assert_eq!(lines, kept.len().div_ceil(2), "one URI per batch of 2");
    for dropped in entries.iter().filter(|e| !fits(e)) {
        assert!(
            out.warnings
                .iter()
                .any(|w| w.label == dropped.label() && w.warning.contains("not supported")),
            "no warning for {}",
            dropped.label()
        );
    }
}

#[test]
fn twofas_plain_and_encrypted() {
    let entries = sample();
    for (format, password) in [
        (ExportFormat::TwoFas, None),
        (ExportFormat::TwoFasEncrypted, Some(&b"hunter2"[..])),
    ] {
        let (out, back) = round_trip(format, &entries, password);
        assert_eq!(sorted(&back), sorted(&entries), "{}", format.name());
        // 2FAS keeps one group: the first.
        for (b, e) in back.iter().zip(&entries) {
            assert_eq!(b.entry, e.entry);
            assert_eq!(
                b.groups,
                e.groups.iter().take(1).cloned().collect::<Vec<_>>()
            );
        }
        assert!(out.warnings.iter().any(|w| w.warning.contains("one group")));
    }
}

#[test]
fn every_export_format_round_trips() {
    let entries = sample();
    for format in ExportFormat::all() {
        let password = format.encrypted().then_some(&b"pw"[..]);
        let (_, back) = round_trip(*format, &entries, password);
        assert!(!back.is_empty(), "{}", format.name());
        assert_eq!(ExportFormat::from_name(format.name()), Some(*format));
    }
}

#[test]
fn encryption_flags_are_enforced() {
    let e = sample();
    assert_eq!(
        export(&e, ExportFormat::AegisEncrypted, None, &mut rng(1)).unwrap_err(),
        apiq_formats::FormatError::PasswordRequired
    );
    assert_eq!(
        export(&e, ExportFormat::TwoFasEncrypted, Some(b""), &mut rng(1)).unwrap_err(),
        apiq_formats::FormatError::PasswordRequired
    );
    assert!(matches!(
        export(&e, ExportFormat::Otpauth, Some(b"pw"), &mut rng(1)),
        Err(apiq_formats::FormatError::Unsupported(_))
    ));
}

#[test]
fn exports_depend_on_the_rng_only() {
    let e = sample();
    let a = export(&e, ExportFormat::AegisEncrypted, Some(b"pw"), &mut rng(3)).unwrap();
    let b = export(&e, ExportFormat::AegisEncrypted, Some(b"pw"), &mut rng(3)).unwrap();
    let c = export(&e, ExportFormat::AegisEncrypted, Some(b"pw"), &mut rng(4)).unwrap();
    assert_eq!(a.bytes, b.bytes);
    assert_ne!(a.bytes, c.bytes, "fresh salt, nonces and key per seed");
}
