// HOTP resync: the counter of a counter-based account drifted (codes made
// and not used, or used on another device). The person types the next two
// codes the service accepts, from that other device or token; the app
// finds them within the next 1,000 codes and moves its counter after them.
import { useState } from "preact/hooks";
import { api, messageOf, type EntryView } from "../ipc";
import { Dialog } from "../components/dialog";
import { autoFocus } from "../lib/focus";
import { useToast } from "../components/toast";
import { t } from "../i18n";

export function ResyncDialog({
  entry,
  onClose,
  onSaved,
}: {
  entry: EntryView;
  onClose: () => void;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [c1, setC1] = useState("");
  const [c2, setC2] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const digits = (s: string) => s.replace(/\s+/g, "");
  const ok = digits(c1).length === entry.digits && digits(c2).length === entry.digits && !busy;

  async function submit(ev: Event) {
    ev.preventDefault();
    if (!ok) return;
    setBusy(true);
    setError(null);
    try {
      const e = await api.resync(entry.id, c1, c2);
      toast({ text: t("resync.done", { counter: String(e.counter) }) });
      onSaved();
      onClose();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={t("resync.title", { name: entry.issuer || entry.name })}
      onClose={onClose}
      testid="resync-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn primary" data-testid="resync-save" disabled={!ok} onClick={submit}>
            {busy ? t("resync.searching") : t("resync.resync")}
          </button>
        </>
      }
    >
      <form onSubmit={submit}>
        <p class="small muted">{t("resync.lead")}</p>
        <div class="grid2">
          <div class="field">
            <label for="resync-1">{t("resync.code1")}</label>
            <input
              id="resync-1"
              class="input mono"
              inputMode="numeric"
              autocomplete="off"
              data-testid="resync-code1"
              value={c1}
              onInput={(e) => setC1(e.currentTarget.value)}
              ref={autoFocus}
            />
          </div>
          <div class="field">
            <label for="resync-2">{t("resync.code2")}</label>
            <input
              id="resync-2"
              class="input mono"
              inputMode="numeric"
              autocomplete="off"
              data-testid="resync-code2"
              value={c2}
              onInput={(e) => setC2(e.currentTarget.value)}
            />
          </div>
        </div>
        <p class="small muted">{t("resync.counterNow", { counter: entry.counter ?? 0 })}</p>
        {error && (
          <div class="error-box" role="alert" data-testid="resync-error">
            {error}
          </div>
        )}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
