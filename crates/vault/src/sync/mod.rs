//! Sync between devices through a folder.
//!
//! - [`clock`]: the hybrid logical clock ([`Stamp`], [`DeviceId`]);
//! - [`state`]: the mergeable state and the pure [`merge`];
//! - `codec`: the state's bytes inside a vault file (content version 2);
//! - the sync folder on disk (`Vault::sync` and friends, in
//!   `vault/sync_folder.rs`): one file per device, each a
//!   complete vault file sealed with the vault's data key.

pub mod clock;
pub(crate) mod codec;
pub mod state;

pub use clock::{Clock, DeviceId, Stamp};
pub use codec::{Local, OldKeys};
pub use state::{merge, EntryMeta, Field, State, FIELDS, TOMBSTONE_RETENTION_MS};
