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

mod recovery;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use apiq_vault::{
    CreateOptions, KeyringBackend, KeyringPreference, KeyringStatus, NewEntry, SlotInfo, Vault,
    VaultEntry, VaultError, VaultOptions,
};
use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use crate::otp_cmds::now;
use crate::{fsutil, warn, Failure};

/// The vault's file name in the data folder (shared with the desktop app).
pub const VAULT_FILE: &str = "vault.apiq";

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
    Vault(VaultArgs),
    /// Add otpauth:// (or otpauth-migration://) URIs to the vault; prints the new ids.
    Add(AddArgs),
    /// Import another authenticator's export (or an Apiq vault), skipping duplicates.
    Import(ImportArgs),
    /// Every entry with its id and current code (no secrets).
    List(ListArgs),
    /// Write the whole vault in an export format.
    Export(ExportArgs),
    /// Remove an entry.
    Remove(RemoveArgs),
    /// Change an entry's issuer and/or account name.
    Rename(RenameArgs),
    /// Print an HOTP entry's next code and advance its counter.
    Next(NextArgs),
    /// The offline recovery-code vault: a service's one-time recovery codes.
    Recovery(recovery::RecoveryArgs),
}

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
    /// stdin line with --password-stdin, or a prompt). Entries are not re-keyed.
    Passwd {
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

#[derive(Args, Debug)]
pub struct AddArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// otpauth:// or otpauth-migration:// URIs; `-` reads them from stdin.
    #[arg(value_name = "URI", required = true)]
    uris: Vec<String>,
    /// A note for the new entries.
    #[arg(long, default_value = "")]
    note: String,
    /// A group for the new entries (repeatable).
    #[arg(long = "group", value_name = "GROUP")]
    groups: Vec<String>,
    /// Mark the new entries as favorites.
    #[arg(long)]
    favorite: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The export file (`-` for stdin).
    #[arg(value_name = "FILE")]
    file: String,
    /// The export format, `apiq` for an Apiq vault or backup, or `auto`.
    #[arg(long, default_value = "auto")]
    format: String,
    /// The environment variable holding an encrypted export's password.
    #[arg(long, value_name = "VAR", default_value = "APIQ_IMPORT_PASSWORD")]
    password_env: String,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The time to compute codes for, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    at: Option<u64>,
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// otpauth, aegis, aegis-encrypted, google-migration, 2fas,
    /// 2fas-encrypted, or apiq (this vault, encrypted as it is).
    #[arg(long)]
    format: String,
    /// Write to this file (owner-only permissions) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The environment variable holding the password of an encrypted export.
    #[arg(long, value_name = "VAR", default_value = "APIQ_EXPORT_PASSWORD")]
    password_env: String,
    /// With --format google-migration or otpauth: write one QR code PNG per
    /// line (per batch, for Google Authenticator's "Transfer accounts") into
    /// this new folder, to scan with a phone.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    qr_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The entry's id (or a unique prefix of 4+ hex digits).
    id: String,
}

#[derive(Args, Debug)]
pub struct RenameArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The entry's id (or a unique prefix of 4+ hex digits).
    id: String,
    /// The new account name (same as --name).
    #[arg(value_name = "NAME")]
    new_name: Option<String>,
    /// The new issuer (`""` for none).
    #[arg(long)]
    issuer: Option<String>,
    /// The new account name.
    #[arg(long, conflicts_with = "new_name")]
    name: Option<String>,
}

#[derive(Args, Debug)]
pub struct NextArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The HOTP entry's id (or a unique prefix).
    id: String,
}

/// Runs a vault command; returns its stdout.
pub fn run(cmd: Command) -> anyhow::Result<String> {
    match cmd {
        Command::Vault(a) => vault(a.command),
        Command::Add(a) => add(a),
        Command::Import(a) => import(a),
        Command::List(a) => list(a),
        Command::Export(a) => export(a),
        Command::Remove(a) => remove(a),
        Command::Rename(a) => rename(a),
        Command::Next(a) => next(a),
        Command::Recovery(a) => recovery::run(a),
    }
}

// ---- shared helpers ----

/// The vault path: `--vault`, else `$APIQ_DATA_DIR/vault.apiq`, else the
/// desktop app's data folder.
pub fn vault_path(opts: &VaultOpts) -> anyhow::Result<PathBuf> {
    match &opts.vault {
        Some(p) => Ok(p.clone()),
        None => Ok(fsutil::data_dir()?.join(VAULT_FILE)),
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
    fn line(&mut self) -> anyhow::Result<Zeroizing<String>> {
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
    fn rest(&mut self) -> anyhow::Result<Zeroizing<Vec<u8>>> {
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

fn prompt(label: &str, confirm: bool) -> anyhow::Result<Zeroizing<String>> {
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
    let path = vault_path(opts)?;
    let peek = Vault::peek(&path).map_err(vault_failure)?;
    if !opts.no_keyring && !password_given(opts) && peek.keyring().is_some() {
        match Vault::open_with_keyring(&path, VaultOptions::default()) {
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
    Vault::open_with_password(&path, &pw, VaultOptions::default()).map_err(vault_failure)
}

fn keyring_pref(name: &str) -> anyhow::Result<KeyringPreference> {
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

// ---- vault … ----

fn vault(cmd: VaultCommand) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    match cmd {
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
            let v = Vault::create(
                &path,
                &pw,
                CreateOptions {
                    keyring: keyring.then_some(pref),
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
            let new = if let Some(pw) = std::env::var("APIQ_NEW_VAULT_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
            {
                Zeroizing::new(pw)
            } else if opts.password_stdin {
                let pw = stdin.line()?;
                if pw.is_empty() {
                    return Err(Failure::input(
                        "--password-stdin: the new password (second line) is empty",
                    ));
                }
                pw
            } else {
                prompt("New vault password: ", true)?
            };
            v.change_password(&new, apiq_vault::Kdf::Calibrated)
                .map_err(vault_failure)?;
            Ok(format!("password changed for {}\n", v.path().display()))
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

// ---- entries ----

fn add(a: AddArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    // Parse everything before unlocking: a bad URI fails the whole command.
    let uses_stdin = a.uris.iter().any(|u| u == "-");
    // With --password-stdin, the password is stdin's first line and any
    // `-` URIs follow it: unlock first. Otherwise parse first, so a bad
    // URI fails before the password is asked for.
    let mut v = if uses_stdin && a.opts.password_stdin {
        Some(open(&a.opts, &mut stdin)?)
    } else {
        None
    };
    let mut text = String::new();
    for u in &a.uris {
        if u == "-" {
            text.push_str(&stdin.rest_text()?);
        } else {
            text.push_str(u);
        }
        text.push('\n');
    }
    let (entries, skipped) =
        apiq_otp::parse_lines(&text).map_err(|e| Failure::input(e.to_string()))?;
    for s in &skipped {
        warn(format!("skipped {}: {}", s.label, s.reason));
    }
    if entries.is_empty() {
        return Err(Failure::input("no entry to add"));
    }
    let mut v = match v.take() {
        Some(v) => v,
        None => open(&a.opts, &mut stdin)?,
    };
    let items = entries
        .into_iter()
        .map(|otp| NewEntry {
            note: a.note.clone(),
            groups: a.groups.clone(),
            favorite: a.favorite,
            ..NewEntry::from(otp)
        })
        .collect();
    let ids = v.add_many(items, now()).map_err(vault_failure)?;
    Ok(ids.iter().map(|id| format!("{id}\n")).collect())
}

fn import(a: ImportArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    // With --password-stdin and `-`, the vault password is stdin's first
    // line and the export follows it: unlock first.
    let mut early = if a.file == "-" && a.opts.password_stdin {
        Some(open(&a.opts, &mut stdin)?)
    } else {
        None
    };
    let bytes: Zeroizing<Vec<u8>> = if a.file == "-" {
        stdin.rest()?
    } else {
        let len = std::fs::metadata(&a.file)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", a.file)))?
            .len();
        if len > apiq_formats::MAX_INPUT_BYTES as u64 {
            return Err(Failure::input(format!(
                "{} is too large to be an export ({len} bytes)",
                a.file
            )));
        }
        Zeroizing::new(
            std::fs::read(&a.file)
                .map_err(|e| Failure::input(format!("cannot read {}: {e}", a.file)))?,
        )
    };
    let import_password = std::env::var(&a.password_env)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Zeroizing::new);
    let is_apiq = a.format.eq_ignore_ascii_case("apiq")
        || (a.format.eq_ignore_ascii_case("auto") && bytes.starts_with(&apiq_vault::format::MAGIC));
    let (items, unsupported): (Vec<NewEntry>, usize) = if is_apiq {
        let pw = import_password.ok_or_else(|| {
            Failure::input(format!(
                "this Apiq vault is encrypted: put its password in ${}",
                a.password_env
            ))
        })?;
        (read_apiq(&bytes, &pw)?, 0)
    } else {
        let format = if a.format.eq_ignore_ascii_case("auto") {
            None
        } else {
            Some(apiq_formats::Format::from_name(&a.format).ok_or_else(|| {
                Failure::input(format!("unknown format {:?} (try --format auto)", a.format))
            })?)
        };
        let imported = apiq_formats::import(
            &bytes,
            format,
            import_password.as_deref().map(|p| p.as_bytes()),
        )
        .map_err(|e| match e {
            apiq_formats::FormatError::PasswordRequired => Failure::input(format!(
                "this export is encrypted: put its password in ${}",
                a.password_env
            )),
            apiq_formats::FormatError::WrongPassword => {
                Failure::input("wrong password for this export")
            }
            other => Failure::input(other.to_string()),
        })?;
        for s in &imported.skipped {
            warn(format!("unsupported {}: {}", s.label, s.reason));
        }
        let items = imported
            .entries
            .into_iter()
            .map(|i| NewEntry {
                note: i.note,
                groups: i.groups,
                favorite: i.favorite,
                ..NewEntry::from(i.entry)
            })
            .collect();
        (items, imported.skipped.len())
    };
    let mut v = match early.take() {
        Some(v) => v,
        None => open(&a.opts, &mut stdin)?,
    };
    let report = v.import(items, now()).map_err(vault_failure)?;
    Ok(format!(
        "added {}, duplicates {}, unsupported {}\n",
        report.added.len(),
        report.duplicates.len(),
        unsupported
    ))
}

/// The entries of an Apiq vault file given as bytes (an export or backup).
fn read_apiq(bytes: &[u8], password: &str) -> anyhow::Result<Vec<NewEntry>> {
    // The vault API opens paths; a private temporary copy lets it read
    // bytes that came from stdin as well.
    let dir = tempdir()?;
    let p = dir.path.join("import.apiq");
    fsutil::write_atomic(&p, bytes, true)?;
    let v =
        Vault::open_with_password(&p, password, VaultOptions::default()).map_err(|e| match e {
            VaultError::WrongPassword => Failure::input("wrong password for this Apiq vault"),
            other => Failure::input(format!("cannot import this Apiq vault: {other}")),
        })?;
    Ok(v.entries().iter().cloned().map(NewEntry::from).collect())
}

/// A private temporary folder, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn tempdir() -> anyhow::Result<TempDir> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    let path = std::env::temp_dir().join(format!("apiq-{}-{}", std::process::id(), now()));
    b.create(&path)
        .map_err(|e| Failure::with_code(1, format!("cannot create a temporary folder: {e}")))?;
    Ok(TempDir { path })
}

/// An entry's JSON in `list`: labels, parameters and the code; no secret.
fn entry_json(e: &VaultEntry, code: &str, at: u64) -> serde_json::Value {
    let kind = e.otp.kind();
    json!({
        "id": e.id.to_hex(),
        "type": kind.type_name(),
        "issuer": e.otp.issuer,
        "name": e.otp.name,
        "code": code,
        "remaining": e.otp.remaining_at(at),
        "algorithm": e.otp.algorithm().as_str(),
        "digits": e.otp.digits(),
        "period": kind.period(),
        "counter": kind.counter(),
        "note": e.note,
        "groups": e.groups,
        "favorite": e.favorite,
        "pinned": e.pinned,
        "archived": e.archived,
        "icon": e.icon,
        "created": e.created,
        "updated": e.updated,
        "recovery_total": e.recovery.codes.len(),
        "recovery_remaining": e.recovery.remaining(),
        "recovery_low": e.recovery.is_low(),
    })
}

fn list(a: ListArgs) -> anyhow::Result<String> {
    let v = open(&a.opts, &mut Stdin::new())?;
    let at = a.at.unwrap_or_else(now);
    let codes = v.codes_at(at);
    if a.json {
        let items: Vec<_> = v
            .entries()
            .iter()
            .zip(&codes)
            .map(|(e, (_, c))| entry_json(e, c, at))
            .collect();
        return Ok(format!("{}\n", serde_json::Value::Array(items)));
    }
    let mut out = String::new();
    for (e, (_, code)) in v.entries().iter().zip(&codes) {
        out.push_str(&format!("{}  {:<10}  {}", e.id, code, e.label()));
        if e.archived {
            out.push_str("  [archived]");
        }
        out.push('\n');
    }
    Ok(out)
}

fn export(a: ExportArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    let is_apiq = a.format.eq_ignore_ascii_case("apiq");
    let format = if is_apiq {
        None
    } else {
        Some(apiq_formats::ExportFormat::from_name(&a.format).ok_or_else(|| {
            Failure::input(format!(
                "unknown export format {:?} (otpauth, aegis, aegis-encrypted, google-migration, 2fas, 2fas-encrypted, apiq)",
                a.format
            ))
        })?)
    };
    let export_password = match format {
        Some(f) if f.encrypted() => Some(Zeroizing::new(
            std::env::var(&a.password_env)
                .ok()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| {
                    Failure::input(format!(
                        "the {} format is encrypted: put its password in ${}",
                        f.name(),
                        a.password_env
                    ))
                })?,
        )),
        _ => None,
    };
    if a.qr_dir.is_some()
        && !matches!(
            format,
            Some(
                apiq_formats::ExportFormat::Otpauth
                    | apiq_formats::ExportFormat::GoogleMigration { .. }
            )
        )
    {
        return Err(Failure::input(
            "--qr-dir needs --format google-migration or otpauth",
        ));
    }
    let v = open(&a.opts, &mut stdin)?;
    let bytes: Zeroizing<Vec<u8>> = match format {
        // The vault file as it is: encrypted, openable with the vault's password.
        None => Zeroizing::new(
            std::fs::read(v.path())
                .map_err(|e| Failure::with_code(1, format!("cannot read the vault: {e}")))?,
        ),
        Some(f) => {
            let entries: Vec<apiq_formats::Imported> = v
                .entries()
                .iter()
                .map(|e| apiq_formats::Imported {
                    note: e.note.clone(),
                    groups: e.groups.clone(),
                    favorite: e.favorite,
                    ..apiq_formats::Imported::new(e.otp.clone())
                })
                .collect();
            let out = apiq_formats::export(
                &entries,
                f,
                export_password.as_deref().map(|p| p.as_bytes()),
                &mut rand::rngs::OsRng,
            )
            .map_err(|e| Failure::input(e.to_string()))?;
            for w in &out.warnings {
                warn(format!("{}: {}", w.label, w.warning));
            }
            out.bytes
        }
    };
    if let Some(dir) = &a.qr_dir {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Failure::with_code(1, "the export is not text"))?;
        return crate::otp_cmds::write_qr_dir(dir, text.lines());
    }
    match a.out {
        Some(path) => {
            fsutil::write_atomic(&path, &bytes, true)?;
            Ok(String::new())
        }
        None if is_apiq && std::io::stdout().is_terminal() => Err(Failure::input(
            "the apiq format is binary: pass --out FILE or redirect stdout",
        )),
        None => match String::from_utf8(bytes.to_vec()) {
            Ok(s) => Ok(s),
            Err(e) => {
                // Binary output (apiq) through the text channel: write it
                // raw ourselves; nothing else is printed.
                use std::io::Write;
                let raw = Zeroizing::new(e.into_bytes());
                std::io::stdout()
                    .write_all(&raw)
                    .map_err(|e| Failure::with_code(1, format!("cannot write the output: {e}")))?;
                Ok(String::new())
            }
        },
    }
}

fn remove(a: RemoveArgs) -> anyhow::Result<String> {
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    let e = v.remove(id).map_err(vault_failure)?;
    Ok(format!("removed {}\n", e.id))
}

fn rename(a: RenameArgs) -> anyhow::Result<String> {
    let name = a.name.or(a.new_name);
    if name.is_none() && a.issuer.is_none() {
        return Err(Failure::input(
            "rename needs a new NAME, --name or --issuer",
        ));
    }
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    v.update(id, now(), |e| {
        if let Some(n) = name {
            e.otp.name = n;
        }
        if let Some(i) = a.issuer {
            e.otp.issuer = i;
        }
    })
    .map_err(vault_failure)?;
    let label = v.get(id).map(VaultEntry::label).unwrap_or_default();
    Ok(format!("{id}  {label}\n"))
}

fn next(a: NextArgs) -> anyhow::Result<String> {
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    if v.get(id).and_then(|e| e.otp.kind().counter()).is_none() {
        return Err(Failure::input(format!("{id} is not an HOTP entry")));
    }
    let code = v.next_hotp(id, now()).map_err(vault_failure)?;
    Ok(format!("{code}\n"))
}
