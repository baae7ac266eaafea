//! `apiq import` and `apiq export`: other apps' files in and out, and
//! Apiq vault files (an export or a backup) in.

use std::io::IsTerminal;
use std::path::PathBuf;

use apiq_vault::{NewEntry, Vault, VaultError, VaultOptions};
use clap::Args;
use zeroize::Zeroizing;

use super::{open, vault_failure, Stdin, VaultOpts};
use crate::otp_cmds::now;
use crate::{fsutil, warn, Failure};

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

pub(super) fn import(a: ImportArgs) -> anyhow::Result<String> {
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
        let (_, found) = apiq_app::import::from_export(
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
        for s in &found.skipped {
            warn(format!("unsupported {}: {}", s.label, s.reason));
        }
        let unsupported = found.skipped.len();
        (found.entries, unsupported)
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

pub(super) fn export(a: ExportArgs) -> anyhow::Result<String> {
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
            let entries =
                apiq_app::import::to_exportable(v.entries(), apiq_app::import::Scope::All);
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
