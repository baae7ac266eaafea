//! The preview shown before anything is stored: each item found marked
//! new, duplicate (the same account as an entry in the vault, or as an
//! earlier item of the same preview) or unsupported (with the reason).
//!
//! Duplicates are found by [`apiq_vault::DuplicateIndex`], the detector
//! [`apiq_vault::Vault::import`] uses when the preview is saved: what the
//! preview calls new is what the save adds (unless the vault changed in
//! between, which the save sees for itself).

use apiq_otp::{Entry, Skipped};
use apiq_vault::{DuplicateIndex, NewEntry, VaultEntry};

/// What the preview says about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not in the vault: will be added.
    New,
    /// The vault already has this account, under this label.
    InVault { label: String },
    /// The same account appears earlier in this preview.
    EarlierInList,
    /// Cannot be used; the reason as the library gave it.
    Unsupported { reason: String },
}

/// One item of a preview: its labels and parameters (`None` for an item
/// that could not be read), never its secret.
#[derive(Debug, Clone)]
pub struct Item {
    pub issuer: String,
    pub name: String,
    pub otp: Option<Params>,
    pub status: Status,
}

/// An entry's parameters, for showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub kind: apiq_otp::Kind,
    pub digits: u8,
    pub algorithm: apiq_otp::Algorithm,
}

impl Params {
    pub fn of(e: &Entry) -> Self {
        Params {
            kind: e.kind(),
            digits: e.digits(),
            algorithm: e.algorithm(),
        }
    }
}

/// A preview: every item, and the entries a save would add.
pub struct Preview {
    pub items: Vec<Item>,
    pub new: Vec<NewEntry>,
}

impl Preview {
    /// Marks every candidate against the vault's entries and each other;
    /// the skipped items are listed after them as unsupported.
    pub fn build(candidates: Vec<NewEntry>, skipped: &[Skipped], existing: &[VaultEntry]) -> Self {
        enum Seen {
            Vault(usize),
            Earlier,
        }
        let mut index = DuplicateIndex::new();
        for (i, e) in existing.iter().enumerate() {
            index.insert(&e.otp, Seen::Vault(i));
        }
        let mut items = Vec::with_capacity(candidates.len() + skipped.len());
        let mut new = Vec::new();
        for c in candidates {
            let status = match index.find(&c.otp) {
                Some(&Seen::Vault(i)) => Status::InVault {
                    label: existing[i].label(),
                },
                Some(Seen::Earlier) => Status::EarlierInList,
                None => Status::New,
            };
            items.push(Item {
                issuer: c.otp.issuer.clone(),
                name: c.otp.name.clone(),
                otp: Some(Params::of(&c.otp)),
                status: status.clone(),
            });
            if status == Status::New {
                index.insert(&c.otp, Seen::Earlier);
                new.push(c);
            }
        }
        items.extend(skipped.iter().map(|s| Item {
            issuer: String::new(),
            name: s.label.clone(),
            otp: None,
            status: Status::Unsupported {
                reason: s.reason.to_string(),
            },
        }));
        Preview { items, new }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{from_qr_texts, from_text};

    #[test]
    fn marks_new_duplicate_and_unsupported() {
        let f = from_text(
            "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&issuer=A\n\
             otpauth://totp/B:me?secret=GEZDGNBVGY3TQOJQ&issuer=B\n\
             otpauth://totp/B2:me?secret=GEZDGNBVGY3TQOJQ&issuer=B2",
        )
        .unwrap();
        let p = Preview::build(f.entries, &f.skipped, &[]);
        let st: Vec<_> = p.items.iter().map(|i| i.status.clone()).collect();
        assert_eq!(st, [Status::New, Status::New, Status::EarlierInList]);
        assert_eq!(p.new.len(), 2);
    }

    #[test]
    fn an_entry_of_the_vault_is_named() {
        let (_dir, mut v) = crate::testutil::vault();
        let f = from_text("otpauth://totp/Kept:me?secret=JBSWY3DPEHPK3PXP&issuer=Kept").unwrap();
        v.add_many(f.entries, 1).unwrap();
        let again = from_text("otpauth://totp/Other:x?secret=JBSWY3DPEHPK3PXP").unwrap();
        let p = Preview::build(again.entries.clone(), &[], v.entries());
        assert!(matches!(&p.items[0].status, Status::InVault { label } if label.contains("Kept")));
        assert!(p.new.is_empty());
        // The save agrees with the preview.
        let report = v.import(again.entries, 2).unwrap();
        assert!(report.added.is_empty());
    }

    #[test]
    fn skipped_items_are_unsupported() {
        let f = from_qr_texts(&["https://example.com".into()]);
        let p = Preview::build(f.entries, &f.skipped, &[]);
        assert!(
            matches!(&p.items[0].status, Status::Unsupported { reason } if reason.contains("otpauth"))
        );
        assert!(p.items[0].otp.is_none());
    }
}
