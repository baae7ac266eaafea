//! The shapes that cross the IPC bridge, and nothing else.
//!
//! Every type here derives `ts_rs::TS`; `ui/src/ipc/bindings.ts` is generated
//! from them (the test `bindings::bindings_are_current` fails when the file
//! is stale, `UPDATE_BINDINGS=1` rewrites it), so the UI cannot drift from
//! the commands. No type here carries an OTP secret: the window gets labels,
//! codes and counts only. Secrets travel the other way only (the manual
//! form, a pasted URI), into Rust.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the vault stands, for the first-run / unlock screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// A vault file exists in the data folder.
    pub exists: bool,
    /// The vault is open in this process.
    pub unlocked: bool,
    /// The vault has a key slot in the OS keyring of this device.
    pub keyring_slot: bool,
    /// Why the OS keyring cannot be used here, in a plain sentence; `null`
    /// when it can.
    pub keyring_unavailable: Option<String>,
    /// The folder holding the vault, settings and the account database.
    pub data_dir: String,
    /// The keyring opened the vault and the password was last typed longer
    /// ago than the reminder's days: ask for it once (see `reminder`).
    pub password_reminder: bool,
}

/// The kind of one-time password an entry makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OtpKind {
    Totp,
    Hotp,
    Steam,
}

/// One entry's labels and settings, never its secret.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub note: String,
    pub group: String,
    pub pinned: bool,
    /// Kept for the record (2FA disabled on the account), not shown among
    /// the active codes by default.
    pub archived: bool,
    pub kind: OtpKind,
    pub digits: u8,
    pub algorithm: String,
    /// TOTP and Steam period in seconds; `null` for HOTP.
    pub period: Option<u32>,
    /// HOTP counter of the code shown; `null` otherwise.
    #[ts(type = "number | null")]
    pub counter: Option<u64>,
    /// Unused recovery codes stored for this entry; `null` when none were
    /// ever stored.
    pub recovery_remaining: Option<u32>,
    /// When it was added to the vault, Unix seconds.
    #[ts(type = "number")]
    pub created: u64,
    /// A key of the entry's own picture (it changes when the picture
    /// does; `entry_icon` gives the picture); `null` when it has none.
    pub icon: Option<String>,
}

/// An imported icon pack.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IconPackView {
    pub uuid: String,
    pub name: String,
    pub version: u32,
    /// How many icons it has.
    pub icons: u32,
}

/// The codes of one entry at one moment.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub id: String,
    /// The current code, ungrouped (`"123456"`).
    pub code: String,
    /// The code of the next period (TOTP, Steam); `null` for HOTP.
    pub next: Option<String>,
    /// Unix milliseconds at which `code` stops being valid; `null` for HOTP.
    #[ts(type = "number | null")]
    pub valid_until_ms: Option<u64>,
}

/// All codes, computed at `nowMs` by the app's clock.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CodesSnapshot {
    #[ts(type = "number")]
    pub now_ms: u64,
    pub codes: Vec<CodeView>,
}

/// What the preview says about one item found in a URI, image or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum PreviewStatus {
    /// Not in the vault: will be added.
    New,
    /// The vault already holds the same secret and parameters: skipped.
    Duplicate,
    /// Cannot be used: skipped, `reason` says why.
    Unsupported,
}

/// One item of a preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewItem {
    pub issuer: String,
    pub name: String,
    /// `null` when the item could not be read at all.
    pub kind: Option<OtpKind>,
    pub digits: Option<u8>,
    pub period: Option<u32>,
    pub algorithm: Option<String>,
    pub status: PreviewStatus,
    /// Why an item is a duplicate or unsupported, in a plain sentence.
    pub reason: Option<String>,
}

/// What a text, image or file holds, before anything is stored. The items
/// stay in Rust under `id` until `preview_save` or `preview_discard`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub id: u32,
    /// Where the items came from ("text", "image", "screen", a format name).
    pub source: String,
    pub items: Vec<PreviewItem>,
    /// How many items would be added.
    pub new_count: u32,
}

/// The outcome of storing a preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    pub added: u32,
    pub skipped: u32,
    /// The automatic backup taken before an import, if one was taken.
    pub backup: Option<String>,
}

/// A manually typed entry. The secret goes into Rust only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ManualEntry {
    pub kind: OtpKind,
    pub issuer: String,
    pub name: String,
    pub secret: String,
    pub algorithm: String,
    pub digits: u8,
    pub period: u32,
    #[ts(type = "number")]
    pub counter: u64,
}

/// The editable labels of an entry.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntryPatch {
    pub issuer: String,
    pub name: String,
    pub note: String,
    pub group: String,
    pub pinned: bool,
}

/// An import file's format, as the formats crate names it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FormatInfo {
    pub id: String,
    pub name: String,
    /// The format can be (or always is) encrypted with a password.
    pub password: bool,
    /// What the format cannot hold, shown before exporting.
    pub warnings: Vec<String>,
}

/// The answer to an import attempt: either a preview, or the file is
/// encrypted and a password is needed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ImportOutcome {
    Preview { preview: Preview },
    NeedsPassword { format: String },
}

/// One stored recovery code of an entry.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryItem {
    pub index: u32,
    pub code: String,
    pub used: bool,
}

/// The recovery codes stored for one entry.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryView {
    pub entry_id: String,
    pub items: Vec<RecoveryItem>,
    pub remaining: u32,
    /// Few codes left (or none): the window warns.
    pub low: bool,
}

/// The app's settings, kept in `settings.json` in the data folder.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Lock the vault after this many seconds without use; 0: never.
    pub auto_lock_secs: u32,
    /// Clear the clipboard this many seconds after a copy, if it still holds
    /// our code; 0: never.
    pub clipboard_clear_secs: u32,
    /// Show codes only after a click on the entry.
    pub hide_codes: bool,
    /// An account backend to use instead of the bundled one; empty: bundled.
    pub server_url: String,
    /// How the code list is ordered within its sections.
    pub sort: SortOrder,
    /// After this many days without typing the password (the keyring
    /// opening the vault), ask for it once; 0: never.
    pub password_reminder_days: u32,
    /// An NTP server to check this machine's clock against (`HOST` or
    /// `HOST:PORT`); empty: the account server's `Date` only.
    pub ntp_server: String,
    /// Make codes with the measured clock offset (off: only warn).
    pub clock_correct: bool,
    /// Entry ids in the person's own order (the `manual` sort); entries
    /// not listed follow, oldest first.
    pub manual_order: Vec<String>,
    /// The colour scheme.
    pub theme: Theme,
    /// The global shortcut that opens quick copy (`Ctrl+Alt+A`); empty:
    /// none.
    pub quick_copy_shortcut: String,
    /// Closing the window keeps the app in the tray (when the desktop has
    /// a tray; otherwise closing quits).
    pub close_to_tray: bool,
    /// Start at login, hidden in the tray.
    pub autostart: bool,
    /// A plain export or a QR code asks for the vault password; after it
    /// was typed, it is not asked again for this many minutes (0: asked
    /// every time). Locking forgets it.
    pub remember_password_mins: u32,
}

/// The window's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// As the desktop says (`prefers-color-scheme`).
    #[default]
    System,
    Light,
    Dark,
}

/// The order of the code list within each section (pinned, groups, the
/// rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SortOrder {
    /// By issuer, then account (A to Z).
    #[default]
    Issuer,
    /// By account, then issuer (A to Z).
    Account,
    /// The most recently added first.
    Newest,
    /// The first added first.
    Oldest,
    /// The person's own order (drag and drop, Alt+Up/Down).
    Manual,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_secs: 300,
            clipboard_clear_secs: 30,
            hide_codes: false,
            server_url: String::new(),
            sort: SortOrder::Issuer,
            password_reminder_days: 14,
            ntp_server: String::new(),
            clock_correct: false,
            manual_order: Vec::new(),
            theme: Theme::System,
            quick_copy_shortcut: "Ctrl+Alt+A".into(),
            close_to_tray: true,
            autostart: false,
            remember_password_mins: 0,
        }
    }
}

/// What a copy did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CopyResult {
    /// Seconds until the clipboard is cleared; 0: it will not be.
    pub clears_in_secs: u32,
}

/// An entry removed a moment ago, restorable with `entry_restore`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub undo_token: u32,
    pub label: String,
}

/// One of the vault's automatic backups (taken before every save and
/// before an import), newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupView {
    /// The backup's file name (beside the vault); what restoring names.
    pub file: String,
    /// When it was written, Unix seconds.
    #[ts(type = "number")]
    pub modified: u64,
    /// How many entries it holds; `null` when it cannot be read.
    pub entries: Option<u32>,
    /// Why it cannot be read, in a sentence.
    pub problem: Option<String>,
    /// It still opens with the password (or keyring key) the vault had
    /// before the last change: re-sealing it failed.
    pub old_slots: bool,
}

/// A QR code image to show (PNG as a data: URL), behind a confirmation.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QrImage {
    pub data_url: String,
    pub label: String,
    /// Why this entry has a code of its own in a batch (what Google's batch
    /// format cannot hold); `null` otherwise.
    pub note: Option<String>,
}

/// An entry with few or no recovery codes.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryOverviewItem {
    pub entry_id: String,
    pub issuer: String,
    pub name: String,
    /// `null`: no codes stored at all.
    pub remaining: Option<u32>,
}

/// The one shape of every error the window sees: a stable `kind` for code
/// and a plain sentence for people.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    pub kind: ErrorKind,
    pub message: String,
}

/// What kind of failure an error is, for code to decide on (one per
/// [`crate::error::AppError`] variant; TypeScript gets the same union).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Locked,
    NoVault,
    VaultExists,
    WrongPassword,
    /// What reveals secrets needs the vault's password typed again.
    PasswordRequired,
    Invalid,
    NotFound,
    Keyring,
    Scan,
    Import,
    Io,
    Clipboard,
    Account,
    Throttled,
    SessionEnded,
    Unreachable,
    Internal,
    /// The vault file is an older copy than one this device has opened:
    /// unlock again with `acceptOlder` to take it on purpose.
    OlderCopy,
    /// Another program changed the vault's password: the window locked.
    KeyChanged,
}

/// The account side as the window shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    /// The backend in use; `null` before the bundled one has started.
    pub server_url: Option<String>,
    /// The backend is the one built into the app.
    pub bundled: bool,
    pub signed_in: bool,
    /// Signed in with the password, waiting for the second step.
    pub pending: bool,
    pub login: String,
    pub user: Option<UserView>,
    /// This account's entry in the vault (issuer Apiqcloud, the login as
    /// account name), when the vault is open and holds one.
    pub vault_entry_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub email: String,
    pub name: String,
    pub two_factor_enabled: bool,
    pub recovery_codes_remaining: u32,
}

/// The data of a new 2FA secret: the QR code and the same for typing.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorSetup {
    pub qr_data_url: String,
    /// Base32, for typing into another authenticator.
    pub secret: String,
    pub issuer: String,
    pub account: String,
    pub algorithm: String,
    pub digits: u8,
    pub period: u32,
}

/// One account recovery code.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountCode {
    pub code: String,
    pub used: bool,
}

/// The account's recovery codes as shown once (setup, view, regenerate).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountCodes {
    pub codes: Vec<AccountCode>,
    pub remaining: u32,
    /// The codes were also stored in the vault entry's recovery codes.
    pub stored_in_vault: bool,
    /// Why they could not be stored there (the vault locked, the entry
    /// removed, the file not writable); `null` when stored or not asked.
    pub vault_problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    #[ts(type = "number")]
    pub id: i64,
    pub description: String,
    pub api_list: Vec<String>,
    pub expires_at: Option<String>,
    pub created: String,
    pub last_used: Option<String>,
    pub last4: String,
}

/// A new token; `value` is shown this once.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewToken {
    pub value: String,
    pub token: TokenView,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    #[ts(type = "number")]
    pub id: i64,
    pub created: String,
    pub last_used: String,
    pub current: bool,
}
