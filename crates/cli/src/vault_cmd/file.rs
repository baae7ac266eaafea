//! `apiq vault init|info|passwd|keyring|backups|restore`: the vault file
//! itself, its key slots and its backups.

use std::path::PathBuf;

use apiq_vault::{CreateOptions, KeyringStatus, SlotInfo, Vault, VaultError, VaultOptions};
use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use super::unlock::{keyring_pref, password, prompt, vault_path};
use super::{open, vault_failure, Stdin, VaultOpts};
use crate::{warn, Failure};

#[derive(Args, Debug)]
pub struct VaultArgs {
    #[command(subcommand)]
    command: VaultCommand,
}

#[derive(Subcommand, Debug)]
enum VaultCommand {
    /// Create an empty encrypted vault.
    Init {
        #[command(flatten)]
        opts: VaultOpts,
        /// Also unlock it through the OS keyring (when one is reachable).
        #[arg(long)]
        keyring: bool,
        /// Which keyring: auto, secret-service or keyutils.
        #[arg(long, value_name = "KEYRING", default_value = "auto")]
        keyring_backend: String,
    },
    /// The vault's id, generation, key slots and backups.
    Info {
        #[command(flatten)]
        opts: VaultOpts,
        #[arg(long)]
        json: bool,
    },
    /// Change the password (new one from APIQ_NEW_VAULT_PASSWORD, the second
    /// stdin line with --password-stdin, or a prompt). The data is re-keyed:
    /// the old password opens neither the file nor its backups; other
    /// devices of a sync folder need the new password once (`apiq sync
    /// --new-password`).
    Passwd {
        #[command(flatten)]
        opts: VaultOpts,
    },
    /// Open a vault file older than one this device has already opened (a
    /// restore done on purpose) and make it the vault's version from now on.
    AcceptOlder {
        #[command(flatten)]
        opts: VaultOpts,
    },
    /// Add or remove the OS keyring slot.
    Keyring {
        #[command(subcommand)]
        action: KeyringAction,
    },
    /// The backups beside the vault, newest first.
    Backups {
        #[command(flatten)]
        opts: VaultOpts,
    },
    /// Restore a backup (opened with the vault password) as the newest version.
    Restore {
        #[command(flatten)]
        opts: VaultOpts,
        /// The backup file.
        backup: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum KeyringAction {
    /// Keep a key in the OS keyring so the vault opens without the password.
    Add {
        #[command(flatten)]
        opts: VaultOpts,
        /// Which keyring: auto, secret-service or keyutils.
        #[arg(long, value_name = "KEYRING", default_value = "auto")]
        backend: String,
    },
    /// Remove the keyring slot and delete its key from the keyring.
    Remove {
        #[command(flatten)]
        opts: VaultOpts,
    },
}

/// A new vault password: `APIQ_NEW_VAULT_PASSWORD`, the next line of
/// standard input with `--password-stdin`, or a prompt (`confirm`: typed
/// twice).
pub(crate) fn new_password(
    opts: &VaultOpts,
    stdin: &mut Stdin,
    confirm: bool,
) -> anyhow::Result<Zeroizing<String>> {
    if let Some(pw) = std::env::var("APIQ_NEW_VAULT_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        Ok(Zeroizing::new(pw))
    } else if opts.password_stdin {
        let pw = stdin.line()?;
        if pw.is_empty() {
            return Err(Failure::input(
                "--password-stdin: the new password (second line) is empty",
            ));
        }
        Ok(pw)
    } else {
        prompt("New vault password: ", confirm)
    }
}

/// Runs `apiq vault …`.
pub fn run(a: VaultArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    match a.command {
        VaultCommand::Init {
            opts,
            keyring,
            keyring_backend,
        } => {
            let path = vault_path(&opts)?;
            let pref = keyring_pref(&keyring_backend)?;
            if path.exists() {
                return Err(vault_failure(VaultError::AlreadyExists { path }));
            }
            let pw = password(&opts, &mut stdin, true)?;
            if opts.vault.is_none() {
                crate::fsutil::ensure_data_dir()?;
            }
            let v = Vault::create(
                &path,
                &pw,
                CreateOptions {
                    keyring: keyring.then_some(pref),
                    vault: super::unlock::options(false),
                    ..Default::default()
                },
            )
            .map_err(vault_failure)?;
            let mut out = format!("created {}\n", path.display());
            match v.keyring_status() {
                Some(KeyringStatus::Available(b)) => {
                    out.push_str(&format!("keyring: {b} (opens without the password)\n"))
                }
                Some(status @ KeyringStatus::Unavailable { .. }) => warn(status),
                None => {}
            }
            Ok(out)
        }
        VaultCommand::Info { opts, json } => {
            let v = open(&opts, &mut stdin)?;
            info(&v, json)
        }
        VaultCommand::Passwd { opts } => {
            let mut v = open(&opts, &mut stdin)?;
            let new = new_password(&opts, &mut stdin, true)?;
            v.change_password(&new, apiq_vault::Kdf::Calibrated)
                .map_err(vault_failure)?;
            Ok(format!("password changed for {}\n", v.path().display()))
        }
        VaultCommand::AcceptOlder { opts } => {
            let v = super::unlock::open_as(&opts, &mut stdin, super::unlock::options(true))?;
            Ok(format!(
                "accepted: {} is at version {} from now on\n",
                v.path().display(),
                v.generation()
            ))
        }
        VaultCommand::Keyring { action } => match action {
            KeyringAction::Add { opts, backend } => {
                let pref = keyring_pref(&backend)?;
                let mut v = open(&opts, &mut stdin)?;
                let b = v.add_keyring_slot(pref).map_err(vault_failure)?;
                Ok(format!("keyring: {b} (opens without the password)\n"))
            }
            KeyringAction::Remove { opts } => {
                let mut v = open(&opts, &mut stdin)?;
                if let Some(complaint) = v.remove_keyring_slot().map_err(vault_failure)? {
                    warn(format!(
                        "the slot is removed, but its key could not be deleted from the keyring: {complaint}"
                    ));
                }
                Ok("keyring slot removed\n".into())
            }
        },
        VaultCommand::Backups { opts } => {
            let path = vault_path(&opts)?;
            Ok(Vault::backups(&path)
                .iter()
                .map(|b| format!("{}\n", b.display()))
                .collect())
        }
        VaultCommand::Restore { opts, backup } => {
            let path = vault_path(&opts)?;
            let pw = password(&opts, &mut stdin, false)?;
            let b = Vault::open_with_password(&backup, &pw, VaultOptions::default())
                .map_err(vault_failure)?;
            let v = b.restore_to(&path).map_err(vault_failure)?;
            Ok(format!(
                "restored {} entries from {} (generation {})\n",
                v.entries().len(),
                backup.display(),
                v.generation()
            ))
        }
    }
}

fn info(v: &Vault, as_json: bool) -> anyhow::Result<String> {
    let slots: Vec<serde_json::Value> = v
        .slots()
        .iter()
        .map(|s| match s {
            SlotInfo::Password(p) => json!({"type": "password", "kdf": "argon2id",
                "m_kib": p.m_kib, "t": p.t, "p": p.p}),
            SlotInfo::Keyring(b) => json!({"type": "keyring", "keyring": b.name()}),
        })
        .collect();
    let backups = Vault::backups(v.path());
    if as_json {
        let j = json!({
            "path": v.path(),
            "id": v.id(),
            "generation": v.generation(),
            "entries": v.entries().len(),
            "slots": slots,
            "backups": backups,
        });
        return Ok(format!("{j:#}\n"));
    }
    let mut out = format!(
        "path: {}\nid: {}\ngeneration: {}\nentries: {}\n",
        v.path().display(),
        v.id(),
        v.generation(),
        v.entries().len()
    );
    for s in v.slots() {
        match s {
            SlotInfo::Password(p) => out.push_str(&format!(
                "slot: password (argon2id m={} KiB t={} p={})\n",
                p.m_kib, p.t, p.p
            )),
            SlotInfo::Keyring(b) => out.push_str(&format!("slot: keyring ({b})\n")),
        }
    }
    out.push_str(&format!("backups: {}\n", backups.len()));
    Ok(out)
}
