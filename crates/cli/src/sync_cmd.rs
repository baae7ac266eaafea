//! `apiq sync`: sync between devices through a folder (`design/cli.md`,
//! "Sync between devices"): `init --folder DIR`, `join --folder DIR`,
//! `sync [--folder DIR]` and `status [--json]`. The merge and the folder
//! layout are `apiq_vault`'s; this module parses, calls and prints.

use std::path::{Path, PathBuf};

use apiq_vault::{Changes, SyncReport, Vault};
use clap::{Args, Subcommand};
use serde_json::json;

use crate::vault_cmd::{self, vault_failure, Stdin, VaultOpts};
use crate::warn;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    #[command(flatten)]
    opts: VaultOpts,
    /// The sync folder for this run (default: the one remembered from init or join).
    #[arg(long, value_name = "DIR")]
    folder: Option<PathBuf>,
    /// Another device changed the vault's password (which re-keys the
    /// data): take the new key with the new password (APIQ_NEW_VAULT_PASSWORD,
    /// the second stdin line with --password-stdin, or a prompt), then sync.
    #[arg(long)]
    new_password: bool,
}

#[derive(Subcommand, Debug)]
enum SyncCommand {
    /// Publish this vault into a sync folder (created if missing) and remember it.
    Init {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// This device's name as the others see it (default: the host name).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        opts: VaultOpts,
    },
    /// Create the vault at --vault from a sync folder (the vault password opens it).
    Join {
        #[arg(long, value_name = "DIR")]
        folder: PathBuf,
        /// This device's name as the others see it (default: the host name).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        opts: VaultOpts,
    },
    /// The folder, the devices seen there and when each last wrote.
    Status {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        #[command(flatten)]
        opts: VaultOpts,
    },
}

/// This machine's name (shared with the window: `apiq_app::sync`).
fn host_name() -> String {
    apiq_app::sync::host_name()
}

fn changes(c: &Changes) -> String {
    if c.is_empty() {
        return "nothing".into();
    }
    format!(
        "{} added, {} changed, {} removed",
        c.added, c.changed, c.removed
    )
}

/// The report as lines; skipped files become `warning:` lines.
fn report_text(r: &SyncReport) -> String {
    for w in &r.warnings {
        warn(w);
    }
    let mut out = format!("folder: {}\n", r.folder.display());
    out += &format!("pulled: {}\n", changes(&r.pulled));
    out += &match &r.pushed {
        Some(c) if c.is_empty() => "pushed: this device's file (no entry changes)\n".into(),
        Some(c) => format!("pushed: {}\n", changes(c)),
        None => "pushed: nothing (the folder already has every change)\n".into(),
    };
    if r.password_changed {
        out += "the vault password was changed on another device: unlock with the new one from now on\n";
    }
    if r.conflicts_removed > 0 {
        out += &format!(
            "merged and removed {} conflict copies\n",
            r.conflicts_removed
        );
    }
    out
}

fn when(ms: u64) -> String {
    if ms == 0 {
        return "-".into();
    }
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

pub fn run(a: SyncArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    match a.command {
        None => {
            let mut v = vault_cmd::open(&a.opts, &mut stdin)?;
            let r = if a.new_password {
                let pw = vault_cmd::new_password(&a.opts, &mut stdin, false)?;
                v.sync_with_new_password(a.folder.as_deref(), &pw)
            } else {
                v.sync(a.folder.as_deref())
            }
            .map_err(vault_failure)?;
            if r.needs_new_password {
                warn(
                    "the vault's password was changed on another device: run `apiq sync --new-password` with the new password to keep syncing",
                );
            }
            Ok(report_text(&r))
        }
        Some(SyncCommand::Init { folder, name, opts }) => {
            let mut v = vault_cmd::open(&opts, &mut stdin)?;
            let name = name.unwrap_or_else(host_name);
            let r = v.sync_init(&folder, &name).map_err(vault_failure)?;
            Ok(format!(
                "published {} into {} as device {name:?} ({})\n{}",
                v.path().display(),
                r.folder.display(),
                v.device_id(),
                report_text(&r)
            ))
        }
        Some(SyncCommand::Join { folder, name, opts }) => {
            let path = vault_cmd::vault_path(&opts)?;
            if path.exists() {
                return Err(crate::Failure::input(format!(
                    "a vault already exists at {}: join creates a new one (choose another --vault)",
                    path.display()
                )));
            }
            let pw = vault_cmd::password(&opts, &mut stdin, false)?;
            let name = name.unwrap_or_else(host_name);
            let (v, r) = Vault::join(&path, &folder, &pw, &name, vault_cmd::options(false))
                .map_err(vault_failure)?;
            Ok(format!(
                "joined: created {} from {} ({} entries) as device {name:?} ({})\n{}",
                path.display(),
                r.folder.display(),
                v.entries().len(),
                v.device_id(),
                report_text(&r)
            ))
        }
        Some(SyncCommand::Status { json, folder, opts }) => {
            let v = vault_cmd::open(&opts, &mut stdin)?;
            status(&v, folder.as_deref(), json)
        }
    }
}

fn status(v: &Vault, folder: Option<&Path>, json: bool) -> anyhow::Result<String> {
    let folder = folder.map(Path::to_path_buf).or_else(|| v.sync_folder());
    let Some(folder) = folder else {
        return Err(crate::Failure::with_code(
            1,
            "this vault has no sync folder: run `apiq sync init --folder DIR` (or join one)",
        ));
    };
    let devices = v.sync_devices(Some(&folder)).map_err(vault_failure)?;
    if json {
        let list: Vec<_> = devices
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "name": d.name,
                    "this": d.this,
                    "last_write": d.written_ms / 1000,
                    "last_write_ms": d.written_ms,
                    "entries": d.entries,
                    "file": d.file.display().to_string(),
                    "problem": d.problem,
                })
            })
            .collect();
        let doc = json!({
            "folder": folder.display().to_string(),
            "device": v.device_id(),
            "device_name": v.device_name(),
            "devices": list,
        });
        return Ok(format!("{}\n", serde_json::to_string_pretty(&doc)?));
    }
    let mut out = format!(
        "folder: {}\nthis device: {} ({})\n",
        folder.display(),
        v.device_name(),
        v.device_id()
    );
    for d in &devices {
        match &d.problem {
            None => {
                out += &format!(
                    "{}{}  {:<20} last wrote {}  {} entries\n",
                    if d.this { "* " } else { "  " },
                    d.id,
                    d.name,
                    when(d.written_ms),
                    d.entries
                )
            }
            Some(p) => out += &format!("  {}: {p}\n", d.file.display()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(super::when(0), "-");
        assert_eq!(super::when(1_000), "1970-01-01 00:00:01 UTC");
        assert_eq!(super::when(1_709_210_096_000), "2024-02-29 12:34:56 UTC");
    }
}
