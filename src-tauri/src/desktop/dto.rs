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
