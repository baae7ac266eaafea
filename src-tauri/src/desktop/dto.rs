//! The shapes the desktop commands send to the window (exported to
//! TypeScript with the app's other DTOs, see `crate::bindings`).

use serde::Serialize;
use ts_rs::TS;

/// The last check of this machine's clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    /// Reference minus this clock, seconds (positive: this clock is
    /// behind); `null` before a successful check.
    pub offset_s: Option<f64>,
    /// What it was compared with (the server's URL, `ntp:HOST:PORT`);
    /// empty when there is nothing to compare with.
    pub source: String,
    /// The offset is beyond 15 s: codes made here are refused.
    pub off: bool,
    /// The sentence for the banner (how much, which way, what to do) when
    /// `off`.
    pub message: Option<String>,
    /// Codes are being made with the measured offset (Settings).
    pub corrected: bool,
    /// Why the last check failed, if it did.
    pub error: Option<String>,
    /// When it was checked, Unix milliseconds; 0: never.
    #[ts(type = "number")]
    pub checked_at_ms: u64,
}

/// What the app was started with (or a second launch handed over), for
/// the window to open: the add dialog with a URI's preview, or the add
/// dialog with an image, or the import dialog with a file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum LaunchRequest {
    /// An `otpauth://` or `otpauth-migration://` URI.
    Uri { uri: String },
    /// An image (a QR code), its bytes as base64.
    Image { name: String, data: String },
    /// An export file of this or another authenticator, base64.
    Import { name: String, data: String },
    /// An argument that could not be used, and why.
    Problem { message: String },
}

/// What the desktop integration can do on this desktop (Settings shows it).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopInfo {
    /// A tray icon is shown (a tray host exists): closing can keep the app
    /// there.
    pub tray: bool,
    /// Why the quick-copy shortcut is not active, if it is not.
    pub shortcut_problem: Option<String>,
}

/// Where syncing through a folder stands (`apiq_app::sync::SyncState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncState {
    /// No sync folder, or the vault is locked.
    Off,
    Syncing,
    Synced,
    Problem,
}

/// The sync status: the header's badge and Settings > Sync (also sent as
/// the `sync-status` event on every change).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncView {
    pub state: SyncState,
    /// The sync folder; `null` when there is none.
    pub folder: Option<String>,
    /// This device's name as the others see it (empty while locked).
    pub device_name: String,
    /// The host name: the name proposed for a new device.
    pub default_name: String,
    /// When the last sync that reached the folder ended, Unix ms.
    #[ts(type = "number | null")]
    pub last_sync_ms: Option<u64>,
    /// What is wrong, in a sentence (kept while the next attempt runs).
    pub problem: Option<String>,
    /// Another device changed the vault's password: this one needs the
    /// new password once (`sync_new_password`) to keep syncing.
    pub needs_new_password: bool,
    /// Grows with every change of the status: of two views (an event and
    /// a command's reply), the one with the larger number is current.
    #[ts(type = "number")]
    pub seq: u64,
}

/// A device seen in the sync folder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncDevice {
    pub name: String,
    /// Its id (hex; empty when its file cannot be read).
    pub id: String,
    /// This device.
    pub this: bool,
    /// When it last wrote its file, Unix ms (0: unknown).
    #[ts(type = "number")]
    pub written_ms: u64,
    pub entries: u32,
    /// Why its file is skipped, if it is.
    pub problem: Option<String>,
    /// Its file's name in the folder.
    pub file: String,
}
