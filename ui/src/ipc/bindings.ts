// Generated from src-tauri/src/dto.rs by src-tauri/src/bindings.rs: do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p apiq-authenticator bindings

export type VaultStatus = { 
/**
 * A vault file exists in the data folder.
 */
exists: boolean, 
/**
 * The vault is open in this process.
 */
unlocked: boolean, 
/**
 * The vault has a key slot in the OS keyring of this device.
 */
keyringSlot: boolean, 
/**
 * Why the OS keyring cannot be used here, in a plain sentence; `null`
 * when it can.
 */
keyringUnavailable: string | null, 
/**
 * The folder holding the vault, settings and the account database.
 */
dataDir: string, 
/**
 * The keyring opened the vault and the password was last typed longer
 * ago than the reminder's days: ask for it once (see `reminder`).
 */
passwordReminder: boolean, };
export type OtpKind = "totp" | "hotp" | "steam";
export type EntryView = { id: string, issuer: string, name: string, note: string, group: string, pinned: boolean, 
/**
 * Kept for the record (2FA disabled on the account), not shown among
 * the active codes by default.
 */
archived: boolean, kind: OtpKind, digits: number, algorithm: string, 
/**
 * TOTP and Steam period in seconds; `null` for HOTP.
 */
period: number | null, 
/**
 * HOTP counter of the code shown; `null` otherwise.
 */
counter: number | null, 
/**
 * Unused recovery codes stored for this entry; `null` when none were
 * ever stored.
 */
recoveryRemaining: number | null, 
/**
 * When it was added to the vault, Unix seconds.
 */
created: number, 
/**
 * A key of the entry's own picture (it changes when the picture
 * does; `entry_icon` gives the picture); `null` when it has none.
 */
icon: string | null, };
export type IconPackView = { uuid: string, name: string, version: number, 
/**
 * How many icons it has.
 */
icons: number, };
export type CodeView = { id: string, 
/**
 * The current code, ungrouped (`"123456"`).
 */
code: string, 
/**
 * The code of the next period (TOTP, Steam); `null` for HOTP.
 */
next: string | null, 
/**
 * Unix milliseconds at which `code` stops being valid; `null` for HOTP.
 */
validUntilMs: number | null, };
export type CodesSnapshot = { nowMs: number, codes: Array<CodeView>, };
export type PreviewStatus = "new" | "duplicate" | "unsupported";
export type PreviewItem = { issuer: string, name: string, 
/**
 * `null` when the item could not be read at all.
 */
kind: OtpKind | null, digits: number | null, period: number | null, algorithm: string | null, status: PreviewStatus, 
/**
 * Why an item is a duplicate or unsupported, in a plain sentence.
 */
reason: string | null, };
export type Preview = { id: number, 
/**
 * Where the items came from ("text", "image", "screen", a format name).
 */
source: string, items: Array<PreviewItem>, 
/**
 * How many items would be added.
 */
newCount: number, };
export type SaveResult = { added: number, skipped: number, 
/**
 * The automatic backup taken before an import, if one was taken.
 */
backup: string | null, };
export type ManualEntry = { kind: OtpKind, issuer: string, name: string, secret: string, algorithm: string, digits: number, period: number, counter: number, };
export type EntryPatch = { issuer: string, name: string, note: string, group: string, pinned: boolean, };
export type FormatInfo = { id: string, name: string, 
/**
 * The format can be (or always is) encrypted with a password.
 */
password: boolean, 
/**
 * What the format cannot hold, shown before exporting.
 */
warnings: Array<string>, };
export type ImportOutcome = { "state": "preview", preview: Preview, } | { "state": "needsPassword", format: string, };
export type RecoveryItem = { index: number, code: string, used: boolean, };
export type RecoveryView = { entryId: string, items: Array<RecoveryItem>, remaining: number, 
/**
 * Few codes left (or none): the window warns.
 */
low: boolean, };
export type Settings = { 
/**
 * Lock the vault after this many seconds without use; 0: never.
 */
autoLockSecs: number, 
/**
 * Clear the clipboard this many seconds after a copy, if it still holds
 * our code; 0: never.
 */
clipboardClearSecs: number, 
/**
 * Show codes only after a click on the entry.
 */
hideCodes: boolean, 
/**
 * An account backend to use instead of the bundled one; empty: bundled.
 */
serverUrl: string, 
/**
 * How the code list is ordered within its sections.
 */
sort: SortOrder, 
/**
 * After this many days without typing the password (the keyring
 * opening the vault), ask for it once; 0: never.
 */
passwordReminderDays: number, 
/**
 * An NTP server to check this machine's clock against (`HOST` or
 * `HOST:PORT`); empty: the account server's `Date` only.
 */
ntpServer: string, 
/**
 * Make codes with the measured clock offset (off: only warn).
 */
clockCorrect: boolean, 
/**
 * Entry ids in the person's own order (the `manual` sort); entries
 * not listed follow, oldest first.
 */
manualOrder: Array<string>, 
/**
 * The colour scheme.
 */
theme: Theme, 
/**
 * The global shortcut that opens quick copy (`Ctrl+Alt+A`); empty:
 * none.
 */
quickCopyShortcut: string, 
/**
 * Closing the window keeps the app in the tray (when the desktop has
 * a tray; otherwise closing quits).
 */
closeToTray: boolean, 
/**
 * Start at login, hidden in the tray.
 */
autostart: boolean, 
/**
 * A plain export or a QR code asks for the vault password; after it
 * was typed, it is not asked again for this many minutes (0: asked
 * every time). Locking forgets it.
 */
rememberPasswordMins: number, };
export type SortOrder = "issuer" | "account" | "newest" | "oldest" | "manual";
export type Theme = "system" | "light" | "dark";
export type CopyResult = { 
/**
 * Seconds until the clipboard is cleared; 0: it will not be.
 */
clearsInSecs: number, };
export type Deleted = { undoToken: number, label: string, };
export type QrImage = { dataUrl: string, label: string, 
/**
 * Why this entry has a code of its own in a batch (what Google's batch
 * format cannot hold); `null` otherwise.
 */
note: string | null, };
export type BackupView = { 
/**
 * The backup's file name (beside the vault); what restoring names.
 */
file: string, 
/**
 * When it was written, Unix seconds.
 */
modified: number, 
/**
 * How many entries it holds; `null` when it cannot be read.
 */
entries: number | null, 
/**
 * Why it cannot be read, in a sentence.
 */
problem: string | null, 
/**
 * It still opens with the password (or keyring key) the vault had
 * before the last change: re-sealing it failed.
 */
oldSlots: boolean, };
export type RecoveryOverviewItem = { entryId: string, issuer: string, name: string, 
/**
 * `null`: no codes stored at all.
 */
remaining: number | null, };
export type ErrorView = { kind: ErrorKind, message: string, };
export type ErrorKind = "locked" | "no_vault" | "vault_exists" | "wrong_password" | "password_required" | "invalid" | "not_found" | "keyring" | "scan" | "import" | "io" | "clipboard" | "account" | "throttled" | "session_ended" | "unreachable" | "internal" | "older_copy" | "key_changed";
export type AccountStatus = { 
/**
 * The backend in use; `null` before the bundled one has started.
 */
serverUrl: string | null, 
/**
 * The backend is the one built into the app.
 */
bundled: boolean, signedIn: boolean, 
/**
 * Signed in with the password, waiting for the second step.
 */
pending: boolean, login: string, user: UserView | null, 
/**
 * This account's entry in the vault (issuer Apiqcloud, the login as
 * account name), when the vault is open and holds one.
 */
vaultEntryId: string | null, };
export type UserView = { email: string, name: string, twoFactorEnabled: boolean, recoveryCodesRemaining: number, };
export type TwoFactorSetup = { qrDataUrl: string, 
/**
 * Base32, for typing into another authenticator.
 */
secret: string, issuer: string, account: string, algorithm: string, digits: number, period: number, };
export type AccountCode = { code: string, used: boolean, };
export type AccountCodes = { codes: Array<AccountCode>, remaining: number, 
/**
 * The codes were also stored in the vault entry's recovery codes.
 */
storedInVault: boolean, 
/**
 * Why they could not be stored there (the vault locked, the entry
 * removed, the file not writable); `null` when stored or not asked.
 */
vaultProblem: string | null, };
export type TokenView = { id: number, description: string, apiList: Array<string>, expiresAt: string | null, created: string, lastUsed: string | null, last4: string, };
export type NewToken = { value: string, token: TokenView, };
export type SessionView = { id: number, created: string, lastUsed: string, current: boolean, };
export type SaveDone = { job: number, 
/**
 * Where the file was written; `null` when the person cancelled or it
 * failed.
 */
path: string | null, error: string | null, };
export type ClockView = { 
/**
 * Reference minus this clock, seconds (positive: this clock is
 * behind); `null` before a successful check.
 */
offsetS: number | null, 
/**
 * What it was compared with (the server's URL, `ntp:HOST:PORT`);
 * empty when there is nothing to compare with.
 */
source: string, 
/**
 * The offset is beyond 15 s: codes made here are refused.
 */
off: boolean, 
/**
 * The sentence for the banner (how much, which way, what to do) when
 * `off`.
 */
message: string | null, 
/**
 * Codes are being made with the measured offset (Settings).
 */
corrected: boolean, 
/**
 * Why the last check failed, if it did.
 */
error: string | null, 
/**
 * When it was checked, Unix milliseconds; 0: never.
 */
checkedAtMs: number, };
export type LaunchRequest = { "kind": "uri", uri: string, } | { "kind": "image", name: string, data: string, } | { "kind": "import", name: string, data: string, } | { "kind": "problem", message: string, };
export type DesktopInfo = { 
/**
 * A tray icon is shown (a tray host exists): closing can keep the app
 * there.
 */
tray: boolean, 
/**
 * Why the quick-copy shortcut is not active, if it is not.
 */
shortcutProblem: string | null, };
export type SyncState = "off" | "syncing" | "synced" | "problem";
export type SyncView = { state: SyncState, 
/**
 * The sync folder; `null` when there is none.
 */
folder: string | null, 
/**
 * This device's name as the others see it (empty while locked).
 */
deviceName: string, 
/**
 * The host name: the name proposed for a new device.
 */
defaultName: string, 
/**
 * When the last sync that reached the folder ended, Unix ms.
 */
lastSyncMs: number | null, 
/**
 * What is wrong, in a sentence (kept while the next attempt runs).
 */
problem: string | null, 
/**
 * Another device changed the vault's password: this one needs the
 * new password once (`sync_new_password`) to keep syncing.
 */
needsNewPassword: boolean, 
/**
 * Grows with every change of the status: of two views (an event and
 * a command's reply), the one with the larger number is current.
 */
seq: number, };
export type SyncDevice = { name: string, 
/**
 * Its id (hex; empty when its file cannot be read).
 */
id: string, 
/**
 * This device.
 */
this: boolean, 
/**
 * When it last wrote its file, Unix ms (0: unknown).
 */
writtenMs: number, entries: number, 
/**
 * Why its file is skipped, if it is.
 */
problem: string | null, 
/**
 * Its file's name in the folder.
 */
file: string, };
