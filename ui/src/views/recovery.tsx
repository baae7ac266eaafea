// The recovery codes a service gave for one entry (paste, mark used, copy
// one, count left, warn when low), and the overview of accounts with few.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, messageOf, type EntryView, type RecoveryOverviewItem, type RecoveryView } from "../ipc";
import { Dialog } from "../components/dialog";
import { Icon } from "../components/icons";
import { useToast } from "../components/toast";
import { foundLabel, recoveryWarning } from "../lib/recovery";
import { t } from "../i18n";

export function RecoveryDialog({ entry, onClose }: { entry: EntryView; onClose: () => void }) {
  const toast = useToast();
  const [view, setView] = useState<RecoveryView | null>(null);
  const [text, setText] = useState("");
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.recovery(entry.id).then(
      (v) => {
        setView(v);
        setAdding(v.items.length === 0);
      },
      (e) => setError(messageOf(e)),
    );
  }, [entry.id]);

  // What the vault will store, parsed by the same code that stores it.
  const [parsed, setParsed] = useState<string[]>([]);
  const textRef = useRef(text);
  textRef.current = text;
  useEffect(() => {
    if (!text.trim()) {
      setParsed([]);
      return;
    }
    // A late answer for an older text is dropped.
    const keep = (codes: string[]) => textRef.current === text && setParsed(codes);
    const t = setTimeout(() => api.recoveryParse(text).then(keep, () => keep([])), 120);
    return () => clearTimeout(t);
  }, [text]);

  async function save() {
    setError(null);
    try {
      const v = await api.recoverySave(entry.id, text, !!view && view.items.length > 0);
      setView(v);
      setText("");
      setAdding(false);
      toast({ text: t("recovery.stored", { count: parsed.length }) });
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function mark(index: number, used: boolean) {
    try {
      setView(await api.recoveryMark(entry.id, index, used));
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function copy(index: number) {
    try {
      const r = await api.recoveryCopy(entry.id, index);
      toast({ text: r.clearsInSecs ? t("common.copiedClears", { secs: r.clearsInSecs }) : t("common.copied") });
    } catch (e) {
      setError(messageOf(e));
    }
  }

  const warning = view ? recoveryWarning(view.items.length ? view.remaining : null, view.items.length) : null;
  return (
    <Dialog
      title={t("recovery.title", { name: entry.issuer || entry.name })}
      onClose={onClose}
      testid="recovery-dialog"
      footer={
        <button type="button" class="btn" onClick={onClose}>
          {t("common.close")}
        </button>
      }
    >
      <p class="small muted" style="margin-top:0">
        {t("recovery.lead")}
      </p>
      {view && view.items.length > 0 && (
        <>
          <div class="row">
            <b data-testid="recovery-remaining">
              {t("recovery.unused", { count: view.remaining, total: view.items.length })}
            </b>
            <span class="grow" />
            {!adding && (
              <button type="button" class="btn small" data-testid="recovery-add" onClick={() => setAdding(true)}>
                {t("recovery.replace")}
              </button>
            )}
          </div>
          {warning && (
            <div class="warn-box" data-testid="recovery-warning">
              {warning}
            </div>
          )}
          <ul class="recovery-list">
            {view.items.map((it) => (
              <li key={it.index} data-testid="recovery-item" data-used={it.used ? "true" : "false"}>
                <span title={it.code}>{it.code}</span>
                <button
                  type="button"
                  class="icon-btn"
                  style="width:28px;height:28px"
                  aria-label={t("common.copy")}
                  title={t("common.copy")}
                  data-testid="recovery-item-copy"
                  onClick={() => copy(it.index)}
                >
                  <Icon name="copy" />
                </button>
                <input
                  type="checkbox"
                  title={it.used ? t("recovery.used") : t("recovery.markUsed")}
                  aria-label={t("recovery.used")}
                  data-testid="recovery-item-used"
                  checked={it.used}
                  onChange={(e) => mark(it.index, e.currentTarget.checked)}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      {view && view.items.length === 0 && !adding && <div class="warn-box">{recoveryWarning(null, 0)}</div>}
      {adding && (
        <div class="field">
          <label for="rc">{view?.items.length ? t("recovery.newCodes") : t("recovery.paste")}</label>
          <textarea
            id="rc"
            class="input"
            rows={6}
            data-testid="recovery-input"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder={"a1b2-c3d4\ne5f6-a7b8\n…"}
          />
          <div class="row" style="margin-top:6px">
            <span class="small muted grow" data-testid="recovery-parsed">
              {foundLabel(parsed.length)}
            </span>
            {view && view.items.length > 0 && (
              <button
                type="button"
                class="btn small"
                onClick={() => {
                  setAdding(false);
                  setText("");
                }}
              >
                {t("common.cancel")}
              </button>
            )}
            <button
              type="button"
              class="btn primary small"
              data-testid="recovery-save"
              disabled={parsed.length === 0}
              onClick={save}
            >
              {t("recovery.save")}
            </button>
          </div>
        </div>
      )}
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}

export function RecoveryOverview({ onClose, onOpen }: { onClose: () => void; onOpen: (entryId: string) => void }) {
  const [items, setItems] = useState<RecoveryOverviewItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.recoveryOverview().then(setItems, (e) => setError(messageOf(e)));
  }, []);
  return (
    <Dialog
      title={t("recovery.overviewTitle")}
      onClose={onClose}
      testid="recovery-overview"
      footer={
        <button type="button" class="btn" onClick={onClose}>
          {t("common.close")}
        </button>
      }
    >
      {items && items.length === 0 && <div class="ok-box">{t("recovery.overviewAllGood")}</div>}
      {items?.map((it) => (
        <div class="item-row" key={it.entryId} data-testid="recovery-overview-item">
          <div class="grow">
            <div>
              <b>{it.issuer || it.name}</b> <span class="muted small">{it.issuer ? it.name : ""}</span>
            </div>
            <div class="small muted">
              {it.remaining === null
                ? t("recovery.overviewNone")
                : it.remaining === 0
                  ? t("recovery.overviewAllUsed")
                  : t("recovery.overviewLeft", { count: it.remaining })}
            </div>
          </div>
          <button type="button" class="btn small" onClick={() => onOpen(it.entryId)}>
            {t("common.open")}
          </button>
        </div>
      ))}
      {error && <div class="error-box">{error}</div>}
    </Dialog>
  );
}
