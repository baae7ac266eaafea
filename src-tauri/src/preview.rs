//! Turning what a text, an image, the screen or an export file holds into a
//! preview: each item marked new, duplicate (same secret and parameters as
//! an entry in the vault, or as an earlier item of the same preview) or
//! unsupported (with the reason). Pure: the caller passes the vault's
//! entries; nothing is stored here.

use apiq_otp::{Entry, Kind, Skipped};
use apiq_vault::{NewEntry, VaultEntry};

use crate::dto::{OtpKind, PreviewItem, PreviewStatus};
use crate::error::sentence;

pub fn kind_of(e: &Entry) -> OtpKind {
    match e.kind() {
        Kind::Totp { .. } => OtpKind::Totp,
        Kind::Hotp { .. } => OtpKind::Hotp,
        Kind::Steam { .. } => OtpKind::Steam,
    }
}

/// The items of a preview and the entries that would be added.
pub struct Built {
    pub items: Vec<PreviewItem>,
    pub new: Vec<NewEntry>,
}

/// Marks every candidate against the vault's entries and each other.
pub fn build(candidates: Vec<NewEntry>, skipped: &[Skipped], existing: &[VaultEntry]) -> Built {
    let mut items = Vec::with_capacity(candidates.len() + skipped.len());
    let mut new: Vec<NewEntry> = Vec::new();
    for c in candidates {
        let e = &c.otp;
        let dup_vault = existing.iter().find(|v| v.otp.same_otp(e));
        let dup_batch = new.iter().any(|n| n.otp.same_otp(e));
        let (status, reason) = if let Some(v) = dup_vault {
            (
                PreviewStatus::Duplicate,
                Some(format!(
                    "The vault already has this account as “{}”.",
                    v.label()
                )),
            )
        } else if dup_batch {
            (
                PreviewStatus::Duplicate,
                Some("The same account appears earlier in this list.".to_string()),
            )
        } else {
            (PreviewStatus::New, None)
        };
        items.push(PreviewItem {
            issuer: e.issuer.clone(),
            name: e.name.clone(),
            kind: Some(kind_of(e)),
            digits: Some(e.digits()),
            period: e.kind().period(),
            algorithm: Some(e.algorithm().as_str().to_string()),
            status,
            reason,
        });
        if status == PreviewStatus::New {
            new.push(c);
        }
    }
    for s in skipped {
        items.push(PreviewItem {
            issuer: String::new(),
            name: s.label.clone(),
            kind: None,
            digits: None,
            period: None,
            algorithm: None,
            status: PreviewStatus::Unsupported,
            reason: Some(sentence(&s.reason.to_string())),
        });
    }
    Built { items, new }
}

/// Every QR text found in an image, parsed: otpauth:// and migration URIs
/// become candidates (migration batches merged), anything else is listed
/// as unsupported with why.
pub fn from_qr_texts(texts: &[String]) -> (Vec<NewEntry>, Vec<Skipped>) {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut migration = Vec::new();
    for t in texts {
        let lower = t.trim_start().to_ascii_lowercase();
        if lower.starts_with("otpauth-migration://") {
            migration.push(t.trim().to_string());
        } else if lower.starts_with("otpauth://") {
            match apiq_otp::uri::parse(t.trim()) {
                Ok(e) => entries.push(NewEntry::from(e)),
                Err(err) => skipped.push(Skipped {
                    label: "A QR code".into(),
                    reason: format!("its otpauth link is not valid: {err}").into(),
                }),
            }
        } else {
            skipped.push(Skipped {
                label: "A QR code".into(),
                reason: "it holds no two-factor account (not an otpauth:// link)".into(),
            });
        }
    }
    if !migration.is_empty() {
        match apiq_otp::parse_lines(&migration.join("\n")) {
            Ok((es, sk)) => {
                entries.extend(es.into_iter().map(NewEntry::from));
                skipped.extend(sk);
            }
            Err(err) => skipped.push(Skipped {
                label: "Google Authenticator export".into(),
                reason: err.error.into(),
            }),
        }
    }
    (entries, skipped)
}

/// A pasted text: one otpauth:// or migration URI per line.
pub fn from_text(text: &str) -> Result<(Vec<NewEntry>, Vec<Skipped>), String> {
    match apiq_otp::parse_lines(text) {
        Ok((es, sk)) => Ok((es.into_iter().map(NewEntry::from).collect(), sk)),
        Err(e) => Err(if e.line > 0 && text.trim().lines().count() > 1 {
            format!("Line {}: {}", e.line, sentence(&e.error.to_string()))
        } else {
            explain_uri_error(&e.error)
        }),
    }
}

fn explain_uri_error(e: &apiq_otp::OtpError) -> String {
    use apiq_otp::OtpError::*;
    match e {
        NotOtpauth | Malformed(_) => {
            "This is not an otpauth:// or otpauth-migration:// link.".to_string()
        }
        other => sentence(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_new_duplicate_and_unsupported() {
        let (cands, skipped) = from_text(
            "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A\n\
             otpauth://totp/B:me?secret=GEZDGNBVGY3TQOJQ&issuer=B\n\
             otpauth://totp/B2:me?secret=GEZDGNBVGY3TQOJQ&issuer=B2",
        )
        .unwrap();
        assert_eq!(cands.len(), 3);
        let vault: Vec<VaultEntry> = Vec::new();
        let built = build(cands, &skipped, &vault);
        let st: Vec<_> = built.items.iter().map(|i| i.status).collect();
        assert_eq!(
            st,
            [
                PreviewStatus::New,
                PreviewStatus::New,
                PreviewStatus::Duplicate
            ]
        );
        assert_eq!(built.new.len(), 2);
    }

    #[test]
    fn non_otp_qr_texts_are_unsupported_with_a_reason() {
        let (c, s) = from_qr_texts(&["https://example.com".into()]);
        assert!(c.is_empty());
        let built = build(c, &s, &[]);
        assert_eq!(built.items[0].status, PreviewStatus::Unsupported);
        assert!(built.items[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("otpauth"));
    }

    #[test]
    fn a_bad_link_is_a_sentence() {
        let err = from_text("hello").unwrap_err();
        assert_eq!(
            err,
            "This is not an otpauth:// or otpauth-migration:// link."
        );
        let err = from_text("otpauth://totp/x?secret=!!!").unwrap_err();
        assert!(err.ends_with('.'), "{err}");
    }
}
