//! The window's side of a preview: [`apiq_app::preview`] decides what is
//! new, a duplicate or unsupported; this module turns its items into the
//! DTO the window shows, with the reasons as sentences, and a text that
//! holds no link into a sentence saying so.

use apiq_app::preview::{Item, Status};
use apiq_otp::{Entry, Kind};

use crate::dto::{OtpKind, PreviewItem, PreviewStatus};
use crate::error::sentence;

pub fn otp_kind(k: Kind) -> OtpKind {
    match k {
        Kind::Totp { .. } => OtpKind::Totp,
        Kind::Hotp { .. } => OtpKind::Hotp,
        Kind::Steam { .. } => OtpKind::Steam,
    }
}

pub fn kind_of(e: &Entry) -> OtpKind {
    otp_kind(e.kind())
}

/// One item as the window shows it.
pub fn item_view(i: Item) -> PreviewItem {
    let (status, reason) = match i.status {
        Status::New => (PreviewStatus::New, None),
        Status::InVault { label } => (
            PreviewStatus::Duplicate,
            Some(format!("The vault already has this account as “{label}”.")),
        ),
        Status::EarlierInList => (
            PreviewStatus::Duplicate,
            Some("The same account appears earlier in this list.".to_string()),
        ),
        Status::Unsupported { reason } => (PreviewStatus::Unsupported, Some(sentence(&reason))),
    };
    PreviewItem {
        issuer: i.issuer,
        name: i.name,
        kind: i.otp.as_ref().map(|p| otp_kind(p.kind)),
        digits: i.otp.as_ref().map(|p| p.digits),
        period: i.otp.as_ref().and_then(|p| p.kind.period()),
        algorithm: i.otp.as_ref().map(|p| p.algorithm.as_str().to_string()),
        status,
        reason,
    }
}

/// Why a pasted text is not one link per line, as a sentence.
pub fn text_error(text: &str, e: &apiq_otp::LineError) -> String {
    use apiq_otp::OtpError::*;
    if e.line > 0 && text.trim().lines().count() > 1 {
        return format!("Line {}: {}", e.line, sentence(&e.error.to_string()));
    }
    match &e.error {
        NotOtpauth | Malformed(_) => {
            "This is not an otpauth:// or otpauth-migration:// link.".to_string()
        }
        other => sentence(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(), String> {
        apiq_app::import::from_text(text)
            .map(|_| ())
            .map_err(|e| text_error(text, &e))
    }

    #[test]
    fn a_bad_link_is_a_sentence() {
        assert_eq!(
            read("hello").unwrap_err(),
            "This is not an otpauth:// or otpauth-migration:// link."
        );
        let err = read("otpauth://totp/x?secret=!!!").unwrap_err();
        assert!(err.ends_with('.'), "{err}");
        let err = read("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP\nhello").unwrap_err();
        assert!(err.starts_with("Line 2: "), "{err}");
    }

    #[test]
    fn statuses_become_the_windows_words() {
        let f = apiq_app::import::from_text(
            "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A\n\
             otpauth://totp/A2:me?secret=JBSWY3DPEHPK3PXP&issuer=A2",
        )
        .unwrap();
        let skipped = [apiq_otp::Skipped {
            label: "A QR code".into(),
            reason: "it holds no two-factor account".into(),
        }];
        let p = apiq_app::preview::Preview::build(f.entries, &skipped, &[]);
        let items: Vec<PreviewItem> = p.items.into_iter().map(item_view).collect();
        assert_eq!(items[0].status, PreviewStatus::New);
        assert_eq!(items[0].kind, Some(OtpKind::Totp));
        assert_eq!(items[0].period, Some(30));
        assert_eq!(items[1].status, PreviewStatus::Duplicate);
        assert!(items[1].reason.as_deref().unwrap().contains("earlier"));
        assert_eq!(items[2].status, PreviewStatus::Unsupported);
        assert_eq!(
            items[2].reason.as_deref(),
            Some("It holds no two-factor account.")
        );
    }
}
