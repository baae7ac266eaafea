// The window's shell: the vault gate (create / unlock), then the codes and
// the account side, with the sync status, the lock button and idle
// reporting.
import { useEffect, useRef, useState } from "preact/hooks";
import { icons } from "./lib/icons-load";
import { api, messageOf, onLocked, onUnlocked, type Settings, type VaultStatus } from "./ipc";
import { CreateVault, PasswordReminder, UnlockVault } from "./views/gate";
import { CodesView } from "./views/codes";
import { AccountView } from "./views/account";
import { ClockBanner } from "./views/clock";
import { SyncBadge, SyncProblem, useSyncStatus } from "./views/sync";
import { Icon } from "./components/icons";
import { ToastHost, useToast } from "./components/toast";
import { t } from "./i18n";

export function App() {
  return (
    <ToastHost>
      <Shell />
    </ToastHost>
  );
}

function Shell() {
  const toast = useToast();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  // The keyring is tried by itself only once per start: after a lock the
  // person chose to lock, so the password (or the keyring button) opens it.
  const autoKeyring = useRef(true);
  const [tab, setTab] = useState<"codes" | "account">("codes");
  const [lockedWhy, setLockedWhy] = useState<string | null>(null);
  // Bumped when the account side changed the vault, so the codes reload.
  const [vaultVersion, setVaultVersion] = useState(0);
  const [sync] = useSyncStatus();

  useEffect(() => {
    Promise.all([api.vaultStatus(), api.settings()]).then(
      ([st, se]) => {
        setStatus(st);
        setSettings(se);
      },
      (e) => setFatal(messageOf(e)),
    );
    const un = onLocked((why) => {
      autoKeyring.current = false;
      // The entries' own pictures are the vault's: not kept while locked.
      icons.forgetEntries();
      setLockedWhy(why);
      void api.vaultStatus().then(setStatus);
    });
    // Unlocked from the quick-copy palette.
    const un2 = onUnlocked(() => void api.vaultStatus().then(setStatus));
    return () => {
      void un.then((f) => f());
      void un2.then((f) => f());
    };
  }, []);

  // The theme from Settings ("system" follows the desktop).
  useEffect(() => {
    if (settings) document.documentElement.dataset.theme = settings.theme;
  }, [settings?.theme]);

  // Tell the Rust side about use, at most every 15 s, for the idle lock.
  useEffect(() => {
    let last = 0;
    const ping = () => {
      const t = Date.now();
      if (t - last > 15000) {
        last = t;
        void api.activity().catch(() => {});
      }
    };
    window.addEventListener("keydown", ping, true);
    window.addEventListener("pointerdown", ping, true);
    return () => {
      window.removeEventListener("keydown", ping, true);
      window.removeEventListener("pointerdown", ping, true);
    };
  }, []);

  async function lock() {
    try {
      autoKeyring.current = false;
      setStatus(await api.vaultLock());
    } catch (e) {
      toast({ text: messageOf(e), error: true });
    }
  }

  if (fatal)
    return (
      <div class="gate">
        <div class="card">
          <h1>{t("app.cannotStart")}</h1>
          <div class="error-box">{fatal}</div>
        </div>
      </div>
    );
  if (!status || !settings) return <div class="gate" aria-busy="true" />;
  if (!status.exists) return <CreateVault status={status} onDone={setStatus} />;
  if (!status.unlocked) {
    const tryKeyring = autoKeyring.current;
    autoKeyring.current = false;
    return (
      <UnlockVault
        status={status}
        onDone={(s) => {
          setLockedWhy(null);
          setStatus(s);
        }}
        tryKeyring={tryKeyring}
        why={lockedWhy}
      />
    );
  }

  return (
    <div class="shell">
      <div class="topbar">
        <div class="brand">
          <img src="./icon.png" alt="" /> <span class="brand-name">Apiq Authenticator</span>
        </div>
        <div class="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={tab === "codes"}
            data-testid="nav-codes"
            onClick={() => setTab("codes")}
          >
            {t("app.tabCodes")}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === "account"}
            data-testid="nav-account"
            onClick={() => setTab("account")}
          >
            {t("app.tabAccount")}
          </button>
        </div>
        <SyncBadge view={sync} />
        <button
          type="button"
          class="icon-btn"
          aria-label={t("app.lock")}
          title={t("app.lockTitle")}
          data-testid="vault-lock"
          onClick={lock}
        >
          <Icon name="lock" />
        </button>
      </div>
      <ClockBanner />
      <SyncProblem view={sync} />
      {status.passwordReminder && (
        <PasswordReminder
          onChecked={(s) => {
            setStatus(s);
            toast({ text: t("app.passwordChecked") });
          }}
        />
      )}
      <div style="flex:1;min-height:0">
        {tab === "codes" ? (
          <CodesView key={vaultVersion} settings={settings} onSettings={setSettings} onLock={lock} />
        ) : (
          <AccountView onVaultChanged={() => setVaultVersion((v) => v + 1)} />
        )}
      </div>
    </div>
  );
}
