// Editing an entry's labels, and showing entries as QR codes to move them
// to a phone (only after the confirmation in the code list).
import { useEffect, useState } from "preact/hooks";
import { AppError, api, messageOf, type EntryView, type QrImage } from "../ipc";
import { Dialog } from "../components/dialog";
import { PasswordConfirm } from "./account";

export function EditDialog({
  entry,
  onClose,
  onSaved,
  onDelete,
}: {
  entry: EntryView;
  onClose: () => void;
  onSaved: () => void;
  onDelete: () => void;
}) {
  const [issuer, setIssuer] = useState(entry.issuer);
  const [name, setName] = useState(entry.name);
  const [note, setNote] = useState(entry.note);
  const [group, setGroup] = useState(entry.group);
  const [pinned, setPinned] = useState(entry.pinned);
  const [error, setError] = useState<string | null>(null);

  async function save(e: Event) {
    e.preventDefault();
    if (!issuer.trim() && !name.trim()) {
      setError("Give the service or the account a name.");
      return;
    }
    try {
      await api.updateEntry(entry.id, { issuer: issuer.trim(), name: name.trim(), note, group: group.trim(), pinned });
      onSaved();
      onClose();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <Dialog
      title="Edit account"
      onClose={onClose}
      testid="edit-dialog"
      footer={
        <>
          <button
            type="button"
            class="btn danger"
            style="margin-right:auto"
            data-testid="edit-delete"
            onClick={onDelete}
          >
            Delete
          </button>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn primary" data-testid="edit-save" onClick={save}>
            Save
          </button>
        </>
      }
    >
      <form onSubmit={save}>
        <div class="field">
          <label for="edit-issuer">Service (issuer)</label>
          <input
            id="edit-issuer"
            class="input"
            data-testid="edit-issuer"
            value={issuer}
            onInput={(e) => setIssuer(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-name">Account</label>
          <input
            id="edit-name"
            class="input"
            data-testid="edit-name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-group">Group</label>
          <input
            id="edit-group"
            class="input"
            data-testid="edit-group"
            value={group}
            placeholder="Work, Personal…"
            onInput={(e) => setGroup(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-note">Note</label>
          <textarea
            id="edit-note"
            class="input"
            style="font-family:inherit"
            data-testid="edit-note"
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </div>
        <label class="check">
          <input
            type="checkbox"
            data-testid="edit-pinned"
            checked={pinned}
            onChange={(e) => setPinned(e.currentTarget.checked)}
          />
          <span>Pin to the top</span>
        </label>
        <p class="small muted">
          {entry.kind.toUpperCase()} · {entry.digits} digits{entry.period ? ` · ${entry.period} s` : ""} ·{" "}
          {entry.algorithm}
        </p>
        {error && <div class="error-box">{error}</div>}
      </form>
    </Dialog>
  );
}

export function QrDialog({ entries, onClose }: { entries: EntryView[]; onClose: () => void }) {
  const [images, setImages] = useState<QrImage[] | null>(null);
  const [page, setPage] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // The codes show the secrets: the vault password is asked first (unless
  // it was typed a moment ago, see Settings).
  const [askVault, setAskVault] = useState(false);
  const ids = entries.map((e) => e.id);
  useEffect(() => {
    api.entryQr(ids).then(setImages, (e) => {
      if (e instanceof AppError && e.kind === "password_required") setAskVault(true);
      else setError(messageOf(e));
    });
  }, []);
  if (askVault) {
    return (
      <PasswordConfirm
        title="Confirm it is you"
        label="Vault password"
        message="A QR code shows the account's secret to anyone who sees the screen. Type the vault's password to show it."
        onSubmit={async (pw) => {
          setImages(await api.entryQr(ids, pw));
          setAskVault(false);
        }}
        onCancel={onClose}
      />
    );
  }
  const img = images?.[page];
  return (
    <Dialog
      title={entries.length === 1 ? "Scan with your phone" : "Scan each code with your phone"}
      onClose={onClose}
      testid="qr-dialog"
      footer={
        <>
          {images && images.length > 1 && (
            <>
              <button type="button" class="btn" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span class="small muted" style="align-self:center">
                {page + 1} / {images.length}
              </span>
              <button
                type="button"
                class="btn"
                data-testid="qr-next"
                disabled={page + 1 >= images.length}
                onClick={() => setPage(page + 1)}
              >
                Next
              </button>
            </>
          )}
          <button type="button" class="btn primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      {img && (
        <>
          <img class="qr" src={img.dataUrl} alt={`QR code for ${img.label}`} data-testid="qr-image" />
          <p class="small muted" style="text-align:center" data-testid="qr-label">
            {img.label}
          </p>
          {img.note && (
            <div class="warn-box" data-testid="qr-note">
              {img.note}
            </div>
          )}
        </>
      )}
      {error && <div class="error-box">{error}</div>}
    </Dialog>
  );
}
