// Editing an entry's labels, and showing entries as QR codes to move them
// to a phone (only after the confirmation in the code list).
import { useEffect, useState } from "preact/hooks";
import { AppError, api, messageOf, type EntryView, type QrImage } from "../ipc";
import { Dialog } from "../components/dialog";
import { PasswordConfirm } from "./account";
import { t } from "../i18n";

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
