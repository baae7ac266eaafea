// Settings: auto-lock, clipboard clearing, hidden codes, the keyring slot.
import { useState } from "preact/hooks";
import { api, messageOf, type Settings } from "../ipc";
import { Dialog } from "../components/dialog";

export function SettingsDialog({ settings, onClose, onSaved }: { settings: Settings; onClose: () => void; onSaved: (s: Settings) => void }) {
  const [s, setS] = useState<Settings>(settings);
  const [error, setError] = useState<string | null>(null);
  const [keyringPw, setKeyringPw] = useState("");
  const [keyringMsg, setKeyringMsg] = useState<string | null>(null);
  const [keyringSlot, setKeyringSlot] = useState<boolean | null>(null);

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
      setKeyringMsg(enabled ? "This device's keyring now unlocks the vault." : "The keyring no longer unlocks the vault.");
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
          <button class="btn" onClick={onClose}>Cancel</button>
          <button class="btn primary" data-testid="settings-save" onClick={save}>Save</button>
        </>
      }
    >
      <div class="grid2">
        <div class="field">
          <label>Lock after idle (minutes, 0 = never)</label>
          <input class="input" type="number" min={0} data-testid="settings-autolock" value={Math.round(s.autoLockSecs / 60)} onInput={(e) => setS({ ...s, autoLockSecs: Math.max(0, Number(e.currentTarget.value) || 0) * 60 })} />
        </div>
        <div class="field">
          <label>Clear copied codes after (seconds, 0 = never)</label>
          <input class="input" type="number" min={0} data-testid="settings-clipboard" value={s.clipboardClearSecs} onInput={(e) => setS({ ...s, clipboardClearSecs: Math.max(0, Number(e.currentTarget.value) || 0) })} />
        </div>
      </div>
      <label class="check">
        <input type="checkbox" data-testid="settings-hide" checked={s.hideCodes} onChange={(e) => setS({ ...s, hideCodes: e.currentTarget.checked })} />
        <span>Hide codes until clicked</span>
      </label>
      <div class="field">
        <label>Account server (empty: the one built into this app)</label>
        <input class="input" data-testid="settings-server" placeholder="http://127.0.0.1:8080" value={s.serverUrl} onInput={(e) => setS({ ...s, serverUrl: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label>System keyring</label>
        <div class="row">
          <input class="input grow" type="password" placeholder="Vault password" data-testid="settings-keyring-password" value={keyringPw} onInput={(e) => setKeyringPw(e.currentTarget.value)} />
          <button class="btn" disabled={!keyringPw} onClick={() => keyring(true)}>Use</button>
          <button class="btn" disabled={!keyringPw} onClick={() => keyring(false)}>Stop using</button>
        </div>
        {keyringMsg && <div class="small muted">{keyringMsg}{keyringSlot === null ? "" : ""}</div>}
      </div>
      {error && <div class="error-box">{error}</div>}
    </Dialog>
  );
}
