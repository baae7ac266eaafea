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

/// An export's item as a vault entry: the OTP and the metadata every
/// format can carry (note, groups, favorite).
pub fn from_imported(i: Imported) -> NewEntry {
    NewEntry {
        note: i.note,
        groups: i.groups,
        favorite: i.favorite,
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

/// The vault's entries as exporter items: OTP, note, groups, and
/// favorite (pinned counts as favorite: formats know one flag).
pub fn to_exportable(entries: &[VaultEntry], scope: Scope) -> Vec<Imported> {
    entries
        .iter()
        .filter(|e| scope == Scope::All || !e.archived)
        .map(|e| Imported {
            note: e.note.clone(),
            groups: e.groups.clone(),
            favorite: e.favorite || e.pinned,
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

    #[test]
    fn a_bad_line_fails_the_text() {
        assert!(from_text("hello").is_err());
        let f = from_text("\notpauth://totp/A?secret=JBSWY3DPEHPK3PXP\n\n").unwrap();
        assert_eq!(f.entries.len(), 1);
    }
}
