//! Turning what the person brings (pasted links, QR codes found in images,
//! another app's export file) into vault entries, one way for both front
//! ends, and the way back: the vault's entries as items for an exporter.
//!
//! Nothing here stores anything: the result is a [`Found`] (entries to
//! add, and what could not be used, with why), which goes to a preview
//! ([`crate::preview`]) or straight to [`apiq_vault::Vault::import`].

use apiq_formats::{Format, FormatError, Imported};
use apiq_otp::{LineError, Skipped};
use apiq_vault::{NewEntry, VaultEntry};

/// What a source holds.
#[derive(Default)]
pub struct Found {
    pub entries: Vec<NewEntry>,
    pub skipped: Vec<Skipped>,
}

/// An export's item as a vault entry: the OTP and the metadata formats
/// carry (note, groups, favorite, icon: pictures shrunk, another app's icon
/// fields kept for the way back, what cannot be read dropped; see
/// [`crate::icon`]).
pub fn from_imported(i: Imported) -> NewEntry {
    NewEntry {
        note: i.note,
        groups: i.groups,
        favorite: i.favorite,
        icon: i.icon.as_ref().and_then(crate::icon::from_imported),
        ..NewEntry::from(i.entry)
    }
}

/// Text with one `otpauth://` or `otpauth-migration://` URI per line
/// (blank lines skipped). A line that is not a URI fails the whole text;
/// entries of a migration batch that cannot be used are `skipped`.
pub fn from_text(text: &str) -> Result<Found, LineError> {
    let (entries, skipped) = apiq_otp::parse_lines(text)?;
    Ok(Found {
        entries: entries.into_iter().map(NewEntry::from).collect(),
        skipped,
    })
}

/// The texts of QR codes (from images, the clipboard, the screen):
/// `otpauth://` links and migration batches (merged) become entries;
/// anything else is skipped with why. Never fails: a QR code is only one
/// of many in a picture.
pub fn from_qr_texts(texts: &[String]) -> Found {
    let mut found = Found::default();
    let mut migration = Vec::new();
    for t in texts {
        let t = t.trim();
        let lower = t.get(..20).unwrap_or(t).to_ascii_lowercase();
        if lower.starts_with("otpauth-migration://") {
            migration.push(t);
        } else if lower.starts_with("otpauth://") {
            match apiq_otp::uri::parse(t) {
                Ok(e) => found.entries.push(NewEntry::from(e)),
                Err(err) => found.skipped.push(Skipped {
                    label: "A QR code".into(),
                    reason: format!("its otpauth link is not valid: {err}").into(),
                }),
            }
        } else {
            found.skipped.push(Skipped {
                label: "A QR code".into(),
                reason: "it holds no two-factor account (not an otpauth:// link)".into(),
            });
        }
    }
    if !migration.is_empty() {
        match apiq_otp::parse_lines(&migration.join("\n")) {
            Ok((es, sk)) => {
                found.entries.extend(es.into_iter().map(NewEntry::from));
                found.skipped.extend(sk);
            }
            Err(err) => found.skipped.push(Skipped {
                label: "Google Authenticator export".into(),
                reason: err.error.into(),
            }),
        }
    }
    found
}

/// Another app's export file: detected (or `format`), decrypted with
/// `password` when it is encrypted. Returns the format it was read as.
pub fn from_export(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&[u8]>,
) -> Result<(Format, Found), FormatError> {
    let imported = apiq_formats::import(bytes, format, password)?;
    let found = Found {
        entries: imported.entries.into_iter().map(from_imported).collect(),
        skipped: imported.skipped,
    };
    Ok((imported.format, found))
}

/// Which of the vault's entries an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every entry (`apiq export`: the whole vault).
    All,
    /// Entries not archived (the window's export: what the list shows).
    Active,
}

/// The vault's entries as exporter items: OTP, note, groups, icon, and
/// favorite (pinned counts as favorite: formats know one flag).
pub fn to_exportable(entries: &[VaultEntry], scope: Scope) -> Vec<Imported> {
    entries
        .iter()
        .filter(|e| scope == Scope::All || !e.archived)
        .map(|e| Imported {
            note: e.note.clone(),
            groups: e.groups.clone(),
            favorite: e.favorite || e.pinned,
            icon: e.icon.as_deref().and_then(crate::icon::to_export),
            ..Imported::new(e.otp.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_texts_merge_batches_and_say_why_others_are_skipped() {
        let found = from_qr_texts(&[
            "https://example.com".into(),
            " otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A ".into(),
            "otpauth://totp/x?secret=!!!".into(),
        ]);
        assert_eq!(found.entries.len(), 1);
        assert_eq!(found.skipped.len(), 2);
        assert!(found.skipped[0].reason.to_string().contains("otpauth"));
        assert!(found.skipped[1].reason.to_string().contains("not valid"));
    }

    #[test]
    fn an_export_keeps_its_metadata() {
        let text = b"otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A\n";
        let (format, found) = from_export(text, None, None).unwrap();
        assert_eq!(format, Format::Otpauth);
        assert_eq!(found.entries.len(), 1);
        let mut i = Imported::new(found.entries[0].otp.clone());
        i.note = "n".into();
        i.groups = vec!["g".into()];
        i.favorite = true;
        let e = from_imported(i);
        assert_eq!(
            (e.note.as_str(), e.groups.len(), e.favorite),
            ("n", 1, true)
        );
    }

    /// An Aegis export's picture and a 2FAS export's icon fields come into
    /// the vault and go back out to the same app.
    #[test]
    fn icons_go_through_import_and_export() {
        use apiq_formats::{ExportFormat, Icon};
        let rng = &mut rand::thread_rng();
        let png = {
            let img = image::RgbaImage::from_pixel(200, 200, image::Rgba([1, 2, 3, 255]));
            let mut out = Vec::new();
            img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                .unwrap();
            out
        };
        let otp = from_text("otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A")
            .unwrap()
            .entries
            .remove(0)
            .otp;
        let mut item = Imported::new(otp.clone());
        item.icon = Some(Icon {
            mime: "image/png".into(),
            data: png,
        });
        let aegis = apiq_formats::export(&[item], ExportFormat::Aegis, None, rng).unwrap();
        let (_, found) = from_export(&aegis.bytes, None, None).unwrap();
        let stored = found.entries[0]
            .icon
            .clone()
            .expect("the Aegis icon was dropped");
        let data = crate::icon::parse(&stored).unwrap();
        assert_eq!(data.mime, "image/png");
        assert_eq!(image::load_from_memory(&data.bytes).unwrap().width(), 128);

        let (_dir, mut v) = crate::testutil::vault();
        let mut e = found.entries[0].clone();
        e.otp = otp.clone();
        v.add(e, 1).unwrap();
        let twofas_icon = r#"{"selected":"IconCollection","iconCollection":{"id":"0c3b1a52-7f5e-4d0b-a6c2-3b1f2d4e5a60"}}"#;
        let mut item = Imported::new(otp);
        item.icon = Some(Icon {
            mime: apiq_formats::TWOFAS_ICON_MIME.into(),
            data: twofas_icon.as_bytes().to_vec(),
        });
        let twofas = apiq_formats::export(&[item], ExportFormat::TwoFas, None, rng).unwrap();
        let (_, found) = from_export(&twofas.bytes, None, None).unwrap();
        v.add(found.entries[0].clone(), 2).unwrap();

        let out = to_exportable(v.entries(), Scope::All);
        let back = apiq_formats::export(&out, ExportFormat::Aegis, None, rng).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&back.bytes).unwrap();
        let entries = json["db"]["entries"].as_array().unwrap();
        assert_eq!(entries[0]["icon_mime"], "image/png");
        assert!(entries[0]["icon"].as_str().is_some_and(|s| s.len() > 100));
        assert!(
            entries[1]["icon"].is_null(),
            "a 2FAS icon reference is not a picture"
        );
        assert!(back
            .warnings
            .iter()
            .any(|w| w.warning.contains("icon is not kept by Aegis")));

        let back = apiq_formats::export(&out, ExportFormat::TwoFas, None, rng).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&back.bytes).unwrap();
        let services = json["services"].as_array().unwrap();
        assert_eq!(
            services[1]["icon"]["iconCollection"]["id"],
            "0c3b1a52-7f5e-4d0b-a6c2-3b1f2d4e5a60"
        );
        assert!(services[0].get("icon").is_none());
        assert!(back
            .warnings
            .iter()
            .any(|w| w.warning.contains("icon is not kept by 2FAS")));
    }

    #[test]
    fn a_bad_line_fails_the_text() {
        assert!(from_text("hello").is_err());
        let f = from_text("\notpauth://totp/A?secret=JBSWY3DPEHPK3PXP\n\n").unwrap();
        assert_eq!(f.entries.len(), 1);
    }
}
