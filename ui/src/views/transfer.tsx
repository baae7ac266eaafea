// Import another app's export (auto-detected, password when encrypted, the
// same preview as adding, a backup of the vault before anything changes)
// and export to other apps' formats (with what each cannot hold).
import { useEffect, useRef, useState } from "preact/hooks";
import { AppError, api, messageOf, type FormatInfo, type Preview } from "../ipc";
import { Dialog } from "../components/dialog";
import { Icon } from "../components/icons";
import { useToast } from "../components/toast";
import { PreviewList } from "./preview";
import { autoFocus } from "../lib/focus";
import { PasswordConfirm } from "./account";
import { t } from "../i18n";

export function ImportDialog({
  onClose,
  onSaved,
  initialFile,
}: {
  onClose: () => void;
  onSaved: () => void;
  /** A file to read at once (the app was started with its path). */
  initialFile?: { name: string; bytes: Uint8Array };
}) {
  const toast = useToast();
  const [file, setFile] = useState<{ name: string; bytes: Uint8Array } | null>(null);
  const [needPassword, setNeedPassword] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const [formats, setFormats] = useState<FormatInfo[]>([]);
  const fileRef = useRef<HTMLInputElement>(null);
  const previewRef = useRef<Preview | null>(null);
  previewRef.current = preview;

  useEffect(() => {
    if (initialFile) {
      setFile(initialFile);
      void open(initialFile, null);
    }
    api.importFormats().then(setFormats, () => {});
    return () => {
      if (previewRef.current) void api.previewDiscard(previewRef.current.id).catch(() => {});
    };
  }, []);

  async function open(f: { name: string; bytes: Uint8Array }, pw: string | null) {
    setBusy(true);
    setError(null);
    try {
      const r = await api.importFile(f.bytes, pw);
      if (r.state === "needsPassword") {
        setNeedPassword(r.format);
        setPreview(null);
      } else {
        if (previewRef.current) void api.previewDiscard(previewRef.current.id).catch(() => {});
        setNeedPassword(null);
        setPreview(r.preview);
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  async function pick(files: FileList | null | undefined) {
    const f = files?.[0];
    if (!f) return;
    const picked = { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
    setFile(picked);
    setPassword("");
    await open(picked, null);
  }

  async function save() {
    if (!preview) return;
    setBusy(true);
    try {
      const r = await api.previewSave(preview.id);
      previewRef.current = null;
      toast({
        text:
          (r.skipped
            ? t("transfer.importedSkipped", { count: r.added, skipped: r.skipped })
            : t("transfer.imported", { count: r.added })) + (r.backup ? ` ${t("transfer.backupKept")}` : ""),
        ms: 6000,
      });
      onSaved();
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={t("shortcuts.import")}
      onClose={onClose}
      testid="import-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            class="btn primary"
            data-testid="import-save"
            disabled={!preview || preview.newCount === 0 || busy}
            onClick={save}
          >
            {preview ? t("transfer.importN", { count: preview.newCount }) : t("codes.import")}
          </button>
        </>
      }
    >
      <div
        class={`drop${over ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void pick(e.dataTransfer?.files);
        }}
        style="padding:18px"
      >
        <p style="margin:0 0 8px">{file ? <b>{file.name}</b> : t("transfer.drop")}</p>
        <button type="button" class="btn" data-testid="import-choose" onClick={() => fileRef.current?.click()}>
          <Icon name="upload" /> {t("transfer.choose")}
        </button>
        <input
          ref={fileRef}
          type="file"
          data-testid="import-file"
          style="display:none"
          onChange={(e) => {
            void pick(e.currentTarget.files);
            e.currentTarget.value = "";
          }}
        />
      </div>
      {formats.length > 0 && !file && (
        <p class="small muted">{t("transfer.recognised", { formats: formats.map((f) => f.name).join(", ") })}</p>
      )}
      {needPassword && file && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void open(file, password);
          }}
        >
          <div class="field" style="margin-top:12px">
            <label for="import-password">{t("transfer.encrypted", { format: needPassword })}</label>
            <div class="row">
              <input
                id="import-password"
                class="input grow"
                type="password"
                data-testid="import-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                ref={autoFocus}
              />
              <button class="btn primary" type="submit" data-testid="import-unlock" disabled={!password || busy}>
                {t("common.open")}
              </button>
            </div>
          </div>
        </form>
      )}
      {busy && (
        <div class="muted small" role="status">
          {t("transfer.reading")}
        </div>
      )}
      {error && (
        <div class="error-box" role="alert" data-testid="import-error">
          {error}
        </div>
      )}
      {preview && (
        <>
          <div class="small muted" style="margin-top:10px">
            {t("transfer.readAs", { source: preview.source })}
          </div>
          <PreviewList preview={preview} />
        </>
      )}
    </Dialog>
  );
}

export function ExportDialog({ onClose }: { onClose: () => void }) {
  const toast = useToast();
  const [formats, setFormats] = useState<FormatInfo[]>([]);
  const [format, setFormat] = useState<string>("");
  const [pw, setPw] = useState("");
  const [pw2, setPw2] = useState("");
  const [encrypt, setEncrypt] = useState(true);
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.exportFormats().then(
      (f) => {
        setFormats(f);
        setFormat(f[0]?.id ?? "");
      },
      (e) => setError(messageOf(e)),
    );
  }, []);

  const info = formats.find((f) => f.id === format);
  const withPassword = !!info?.password && encrypt;
  const plain = !withPassword;
  const ok = !!info && (withPassword ? pw.length > 0 && pw === pw2 : understood);

  // A plain file reveals the secrets: the vault password is asked first
  // (unless it was typed a moment ago, see Settings).
  const [askVault, setAskVault] = useState(false);

  async function run(vaultPassword: string | null = null) {
    setBusy(true);
    setError(null);
    try {
      const path = await api.exportFile(format, withPassword ? pw : null, vaultPassword);
      setAskVault(false);
      if (path) {
        toast({ text: t("transfer.exported", { path }), ms: 6000 });
        onClose();
      }
    } catch (e) {
      if (e instanceof AppError && e.kind === "password_required") setAskVault(true);
      else if (vaultPassword !== null)
        throw e; // shown by the password pop-up
      else setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  if (askVault) {
    return (
      <PasswordConfirm
        title={t("common.confirmItIsYou")}
        label={t("common.vaultPassword")}
        emptyError={t("common.typeYourVaultPassword")}
        message={t("transfer.exportPassword")}
        onSubmit={(vpw) => run(vpw)}
        onCancel={() => setAskVault(false)}
      />
    );
  }

  return (
    <Dialog
      title={t("transfer.exportTitle")}
      onClose={onClose}
      testid="export-dialog"
      footer={
        <>
          <button type="button" class="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            class="btn primary"
            data-testid="export-save"
            disabled={!ok || busy}
            onClick={() => run()}
          >
            {t("codes.exportMenu")}
          </button>
        </>
      }
    >
      {/* The form comes with the list of formats: a choice made before the
          list arrived would be lost (and keys typed at an empty select
          reach the code list behind the dialog). */}
      {formats.length === 0 ? (
        !error && <p class="small muted">{t("transfer.loadingFormats")}</p>
      ) : (
        <div class="field">
          <label for="export-format">{t("transfer.format")}</label>
          <select
            id="export-format"
            class="input"
            data-testid="export-format"
            value={format}
            onChange={(e) => {
              setFormat(e.currentTarget.value);
              setUnderstood(false);
            }}
          >
            {formats.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {info?.password && (
        <label class="check">
          <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.currentTarget.checked)} />
          <span>{t("transfer.encrypt")}</span>
        </label>
      )}
      {withPassword && (
        <div class="grid2">
          <div class="field">
            <label for="export-password">{t("common.password")}</label>
            <input
              id="export-password"
              class="input"
              type="password"
              data-testid="export-password"
              value={pw}
              onInput={(e) => setPw(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="export-password-confirm">{t("common.passwordAgain")}</label>
            <input
              id="export-password-confirm"
              class="input"
              type="password"
              data-testid="export-password-confirm"
              value={pw2}
              onInput={(e) => setPw2(e.currentTarget.value)}
            />
            {pw2 && pw !== pw2 && <span class="field-error">{t("common.passwordsDiffer")}</span>}
          </div>
        </div>
      )}
      {info && info.warnings.length > 0 && (
        <div class="warn-box" data-testid="export-warnings">
          {info.warnings.map((w, i) => (
            <div key={i}>{w}</div>
          ))}
        </div>
      )}
      {plain && info && (
        <>
          <div class="warn-box" data-testid="export-plain-warning">
            {t("transfer.plainWarning")}
          </div>
          <label class="check">
            <input
              type="checkbox"
              data-testid="export-understood"
              checked={understood}
              onChange={(e) => setUnderstood(e.currentTarget.checked)}
            />
            <span>{t("transfer.understand")}</span>
          </label>
        </>
      )}
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
