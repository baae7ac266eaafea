//! # apiq-app: the application layer under both front ends
//!
//! The `apiq` CLI and the desktop window are two front ends over one set of
//! workflows. What both need, or what is more than parsing arguments and
//! mapping errors, lives here, so it is written once and tested once:
//!
//! - [`files`]: the data folder (one resolver, created owner-only, never a
//!   shared temporary path) and the one atomic file writer;
//! - [`server`]: which account server to talk to (`APIQ_SERVER_URL`, alias
//!   `APIQ_SERVER`), and the bundled backend (feature `bundled-server`);
//! - [`import`]: pasted links, QR texts and export files into vault
//!   entries, and vault entries back out to the exporters;
//! - [`preview`]: what an import would add, with the vault's own duplicate
//!   detector ([`apiq_vault::DuplicateIndex`]);
//! - [`phone`]: moving entries to a phone as QR codes (migration batches
//!   from the exporter, with its random batch id);
//! - [`account`]: the account side's state and the "2FA straight into the
//!   vault" workflow;
//! - [`icon`], [`icon_pack`]: an entry's own icon (shrunk, kept in the
//!   vault, carried through imports and exports) and Aegis icon packs;
//! - [`recovery`]: the window's edits of an entry's recovery codes;
//! - [`sync`]: automatic sync through a folder: the status, when to sync
//!   (debounce, retries), which folder events count, device names.
//!
//! The layers (who may call whom; nothing points back up):
//!
//! ```text
//! src-tauri (commands)   cli (subcommands)     parse, call, map errors
//!            \              /
//!             apiq-app                          workflows, files, settings
//!            /   |    \      \
//!   apiq-vault  apiq-formats  apiq-client  (apiq-server, bundled)
//!        \       |      /
//!         apiq-otp (pure)
//! ```
//!
//! No Tauri type, no terminal and no printing here: functions take and
//! return values and typed errors; the clock is read by the callers and
//! passed in as `now`.

pub mod account;
pub mod files;
pub mod icon;
pub mod icon_pack;
pub mod import;
pub mod phone;
pub mod preview;
pub mod recovery;
pub mod server;
pub mod sync;

#[cfg(test)]
mod testutil;
