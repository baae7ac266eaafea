// Editing an entry's labels and its own icon, and showing entries as QR
// codes to move them to a phone (only after the confirmation in the code
// list).
import { useEffect, useRef, useState } from "preact/hooks";
import { AppError, api, messageOf, type EntryView, type QrImage } from "../ipc";
import { Dialog } from "../components/dialog";
import { Icon } from "../components/icons";
import { useBusyFocus } from "../lib/focus";
import { PasswordConfirm } from "./account";
import { Avatar } from "./entry-row";
import { t } from "../i18n";

/** The image types a picked icon may have (the Rust side checks the bytes). */
export const ICON_TYPES = "image/png,image/jpeg,image/webp,image/gif,image/bmp,image/svg+xml";
/** The largest file read as an icon, as crates/app/src/icon.rs MAX_FILE_BYTES. */
const MAX_ICON_FILE_MB = 16;

/** The entry's own icon: shown as the list shows it, chosen from an image
 *  file or removed. Saved at once (not with the dialog's Save): a file the
 *  Rust side refuses is said here and changes nothing. */
function IconField({ entry, onChanged }: { entry: EntryView; onChanged: () => void }) {
  const [key, setKey] = useState(entry.icon);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const fileRef = useRef<HTMLInputElement>(null);
  const chooseRef = useRef<HTMLButtonElement>(null);
  const fieldRef = useRef<HTMLFieldSetElement>(null);
  // The keyboard comes back to Choose image after a change (Remove icon
  // goes away after one).
  const { busy, run } = useBusyFocus(fieldRef, chooseRef);

  function change(act: () => Promise<EntryView>, done: string) {
    return run(async () => {
      setError(null);
      setStatus("");
      try {
        const e = await act();
        setKey(e.icon);
        setStatus(done);
        onChanged();
      } catch (err) {
        setError(messageOf(err));
      }
    });
  }

  async function pick(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    if (f.size > MAX_ICON_FILE_MB * 1024 * 1024) {
      setStatus("");
      setError(t("entry.iconTooLarge", { max: MAX_ICON_FILE_MB }));
      return;
    }
    const bytes = new Uint8Array(await f.arrayBuffer());
    await change(() => api.setEntryIcon(entry.id, bytes), t("entry.iconChanged"));
  }

  async function remove() {
    await change(() => api.clearEntryIcon(entry.id), t("entry.iconRemoved"));
  }

  return (
    <fieldset class="field icon-field" ref={fieldRef} data-testid="entry-icon-field">
      <legend class="label">{t("entry.icon")}</legend>
      <div class="row">
        <Avatar id={entry.id} iconKey={key} issuer={entry.issuer} name={entry.name} />
        <div class="row wrap grow">
          <button
            type="button"
            class="btn"
            ref={chooseRef}
            data-testid="entry-icon-choose"
            disabled={busy}
            onClick={() => fileRef.current?.click()}
          >
            <Icon name="image" /> {t("entry.iconChoose")}
          </button>
          {key !== null && (
            <button type="button" class="btn" data-testid="entry-icon-remove" disabled={busy} onClick={remove}>
              <Icon name="trash" /> {t("entry.iconRemove")}
            </button>
          )}
        </div>
      </div>
      <input
        ref={fileRef}
        type="file"
        accept={ICON_TYPES}
        data-testid="entry-icon-file"
        style="display:none"
        onChange={(e) => {
          void pick(e.currentTarget.files);
          e.currentTarget.value = "";
        }}
      />
      <span class="small muted">{t("entry.iconHint")}</span>
      {error && (
        <div class="error-box" role="alert" data-testid="entry-icon-error">
          {error}
        </div>
      )}
      <span class="small muted" role="status" data-testid="entry-icon-status">
        {status}
      </span>
    </fieldset>
  );
}

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
      setError(t("common.giveName"));
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
      title={t("entry.editTitle")}
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
            {t("common.delete")}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn primary" data-testid="edit-save" onClick={save}>
            {t("common.save")}
          </button>
        </>
      }
    >
      <form onSubmit={save}>
        <IconField entry={entry} onChanged={onSaved} />
        <div class="field">
          <label for="edit-issuer">{t("common.issuer")}</label>
          <input
            id="edit-issuer"
            class="input"
            data-testid="edit-issuer"
            value={issuer}
            onInput={(e) => setIssuer(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-name">{t("common.account")}</label>
          <input
            id="edit-name"
            class="input"
            data-testid="edit-name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-group">{t("entry.group")}</label>
          <input
            id="edit-group"
            class="input"
            data-testid="edit-group"
            value={group}
            placeholder={t("entry.groupPlaceholder")}
            onInput={(e) => setGroup(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-note">{t("entry.note")}</label>
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
          <span>{t("entry.pin")}</span>
        </label>
        <p class="small muted">
          {entry.kind.toUpperCase()} · {t("preview.digits", { count: entry.digits })}
          {entry.period ? ` · ${t("preview.seconds", { count: entry.period })}` : ""} · {entry.algorithm}
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
        title={t("common.confirmItIsYou")}
        label={t("common.vaultPassword")}
        emptyError={t("common.typeYourVaultPassword")}
        message={t("entry.qrPassword")}
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
      title={entries.length === 1 ? t("entry.scanOne") : t("entry.scanEach")}
      onClose={onClose}
      testid="qr-dialog"
      footer={
        <>
          {images && images.length > 1 && (
            <>
              <button type="button" class="btn" disabled={page === 0} onClick={() => setPage(page - 1)}>
                {t("common.previous")}
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
                {t("common.next")}
              </button>
            </>
          )}
          <button type="button" class="btn primary" onClick={onClose}>
            {t("common.done")}
          </button>
        </>
      }
    >
      {img && (
        <>
          <img class="qr" src={img.dataUrl} alt={t("entry.qrAlt", { name: img.label })} data-testid="qr-image" />
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
