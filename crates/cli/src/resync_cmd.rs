//! `apiq resync ID CODE1 CODE2`: puts a drifted HOTP counter right from two
//! consecutive codes the service accepts (the search is
//! `apiq_otp::resync`; the counter is stored with the vault's update).

use apiq_otp::resync::{resync, DEFAULT_WINDOW};
use clap::Args;

use crate::otp_cmds::now;
use crate::vault_cmd::{open, resolve, vault_failure, Stdin, VaultOpts};
use crate::Failure;

#[derive(Args, Debug)]
pub struct ResyncArgs {
    #[command(flatten)]
    opts: VaultOpts,
    /// The HOTP entry's id (or a unique prefix).
    id: String,
    /// A code the service accepts now.
    code1: String,
    /// The code after it.
    code2: String,
    /// How many counters ahead of the stored one to search.
    #[arg(long, default_value_t = DEFAULT_WINDOW, value_name = "N")]
    window: u64,
}

pub fn run(a: ResyncArgs) -> anyhow::Result<String> {
    let mut v = open(&a.opts, &mut Stdin::new())?;
    let id = resolve(&v, &a.id)?;
    let entry = v
        .get(id)
        .ok_or_else(|| Failure::input(format!("no entry {id}")))?;
    let before = entry.otp.kind().counter();
    // Every refusal is about what was typed (the codes, the id): exit 2.
    let counter = resync(&entry.otp, &a.code1, &a.code2, a.window)
        .map_err(|e| Failure::input(e.to_string()))?;
    v.update(id, now(), |e| e.otp.set_counter(counter))
        .map_err(vault_failure)?;
    Ok(format!(
        "{id}  counter {} -> {counter}\n",
        before.unwrap_or_default()
    ))
}
