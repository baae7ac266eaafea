// Settings: auto-lock, clipboard clearing, hidden codes, brand icons and
// icon packs, the order and the theme, the account server, the clock check, the keyring
// slot, sync through a folder, the vault's password and its backups.
import { useEffect, useState } from "preact/hooks";
import {
  api,
  messageOf,
  type BackupView,
  type DesktopInfo,
  type IconPackView,
  type Settings,
  type SortOrder,
  type Theme,
} from "../ipc";
import { Dialog } from "../components/dialog";
import { StrengthMeter } from "../components/meter";
import { useToast } from "../components/toast";
import { autoFocus } from "../lib/focus";
import { SyncSettings } from "./sync";
import { brandIconsOn, setBrandIcons } from "../lib/brand-load";
import { icons } from "../lib/icons-load";
import { IconPacks } from "./icon-packs";
import { chooseLang, formatDateTime, LANG_CHOICES, LANGUAGE_NAMES, storedChoice, t, type LangChoice } from "../i18n";

/** The vault's password: the current one, then the new one twice. */
function ChangePassword() {
  const toast = useToast();
  const [current, setCurrent] = useState("");
  const [pw, setPw] = useState("");
  const [pw2, setPw2] = useState("");
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ text: string; error: boolean } | null>(null);
  const mismatch = pw2.length > 0 && pw !== pw2;
  const ok = current.length > 0 && pw.length >= 8 && pw === pw2 && !busy;

  async function change(e: Event) {
    e.preventDefault();
    if (!ok) return;
    setBusy(true);
    setMsg(null);
    try {
      await api.vaultChangePassword(current, pw);
      setCurrent("");
      setPw("");
      setPw2("");
      const text = t("settings.passwordChanged");
      setMsg({ text, error: false });
      toast({ text, ms: 6000 });
    } catch (err) {
      setMsg({ text: messageOf(err), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="section" onSubmit={change}>
      <h3>{t("common.vaultPassword")}</h3>
      <div class="field">
        <label for="cur-pw">{t("settings.currentPassword")}</label>
        <input
          id="cur-pw"
          class="input"
          type="password"
          autocomplete="current-password"
          data-testid="settings-current-password"
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
      </div>
      <div class="grid2">
        <div class="field">
          <label for="new-pw">{t("settings.newPassword")}</label>
          <input
            id="new-pw"
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="settings-new-password"
            value={pw}
            onInput={(e) => setPw(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-pw2">{t("settings.newPasswordAgain")}</label>
          <input
            id="new-pw2"
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="settings-new-password-confirm"
            value={pw2}
            onInput={(e) => setPw2(e.currentTarget.value)}
          />
        </div>
      </div>
      {pw && <StrengthMeter password={pw} testid="settings-new-strength" />}
      {mismatch && <span class="field-error">{t("common.passwordsDiffer")}</span>}
      {pw.length > 0 && pw.length < 8 && <span class="field-error">{t("common.atLeast8")}</span>}
      <div class="row" style="justify-content:flex-end">
        <button class="btn" type="submit" data-testid="settings-change-password" disabled={!ok}>
          {busy ? t("settings.changing") : t("settings.changePassword")}
        </button>
      </div>
      {msg && (
        <div class={msg.error ? "error-box" : "small muted"} role="status" data-testid="settings-password-msg">
          {msg.text}
        </div>
      )}
    </form>
  );
}

function when(secs: number): string {
  return secs ? formatDateTime(new Date(secs * 1000)) : t("settings.unknownTime");
}

/** The automatic backups, and restoring one (after the password). */
function Backups({ onRestored }: { onRestored: () => void }) {
  const toast = useToast();
  const [list, setList] = useState<BackupView[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [pw, setPw] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    setError(null);
    try {
      setList(await api.vaultBackups());
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function restore(e: Event) {
    e.preventDefault();
    if (!chosen || !pw) return;
    setBusy(true);
    setError(null);
    try {
      const n = await api.vaultRestoreBackup(chosen, pw);
      setPw("");
      setChosen(null);
      toast({
        text: t("settings.restored", { count: n }),
        ms: 6000,
      });
      onRestored();
      await load();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="section">
      <h3>{t("settings.backups")}</h3>
      <p class="small muted">{t("settings.backupsLead")}</p>
      {list === null ? (
        <button type="button" class="btn" data-testid="backups-open" onClick={load}>
          {t("settings.showBackups")}
        </button>
      ) : list.length === 0 ? (
        <p class="small muted" data-testid="backups-empty">
          {t("settings.noBackups")}
        </p>
      ) : (
        <ul class="backups" data-testid="backups">
          {list.map((b) => (
            <li key={b.file} data-testid="backup-item" data-file={b.file}>
              <div class="grow">
                <div>{when(b.modified)}</div>
                <div class="small muted">
                  {b.entries === null ? b.problem : t("common.accounts", { count: b.entries })}
                </div>
                {b.oldSlots && (
                  <div class="small field-error" data-testid="backup-old-slots">
                    {t("settings.oldSlots")}
                  </div>
                )}
              </div>
              <button
                type="button"
                class="btn"
                data-testid="backup-restore"
                disabled={b.entries === null}
                onClick={() => {
                  setChosen(b.file);
                  setPw("");
                  setError(null);
                }}
              >
                {t("settings.restoreOpen")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && list && (
        <form class="confirm-inline" onSubmit={restore}>
          <p class="small">
            {t("settings.restoreLead", { when: when(list.find((b) => b.file === chosen)?.modified ?? 0) })}
          </p>
          <div class="row">
            <input
              class="input grow"
              type="password"
              placeholder={t("common.vaultPassword")}
              data-testid="backup-password"
              value={pw}
              onInput={(e) => setPw(e.currentTarget.value)}
              ref={autoFocus}
            />
            <button class="btn" type="button" onClick={() => setChosen(null)}>
              {t("common.cancel")}
            </button>
            <button class="btn danger" type="submit" data-testid="backup-confirm" disabled={!pw || busy}>
              {busy ? t("settings.restoring") : t("settings.restore")}
            </button>
          </div>
        </form>
      )}
      {error && (
        <div class="error-box" role="alert" data-testid="backups-error">
          {error}
        </div>
      )}
    </div>
  );
}

export function SettingsDialog({
  settings,
  onClose,
  onSaved,
  onVaultChanged,
}: {
  settings: Settings;
  onClose: () => void;
  onSaved: (s: Settings) => void;
  onVaultChanged: () => void;
}) {
  const [s, setS] = useState<Settings>(settings);
  // The language is this window's choice (localStorage), not a Rust setting.
  const [lang, setLang] = useState<LangChoice>(storedChoice);
  // So are brand icons (localStorage apiq.brandIcons, on by default).
  const [brands, setBrands] = useState(brandIconsOn);
  const [error, setError] = useState<string | null>(null);
  const [keyringPw, setKeyringPw] = useState("");
  const [keyringMsg, setKeyringMsg] = useState<string | null>(null);
  const [keyringSlot, setKeyringSlot] = useState<boolean | null>(null);
  const [desktop, setDesktop] = useState<DesktopInfo | null>(null);
  // The icon packs, asked once per window (lib/icons.ts): with the desktop
  // facts, before the body is drawn.
  const [packs, setPacks] = useState<IconPackView[] | null>(null);
  useEffect(() => {
    void api
      .desktopInfo()
      .then(setDesktop, (e) =>
        setDesktop({ tray: false, shortcutProblem: t("settings.desktopUnknown", { message: messageOf(e) }) }),
      );
    void icons.packs().then((l) => setPacks([...l]));
  }, []);

  async function save() {
    if (lang !== storedChoice()) chooseLang(lang);
    if (brands !== brandIconsOn()) setBrandIcons(brands);
    try {
      onSaved(await api.saveSettings(s));
      onClose();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function keyring(enabled: boolean) {
    setKeyringMsg(null);
    try {
      const st = await api.vaultSetKeyring(enabled, keyringPw);
      setKeyringSlot(st.keyringSlot);
      setKeyringPw("");
      setKeyringMsg(enabled ? t("settings.keyringOn") : t("settings.keyringOff"));
    } catch (e) {
      setKeyringMsg(messageOf(e));
    }
  }

  return (
    <Dialog
      title={t("codes.settingsMenu")}
      onClose={onClose}
      testid="settings-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn primary" data-testid="settings-save" onClick={save}>
            {t("common.save")}
          </button>
        </>
      }
    >
      {/* The body comes whole, once what the desktop can do is known: a
          line added after the dialog showed (no tray here) moved every
          control below it under a click already aimed at it. */}
      {desktop === null || packs === null ? (
        <p class="small muted">{t("settings.loading")}</p>
      ) : (
        <>
          <div class="grid2">
            <div class="field">
              <label for="settings-idle-lock">{t("settings.idleLock")}</label>
              <input
                id="settings-idle-lock"
                class="input"
                type="number"
                min={0}
                data-testid="settings-autolock"
                value={Math.round(s.autoLockSecs / 60)}
                onInput={(e) => setS({ ...s, autoLockSecs: Math.max(0, Number(e.currentTarget.value) || 0) * 60 })}
              />
            </div>
            <div class="field">
              <label for="settings-clipboard-clear">{t("settings.clipboardClear")}</label>
              <input
                id="settings-clipboard-clear"
                class="input"
                type="number"
                min={0}
                data-testid="settings-clipboard"
                value={s.clipboardClearSecs}
                onInput={(e) => setS({ ...s, clipboardClearSecs: Math.max(0, Number(e.currentTarget.value) || 0) })}
              />
            </div>
          </div>
          <div class="field">
            <label for="remind">{t("settings.reminderDays")}</label>
            <input
              id="remind"
              class="input"
              type="number"
              min={0}
              data-testid="settings-reminder-days"
              value={s.passwordReminderDays}
              onInput={(e) => setS({ ...s, passwordReminderDays: Math.max(0, Number(e.currentTarget.value) || 0) })}
            />
          </div>
          <div class="field">
            <label for="remember">{t("settings.rememberPassword")}</label>
            <input
              id="remember"
              class="input"
              type="number"
              min={0}
              max={60}
              data-testid="settings-remember-password"
              value={s.rememberPasswordMins}
              onInput={(e) =>
                setS({ ...s, rememberPasswordMins: Math.min(60, Math.max(0, Number(e.currentTarget.value) || 0)) })
              }
            />
          </div>
          <div class="field">
            <label for="sort">{t("settings.sort")}</label>
            <select
              id="sort"
              class="input"
              data-testid="settings-sort"
              value={s.sort}
              onChange={(e) => setS({ ...s, sort: e.currentTarget.value as SortOrder })}
            >
              <option value="issuer">{t("settings.sortIssuer")}</option>
              <option value="account">{t("settings.sortAccount")}</option>
              <option value="newest">{t("settings.sortNewest")}</option>
              <option value="oldest">{t("settings.sortOldest")}</option>
              <option value="manual">{t("settings.sortManual")}</option>
            </select>
          </div>
          <div class="field">
            <label for="theme">{t("settings.theme")}</label>
            <select
              id="theme"
              class="input"
              data-testid="settings-theme"
              value={s.theme}
              onChange={(e) => setS({ ...s, theme: e.currentTarget.value as Theme })}
            >
              <option value="system">{t("settings.themeSystem")}</option>
              <option value="light">{t("settings.themeLight")}</option>
              <option value="dark">{t("settings.themeDark")}</option>
            </select>
          </div>
          <div class="field">
            <label for="language">{t("settings.language")}</label>
            <select
              id="language"
              class="input"
              data-testid="settings-language"
              value={lang}
              onChange={(e) => setLang(e.currentTarget.value as LangChoice)}
            >
              {LANG_CHOICES.map((c) => (
                <option key={c} value={c} lang={c === "auto" || c === "pseudo" ? undefined : c}>
                  {c === "auto" ? t("settings.languageAuto") : LANGUAGE_NAMES[c]}
                </option>
              ))}
            </select>
          </div>
          <label class="check">
            <input
              type="checkbox"
              data-testid="settings-hide"
              checked={s.hideCodes}
              onChange={(e) => setS({ ...s, hideCodes: e.currentTarget.checked })}
            />
            <span>{t("settings.hideCodes")}</span>
          </label>
          <label class="check">
            <input
              type="checkbox"
              data-testid="settings-brand-icons"
              checked={brands}
              onChange={(e) => setBrands(e.currentTarget.checked)}
            />
            <span>{t("settings.brandIcons")}</span>
          </label>
          <IconPacks initial={packs} />
          <div class="field">
            <label for="settings-server">{t("settings.server")}</label>
            <input
              id="settings-server"
              class="input"
              data-testid="settings-server"
              placeholder="http://127.0.0.1:8080"
              value={s.serverUrl}
              onInput={(e) => setS({ ...s, serverUrl: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="ntp">{t("settings.ntp")}</label>
            <input
              id="ntp"
              class="input"
              data-testid="settings-ntp"
              placeholder="pool.ntp.org"
              value={s.ntpServer}
              onInput={(e) => setS({ ...s, ntpServer: e.currentTarget.value })}
            />
          </div>
          <label class="check">
            <input
              type="checkbox"
              data-testid="settings-clock-correct"
              checked={s.clockCorrect}
              onChange={(e) => setS({ ...s, clockCorrect: e.currentTarget.checked })}
            />
            <span>{t("settings.clockCorrect")}</span>
          </label>
          <div class="section" data-testid="settings-desktop">
            <h3>{t("settings.desktop")}</h3>
            <div class="field">
              <label for="qc">{t("settings.quickCopy")}</label>
              <input
                id="qc"
                class="input"
                data-testid="settings-shortcut"
                placeholder="Ctrl+Alt+A"
                value={s.quickCopyShortcut}
                onInput={(e) => setS({ ...s, quickCopyShortcut: e.currentTarget.value })}
              />
              {desktop?.shortcutProblem && (
                <span class="field-error" data-testid="settings-shortcut-problem">
                  {desktop.shortcutProblem}
                </span>
              )}
            </div>
            <label class="check">
              <input
                type="checkbox"
                data-testid="settings-close-to-tray"
                checked={s.closeToTray}
                disabled={desktop !== null && !desktop.tray}
                onChange={(e) => setS({ ...s, closeToTray: e.currentTarget.checked })}
              />
              <span>
                {t("settings.closeToTray")}
                {desktop !== null && !desktop.tray ? ` ${t("settings.noTray")}` : ""}
              </span>
            </label>
            <label class="check">
              <input
                type="checkbox"
                data-testid="settings-autostart"
                checked={s.autostart}
                onChange={(e) => setS({ ...s, autostart: e.currentTarget.checked })}
              />
              <span>{desktop?.tray ? t("settings.autostartTray") : t("settings.autostart")}</span>
            </label>
          </div>
          <div class="field">
            <label for="settings-keyring-password">{t("settings.keyring")}</label>
            {/* Wraps: the buttons go under the field when their labels are long. */}
            <div class="row wrap">
              <input
                id="settings-keyring-password"
                class="input grow keyring-password"
                type="password"
                placeholder={t("common.vaultPassword")}
                data-testid="settings-keyring-password"
                value={keyringPw}
                onInput={(e) => setKeyringPw(e.currentTarget.value)}
              />
              <button type="button" class="btn" disabled={!keyringPw} onClick={() => keyring(true)}>
                {t("settings.keyringUse")}
              </button>
              <button type="button" class="btn" disabled={!keyringPw} onClick={() => keyring(false)}>
                {t("settings.keyringStop")}
              </button>
            </div>
            {keyringMsg && (
              <div class="small muted">
                {keyringMsg}
                {keyringSlot === null ? "" : ""}
              </div>
            )}
          </div>
          <SyncSettings />
          <ChangePassword />
          <Backups onRestored={onVaultChanged} />
          {error && <div class="error-box">{error}</div>}
        </>
      )}
    </Dialog>
  );
}
