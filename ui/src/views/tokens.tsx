// Settings > Account, the parts for scripts and devices: personal access
// tokens (create with their methods and expiry, the value shown once,
// list, delete) and the account's sessions (sign out the others).
import { useEffect, useState } from "preact/hooks";
import { api, messageOf, type NewToken, type SessionView, type TokenView } from "../ipc";
import { Dialog } from "../components/dialog";
import { useToast } from "../components/toast";

const METHODS = [
  ["users.Account.GetUserInfo", "Read the account's details"],
  ["users.Authentication.GetSessions", "List sessions"],
  ["users.Authentication.SignOut", "Sign out"],
] as const;

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
    if (!description.trim()) return setError("Describe what the token is for.");
    if (!all && methods.length === 0) return setError("Allow at least one method.");
    onNext(description.trim(), all ? ["*"] : methods, expires ? `${expires} 23:59:59` : null);
  }
  return (
    <Dialog
      title="New access token"
      onClose={onCancel}
      testid="token-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" class="btn primary" data-testid="token-next" onClick={next}>
            Create
          </button>
        </>
      }
    >
      <div class="field">
        <label for="token-description">Description</label>
        <input
          id="token-description"
          class="input"
          data-testid="token-description"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          placeholder="Deploy script"
        />
      </div>
      <div class="label">Allowed methods</div>
      <label class="check" style="margin:6px 0">
        <input
          type="checkbox"
          data-testid="token-all"
          checked={all}
          onChange={(e) => setAll(e.currentTarget.checked)}
        />
        <span>Every method a token may call</span>
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
              {label} <span class="small muted">{m}</span>
            </span>
          </label>
        ))}
      <div class="field" style="margin-top:10px">
        <label for="token-expires">Expires (empty: never)</label>
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
      title="Your new token"
      onClose={onClose}
      footer={
        <button type="button" class="btn primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p class="small muted" style="margin-top:0">
        Copy it now: it is shown only once.
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
              toast({ text: "Copied." });
            } catch (e) {
              toast({ text: messageOf(e), error: true });
            }
          }}
        >
          Copy
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
          Personal access tokens
        </h2>
        <button type="button" class="btn small" data-testid="token-create" onClick={onNew}>
          New token
        </button>
      </div>
      {tokens?.length === 0 && <p class="small muted">No tokens.</p>}
      {tokens?.map((t) => (
        <div class="item-row" key={t.id} data-testid="token-item" data-id={String(t.id)}>
          <div class="grow">
            <div>
              {t.description} <span class="small muted">…{t.last4}</span>
            </div>
            <div class="small muted">
              {t.apiList.join(", ")} · {t.expiresAt ? `expires ${t.expiresAt}` : "never expires"}
            </div>
          </div>
          <button type="button" class="btn small danger" data-testid="token-delete" onClick={() => onDelete(t)}>
            Delete
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
          Sessions
        </h2>
        <button
          type="button"
          class="btn small"
          data-testid="sessions-signout-others"
          disabled={!sessions || sessions.length < 2}
          onClick={async () => {
            try {
              setSessions(await api.signoutOthers());
              toast({ text: "Signed out of the other sessions." });
            } catch (e) {
              toast({ text: messageOf(e), error: true });
            }
          }}
        >
          Sign out the others
        </button>
      </div>
      {sessions?.map((s) => (
        <div class="item-row" key={s.id} data-testid="session-item">
          <div class="grow small">
            Signed in {s.created} · last used {s.lastUsed}
          </div>
          {s.current && <span class="status-pill on">This app</span>}
        </div>
      ))}
    </div>
  );
}
