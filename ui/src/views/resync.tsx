// HOTP resync: the counter of a counter-based account drifted (codes made
// and not used, or used on another device). The person types the next two
// codes the service accepts, from that other device or token; the app
// finds them within the next 1,000 codes and moves its counter after them.
import { useState } from "preact/hooks";
import { api, messageOf, type EntryView } from "../ipc";
import { Dialog } from "../components/dialog";
import { autoFocus } from "../lib/focus";
import { useToast } from "../components/toast";

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
      toast({ text: `The counter is set to ${e.counter}. The next code is the one after those two.` });
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
      title={`Resync ${entry.issuer || entry.name}`}
      onClose={onClose}
      testid="resync-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn primary" data-testid="resync-save" disabled={!ok} onClick={submit}>
            {busy ? "Searching…" : "Resync"}
          </button>
        </>
      }
    >
      <form onSubmit={submit}>
        <p class="small muted">
          Codes from this account are refused because its counter moved elsewhere. Type two consecutive codes that the
          service accepts (from your other device or token), in order: this app finds them among the next 1,000 and
          continues after them.
        </p>
        <div class="grid2">
          <div class="field">
            <label for="resync-1">A code</label>
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
            <label for="resync-2">The next code</label>
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
        <p class="small muted">Counter now: {entry.counter ?? 0}</p>
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
