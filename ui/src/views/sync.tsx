// Sync through a folder: the header's status (and the banner with the
// reason when there is a problem), Settings > Sync (start, devices, sync
// now, stop) and joining an existing folder from the create screen. Every
// sync runs in Rust (src-tauri/src/desktop/sync.rs); the window shows the
// status it sends as `sync-status` events.
import { useEffect, useState } from "preact/hooks";
import { api, messageOf, onFolderPicked, onSyncStatus, type SyncDevice, type SyncView, type VaultStatus } from "../ipc";
import { autoFocus } from "../lib/focus";
import { formatDateTime, formatTime, t, type Key } from "../i18n";

/** The sync status, kept current from the `sync-status` events (and
 *  from what a command answered, through the setter). */
export function useSyncStatus(): [SyncView | null, (v: SyncView) => void] {
  const [v, setRaw] = useState<SyncView | null>(null);
  // An event and a command's reply can arrive in either order: the newer
  // status (the larger `seq`) wins.
  const setV = (s: SyncView) => setRaw((cur) => (cur && cur.seq > s.seq ? cur : s));
  useEffect(() => {
    let live = true;
    const un = onSyncStatus((s) => live && setV(s));
    // Asked after listening, so no change falls between the two.
    void un.then(() =>
      api.syncStatus().then(
        (s) => live && setV(s),
        () => {},
      ),
    );
    return () => {
      live = false;
      void un.then((f) => f());
    };
  }, []);
  return [v, setV];
}

const LABEL = {
  off: "sync.off",
  syncing: "sync.syncing",
  synced: "sync.synced",
  problem: "sync.problem",
} as const satisfies Record<SyncView["state"], Key>;

/** "12:04" today, else the date and time. */
export function whenText(ms: number | null): string {
  if (!ms) return t("sync.never");
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return today ? formatTime(d) : formatDateTime(d);
}

/** The header's badge: nothing while not syncing. */
export function SyncBadge({ view }: { view: SyncView | null }) {
  if (!view || view.state === "off") return null;
  // The problem stays the title while a retry runs.
  const title =
    view.problem ??
    `${view.folder ?? ""}${view.lastSyncMs ? ` · ${t("sync.lastSynced", { when: whenText(view.lastSyncMs) })}` : ""}`;
  return (
    <span class={`sync-badge ${view.state}`} data-testid="sync-status" data-state={view.state} title={title}>
      <span class="dot" aria-hidden="true" />
      {t(LABEL[view.state])}
    </span>
  );
}

/** Under the header while something is wrong: the reason, in full. */
export function SyncProblem({ view }: { view: SyncView | null }) {
  if (!view?.problem || view.state === "off") return null;
  return (
    <div class="banner-warn" role="alert" data-testid="sync-problem">
      <strong>{t("sync.title")}</strong>
      <span data-testid="sync-status-reason">{view.problem}</span>
    </div>
  );
}

/** A folder path field with "Choose…" (the native folder dialog). */
function FolderField({ value, onChange, testid }: { value: string; onChange: (v: string) => void; testid: string }) {
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    const un = onFolderPicked((p) => {
      setWaiting(false);
      if (p) onChange(p);
    });
    return () => void un.then((f) => f());
  }, []);
  return (
    <div class="row">
      <input
        id={testid}
        class="input grow"
        placeholder="/home/me/Sync/apiq"
        spellcheck={false}
        data-testid={testid}
        value={value}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <button
        type="button"
        class="btn"
        data-testid="sync-folder-choose"
        disabled={waiting}
        onClick={() => {
          setWaiting(true);
          api.syncPickFolder().catch(() => setWaiting(false));
        }}
      >
        {t("sync.choose")}
      </button>
    </div>
  );
}

/** Another device changed the vault's password (which re-keys the data):
 *  the new password, typed once, brings the new key here. */
function NewPassword({ onView }: { onView: (v: SyncView) => void }) {
  const [pw, setPw] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onView(await api.syncNewPassword(pw));
      setPw("");
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="field" onSubmit={submit} data-testid="sync-new-password-form">
      <label for="sync-new-password">{t("sync.newPassword")}</label>
      <div class="row">
        <input
          id="sync-new-password"
          class="input grow"
          type="password"
          autocomplete="current-password"
          data-testid="sync-new-password"
          value={pw}
          onInput={(e) => setPw(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" data-testid="sync-new-password-apply" disabled={busy || !pw}>
          {t("sync.newPasswordApply")}
        </button>
      </div>
      {error && (
        <div class="field-error" role="alert" data-testid="sync-new-password-error">
          {error}
        </div>
      )}
    </form>
  );
}

/** Settings > Sync. */
export function SyncSettings() {
  const [view, setView] = useSyncStatus();
  const [folder, setFolder] = useState("");
  const [name, setName] = useState("");
  const [devices, setDevices] = useState<SyncDevice[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const on = view !== null && view.state !== "off";

  // The devices again after every sync (and when syncing starts).
  const [devicesError, setDevicesError] = useState<string | null>(null);
  const stamp = `${view?.state}:${view?.lastSyncMs}:${view?.folder}`;
  useEffect(() => {
    if (!on || view?.state === "syncing") return;
    api.syncDevices().then(
      (d) => {
        setDevices(d);
        setDevicesError(null);
      },
      (e) => setDevicesError(messageOf(e)),
    );
  }, [stamp]);

  async function act(f: () => Promise<SyncView>) {
    setBusy(true);
    setError(null);
    try {
      setView(await f());
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="section" data-testid="settings-sync">
      <h3>{t("sync.title")}</h3>
      {!on ? (
        <>
          <p class="small muted">{t("sync.lead")}</p>
          <div class="field">
            <label for="sync-folder">{t("sync.folder")}</label>
            <FolderField value={folder} onChange={setFolder} testid="sync-folder" />
          </div>
          <div class="field">
            <label for="sync-device-name">{t("sync.deviceName")}</label>
            <input
              id="sync-device-name"
              class="input"
              data-testid="sync-device-name"
              placeholder={view?.defaultName ?? ""}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </div>
          <div class="row end">
            <button
              type="button"
              class="btn primary"
              data-testid="sync-start"
              disabled={busy || !folder.trim()}
              onClick={() => act(() => api.syncStart(folder, name.trim() || null))}
            >
              {busy ? t("sync.starting") : t("sync.start")}
            </button>
          </div>
        </>
      ) : (
        <>
          <dl class="sync-facts">
            <dt>{t("sync.folderFact")}</dt>
            <dd data-testid="sync-folder-current">{view.folder}</dd>
            <dt>{t("sync.thisDeviceFact")}</dt>
            <dd data-testid="sync-this-device">{view.deviceName}</dd>
            <dt>{t("sync.lastSync")}</dt>
            <dd data-testid="sync-last" data-ms={String(view.lastSyncMs ?? 0)}>
              {whenText(view.lastSyncMs)}
              {view.state === "syncing" && <span class="muted"> · {t("sync.syncingNow")}</span>}
            </dd>
          </dl>
          {view.needsNewPassword && <NewPassword onView={setView} />}
          <div class="small muted">{t("sync.devices")}</div>
          <ul class="backups" data-testid="sync-devices">
            {(devices ?? []).map((d) => (
              <li key={d.file} data-testid="sync-device" data-this={String(d.this)}>
                <div class="grow">
                  <div>
                    <span data-testid="sync-device-label">{d.problem ? d.file : d.name}</span>
                    {d.this && <span class="small muted"> {t("sync.thisDevice")}</span>}
                  </div>
                  <div class="small muted">
                    {d.problem ? (
                      <span class="field-error">{d.problem}</span>
                    ) : (
                      <>
                        {t("sync.lastWrote")} <span data-testid="sync-device-written">{whenText(d.writtenMs)}</span> ·{" "}
                        {t("common.accounts", { count: d.entries })}
                      </>
                    )}
                  </div>
                </div>
              </li>
            ))}
          </ul>
          {devicesError && <div class="small field-error">{devicesError}</div>}
          <div class="row end" style="margin-top:8px">
            <button
              type="button"
              class="btn"
              data-testid="sync-stop"
              disabled={busy}
              onClick={() => act(() => api.syncStop())}
            >
              {t("sync.stop")}
            </button>
            <button
              type="button"
              class="btn primary"
              data-testid="sync-now"
              disabled={busy}
              onClick={() => act(() => api.syncNow())}
            >
              {t("sync.now")}
            </button>
          </div>
          <p class="small muted">{t("sync.auto")}</p>
        </>
      )}
      {error && (
        <div class="error-box" role="alert" data-testid="sync-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** The create screen's other way: this device's vault from a sync folder. */
export function JoinVault({ onDone, onCancel }: { onDone: (s: VaultStatus) => void; onCancel: () => void }) {
  const [folder, setFolder] = useState("");
  const [pw, setPw] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (!folder.trim() || !pw) {
      setError(!folder.trim() ? t("sync.chooseFolder") : t("common.typeVaultPassword"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.syncJoin(folder, pw, name.trim() || null));
    } catch (err) {
      setError(messageOf(err));
      setPw("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card" onSubmit={submit} data-testid="sync-join-form">
      <img class="logo" src="./icon.png" alt="" />
      <h1>{t("sync.joinTitle")}</h1>
      <p class="lead">{t("sync.joinLead")}</p>
      <div class="field">
        <label for="sync-join-folder">{t("sync.folder")}</label>
        <FolderField value={folder} onChange={setFolder} testid="sync-join-folder" />
      </div>
      <div class="field">
        <label for="sync-join-password">{t("sync.joinPassword")}</label>
        <input
          id="sync-join-password"
          class="input"
          type="password"
          autocomplete="current-password"
          data-testid="sync-join-password"
          value={pw}
          onInput={(e) => setPw(e.currentTarget.value)}
          ref={autoFocus}
        />
      </div>
      <div class="field">
        <label for="sync-join-name">{t("sync.joinName")}</label>
        <input
          id="sync-join-name"
          class="input"
          data-testid="sync-join-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      {error && (
        <div class="error-box" role="alert" data-testid="vault-error">
          {error}
        </div>
      )}
      <button class="btn primary" style="width:100%" type="submit" data-testid="sync-join" disabled={busy}>
        {busy ? t("sync.joining") : t("sync.join")}
      </button>
      <p class="small" style="margin-bottom:0">
        <button type="button" class="linklike" data-testid="sync-join-cancel" onClick={onCancel}>
          {t("sync.joinCancel")}
        </button>
      </p>
    </form>
  );
}
