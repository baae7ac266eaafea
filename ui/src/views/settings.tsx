// Settings: auto-lock, clipboard clearing, hidden codes, the order and the
// theme, the account server, the clock check, the keyring slot, sync
// through a folder, the vault's password and its backups.
import { useEffect, useState } from "preact/hooks";
import { api, messageOf, type BackupView, type DesktopInfo, type Settings, type SortOrder, type Theme } from "../ipc";
import { Dialog } from "../components/dialog";
import { StrengthMeter } from "../components/meter";
import { useToast } from "../components/toast";
import { autoFocus } from "../lib/focus";
import { SyncSettings } from "./sync";

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
      const text = "The vault's password is changed. The old one opens neither the vault nor its backups.";
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
      <h3>Vault password</h3>
      <div class="field">
        <label for="cur-pw">Current password</label>
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
          <label for="new-pw">New password</label>
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
          <label for="new-pw2">New password again</label>
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
      {mismatch && <span class="field-error">The two passwords differ.</span>}
      {pw.length > 0 && pw.length < 8 && <span class="field-error">Use at least 8 characters.</span>}
      <div class="row" style="justify-content:flex-end">
        <button class="btn" type="submit" data-testid="settings-change-password" disabled={!ok}>
          {busy ? "Changing…" : "Change password"}
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
  return secs ? new Date(secs * 1000).toLocaleString() : "unknown time";
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
        text: `Restored a backup: ${n} account${n === 1 ? "" : "s"}. The version before it is kept as a backup.`,
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
      <h3>Backups</h3>
      <p class="small muted">
        A backup of the vault is kept before every change and every import (the newest 10, encrypted like the vault).
      </p>
      {list === null ? (
        <button type="button" class="btn" data-testid="backups-open" onClick={load}>
          Show backups
        </button>
      ) : list.length === 0 ? (
        <p class="small muted" data-testid="backups-empty">
          No backups yet.
        </p>
      ) : (
        <ul class="backups" data-testid="backups">
          {list.map((b) => (
            <li key={b.file} data-testid="backup-item" data-file={b.file}>
              <div class="grow">
                <div>{when(b.modified)}</div>
                <div class="small muted">
                  {b.entries === null ? b.problem : `${b.entries} account${b.entries === 1 ? "" : "s"}`}
                </div>
                {b.oldSlots && (
                  <div class="small field-error" data-testid="backup-old-slots">
                    Could not be re-sealed: the earlier password still opens this backup.
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
                Restore…
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && list && (
        <form class="confirm-inline" onSubmit={restore}>
          <p class="small">
            The vault will hold what it held on {when(list.find((b) => b.file === chosen)?.modified ?? 0)}. What it
            holds now is kept as a backup, so this can be undone the same way. Counter-based (HOTP) accounts go back to
            that day's counters too.
          </p>
          <div class="row">
            <input
              class="input grow"
              type="password"
              placeholder="Vault password"
              data-testid="backup-password"
              value={pw}
              onInput={(e) => setPw(e.currentTarget.value)}
              ref={autoFocus}
            />
            <button class="btn" type="button" onClick={() => setChosen(null)}>
              Cancel
            </button>
            <button class="btn danger" type="submit" data-testid="backup-confirm" disabled={!pw || busy}>
              {busy ? "Restoring…" : "Restore"}
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
  const [error, setError] = useState<string | null>(null);
  const [keyringPw, setKeyringPw] = useState("");
  const [keyringMsg, setKeyringMsg] = useState<string | null>(null);
  const [keyringSlot, setKeyringSlot] = useState<boolean | null>(null);
  const [desktop, setDesktop] = useState<DesktopInfo | null>(null);
  useEffect(
    () =>
      void api
        .desktopInfo()
        .then(setDesktop, (e) =>
          setDesktop({ tray: false, shortcutProblem: `What this desktop offers is unknown: ${messageOf(e)}` }),
        ),
    [],
  );

  async function save() {
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
      setKeyringMsg(
        enabled ? "This device's keyring now unlocks the vault." : "The keyring no longer unlocks the vault.",
      );
    } catch (e) {
      setKeyringMsg(messageOf(e));
    }
  }

  return (
    <Dialog
      title="Settings"
      onClose={onClose}
      testid="settings-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn primary" data-testid="settings-save" onClick={save}>
            Save
          </button>
        </>
      }
    >
      {/* The body comes whole, once what the desktop can do is known: a
          line added after the dialog showed (no tray here) moved every
          control below it under a click already aimed at it. */}
      {desktop === null ? (
        <p class="small muted">Loading…</p>
      ) : (
        <>
          <div class="grid2">
            <div class="field">
              <label for="settings-idle-lock">Lock after idle (minutes, 0 = never)</label>
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
              <label for="settings-clipboard-clear">Clear copied codes after (seconds, 0 = never)</label>
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
            <label for="remind">When the keyring opens the vault, ask for its password every (days, 0 = never)</label>
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
            <label for="remember">
              A plain export or a QR code asks for the vault password; after it, do not ask again for (minutes, 0 = ask
              every time)
            </label>
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
            <label for="sort">Order of the codes</label>
            <select
              id="sort"
              class="input"
              data-testid="settings-sort"
              value={s.sort}
              onChange={(e) => setS({ ...s, sort: e.currentTarget.value as SortOrder })}
            >
              <option value="issuer">By service (A to Z)</option>
              <option value="account">By account (A to Z)</option>
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
              <option value="manual">My own order (drag, or Alt+Up/Down)</option>
            </select>
          </div>
          <div class="field">
            <label for="theme">Theme</label>
            <select
              id="theme"
              class="input"
              data-testid="settings-theme"
              value={s.theme}
              onChange={(e) => setS({ ...s, theme: e.currentTarget.value as Theme })}
            >
              <option value="system">As the desktop</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </div>
          <label class="check">
            <input
              type="checkbox"
              data-testid="settings-hide"
              checked={s.hideCodes}
              onChange={(e) => setS({ ...s, hideCodes: e.currentTarget.checked })}
            />
            <span>Hide codes until clicked</span>
          </label>
          <div class="field">
            <label for="settings-server">Account server (empty: the one built into this app)</label>
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
            <label for="ntp">Check this computer's clock against an NTP server (empty: the account server only)</label>
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
            <span>When the clock is off, make codes with the measured time</span>
          </label>
          <div class="section" data-testid="settings-desktop">
            <h3>Desktop</h3>
            <div class="field">
              <label for="qc">Quick copy from anywhere: shortcut (empty: none)</label>
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
                Closing the window keeps the app in the tray
                {desktop !== null && !desktop.tray ? " (this desktop has no tray: closing quits)" : ""}
              </span>
            </label>
            <label class="check">
              <input
                type="checkbox"
                data-testid="settings-autostart"
                checked={s.autostart}
                onChange={(e) => setS({ ...s, autostart: e.currentTarget.checked })}
              />
              <span>Start at login{desktop?.tray ? ", hidden in the tray" : ""}</span>
            </label>
          </div>
          <div class="field">
            <label for="settings-keyring-password">System keyring</label>
            <div class="row">
              <input
                id="settings-keyring-password"
                class="input grow"
                type="password"
                placeholder="Vault password"
                data-testid="settings-keyring-password"
                value={keyringPw}
                onInput={(e) => setKeyringPw(e.currentTarget.value)}
              />
              <button type="button" class="btn" disabled={!keyringPw} onClick={() => keyring(true)}>
                Use
              </button>
              <button type="button" class="btn" disabled={!keyringPw} onClick={() => keyring(false)}>
                Stop using
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
