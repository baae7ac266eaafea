//! `apiq add`, `list`, `remove`, `rename`, `next`: the entries.

use apiq_vault::{NewEntry, VaultEntry};
use clap::Args;
use serde_json::json;

use super::{open, resolve, vault_failure, Stdin, VaultOpts};
use crate::otp_cmds::now;
use crate::{warn, Failure};

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
pub struct IconArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The entry's id (or a unique prefix of 4+ hex digits).
    id: String,
    /// An image (PNG, JPEG, WebP, GIF, BMP: shrunk to 128 px; or SVG) to
    /// show for the entry.
    #[arg(value_name = "IMAGE", required_unless_present = "clear")]
    file: Option<std::path::PathBuf>,
    /// Remove the entry's own icon.
    #[arg(long, conflicts_with = "file")]
    clear: bool,
}

#[derive(Args, Debug)]
pub struct NextArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The HOTP entry's id (or a unique prefix).
    id: String,
}

pub(super) fn add(a: AddArgs) -> anyhow::Result<String> {
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
    let found = apiq_app::import::from_text(&text).map_err(|e| Failure::input(e.to_string()))?;
    for s in &found.skipped {
        warn(format!("skipped {}: {}", s.label, s.reason));
    }
    if found.entries.is_empty() {
        return Err(Failure::input("no entry to add"));
    }
    let mut v = match v.take() {
        Some(v) => v,
        None => open(&a.opts, &mut stdin)?,
    };
    let items = found
        .entries
        .into_iter()
        .map(|n| NewEntry {
            note: a.note.clone(),
            groups: a.groups.clone(),
            favorite: a.favorite,
            ..n
        })
        .collect();
    let ids = v.add_many(items, now()).map_err(vault_failure)?;
    Ok(ids.iter().map(|id| format!("{id}\n")).collect())
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
        // The icon's type (`image/png`, `image/svg+xml` …), not its bytes.
        "icon": e.icon.as_deref().and_then(apiq_app::icon::parse).map(|d| d.mime),
        "created": e.created,
        "updated": e.updated,
        "recovery_total": e.recovery.codes.len(),
        "recovery_remaining": e.recovery.remaining(),
        "recovery_low": e.recovery.is_low(),
    })
}

pub(super) fn list(a: ListArgs) -> anyhow::Result<String> {
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

pub(super) fn remove(a: RemoveArgs) -> anyhow::Result<String> {
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    let e = v.remove(id).map_err(vault_failure)?;
    Ok(format!("removed {}\n", e.id))
}

pub(super) fn rename(a: RenameArgs) -> anyhow::Result<String> {
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

pub(super) fn icon(a: IconArgs) -> anyhow::Result<String> {
    // Read and check the picture before unlocking: a bad file fails first.
    let icon = match &a.file {
        None => None,
        Some(f) => {
            let shown = f.display();
            let len = std::fs::metadata(f)
                .map_err(|e| Failure::input(format!("cannot read {shown}: {e}")))?
                .len();
            if len > apiq_app::icon::MAX_FILE_BYTES as u64 {
                return Err(Failure::input(format!(
                    "{shown} is too large for an icon ({len} bytes)"
                )));
            }
            let bytes = std::fs::read(f)
                .map_err(|e| Failure::input(format!("cannot read {shown}: {e}")))?;
            Some(
                apiq_app::icon::from_file(&bytes)
                    .map_err(|e| Failure::input(format!("{shown}: {e}")))?,
            )
        }
    };
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    let set = icon.is_some();
    v.update(id, now(), |e| e.icon = icon)
        .map_err(vault_failure)?;
    Ok(format!(
        "{id}  {}\n",
        if set { "icon set" } else { "icon removed" }
    ))
}

pub(super) fn next(a: NextArgs) -> anyhow::Result<String> {
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    if v.get(id).and_then(|e| e.otp.kind().counter()).is_none() {
        return Err(Failure::input(format!("{id} is not an HOTP entry")));
    }
    let code = v.next_hotp(id, now()).map_err(vault_failure)?;
    Ok(format!("{code}\n"))
}
