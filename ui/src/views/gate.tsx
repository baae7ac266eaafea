// First run (create the vault) and unlock (password or OS keyring).
import { useEffect, useState } from "preact/hooks";
import { AppError, api, messageOf, type VaultStatus } from "../ipc";
import { StrengthMeter } from "../components/meter";
import { autoFocus } from "../lib/focus";
import { JoinVault } from "./sync";
import { t } from "../i18n";

function Logo() {
  return <img class="logo" src="./icon.png" alt="" />;
}

export function CreateVault({ status, onDone }: { status: VaultStatus; onDone: (s: VaultStatus) => void }) {
  const [pw, setPw] = useState("");
  const [pw2, setPw2] = useState("");
  const [useKeyring, setUseKeyring] = useState(status.keyringUnavailable === null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [join, setJoin] = useState(false);
  const mismatch = pw2.length > 0 && pw !== pw2;
  const canCreate = pw.length >= 8 && pw === pw2 && !busy;

  async function submit(e: Event) {
    e.preventDefault();
    if (!canCreate) {
      setError(pw.length < 8 ? t("common.atLeast8") : t("common.passwordsDiffer"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.vaultCreate(pw, useKeyring));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (join)
    return (
      <div class="gate">
        <JoinVault onDone={onDone} onCancel={() => setJoin(false)} />
      </div>
    );

  return (
    <div class="gate">
      <form class="card" onSubmit={submit}>
        <Logo />
        <h1>{t("gate.createTitle")}</h1>
        <p class="lead">{t("gate.createLead")}</p>
        <div class="field">
          <label for="pw">{t("common.password")}</label>
          <input
            id="pw"
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="vault-password"
            value={pw}
            onInput={(e) => {
              setPw(e.currentTarget.value);
              setError(null);
            }}
            ref={autoFocus}
          />
          <StrengthMeter password={pw} testid="vault-strength" />
        </div>
        <div class="field">
          <label for="pw2">{t("common.passwordAgain")}</label>
          <input
            id="pw2"
            class="input"
            type="password"
            autocomplete="new-password"
            data-testid="vault-password-confirm"
            value={pw2}
            onInput={(e) => {
              setPw2(e.currentTarget.value);
              setError(null);
            }}
          />
          {mismatch && <span class="field-error">{t("common.passwordsDiffer")}</span>}
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="vault-keyring"
            checked={useKeyring}
            disabled={status.keyringUnavailable !== null}
            onChange={(e) => setUseKeyring(e.currentTarget.checked)}
          />
          <span>
            {t("gate.useKeyring")}
            {status.keyringUnavailable && <div class="small muted">{status.keyringUnavailable}</div>}
          </span>
        </label>
        {error && (
          <div class="error-box" role="alert" data-testid="vault-error">
            {error}
          </div>
        )}
        <button class="btn primary" style="width:100%" type="submit" data-testid="vault-create" disabled={busy}>
          {busy ? t("gate.creating") : t("gate.create")}
        </button>
        <p class="small" style="margin:10px 0 0">
          <button type="button" class="linklike" data-testid="sync-join-open" onClick={() => setJoin(true)}>
            {t("gate.joinOpen")}
          </button>
        </p>
        <p class="small muted" style="margin-bottom:0">
          {t("gate.storedIn", { dir: status.dataDir })}
        </p>
      </form>
    </div>
  );
}

export function UnlockVault({
  status,
  onDone,
  tryKeyring,
  why,
}: {
  status: VaultStatus;
  onDone: (s: VaultStatus) => void;
  tryKeyring: boolean;
  why?: string | null;
}) {
  const [pw, setPw] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The file is older than one this computer has opened: the person may
  // take it on purpose (a restore), with the password just typed.
  const [older, setOlder] = useState(false);

  async function keyring() {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.vaultUnlockKeyring());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  // Opening by the keyring by itself: no form meanwhile, so that nobody
  // types into a form about to go away.
  const [auto, setAuto] = useState(tryKeyring && status.keyringSlot);
  useEffect(() => {
    if (auto) void keyring().finally(() => setAuto(false));
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    if (!pw) {
      setError(t("common.typeVaultPassword"));
      return;
    }
    await unlock(false);
  }

  async function unlock(acceptOlder: boolean) {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.vaultUnlock(pw, acceptOlder));
    } catch (err) {
      setError(messageOf(err));
      const isOlder = err instanceof AppError && err.kind === "older_copy";
      setOlder(isOlder);
      if (!isOlder) setPw("");
    } finally {
      setBusy(false);
    }
  }

  if (auto) {
    return (
      <div class="gate">
        <div class="card" aria-busy="true" data-testid="vault-unlocking">
          <Logo />
          <h1>{t("common.unlocking")}</h1>
          <p class="lead">{t("gate.unlockingKeyring")}</p>
        </div>
      </div>
    );
  }

  return (
    <div class="gate">
      <form class="card" onSubmit={submit}>
        <Logo />
        <h1>{t("gate.unlockTitle")}</h1>
        <p class="lead">
          {why ? <span data-testid="vault-locked-why">{why} </span> : null}
          {t("gate.unlockLead")}
        </p>
        <div class="field">
          <label for="pw">{t("common.password")}</label>
          <input
            id="pw"
            class="input"
            type="password"
            autocomplete="current-password"
            data-testid="vault-password"
            value={pw}
            onInput={(e) => setPw(e.currentTarget.value)}
            ref={autoFocus}
          />
        </div>
        {error && (
          <div class="error-box" role="alert" data-testid="vault-error">
            {error}
          </div>
        )}
        {older && (
          <button
            class="btn danger"
            type="button"
            style="width:100%;margin-bottom:8px"
            data-testid="vault-accept-older"
            disabled={busy || !pw}
            onClick={() => unlock(true)}
          >
            {t("gate.acceptOlder")}
          </button>
        )}
        <button class="btn primary" style="width:100%" type="submit" data-testid="vault-unlock" disabled={busy}>
          {busy ? t("common.unlocking") : t("common.unlock")}
        </button>
        {status.keyringSlot && (
          <button
            class="btn"
            type="button"
            style="width:100%;margin-top:8px"
            data-testid="vault-unlock-keyring"
            onClick={keyring}
            disabled={busy || status.keyringUnavailable !== null}
            title={status.keyringUnavailable ?? undefined}
          >
            {t("gate.unlockKeyring")}
          </button>
        )}
        {status.keyringSlot && status.keyringUnavailable && <p class="small muted">{status.keyringUnavailable}</p>}
      </form>
    </div>
  );
}

/** Asks, now and then, for the password of a vault the keyring opens (see
 *  src-tauri/src/reminder.rs): typed right, the banner goes; "Later" hides
 *  it until the next start. */
export function PasswordReminder({ onChecked }: { onChecked: (s: VaultStatus) => void }) {
  const [open, setOpen] = useState(false);
  const [hidden, setHidden] = useState(false);
  const [pw, setPw] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (hidden) return null;

  async function check(e: Event) {
    e.preventDefault();
    if (!pw) return;
    setBusy(true);
    setError(null);
    try {
      const s = await api.vaultCheckPassword(pw);
      setPw("");
      onChecked(s);
    } catch (err) {
      setError(err instanceof AppError && err.kind === "wrong_password" ? t("gate.reminderWrong") : messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="reminder" role="status" data-testid="password-reminder">
      {!open ? (
        <div class="row">
          <span class="grow small">{t("gate.reminder")}</span>
          <button type="button" class="btn small" data-testid="password-reminder-check" onClick={() => setOpen(true)}>
            {t("gate.reminderCheckIt")}
          </button>
          <button type="button" class="btn small" data-testid="password-reminder-later" onClick={() => setHidden(true)}>
            {t("gate.reminderLater")}
          </button>
        </div>
      ) : (
        <form class="row" onSubmit={check}>
          <input
            class="input grow"
            type="password"
            autocomplete="current-password"
            placeholder={t("common.vaultPassword")}
            aria-label={t("common.vaultPassword")}
            data-testid="password-reminder-input"
            value={pw}
            onInput={(e) => setPw(e.currentTarget.value)}
            ref={autoFocus}
          />
          <button class="btn small primary" type="submit" data-testid="password-reminder-submit" disabled={!pw || busy}>
            {busy ? t("gate.checking") : t("gate.check")}
          </button>
        </form>
      )}
      {error && (
        <div class="field-error" data-testid="password-reminder-error">
          {error}
        </div>
      )}
    </div>
  );
}
