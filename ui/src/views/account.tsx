// The account side: sign-in (with the second step, offering the code from
// this vault) and sign-up; Settings > Account: set up two-factor
// authentication straight into the vault, view and regenerate recovery
// codes, disable 2FA, personal access tokens, sessions.
import { useEffect, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import {
  AppError,
  api,
  messageOf,
  type AccountCodes,
  type AccountStatus,
  type NewToken,
  type TokenView,
  type TwoFactorSetup,
  type UserView,
} from "../ipc";
import { Confirm, Dialog } from "../components/dialog";
import { useToast } from "../components/toast";
import { autoFocus } from "../lib/focus";
import { Sessions, TokenForm, Tokens, TokenValue } from "./tokens";
import { t } from "../i18n";

/** An email address that may wrap after its "@" rather than mid-word. */
function breakAfterAt(text: string) {
  const at = text.indexOf("@");
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}

/** Asks for the account password before a step that needs it; the error
 *  (wrong password, throttled) shows under the field. */
export function PasswordConfirm(props: {
  title: string;
  message?: ComponentChildren;
  label?: string;
  /** The error for an empty field (with `label`: "Type your vault password."). */
  emptyError?: string;
  onSubmit: (pw: string) => Promise<void>;
  onCancel: () => void;
}) {
  const label = props.label ?? t("account.accountPassword");
  const [pw, setPw] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e?: Event) {
    e?.preventDefault();
    if (!pw) return setError(props.emptyError ?? t("account.typeAccountPassword"));
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(pw);
    } catch (err) {
      setError(messageOf(err));
      setPw("");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      testid="confirm-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={props.onCancel}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            class="btn primary"
            data-testid="confirm-submit"
            disabled={busy}
            onClick={() => submit()}
          >
            {t("account.confirm")}
          </button>
        </>
      }
    >
      <form onSubmit={submit}>
        {props.message && (
          <div class="small muted" style="margin-bottom:8px">
            {props.message}
          </div>
        )}
        <div class="field">
          <label for="confirm-pw">{label}</label>
          <input
            id="confirm-pw"
            class="input"
            type="password"
            autocomplete="current-password"
            data-testid="confirm-password"
            value={pw}
            onInput={(e) => setPw(e.currentTarget.value)}
            ref={autoFocus}
          />
          {error && (
            <span class="field-error" role="alert" data-testid="confirm-error">
              {error}
            </span>
          )}
        </div>
      </form>
    </Dialog>
  );
}

export function AccountView({ onVaultChanged }: { onVaultChanged: () => void }) {
  const [status, setStatus] = useState<AccountStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () =>
    api.accountStatus().then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e) => setError(messageOf(e)),
    );
  useEffect(() => void refresh(), []);
  if (!status || (error && status.signedIn)) {
    if (!error)
      return (
        <div class="page">
          <p class="muted">{t("account.connecting")}</p>
        </div>
      );
    return (
      <div class="page">
        <div class="error-box" role="alert" data-testid="account-error">
          {error}
        </div>
        <div class="row">
          <button type="button" class="btn" data-testid="account-retry" onClick={() => void refresh()}>
            {t("account.retry")}
          </button>
          {/* Forgets the session here even when the server cannot be told. */}
          <button
            type="button"
            class="btn"
            data-testid="signout"
            onClick={async () => {
              try {
                setStatus(await api.signout());
                setError(null);
              } catch (e) {
                setError(messageOf(e));
              }
            }}
          >
            {t("account.signOut")}
          </button>
        </div>
      </div>
    );
  }
  // Signed in and `user` set go together (src-tauri's `status`); the
  // check narrows the type.
  if (!status.signedIn || !status.user) return <SignIn status={status} onStatus={setStatus} />;
  return <SignedIn user={status.user} onStatus={setStatus} refresh={refresh} onVaultChanged={onVaultChanged} />;
}

function SignIn({ status, onStatus }: { status: AccountStatus; onStatus: (s: AccountStatus) => void }) {
  const [signup, setSignup] = useState(false);
  const [login, setLogin] = useState(status.login);
  const [pw, setPw] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<{ field: string; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(field: string, f: () => Promise<AccountStatus>) {
    setBusy(true);
    setError(null);
    try {
      const s = await f();
      setPw("");
      setCode("");
      onStatus(s);
    } catch (e) {
      const kind = e instanceof AppError ? e.kind : "";
      setError({ field: kind === "wrong_password" ? "password" : field, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  }

  if (status.pending) {
    return (
      <div class="page">
        <form
          class="panel"
          style="max-width:420px;margin:0 auto"
          onSubmit={(e) => {
            e.preventDefault();
            void run("code", () => api.verify(code));
          }}
        >
          <h2>{t("account.twofa")}</h2>
          <p class="small muted">{t("account.signingInAs", { login: status.login })}</p>
          <div class="field">
            <label for="code">{t("account.code")}</label>
            <input
              id="code"
              class="input"
              inputMode="numeric"
              autocomplete="one-time-code"
              data-testid="signin-code"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              ref={autoFocus}
            />
            {error?.field === "code" && (
              <span class="field-error" role="alert" data-testid="signin-error">
                {error.text}
              </span>
            )}
          </div>
          {status.vaultEntryId && (
            <button
              type="button"
              class="btn"
              style="width:100%;margin-bottom:8px"
              data-testid="signin-code-from-vault"
              disabled={busy}
              onClick={async () => {
                // Verify waits for the code (a click on it before the code
                // arrived would send an empty field).
                setBusy(true);
                try {
                  setCode(await api.codeFromVault());
                } catch (e) {
                  setError({ field: "code", text: messageOf(e) });
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t("account.codeFromVault")}
            </button>
          )}
          <button class="btn primary" style="width:100%" type="submit" data-testid="signin-verify" disabled={busy}>
            {t("account.verify")}
          </button>
          <p class="small muted" data-testid="signin-device-loss">
            {t("account.deviceLoss")}
          </p>
          <button type="button" class="linklike small" onClick={() => run("code", api.signout)}>
            {t("account.cancelSignIn")}
          </button>
        </form>
      </div>
    );
  }

  return (
    <div class="page">
      <form
        class="panel"
        style="max-width:420px;margin:0 auto"
        onSubmit={(e) => {
          e.preventDefault();
          void run("login", () => (signup ? api.signup(login, pw) : api.signin(login, pw)));
        }}
      >
        <h2>{signup ? t("account.signupTitle") : t("account.signinTitle")}</h2>
        <p class="small muted" data-testid="signin-server">
          {status.bundled ? t("account.bundled") : t("account.server", { url: String(status.serverUrl) })}
        </p>
        <div class="field">
          <label for="login">{t("account.email")}</label>
          <input
            id="login"
            class="input"
            type="email"
            autocomplete="username"
            data-testid="signin-login"
            value={login}
            onInput={(e) => setLogin(e.currentTarget.value)}
            ref={autoFocus}
          />
          {error?.field === "login" && (
            <span class="field-error" role="alert" data-testid="signin-error">
              {error.text}
            </span>
          )}
        </div>
        <div class="field">
          <label for="password">{t("common.password")}</label>
          <input
            id="password"
            class="input"
            type="password"
            autocomplete={signup ? "new-password" : "current-password"}
            data-testid="signin-password"
            value={pw}
            onInput={(e) => setPw(e.currentTarget.value)}
          />
          {error?.field === "password" && (
            <span class="field-error" role="alert" data-testid="signin-error">
              {error.text}
            </span>
          )}
        </div>
        <button
          class="btn primary"
          style="width:100%"
          type="submit"
          data-testid="signin-submit"
          disabled={busy || !login || !pw}
        >
          {signup ? t("account.createAccount") : t("account.signIn")}
        </button>
        <p class="small" style="text-align:center;margin-bottom:0">
          {signup ? t("account.haveAccount") : t("account.noAccount")}{" "}
          <button
            type="button"
            class="linklike"
            data-testid="signup-open"
            onClick={() => {
              setSignup(!signup);
              setError(null);
            }}
          >
            {signup ? t("account.signIn") : t("account.createOne")}
          </button>
        </p>
      </form>
    </div>
  );
}

type Modal =
  | { kind: "setup-password" }
  | { kind: "setup"; setup: TwoFactorSetup }
  | { kind: "codes"; codes: AccountCodes; gated: boolean; title: string }
  | { kind: "view-password" }
  | { kind: "regenerate-confirm" }
  | { kind: "regenerate-password" }
  | { kind: "disable-confirm" }
  | { kind: "disable-password" }
  | { kind: "token-new" }
  | { kind: "token-password"; description: string; methods: string[]; expiresAt: string | null }
  | { kind: "token-value"; token: NewToken }
  | { kind: "token-delete"; token: TokenView }
  | null;

function SignedIn({
  user,
  onStatus,
  refresh,
  onVaultChanged,
}: {
  user: UserView;
  onStatus: (s: AccountStatus) => void;
  refresh: () => void;
  onVaultChanged: () => void;
}) {
  const toast = useToast();
  const [settings, setSettings] = useState(false);
  const [modal, setModal] = useState<Modal>(null);
  const close = () => setModal(null);

  return (
    <div class="page">
      <div class="panel">
        <div class="row">
          <div class="grow">
            <h2 style="margin:0;overflow-wrap:anywhere">{breakAfterAt(user.name || user.email)}</h2>
            {user.name && <div class="small muted">{user.email}</div>}
          </div>
          <button
            type="button"
            class="btn small"
            data-testid="signout"
            onClick={async () => onStatus(await api.signout())}
          >
            {t("account.signOut")}
          </button>
        </div>
        <div class="row" style="margin-top:10px">
          <span>{t("account.twofa")}</span>
          <span
            class={`status-pill ${user.twoFactorEnabled ? "on" : "off"}`}
            data-testid="twofa-status"
            data-enabled={user.twoFactorEnabled ? "true" : "false"}
          >
            {user.twoFactorEnabled ? t("account.on") : t("account.off")}
          </span>
          <span class="grow" />
          <button type="button" class="btn small" data-testid="account-settings" onClick={() => setSettings(!settings)}>
            {settings ? t("account.hideSettings") : t("codes.settingsMenu")}
          </button>
        </div>
      </div>

      {settings && (
        <>
          <div class="panel" data-testid="account-settings-panel">
            <h2>{t("account.twofa")}</h2>
            {!user.twoFactorEnabled ? (
              <>
                <p class="small muted">{t("account.twofaLead")}</p>
                <button
                  type="button"
                  class="btn primary"
                  data-testid="twofa-setup"
                  onClick={() => setModal({ kind: "setup-password" })}
                >
                  {t("account.twofaSetup")}
                </button>
              </>
            ) : (
              <>
                <p class="small muted">{t("account.codesLeft", { count: user.recoveryCodesRemaining })}</p>
                <div class="row wrap">
                  <button
                    type="button"
                    class="btn"
                    data-testid="recovery-view"
                    onClick={() => setModal({ kind: "view-password" })}
                  >
                    {t("account.viewCodes")}
                  </button>
                  <button
                    type="button"
                    class="btn danger"
                    data-testid="twofa-disable"
                    onClick={() => setModal({ kind: "disable-confirm" })}
                  >
                    {t("account.twofaDisable")}
                  </button>
                </div>
              </>
            )}
          </div>
          <Tokens
            onNew={() => setModal({ kind: "token-new" })}
            onDelete={(t) => setModal({ kind: "token-delete", token: t })}
            version={modal === null ? 1 : 0}
          />
          <Sessions />
        </>
      )}

      {modal?.kind === "setup-password" && (
        <PasswordConfirm
          title={t("common.confirmYourPassword")}
          message={t("account.setupPassword")}
          onCancel={close}
          onSubmit={async (pw) => setModal({ kind: "setup", setup: await api.twofaBegin(pw) })}
        />
      )}
      {modal?.kind === "setup" && (
        <SetupDialog
          setup={modal.setup}
          hasVaultEntry={false}
          onClose={() => {
            void api.twofaFinish();
            close();
            refresh();
          }}
          onCodes={(codes) => {
            onVaultChanged();
            setModal({ kind: "codes", codes, gated: true, title: t("account.saveCodesTitle") });
          }}
        />
      )}
      {modal?.kind === "codes" && (
        <CodesDialog
          title={modal.title}
          codes={modal.codes}
          gated={modal.gated}
          onRegenerate={modal.gated ? undefined : () => setModal({ kind: "regenerate-confirm" })}
          onDone={() => {
            void api.twofaFinish();
            close();
            refresh();
          }}
        />
      )}
      {modal?.kind === "view-password" && (
        <PasswordConfirm
          title={t("common.confirmYourPassword")}
          message={t("account.viewPassword")}
          onCancel={close}
          onSubmit={async (pw) =>
            setModal({
              kind: "codes",
              codes: await api.accountRecoveryView(pw),
              gated: false,
              title: t("entryRow.recoveryCodes"),
            })
          }
        />
      )}
      {modal?.kind === "regenerate-confirm" && (
        <Confirm
          title={t("account.regenerateTitle")}
          testid="regenerate-confirm"
          confirmLabel={t("account.regenerate")}
          danger
          onCancel={close}
          onConfirm={() => setModal({ kind: "regenerate-password" })}
          message={<p>{t("account.regenerateLead")}</p>}
        />
      )}
      {modal?.kind === "regenerate-password" && (
        <PasswordConfirm
          title={t("common.confirmYourPassword")}
          onCancel={close}
          onSubmit={async (pw) => {
            const codes = await api.accountRecoveryRegenerate(pw);
            onVaultChanged();
            setModal({ kind: "codes", codes, gated: true, title: t("account.newCodesTitle") });
          }}
        />
      )}
      {modal?.kind === "disable-confirm" && (
        <Confirm
          title={t("account.disableTitle")}
          testid="disable-confirm"
          confirmLabel={t("account.continue")}
          danger
          onCancel={close}
          onConfirm={() => setModal({ kind: "disable-password" })}
          message={<p>{t("account.disableLead")}</p>}
        />
      )}
      {modal?.kind === "disable-password" && (
        <PasswordConfirm
          title={t("common.confirmYourPassword")}
          onCancel={close}
          onSubmit={async (pw) => {
            onStatus(await api.twofaDisable(pw));
            onVaultChanged();
            close();
            toast({ text: t("account.disabled") });
          }}
        />
      )}
      {modal?.kind === "token-new" && (
        <TokenForm
          onCancel={close}
          onNext={(description, methods, expiresAt) =>
            setModal({ kind: "token-password", description, methods, expiresAt })
          }
        />
      )}
      {modal?.kind === "token-password" && (
        <PasswordConfirm
          title={t("common.confirmYourPassword")}
          message={t("account.tokenPassword")}
          onCancel={close}
          onSubmit={async (pw) =>
            setModal({
              kind: "token-value",
              token: await api.tokenCreate(pw, modal.description, modal.methods, modal.expiresAt),
            })
          }
        />
      )}
      {modal?.kind === "token-value" && <TokenValue token={modal.token} onClose={close} />}
      {modal?.kind === "token-delete" && (
        <PasswordConfirm
          title={t("account.tokenDeleteTitle", { name: modal.token.description })}
          message={t("account.tokenDeleteLead")}
          onCancel={close}
          onSubmit={async (pw) => {
            await api.tokenDelete(pw, modal.token.id);
            close();
            toast({ text: t("account.tokenDeleted") });
          }}
        />
      )}
    </div>
  );
}

function SetupDialog({
  setup,
  onClose,
  onCodes,
}: {
  setup: TwoFactorSetup;
  hasVaultEntry: boolean;
  onClose: () => void;
  onCodes: (c: AccountCodes) => void;
}) {
  const [added, setAdded] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function next(e?: Event) {
    e?.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) return setError(t("account.typeSixDigits"));
    setBusy(true);
    setError(null);
    try {
      onCodes(await api.twofaEnable(code));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={t("account.setupTitle")}
      onClose={onClose}
      testid="twofa-dialog"
      wide
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn primary" data-testid="twofa-next" disabled={busy} onClick={() => next()}>
            {t("common.next")}
          </button>
        </>
      }
    >
      <p class="small muted" style="margin-top:0">
        {t("account.setupStep1")}
      </p>
      <div class="row" style="align-items:flex-start">
        <img
          class="qr"
          style="width:170px;height:170px;margin:0"
          src={setup.qrDataUrl}
          alt={t("account.setupQrAlt")}
          data-testid="twofa-qr"
        />
        <dl class="kv grow">
          <dt>{t("account.secret")}</dt>
          <dd data-testid="twofa-secret">{setup.secret.replace(/(.{4})(?=.)/g, "$1 ")}</dd>
          <dt>{t("account.issuer")}</dt>
          <dd>{setup.issuer}</dd>
          <dt>{t("common.account")}</dt>
          <dd>{setup.account}</dd>
          <dt>{t("common.algorithm")}</dt>
          <dd>{setup.algorithm}</dd>
          <dt>{t("common.digits")}</dt>
          <dd>{setup.digits}</dd>
          <dt>{t("account.period")}</dt>
          <dd>{t("preview.seconds", { count: setup.period })}</dd>
        </dl>
      </div>
      <button
        type="button"
        class="btn"
        style="width:100%;margin:10px 0"
        data-testid="twofa-add-to-vault"
        disabled={added}
        onClick={async () => {
          try {
            await api.twofaAddToVault();
            setAdded(true);
          } catch (err) {
            setError(messageOf(err));
          }
        }}
      >
        {added ? t("account.addedToVault") : t("account.addToVault")}
      </button>
      <form onSubmit={next}>
        <div class="field">
          <label for="twofa-code">{t("account.setupStep2")}</label>
          <div class="row">
            <input
              id="twofa-code"
              class="input grow"
              inputMode="numeric"
              autocomplete="one-time-code"
              data-testid="twofa-code"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            {added && (
              <button
                type="button"
                class="btn"
                data-testid="twofa-code-from-vault"
                onClick={async () => {
                  try {
                    setCode(await api.codeFromVault());
                  } catch (err) {
                    setError(messageOf(err));
                  }
                }}
              >
                {t("account.useCodeFromVault")}
              </button>
            )}
          </div>
          {error && (
            <span class="field-error" role="alert" data-testid="twofa-error">
              {error}
            </span>
          )}
        </div>
      </form>
    </Dialog>
  );
}

/** Recovery codes shown once: Download and Copy tick "I've saved the
 *  data"; Done needs it ticked when `gated`. */
function CodesDialog({
  title,
  codes,
  gated,
  onDone,
  onRegenerate,
}: {
  title: string;
  codes: AccountCodes;
  gated: boolean;
  onDone: () => void;
  onRegenerate?: () => void;
}) {
  const toast = useToast();
  const [saved, setSaved] = useState(!gated);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={title}
      onClose={gated && !saved ? () => setError(t("account.saveFirst")) : onDone}
      testid="recovery-codes-dialog"
      footer={
        <button type="button" class="btn primary" data-testid="recovery-done" disabled={!saved} onClick={onDone}>
          {t("common.done")}
        </button>
      }
    >
      <p class="small muted" style="margin-top:0">
        {t("account.codesLead")}
        {codes.storedInVault ? ` ${t("account.codesInVault")}` : ""}
      </p>
      {codes.vaultProblem && (
        <div class="warn-box" role="alert" data-testid="recovery-vault-problem">
          {codes.vaultProblem}
        </div>
      )}
      <ul class="recovery-list">
        {codes.codes.map((c) => (
          <li key={c.code} data-testid="recovery-code" data-used={c.used ? "true" : "false"}>
            <span>{c.code}</span>
          </li>
        ))}
      </ul>
      <div class="row">
        <button
          type="button"
          class="btn"
          data-testid="recovery-download"
          onClick={async () => {
            try {
              const p = await api.accountCodesDownload();
              if (p) {
                setSaved(true);
                toast({ text: t("account.savedTo", { path: p }) });
              }
            } catch (e) {
              setError(messageOf(e));
            }
          }}
        >
          {t("account.download")}
        </button>
        <button
          type="button"
          class="btn"
          data-testid="recovery-copy"
          onClick={async () => {
            try {
              const r = await api.accountCodesCopy();
              setSaved(true);
              toast({ text: r.clearsInSecs ? t("common.copiedClears", { secs: r.clearsInSecs }) : t("common.copied") });
            } catch (e) {
              setError(messageOf(e));
            }
          }}
        >
          {t("common.copy")}
        </button>
        <span class="grow" />
        {onRegenerate && (
          <button type="button" class="linklike small" data-testid="recovery-regenerate" onClick={onRegenerate}>
            {t("account.regenerate")}
          </button>
        )}
      </div>
      {gated && (
        <label class="check">
          <input
            type="checkbox"
            data-testid="recovery-saved"
            checked={saved}
            onChange={(e) => setSaved(e.currentTarget.checked)}
          />
          <span>{t("account.savedCheck")}</span>
        </label>
      )}
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
