//! `apiq recovery add|list|use|search`: the offline recovery-code vault.
//!
//! Codes given as arguments are taken one per argument, as typed; codes in
//! a file (`--file F`, `-` for stdin) go through the tolerant parser of
//! `apiq_vault::recovery::parse_codes` (numbering, bullets, headers and
//! sentences are left out). When two or fewer codes remain, a `warning:`
//! line says so.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use super::{open, resolve, vault_failure, Stdin, VaultOpts};
use crate::otp_cmds::now;
use crate::{warn, Failure};

#[derive(Args, Debug)]
pub struct RecoveryArgs {
    #[command(subcommand)]
    command: RecoveryCommand,
}

#[derive(Subcommand, Debug)]
enum RecoveryCommand {
    /// Keep recovery codes with an entry: from a file (`--file`, `-` for
    /// stdin: the service's downloaded text) or as arguments.
    Add {
        #[command(flatten)]
        opts: VaultOpts,
        /// The entry's id (or a unique prefix).
        id: String,
        /// A text file holding the codes (`-` for stdin).
        #[arg(long, value_name = "FILE", conflicts_with = "codes")]
        file: Option<PathBuf>,
        /// The codes, one per argument.
        #[arg(value_name = "CODE", required_unless_present = "file")]
        codes: Vec<String>,
    },
    /// An entry's recovery codes, used and unused.
    List {
        #[command(flatten)]
        opts: VaultOpts,
        /// The entry's id (or a unique prefix).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark a recovery code used (after typing it into the service).
    Use {
        #[command(flatten)]
        opts: VaultOpts,
        /// The entry's id (or a unique prefix).
        id: String,
        /// The code (spaces, dashes and case do not matter).
        code: String,
    },
    /// Find which entries hold a code (or part of one).
    Search {
        #[command(flatten)]
        opts: VaultOpts,
        /// The code or part of it (spaces, dashes and case do not matter).
        text: String,
        #[arg(long)]
        json: bool,
    },
}

fn low_warning(label: &str, remaining: usize) {
    warn(format!(
        "only {remaining} unused recovery code{} left for {label}: get new ones from the service",
        if remaining == 1 { "" } else { "s" }
    ));
}

pub fn run(a: RecoveryArgs) -> anyhow::Result<String> {
    let mut stdin = Stdin::new();
    match a.command {
        RecoveryCommand::Add {
            opts,
            id,
            file,
            codes,
        } => {
            let from_stdin = file.as_deref().is_some_and(|f| f.as_os_str() == "-");
            // With --password-stdin and `--file -`, the password comes first.
            let mut v = if from_stdin && opts.password_stdin {
                Some(open(&opts, &mut stdin)?)
            } else {
                None
            };
            let text: Option<Zeroizing<String>> = match &file {
                None => None,
                Some(_) if from_stdin => Some(stdin.rest_text()?),
                Some(f) => Some(Zeroizing::new(std::fs::read_to_string(f).map_err(|e| {
                    Failure::input(format!("cannot read {}: {e}", f.display()))
                })?)),
            };
            let parsed: Vec<String> = match &text {
                Some(t) => apiq_vault::recovery::parse_codes(t),
                None => codes,
            };
            if parsed
                .iter()
                .all(|c| apiq_vault::recovery::normalize(c).is_empty())
            {
                return Err(Failure::input("no recovery code found"));
            }
            let mut v = match v.take() {
                Some(v) => v,
                None => open(&opts, &mut stdin)?,
            };
            let id = resolve(&v, &id)?;
            let found = parsed.len();
            let added = v.recovery_add(id, parsed, now()).map_err(vault_failure)?;
            let e = v.get(id).expect("the entry was just changed");
            let remaining = e.recovery.remaining();
            if e.recovery.is_low() {
                low_warning(&e.label(), remaining);
            }
            Ok(format!(
                "added {added} recovery code{} ({} already kept); {remaining} unused\n",
                if added == 1 { "" } else { "s" },
                found - added
            ))
        }
        RecoveryCommand::List { opts, id, json } => {
            let v = open(&opts, &mut stdin)?;
            let id = resolve(&v, &id)?;
            let e = v.get(id).expect("resolved ids exist");
            let r = &e.recovery;
            if r.is_low() {
                low_warning(&e.label(), r.remaining());
            }
            if json {
                let codes: Vec<_> = r
                    .codes
                    .iter()
                    .map(|c| {
                        json!({"code": c.code.expose(), "used": c.is_used(),
                               "used_at": c.used_at, "added": c.added})
                    })
                    .collect();
                let j = json!({
                    "id": id.to_hex(), "issuer": e.otp.issuer, "name": e.otp.name,
                    "total": r.codes.len(), "remaining": r.remaining(), "low": r.is_low(),
                    "codes": codes,
                });
                return Ok(format!("{j}\n"));
            }
            let mut out = String::new();
            for c in &r.codes {
                match c.used_at {
                    None => out.push_str(&format!("{}  unused\n", c.code.expose())),
                    Some(t) => out.push_str(&format!("{}  used at {t}\n", c.code.expose())),
                }
            }
            out.push_str(&format!("{} of {} unused\n", r.remaining(), r.codes.len()));
            Ok(out)
        }
        RecoveryCommand::Use { opts, id, code } => {
            let code = Zeroizing::new(code);
            let mut v = open(&opts, &mut stdin)?;
            let id = resolve(&v, &id)?;
            let u = v.recovery_use(id, &code, now()).map_err(vault_failure)?;
            if u.low {
                let label = v.get(id).map(|e| e.label()).unwrap_or_default();
                low_warning(&label, u.remaining);
            }
            Ok(format!("marked used; {} unused left\n", u.remaining))
        }
        RecoveryCommand::Search { opts, text, json } => {
            let v = open(&opts, &mut stdin)?;
            let hits = v.recovery_search(&text);
            if json {
                let items: Vec<_> = hits
                    .iter()
                    .map(|h| {
                        let e = v.get(h.entry).expect("hits name existing entries");
                        json!({"id": h.entry.to_hex(), "issuer": e.otp.issuer, "name": e.otp.name,
                               "code": e.recovery.codes[h.index].code.expose(), "used": h.used})
                    })
                    .collect();
                return Ok(format!("{}\n", serde_json::Value::Array(items)));
            }
            Ok(hits
                .iter()
                .map(|h| {
                    let e = v.get(h.entry).expect("hits name existing entries");
                    format!(
                        "{}  {}  {}  {}\n",
                        h.entry,
                        e.recovery.codes[h.index].code.expose(),
                        if h.used { "used" } else { "unused" },
                        e.label()
                    )
                })
                .collect())
        }
    }
}
