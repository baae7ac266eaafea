//! The account side's state and its "set up 2FA straight into the vault"
//! workflow, for any front end (no HTTP here: the front end calls
//! [`apiq_client`] and hands the answers to these functions).
//!
//! The workflow: the account's second factor is an entry in this vault
//! (issuer [`ISSUER`], the login as account name; [`find_entry`]). During
//! setup the new secret becomes that entry ([`add_setup_entry`]); when the
//! server turns 2FA on, its recovery codes are stored with the entry
//! ([`store_recovery_codes`], whose failure is reported, never dropped: the
//! codes are shown either way, and the person is told they were not
//! kept). The server takes each TOTP time step once, so after a code from
//! this vault was accepted the next one offered is the following step's
//! ([`StepMemory`]).
//!
//! Secrets held here (the session, the password confirmed for a setup in
//! progress, the pending TOTP secret, recovery codes last shown) are
//! zeroizing, never logged, and all forgotten by
//! [`AccountState::forget_session`] (sign-out, an ended session, and the
//! vault being locked).

use apiq_client::{Client, Sensitive};
use apiq_otp::Entry;
use apiq_vault::{EntryId, NewEntry, Vault, VaultEntry, VaultError};
use zeroize::Zeroizing;

/// The issuer the account backend puts in its otpauth:// URIs.
pub const ISSUER: &str = "Apiqcloud";

/// Why an account step cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("signed out")]
    SignedOut,
    #[error("the second sign-in step is not done")]
    SecondStepPending,
    #[error("no two-factor setup is in progress")]
    NoSetup,
    #[error("the account is not in the vault")]
    NotInVault,
    #[error("a code of this vault was just used; the next comes in {0} s")]
    StepUsed(u64),
    #[error(transparent)]
    Otp(#[from] apiq_otp::OtpError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// A 2FA setup between "confirm the password" and "Done".
pub struct Setup {
    pub password: Zeroizing<String>,
    pub secret: Sensitive,
    pub uri: Sensitive,
    /// The vault entry made by "Add to this authenticator".
    pub entry: Option<EntryId>,
    /// Recovery codes received at the end, kept until "Done".
    pub codes: Vec<Sensitive>,
}

/// The time step of the last code this app sent for the account.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StepMemory {
    pub last: Option<u64>,
}

impl StepMemory {
    /// Which step's code to offer at `now` for an entry with `period`: the
    /// current one, or the next when the current was used; `Err(seconds)`
    /// to wait when both were.
    pub fn step_to_offer(&self, now: u64, period: u64) -> Result<u64, u64> {
        let step = now / period;
        match self.last {
            Some(last) if last > step => Err((last + 1) * period - now - period),
            Some(last) if last == step => Ok(step + 1),
            _ => Ok(step),
        }
    }

    /// The code of `otp` to offer at `now` (see [`Self::step_to_offer`]).
    pub fn code_to_offer(&self, otp: &Entry, now: u64) -> Result<String, AccountError> {
        let period = period_of(otp);
        let step = self
            .step_to_offer(now, period)
            .map_err(AccountError::StepUsed)?;
        Ok(otp.code_at(step * period))
    }

    /// Remembers the step of `code` when it is `otp`'s code for a step
    /// from one before `now` to one after (what the server accepts).
    pub fn note(&mut self, otp: &Entry, code: &str, now: u64) {
        let period = period_of(otp);
        let step = now / period;
        for s in [step.saturating_sub(1), step, step + 1] {
            if otp.code_at(s * period) == code {
                self.last = Some(self.last.map_or(s, |l| l.max(s)));
            }
        }
    }
}

fn period_of(otp: &Entry) -> u64 {
    u64::from(otp.kind().period().unwrap_or(30).max(1))
}

/// The account side of a running front end.
#[derive(Default)]
pub struct AccountState {
    pub client: Option<Client>,
    /// The client talks to the bundled backend.
    pub bundled: bool,
    pub session: Option<Sensitive>,
    /// Signed in with the password, waiting for the second step.
    pub pending: bool,
    pub login: String,
    pub setup: Option<Setup>,
    /// The last recovery codes shown (view / regenerate), for Copy and
    /// Download.
    pub shown_codes: Vec<Sensitive>,
    pub steps: StepMemory,
}

impl AccountState {
    /// The session of a signed-in account.
    pub fn session(&self) -> Result<&str, AccountError> {
        match &self.session {
            Some(s) if !self.pending => Ok(s.expose()),
            Some(_) => Err(AccountError::SecondStepPending),
            None => Err(AccountError::SignedOut),
        }
    }

    pub fn signed_in(&self) -> bool {
        self.session.is_some() && !self.pending
    }

    /// Forgets the session and every secret of the account side: a setup's
    /// password and secret, recovery codes last shown.
    pub fn forget_session(&mut self) {
        self.session = None;
        self.pending = false;
        self.setup = None;
        self.shown_codes.clear();
    }

    /// The setup in progress.
    pub fn setup(&mut self) -> Result<&mut Setup, AccountError> {
        self.setup.as_mut().ok_or(AccountError::NoSetup)
    }

    /// The vault entry this account's codes come from: the setup's new
    /// entry, else the one found by issuer and login.
    pub fn entry_in(&self, vault: &Vault) -> Option<EntryId> {
        match &self.setup {
            Some(Setup {
                entry: Some(id), ..
            }) if vault.get(*id).is_some() => Some(*id),
            _ => find_entry(vault.entries(), &self.login),
        }
    }

    /// The OTP of this account's vault entry.
    pub fn otp_in(&self, vault: &Vault) -> Result<Entry, AccountError> {
        self.entry_in(vault)
            .and_then(|id| vault.get(id))
            .map(|e| e.otp.clone())
            .ok_or(AccountError::NotInVault)
    }
}

/// The vault entry of the account `login`: issuer [`ISSUER`], the login as
/// name (any case); an active one before an archived one.
pub fn find_entry(entries: &[VaultEntry], login: &str) -> Option<EntryId> {
    if login.is_empty() {
        return None;
    }
    let matches = |e: &&VaultEntry| {
        e.otp.issuer.eq_ignore_ascii_case(ISSUER) && e.otp.name.eq_ignore_ascii_case(login)
    };
    entries
        .iter()
        .filter(matches)
        .find(|e| !e.archived)
        .or_else(|| entries.iter().find(matches))
        .map(|e| e.id)
}

/// Stores the setup's new secret in the vault, once: a second call returns
/// the entry already made (while it exists).
pub fn add_setup_entry(
    vault: &mut Vault,
    setup: &mut Setup,
    now: u64,
) -> Result<EntryId, AccountError> {
    if let Some(id) = setup.entry.filter(|id| vault.get(*id).is_some()) {
        return Ok(id);
    }
    let entry = apiq_otp::uri::parse(setup.uri.expose())?;
    let id = vault.add(NewEntry::from(entry), now)?;
    setup.entry = Some(id);
    Ok(id)
}

/// Replaces the recovery codes of entry `id` with `codes` (new codes from
/// the service make the old ones useless) and makes it active again.
/// One saved change; fails, changing nothing, when the entry is gone or
/// the vault cannot be saved.
pub fn store_recovery_codes(
    vault: &mut Vault,
    id: EntryId,
    codes: &[Sensitive],
    now: u64,
) -> Result<(), VaultError> {
    let codes: Vec<&str> = codes.iter().map(|c| c.expose()).collect();
    crate::recovery::store_in(vault, id, &codes, true, true, now)
}

/// 2FA was turned off: the account's entry is kept, archived (its codes
/// no longer open anything, but the recovery codes are a record).
pub fn archive_entry(vault: &mut Vault, login: &str, now: u64) -> Result<(), VaultError> {
    match find_entry(vault.entries(), login) {
        Some(id) => vault.set_archived(id, true, now),
        None => Ok(()),
    }
}

/// Recovery codes as a text file to keep.
pub fn codes_text(login: &str, codes: &[Sensitive]) -> Zeroizing<String> {
    let mut t = Zeroizing::new(format!(
        "{ISSUER} recovery codes for {login}\nEach code works once. Keep them somewhere safe.\n\n"
    ));
    for c in codes {
        t.push_str(c.expose());
        t.push('\n');
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    const URI: &str =
        "otpauth://totp/Apiqcloud:me@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Apiqcloud";

    fn setup() -> Setup {
        Setup {
            password: Zeroizing::new("pw".into()),
            secret: Sensitive::new("JBSWY3DPEHPK3PXP"),
            uri: Sensitive::new(URI),
            entry: None,
            codes: Vec::new(),
        }
    }

    #[test]
    fn a_used_step_is_replaced_by_the_next() {
        let mut a = StepMemory::default();
        assert_eq!(a.step_to_offer(95, 30), Ok(3));
        a.last = Some(3);
        assert_eq!(a.step_to_offer(95, 30), Ok(4));
        a.last = Some(4);
        assert_eq!(a.step_to_offer(95, 30), Err(25));
        assert_eq!(a.step_to_offer(125, 30), Ok(5));
    }

    #[test]
    fn a_code_sent_is_remembered_and_the_next_offered() {
        let otp = apiq_otp::uri::parse(URI).unwrap();
        let mut m = StepMemory::default();
        let now = 1_000_000;
        let first = m.code_to_offer(&otp, now).unwrap();
        assert_eq!(first, otp.code_at(now));
        m.note(&otp, &first, now);
        let second = m.code_to_offer(&otp, now).unwrap();
        assert_eq!(second, otp.code_at(now + 30));
        m.note(&otp, &second, now);
        assert!(matches!(
            m.code_to_offer(&otp, now),
            Err(AccountError::StepUsed(_))
        ));
        // A code that is not this entry's changes nothing.
        let mut m2 = StepMemory::default();
        m2.note(&otp, "000000x", now);
        assert_eq!(m2.last, None);
    }

    #[test]
    fn the_setup_secret_goes_into_the_vault_once() {
        let (_d, mut v) = testutil::vault();
        let mut s = setup();
        let id = add_setup_entry(&mut v, &mut s, 10).unwrap();
        assert_eq!(add_setup_entry(&mut v, &mut s, 11).unwrap(), id);
        assert_eq!(v.entries().len(), 1);
        assert_eq!(find_entry(v.entries(), "ME@example.com"), Some(id));
        let mut acc = AccountState {
            login: "me@example.com".into(),
            ..Default::default()
        };
        assert_eq!(acc.entry_in(&v), Some(id));
        acc.setup = Some(s);
        assert_eq!(acc.otp_in(&v).unwrap().issuer, ISSUER);
    }

    #[test]
    fn recovery_codes_are_stored_and_a_failure_is_reported() {
        let (_d, mut v) = testutil::vault();
        let mut s = setup();
        let id = add_setup_entry(&mut v, &mut s, 10).unwrap();
        v.set_archived(id, true, 11).unwrap();
        let codes = vec![Sensitive::new("aaaa-bbbb"), Sensitive::new("cccc-dddd")];
        store_recovery_codes(&mut v, id, &codes, 12).unwrap();
        let e = v.get(id).unwrap();
        assert_eq!(e.recovery.remaining(), 2);
        assert!(!e.archived);
        // The entry removed meanwhile: an error, not a silent "stored".
        v.remove(id).unwrap();
        let err = store_recovery_codes(&mut v, id, &codes, 13).unwrap_err();
        assert!(matches!(err, VaultError::NoSuchEntry(_)));
    }

    #[test]
    fn an_active_entry_is_found_before_an_archived_one_and_archiving_keeps_it() {
        let (_d, mut v) = testutil::vault();
        let old = add_setup_entry(&mut v, &mut setup(), 1).unwrap();
        v.set_archived(old, true, 2).unwrap();
        let new = add_setup_entry(&mut v, &mut setup(), 3).unwrap();
        assert_eq!(find_entry(v.entries(), "me@example.com"), Some(new));
        archive_entry(&mut v, "me@example.com", 4).unwrap();
        assert_eq!(v.entries().len(), 2);
        assert!(v.entries().iter().all(|e| e.archived));
        assert_eq!(find_entry(v.entries(), ""), None);
    }

    #[test]
    fn forgetting_the_session_forgets_every_secret() {
        let mut a = AccountState {
            session: Some(Sensitive::new("s")),
            setup: Some(setup()),
            shown_codes: vec![Sensitive::new("c")],
            login: "me".into(),
            ..Default::default()
        };
        assert!(a.signed_in());
        a.forget_session();
        assert!(a.session.is_none() && a.setup.is_none() && a.shown_codes.is_empty());
        assert!(matches!(a.session(), Err(AccountError::SignedOut)));
    }
}
