// Settings > Account, the parts for scripts and devices: personal access
// tokens (create with their methods and expiry, the value shown once,
// list, delete) and the account's sessions (sign out the others).
import { useEffect, useState } from "preact/hooks";
import { api, messageOf, type NewToken, type SessionView, type TokenView } from "../ipc";
import { Dialog } from "../components/dialog";
import { useToast } from "../components/toast";
import { t, type Key } from "../i18n";

const METHODS = [
  ["users.Account.GetUserInfo", "tokens.methodUserInfo"],
  ["users.Authentication.GetSessions", "tokens.methodSessions"],
  ["users.Authentication.SignOut", "tokens.methodSignOut"],
] as const satisfies ReadonlyArray<readonly [string, Key]>;

export function TokenForm({
  onCancel,
  onNext,
}: {
  onCancel: () => void;
  onNext: (description: string, methods: string[], expiresAt: string | null) => void;
}) {
  const [description, setDescription] = useState("");
  const [all, setAll] = useState(false);
  const [methods, setMethods] = useState<string[]>([METHODS[0][0]]);
  const [expires, setExpires] = useState("");
  const [error, setError] = useState<string | null>(null);
  function next() {
    if (!description.trim()) return setError(t("tokens.describe"));
    if (!all && methods.length === 0) return setError(t("tokens.oneMethod"));
    onNext(description.trim(), all ? ["*"] : methods, expires ? `${expires} 23:59:59` : null);
  }
  return (
    <Dialog
      title={t("tokens.newTitle")}
      onClose={onCancel}
      testid="token-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onCancel}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn primary" data-testid="token-next" onClick={next}>
            {t("tokens.create")}
          </button>
        </>
      }
    >
      <div class="field">
        <label for="token-description">{t("tokens.description")}</label>
        <input
          id="token-description"
          class="input"
          data-testid="token-description"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          placeholder={t("tokens.descriptionPlaceholder")}
        />
      </div>
      <div class="label">{t("tokens.methods")}</div>
      <label class="check" style="margin:6px 0">
        <input
          type="checkbox"
          data-testid="token-all"
          checked={all}
          onChange={(e) => setAll(e.currentTarget.checked)}
        />
        <span>{t("tokens.allMethods")}</span>
      </label>
      {!all &&
        METHODS.map(([m, label]) => (
          <label class="check" style="margin:4px 0" key={m}>
            <input
              type="checkbox"
              checked={methods.includes(m)}
              onChange={(e) => setMethods(e.currentTarget.checked ? [...methods, m] : methods.filter((x) => x !== m))}
            />
            <span>
              {t(label)} <span class="small muted">{m}</span>
            </span>
          </label>
        ))}
      <div class="field" style="margin-top:10px">
        <label for="token-expires">{t("tokens.expires")}</label>
        <input
          id="token-expires"
          class="input"
          type="date"
          data-testid="token-expires"
          value={expires}
          onInput={(e) => setExpires(e.currentTarget.value)}
        />
      </div>
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}

export function TokenValue({ token, onClose }: { token: NewToken; onClose: () => void }) {
  const toast = useToast();
  return (
    <Dialog
      title={t("tokens.valueTitle")}
      onClose={onClose}
      footer={
        <button type="button" class="btn primary" onClick={onClose}>
          {t("common.done")}
        </button>
      }
    >
      <p class="small muted" style="margin-top:0">
        {t("tokens.copyNow")}
      </p>
      <div class="row">
        <code class="input grow" data-testid="token-value" style="word-break:break-all">
          {token.value}
        </code>
        <button
          type="button"
          class="btn"
          data-testid="token-copy"
          onClick={async () => {
            try {
              await api.copyText(token.value);
              toast({ text: t("common.copied") });
            } catch (e) {
              toast({ text: messageOf(e), error: true });
            }
          }}
        >
          {t("common.copy")}
        </button>
      </div>
    </Dialog>
  );
}

export function Tokens({
  onNew,
  onDelete,
  version,
}: {
  onNew: () => void;
  onDelete: (t: TokenView) => void;
  version: number;
}) {
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.tokens().then(setTokens, (e) => setError(messageOf(e)));
  }, [version]);
  return (
    <div class="panel">
      <div class="row">
        <h2 class="grow" style="margin:0">
          {t("tokens.title")}
        </h2>
        <button type="button" class="btn small" data-testid="token-create" onClick={onNew}>
          {t("tokens.new")}
        </button>
      </div>
      {tokens?.length === 0 && <p class="small muted">{t("tokens.none")}</p>}
      {tokens?.map((tk) => (
        <div class="item-row" key={tk.id} data-testid="token-item" data-id={String(tk.id)}>
          <div class="grow">
            <div>
              {tk.description} <span class="small muted">…{tk.last4}</span>
            </div>
            <div class="small muted">
              {tk.apiList.join(", ")} ·{" "}
              {tk.expiresAt ? t("tokens.expiresAt", { date: tk.expiresAt }) : t("tokens.neverExpires")}
            </div>
          </div>
          <button type="button" class="btn small danger" data-testid="token-delete" onClick={() => onDelete(tk)}>
            {t("common.delete")}
          </button>
        </div>
      ))}
      {error && <div class="error-box">{error}</div>}
    </div>
  );
}

export function Sessions() {
  const toast = useToast();
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  useEffect(() => {
    api.sessions().then(setSessions, (e) => toast({ text: messageOf(e), error: true }));
  }, []);
  return (
    <div class="panel">
      <div class="row">
        <h2 class="grow" style="margin:0">
          {t("tokens.sessions")}
        </h2>
        <button
          type="button"
          class="btn small"
          data-testid="sessions-signout-others"
          disabled={!sessions || sessions.length < 2}
          onClick={async () => {
            try {
              setSessions(await api.signoutOthers());
              toast({ text: t("tokens.signedOutOthers") });
            } catch (e) {
              toast({ text: messageOf(e), error: true });
            }
          }}
        >
          {t("tokens.signOutOthers")}
        </button>
      </div>
      {sessions?.map((s) => (
        <div class="item-row" key={s.id} data-testid="session-item">
          <div class="grow small">{t("tokens.session", { created: s.created, lastUsed: s.lastUsed })}</div>
          {s.current && <span class="status-pill on">{t("tokens.thisApp")}</span>}
        </div>
      ))}
    </div>
  );
}
