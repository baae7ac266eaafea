//! Opening the vault from the command line: its path, the password
//! (`--password-stdin`, `APIQ_VAULT_PASSWORD`, a terminal prompt), the OS
//! keyring first when the vault has a slot there, standard input shared by
//! passwords and `-` inputs, and vault errors mapped to exit codes.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use apiq_vault::{KeyringBackend, KeyringPreference, Vault, VaultError, VaultOptions};
use zeroize::Zeroizing;

use super::VaultOpts;
use crate::{fsutil, warn, Failure};

/// The vault path: `--vault`, else `$APIQ_DATA_DIR/vault.apiq`, else the
/// desktop app's data folder.
pub fn vault_path(opts: &VaultOpts) -> anyhow::Result<PathBuf> {
    match &opts.vault {
        Some(p) => Ok(p.clone()),
        None => Ok(fsutil::data_dir()?.join(apiq_app::files::VAULT_FILE)),
    }
}

/// Maps a vault error to the CLI's exit codes: 2 for what the user typed
/// (ids, codes), 1 for the state of things (wrong password, damaged file,
/// busy, missing vault).
pub fn vault_failure(e: VaultError) -> anyhow::Error {
    let input = matches!(
        e,
        VaultError::NoSuchEntry(_)
            | VaultError::AmbiguousId(_)
            | VaultError::Otp(_)
            | VaultError::RecoveryCodeNotFound
            | VaultError::NoRecoveryCodes
            | VaultError::WeakKdf { .. }
    );
    let message = match &e {
        VaultError::NotFound { path } => format!(
            "no vault at {} (create one with `apiq vault init`)",
            path.display()
        ),
        _ => e.to_string(),
    };
    Failure::with_code(if input { 2 } else { 1 }, message)
}

/// Standard input, read once: `--password-stdin`'s lines and `-` inputs
/// share it (the password first).
pub(crate) struct Stdin {
    bytes: Option<Zeroizing<Vec<u8>>>,
    taken: usize,
}

impl Stdin {
    pub(crate) fn new() -> Self {
        Stdin {
            bytes: None,
            taken: 0,
        }
    }

    fn all(&mut self) -> anyhow::Result<&[u8]> {
        if self.bytes.is_none() {
            let mut buf = Zeroizing::new(Vec::new());
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
            self.bytes = Some(buf);
        }
        Ok(self.bytes.as_deref().map(Vec::as_slice).unwrap_or_default())
    }

    /// The next line (for passwords), without its line ending.
    pub(crate) fn line(&mut self) -> anyhow::Result<Zeroizing<String>> {
        let taken = self.taken;
        let all = self.all()?;
        let rest = &all[taken.min(all.len())..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let consumed = (end + 1).min(rest.len());
        let line = std::str::from_utf8(&rest[..end])
            .map_err(|_| Failure::input("the password line is not valid UTF-8"))?;
        let line = Zeroizing::new(line.trim_end_matches('\r').to_string());
        self.taken += consumed;
        Ok(line)
    }

    /// Whatever is left after the lines taken.
    pub(crate) fn rest(&mut self) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        let taken = self.taken;
        let all = self.all()?;
        let rest = Zeroizing::new(all[taken.min(all.len())..].to_vec());
        self.taken = all.len();
        Ok(rest)
    }

    pub(crate) fn rest_text(&mut self) -> anyhow::Result<Zeroizing<String>> {
        let rest = self.rest()?;
        Ok(Zeroizing::new(
            std::str::from_utf8(&rest)
                .map_err(|_| Failure::input("standard input is not valid UTF-8"))?
                .to_string(),
        ))
    }
}

/// The vault password: `--password-stdin`, `APIQ_VAULT_PASSWORD`, or a
/// terminal prompt (twice when `confirm`).
pub(crate) fn password(
    opts: &VaultOpts,
    stdin: &mut Stdin,
    confirm: bool,
) -> anyhow::Result<Zeroizing<String>> {
    if opts.password_stdin {
        let pw = stdin.line()?;
        if pw.is_empty() {
            return Err(Failure::input(
                "--password-stdin: the first line of standard input is empty",
            ));
        }
        return Ok(pw);
    }
    if let Some(pw) = std::env::var("APIQ_VAULT_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(Zeroizing::new(pw));
    }
    prompt("Vault password: ", confirm)
}

pub(super) fn prompt(label: &str, confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(
            "no vault password: set APIQ_VAULT_PASSWORD, pass --password-stdin, or run in a terminal",
        ));
    }
    let pw = Zeroizing::new(
        rpassword::prompt_password(label)
            .map_err(|e| Failure::input(format!("cannot read the password: {e}")))?,
    );
    if pw.is_empty() {
        return Err(Failure::input("the password is empty"));
    }
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat it: ")
                .map_err(|e| Failure::input(format!("cannot read the password: {e}")))?,
        );
        if again != pw {
            return Err(Failure::input("the two passwords differ"));
        }
    }
    Ok(pw)
}

fn password_given(opts: &VaultOpts) -> bool {
    opts.password_stdin || std::env::var("APIQ_VAULT_PASSWORD").is_ok_and(|p| !p.is_empty())
}

/// Opens the vault: through the OS keyring when it has a keyring slot and
/// no password was given, else (or when the keyring fails, saying why
/// once) with the password.
pub(crate) fn open(opts: &VaultOpts, stdin: &mut Stdin) -> anyhow::Result<Vault> {
    open_as(opts, stdin, options(false))
}

/// How the CLI opens the vault: with the rollback check's record in the
/// data folder (shared with the window), accepting an older copy only when
/// asked (`apiq vault accept-older`).
pub(crate) fn options(accept_older: bool) -> VaultOptions {
    VaultOptions {
        accept_older,
        ..apiq_app::files::vault_options(fsutil::data_dir().ok().as_deref())
    }
}

/// [`open`] with the given options.
pub(crate) fn open_as(
    opts: &VaultOpts,
    stdin: &mut Stdin,
    vopts: VaultOptions,
) -> anyhow::Result<Vault> {
    let path = vault_path(opts)?;
    let peek = Vault::peek(&path).map_err(vault_failure)?;
    if !opts.no_keyring && !password_given(opts) && peek.keyring().is_some() {
        match Vault::open_with_keyring(&path, vopts.clone()) {
            Ok(v) => return Ok(v),
            Err(VaultError::Keyring { reason }) if peek.has_password() => {
                warn(format!(
                    "the OS keyring did not unlock the vault ({reason}); using the password"
                ));
            }
            Err(e) => return Err(vault_failure(e)),
        }
    }
    let pw = password(opts, stdin, false)?;
    Vault::open_with_password(&path, &pw, vopts).map_err(vault_failure)
}

pub(super) fn keyring_pref(name: &str) -> anyhow::Result<KeyringPreference> {
    if name.eq_ignore_ascii_case("auto") {
        return Ok(KeyringPreference::Auto);
    }
    KeyringBackend::parse(name)
        .map(KeyringPreference::Only)
        .ok_or_else(|| {
            Failure::input(format!(
                "unknown keyring {name:?} (auto, secret-service or keyutils)"
            ))
        })
}

pub(crate) fn resolve(v: &Vault, id: &str) -> anyhow::Result<apiq_vault::EntryId> {
    v.resolve_id(id).map_err(vault_failure)
}
