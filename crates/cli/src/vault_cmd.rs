//! The vault commands of `design/cli.md`: `apiq vault init|info|passwd|
//! keyring|backups|restore`, `add`, `import`, `list`, `export`, `remove`,
//! `rename`, `next` and `recovery add|list|use|search`.
//!
//! Each command returns its stdout as text (see `main.rs`), so a failure
//! prints nothing there; every change goes through one `apiq_vault`
//! transaction, so a failure writes nothing. The password comes from
//! `--password-stdin`, `APIQ_VAULT_PASSWORD` or a terminal prompt, in that
//! order; without either of the first two, a vault with an OS keyring slot
//! is opened through the keyring first (and if that fails the reason is
//! stated once before the prompt).

mod entries;
mod file;
mod recovery;
mod transfer;
mod unlock;

use std::path::PathBuf;

use clap::{Args, Subcommand};

pub(crate) use file::new_password;
pub(crate) use unlock::{open, options, password, resolve, vault_failure, vault_path, Stdin};

/// Options every vault command takes.
#[derive(Args, Debug, Clone)]
pub struct VaultOpts {
    /// The vault file (default: $APIQ_DATA_DIR/vault.apiq, else the desktop
    /// app's vault in your data folder).
    #[arg(long, value_name = "PATH")]
    vault: Option<PathBuf>,
    /// Read the vault password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Do not try the OS keyring slot; always use the password.
    #[arg(long)]
    no_keyring: bool,
}

/// The vault commands, flattened into the top-level command list.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// The vault file itself: create it, its keys, its backups.
    Vault(file::VaultArgs),
    /// Add otpauth:// (or otpauth-migration://) URIs to the vault; prints the new ids.
    Add(entries::AddArgs),
    /// Import another authenticator's export (or an Apiq vault), skipping duplicates.
    Import(transfer::ImportArgs),
    /// Every entry with its id and current code (no secrets).
    List(entries::ListArgs),
    /// Write the whole vault in an export format.
    Export(transfer::ExportArgs),
    /// Remove an entry.
    Remove(entries::RemoveArgs),
    /// Change an entry's issuer and/or account name.
    Rename(entries::RenameArgs),
    /// Print an HOTP entry's next code and advance its counter.
    Next(entries::NextArgs),
    /// Give an entry its own icon from an image file (kept in the vault), or remove it.
    Icon(entries::IconArgs),
    /// The offline recovery-code vault: a service's one-time recovery codes.
    Recovery(recovery::RecoveryArgs),
}

/// Runs a vault command; returns its stdout.
pub fn run(cmd: Command) -> anyhow::Result<String> {
    match cmd {
        Command::Vault(a) => file::run(a),
        Command::Add(a) => entries::add(a),
        Command::Import(a) => transfer::import(a),
        Command::List(a) => entries::list(a),
        Command::Export(a) => transfer::export(a),
        Command::Remove(a) => entries::remove(a),
        Command::Rename(a) => entries::rename(a),
        Command::Next(a) => entries::next(a),
        Command::Icon(a) => entries::icon(a),
        Command::Recovery(a) => recovery::run(a),
    }
}
