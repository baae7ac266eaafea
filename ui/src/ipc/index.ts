// The only module that talks to the Rust side. Every command the window
// uses has one typed wrapper here; the types come from bindings.ts, which
// is generated from the Rust types (see src-tauri/src/bindings.rs).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { currentLang, type Lang, t, translate } from "../i18n";
import { matchRust, translateRust } from "../i18n/rust-messages";
import { toBase64 } from "./encode";
import type {
  AccountCodes,
  AccountStatus,
  BackupView,
  ClockView,
  DesktopInfo,
  LaunchRequest,
  NewToken,
  SessionView,
  TokenView,
  TwoFactorSetup,
  CodeView,
  CodesSnapshot,
  CopyResult,
  Deleted,
  EntryPatch,
  EntryView,
  IconPackView,
  ErrorKind,
  ErrorView,
  FormatInfo,
  ImportOutcome,
  ManualEntry,
  Preview,
  QrImage,
  RecoveryOverviewItem,
  RecoveryView,
  SaveDone,
  SaveResult,
  Settings,
  SyncDevice,
  SyncView,
  VaultStatus,
} from "./bindings";

export type * from "./bindings";

/** An error from a command: a stable kind (the union generated from the
 *  Rust enum, so a misspelt kind does not compile) and a plain sentence,
 *  English as Rust made it (`messageOf` shows it in the window's
 *  language). */
export class AppError extends Error {
  readonly kind: ErrorKind;
  constructor(view: ErrorView) {
    super(view.message);
    this.kind = view.kind;
  }
}

function isErrorView(e: unknown): e is ErrorView {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isErrorView(e)) throw new AppError(e);
    // Not one of ours (the bridge itself failed): still a sentence.
    throw new AppError({ kind: "internal", message: t("app.bridgeError", { message: String(e) }) });
  }
}

/** Runs a command that saves a file through the native dialog: it answers
 *  with a job number at once, and `save_status` tells the outcome once the
 *  person chose (see src-tauri/src/savefile.rs). Resolves to the path, or
 *  null when the person cancelled. */
async function saveJob(cmd: string, args?: Record<string, unknown>): Promise<string | null> {
  const job = await call<number>(cmd, args);
  // Not awaited: its reply may be lost as the modal dialog opens.
  void call<void>("save_begin", { job }).catch(() => {});
  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([p, new Promise<"late">((r) => setTimeout(() => r("late"), ms))]);
  for (;;) {
    await new Promise((r) => setTimeout(r, 400));
    const d = await within(call<SaveDone | null>("save_status", { job }), 2000).catch(() => "late" as const);
    if (d && d !== "late") {
      if (d.error) throw new AppError({ kind: "io", message: d.error });
      return d.path;
    }
  }
}

/** The message to show for any thrown value: a command's sentence in the
 *  window's language when it is one the translations list (see
 *  i18n/rust-messages.ts), else as it came. */
export function messageOf(e: unknown): string {
  if (e instanceof AppError) return translateRust(e.message);
  if (e instanceof Error) return e.message;
  return String(e);
}

/** `o` with its field `k` (a Rust sentence, when set) in the window's
 *  language. */
function fieldInLang<T, K extends keyof T>(o: T, k: K): T {
  const v = o[k];
  return typeof v === "string" && v ? { ...o, [k]: translateRust(v) } : o;
}

/** A preview with each item's reason (a Rust sentence: why it cannot be
 *  added, or that the vault already has it) in the window's language. */
export function previewInLang(p: Preview): Preview {
  return { ...p, items: p.items.map((it) => fieldInLang(it, "reason")) };
}

/** An export format's warning in `lang` (the window's language unless
 *  given). Rust writes it "{label}: {warning}", the label an account's
 *  (which may itself hold ": ", as Google's "issuer: name" does) and the
 *  warning a listed sentence (`rust.export.*`); the label stays as it is.
 *  A warning that is a sentence of its own (a format's error) is
 *  translated whole. */
export function exportWarningInLang(w: string, lang: Lang = currentLang()): string {
  for (let i = w.indexOf(": "); i >= 0; i = w.indexOf(": ", i + 1)) {
    const warning = w.slice(i + 2);
    if (matchRust(warning)?.key.startsWith("export.")) {
      return translate(lang, "transfer.exportWarning", {
        label: w.slice(0, i),
        warning: translateRust(warning, lang),
      });
    }
  }
  return translateRust(w, lang);
}

/** Each export format with its warnings in the window's language. */
export function formatsInLang(fs: FormatInfo[]): FormatInfo[] {
  return fs.map((f) => (f.warnings.length ? { ...f, warnings: f.warnings.map((w) => exportWarningInLang(w)) } : f));
}

/** A sync status with its problem (a Rust sentence: a file skipped, the
 *  password changed elsewhere, the folder unreachable) in the window's
 *  language. */
export function syncInLang(v: SyncView): SyncView {
  return fieldInLang(v, "problem");
}

/** A device of the sync folder with why its file is skipped in the
 *  window's language (`rust.syncPart.*`). */
export function deviceInLang(d: SyncDevice): SyncDevice {
  return fieldInLang(d, "problem");
}

/** Account recovery codes with why they could not be kept in the vault
 *  in the window's language. */
export function codesInLang(c: AccountCodes): AccountCodes {
  return fieldInLang(c, "vaultProblem");
}

export const api = {
  // vault
  vaultStatus: () => call<VaultStatus>("vault_status"),
  vaultCreate: (password: string, useKeyring: boolean) => call<VaultStatus>("vault_create", { password, useKeyring }),
  /** With `acceptOlder`, a file older than one this computer has opened
   *  (error kind `older_copy`) is taken on purpose. */
  vaultUnlock: (password: string, acceptOlder = false) => call<VaultStatus>("vault_unlock", { password, acceptOlder }),
  vaultUnlockKeyring: () => call<VaultStatus>("vault_unlock_keyring"),
  vaultLock: () => call<VaultStatus>("vault_lock"),
  vaultChangePassword: (current: string, newPassword: string) =>
    call<VaultStatus>("vault_change_password", { current, newPassword }),
  vaultCheckPassword: (password: string) => call<VaultStatus>("vault_check_password", { password }),
  /** A backup's `problem` is an error's sentence: in the window's language. */
  vaultBackups: () =>
    call<BackupView[]>("vault_backups").then((bs) =>
      bs.map((b) => (b.problem ? { ...b, problem: translateRust(b.problem) } : b)),
    ),
  vaultRestoreBackup: (file: string, password: string) => call<number>("vault_restore_backup", { file, password }),
  vaultSetKeyring: (enabled: boolean, password: string) =>
    call<VaultStatus>("vault_set_keyring", { enabled, password }),
  activity: () => call<void>("activity"),

  // entries and codes
  entries: () => call<EntryView[]>("entries_list"),
  codes: () => call<CodesSnapshot>("codes_now"),
  hotpNext: (id: string) => call<CodeView>("hotp_next", { id }),
  copyCode: (id: string) => call<CopyResult>("copy_code", { id }),
  updateEntry: (id: string, patch: EntryPatch) => call<EntryView>("entry_update", { id, patch }),
  deleteEntry: (id: string) => call<Deleted>("entry_delete", { id }),
  /** The entry's own picture as a data: URL (null: none). */
  entryIcon: (id: string) => call<string | null>("entry_icon", { id }),
  setEntryIcon: (id: string, bytes: Uint8Array) => call<EntryView>("entry_icon_set", { id, data: toBase64(bytes) }),
  clearEntryIcon: (id: string) => call<EntryView>("entry_icon_clear", { id }),
  iconPacks: () => call<IconPackView[]>("icon_packs"),
  importIconPack: (bytes: Uint8Array) => call<IconPackView>("icon_pack_import", { data: toBase64(bytes) }),
  removeIconPack: (uuid: string) => call<null>("icon_pack_remove", { uuid }),
  /** The icon packs' picture for an issuer as a data: URL (null: none). */
  packIcon: (issuer: string) => call<string | null>("pack_icon", { issuer }),
  restoreEntry: (undoToken: number) => call<EntryView>("entry_restore", { undoToken }),
  /** Asks for the vault password first unless it was typed a moment ago:
   *  without `password` it may fail with kind "password_required". */
  entryQr: (ids: string[], password: string | null = null) => call<QrImage[]>("entry_qr", { ids, password }),

  // adding
  // (an item's reason is a Rust sentence: in the window's language)
  previewText: (text: string) => call<Preview>("preview_text", { text }).then(previewInLang),
  previewImage: (bytes: Uint8Array) => call<Preview>("preview_image", { data: toBase64(bytes) }).then(previewInLang),
  previewClipboard: () => call<Preview>("preview_clipboard_image").then(previewInLang),
  previewScreen: () => call<Preview>("preview_screen").then(previewInLang),
  previewManual: (entry: ManualEntry) => call<Preview>("preview_manual", { entry }).then(previewInLang),
  previewSave: (id: number) => call<SaveResult>("preview_save", { id }),
  previewDiscard: (id: number) => call<void>("preview_discard", { id }),

  // import / export
  importFormats: () => call<FormatInfo[]>("import_formats"),
  /** Each format's warnings are Rust sentences: in the window's language. */
  exportFormats: () => call<FormatInfo[]>("export_formats").then(formatsInLang),
  importFile: (bytes: Uint8Array, password: string | null) =>
    call<ImportOutcome>("import_file", { data: toBase64(bytes), password }).then((o) =>
      o.state === "preview" ? { ...o, preview: previewInLang(o.preview) } : o,
    ),
  /** A plain export needs the vault password (kind "password_required"
   *  without it, unless it was typed a moment ago). */
  exportFile: (format: string, password: string | null, vaultPassword: string | null = null) =>
    saveJob("export_file", { format, password, vaultPassword }),

  // recovery codes
  recovery: (entryId: string) => call<RecoveryView>("recovery_get", { entryId }),
  recoveryParse: (text: string) => call<string[]>("recovery_parse", { text }),
  recoverySave: (entryId: string, text: string, replace: boolean) =>
    call<RecoveryView>("recovery_save", { entryId, text, replace }),
  recoveryMark: (entryId: string, index: number, used: boolean) =>
    call<RecoveryView>("recovery_mark", { entryId, index, used }),
  recoveryCopy: (entryId: string, index: number) => call<CopyResult>("recovery_copy", { entryId, index }),
  recoveryOverview: () => call<RecoveryOverviewItem[]>("recovery_overview"),

  // settings
  settings: () => call<Settings>("settings_get"),
  saveSettings: (settings: Settings) => call<Settings>("settings_set", { settings }),

  // sync through a folder (the status follows as `sync-status` events)
  // (a status's problem and a device's are Rust sentences: in the window's language)
  syncStatus: () => call<SyncView>("sync_status").then(syncInLang),
  syncDevices: () => call<SyncDevice[]>("sync_devices").then((ds) => ds.map(deviceInLang)),
  syncStart: (folder: string, deviceName: string | null) =>
    call<SyncView>("sync_start", { folder, deviceName }).then(syncInLang),
  syncNow: () => call<SyncView>("sync_now").then(syncInLang),
  /** Another device changed the vault's password: take the new key with it. */
  syncNewPassword: (password: string) => call<SyncView>("sync_new_password", { password }).then(syncInLang),
  syncStop: () => call<SyncView>("sync_stop").then(syncInLang),
  /** Creates this device's vault from a sync folder; a wrong password
   *  creates nothing. */
  syncJoin: (folder: string, password: string, deviceName: string | null) =>
    call<VaultStatus>("sync_join", { folder, password, deviceName }),
  /** Opens the native folder dialog; the choice comes as `onFolderPicked`. */
  syncPickFolder: () => call<void>("sync_pick_folder"),

  // account (through the client crate, to the bundled or chosen backend)
  accountStatus: () => call<AccountStatus>("account_status"),
  signup: (login: string, password: string) => call<AccountStatus>("account_signup", { login, password }),
  signin: (login: string, password: string) => call<AccountStatus>("account_signin", { login, password }),
  verify: (code: string) => call<AccountStatus>("account_verify", { code }),
  codeFromVault: () => call<string>("account_code_from_vault"),
  signout: () => call<AccountStatus>("account_signout"),
  twofaBegin: (password: string) => call<TwoFactorSetup>("twofa_begin", { password }),
  twofaAddToVault: () => call<EntryView>("twofa_add_to_vault"),
  twofaEnable: (code: string) => call<AccountCodes>("twofa_enable", { code }).then(codesInLang),
  twofaFinish: () => call<void>("twofa_finish"),
  accountCodesCopy: () => call<CopyResult>("account_codes_copy"),
  accountCodesDownload: () => saveJob("account_codes_download"),
  accountRecoveryView: (password: string) =>
    call<AccountCodes>("account_recovery_view", { password }).then(codesInLang),
  accountRecoveryRegenerate: (password: string) =>
    call<AccountCodes>("account_recovery_regenerate", { password }).then(codesInLang),
  twofaDisable: (password: string) => call<AccountStatus>("twofa_disable", { password }),
  tokens: () => call<TokenView[]>("tokens_list"),
  tokenCreate: (password: string, description: string, methods: string[], expiresAt: string | null) =>
    call<NewToken>("token_create", { password, description, methods, expiresAt }),
  tokenDelete: (password: string, id: number) => call<TokenView[]>("token_delete", { password, id }),
  sessions: () => call<SessionView[]>("sessions_list"),
  copyText: (text: string) => call<CopyResult>("copy_text", { text }),
  signoutOthers: () => call<SessionView[]>("sessions_signout_others"),

  // the desktop: clock, HOTP resync, what a launch handed over
  clockStatus: () => call<ClockView>("clock_status"),
  clockCheck: () => call<ClockView>("clock_check"),
  resync: (id: string, code1: string, code2: string) => call<EntryView>("entry_resync", { id, code1, code2 }),
  launchTake: () =>
    call<LaunchRequest | null>("launch_take").then((r) =>
      r?.kind === "problem" ? { ...r, message: translateRust(r.message) } : r,
    ),
  desktopInfo: () =>
    call<DesktopInfo>("desktop_info").then((d) =>
      d.shortcutProblem ? { ...d, shortcutProblem: translateRust(d.shortcutProblem) } : d,
    ),

  // the quick-copy palette (its own window)
  paletteHide: () => call<void>("palette_hide"),
  paletteCopy: (id: string) => call<CopyResult>("palette_copy", { id }),
  paletteUnlock: (password: string) => call<VaultStatus>("palette_unlock", { password }),
  paletteUnlockKeyring: () => call<VaultStatus>("palette_unlock_keyring"),
  paletteShown: (filteredMs: number | null = null) => call<void>("palette_shown", { filteredMs }),
};

/** This window's label: "main", or "palette" for quick copy. */
export function windowLabel(): string {
  try {
    return getCurrentWindow().label;
  } catch {
    return "main";
  }
}

/** Events the Rust side sends. */
export function onLocked(handler: (why: string) => void): Promise<UnlistenFn> {
  return listen<string>("vault-locked", (e) => handler(e.payload));
}

/** A new clock check's result. */
export function onClock(handler: (v: ClockView) => void): Promise<UnlistenFn> {
  return listen<ClockView>("clock-status", (e) => handler(e.payload));
}

/** A launch request is waiting (`api.launchTake`). */
export function onLaunch(handler: () => void): Promise<UnlistenFn> {
  return listen("launch", () => handler());
}

/** The palette was opened by its shortcut (or the tray). */
export function onPaletteOpen(handler: () => void): Promise<UnlistenFn> {
  return listen("palette-open", () => handler());
}

/** The vault was unlocked from the palette. */
export function onUnlocked(handler: () => void): Promise<UnlistenFn> {
  return listen("vault-unlocked", () => handler());
}

/** The sync status changed. */
export function onSyncStatus(handler: (v: SyncView) => void): Promise<UnlistenFn> {
  return listen<SyncView>("sync-status", (e) => handler(syncInLang(e.payload)));
}

/** A sync brought changes into the vault: reload what is shown. */
export function onVaultChanged(handler: () => void): Promise<UnlistenFn> {
  return listen("vault-changed", () => handler());
}

/** The native folder dialog closed: the chosen path, or null. */
export function onFolderPicked(handler: (path: string | null) => void): Promise<UnlistenFn> {
  return listen<string | null>("sync-folder-picked", (e) => handler(e.payload));
}
