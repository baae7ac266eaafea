// Adding accounts: a pasted otpauth:// or migration link (previewed as it is
// typed), a QR in an image (picker, drag and drop, pasted image), the
// screen, or the manual form. Nothing is stored before "Add".
import { useEffect, useRef, useState } from "preact/hooks";
import { api, messageOf, type ManualEntry, type OtpKind, type Preview } from "../ipc";
import { Dialog } from "../components/dialog";
import { Icon } from "../components/icons";
import { useToast } from "../components/toast";
import { PreviewList } from "./preview";
import { validateManual } from "../lib/manual";
import { autoFocus } from "../lib/focus";
import { t } from "../i18n";

export function AddDialog({
  onClose,
  onSaved,
  initialUri,
  initialImage,
}: {
  onClose: () => void;
  onSaved: () => void;
  /** A URI to preview at once (the app was started with it). */
  initialUri?: string;
  /** An image to read at once (the app was started with its path). */
  initialImage?: { name: string; bytes: Uint8Array };
}) {
  const toast = useToast();
  const [uri, setUri] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const [manual, setManual] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  const previewRef = useRef<Preview | null>(null);
  previewRef.current = preview;

  // Forget a preview that was not saved.
  useEffect(
    () => () => {
      if (previewRef.current) void api.previewDiscard(previewRef.current.id).catch(() => {});
    },
    [],
  );

  function take(p: Preview | null, err: string | null) {
    if (previewRef.current && previewRef.current.id !== p?.id)
      void api.previewDiscard(previewRef.current.id).catch(() => {});
    setPreview(p);
    setError(err);
  }

  async function run(label: string, f: () => Promise<Preview>) {
    const my = ++seq.current;
    setBusy(label);
    try {
      const p = await f();
      if (my === seq.current) {
        take(p, p.items.length === 0 ? t("add.noneFound") : null);
      } else void api.previewDiscard(p.id).catch(() => {});
    } catch (e) {
      if (my === seq.current) take(null, messageOf(e));
    } finally {
      if (my === seq.current) setBusy(null);
    }
  }

  // Preview as the link is typed or pasted (a short pause first). Done in
  // the input handler, not in an effect on `uri`: an effect runs later,
  // after paint, and would cancel an image that was chosen meanwhile (the
  // result was then dropped and "Reading the image…" stayed).
  const textTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(textTimer.current), []);
  function onUriInput(value: string) {
    setUri(value);
    clearTimeout(textTimer.current);
    const text = value.trim();
    if (!text) {
      seq.current++;
      setBusy(null);
      take(null, null);
      return;
    }
    textTimer.current = setTimeout(() => void run("", () => api.previewText(text)), 120);
  }

  async function fromFiles(files: FileList | File[] | null | undefined) {
    const list = [...(files ?? [])].filter(
      (f) => f.type.startsWith("image/") || /\.(png|jpe?g|gif|bmp|webp)$/i.test(f.name),
    );
    if (list.length === 0) {
      setError(t("add.notImage"));
      return;
    }
    clearTimeout(textTimer.current);
    setUri("");
    await run(t("add.readingImage"), async () => api.previewImage(new Uint8Array(await list[0].arrayBuffer())));
  }

  // What the app was started with: previewed at once.
  useEffect(() => {
    if (initialUri) onUriInput(initialUri);
    else if (initialImage) void run(t("add.readingImage"), () => api.previewImage(initialImage.bytes));
  }, []);

  // A pasted image (Ctrl+V with a screenshot on the clipboard).
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.some((f) => f.type.startsWith("image/"))) {
        e.preventDefault();
        void fromFiles(files);
      }
    };
    window.addEventListener("paste", onPaste);
    return () => window.removeEventListener("paste", onPaste);
  }, []);

  async function save() {
    if (!preview || preview.newCount === 0) return;
    setBusy(t("add.adding"));
    try {
      const r = await api.previewSave(preview.id);
      previewRef.current = null;
      // One account is named (three adds in a row read as three messages).
      const only = preview.items.filter((i) => i.status === "new");
      const what =
        r.added === 1 && only.length === 1 ? only[0].issuer || only[0].name : t("common.accounts", { count: r.added });
      toast({
        text: r.skipped ? t("add.addedSkipped", { what, skipped: r.skipped }) : t("add.added", { what }),
      });
      onSaved();
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  const footer = (
    <>
      <button type="button" class="btn" onClick={onClose}>
        {t("common.cancel")}
      </button>
      <button
        type="button"
        class="btn primary"
        data-testid="add-save"
        disabled={!preview || preview.newCount === 0 || busy !== null}
        onClick={save}
      >
        {preview && preview.newCount > 1 ? t("add.addN", { count: preview.newCount }) : t("codes.add")}
      </button>
    </>
  );

  if (manual) {
    return <ManualForm onBack={() => setManual(false)} onClose={onClose} onSaved={onSaved} />;
  }

  return (
    <Dialog title={t("codes.addAccount")} onClose={onClose} footer={footer} testid="add-dialog">
      <div
        class={`drop${over ? " over" : ""}`}
        data-testid="add-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void fromFiles(e.dataTransfer?.files);
        }}
      >
        {t("add.drop")}
      </div>
      <div class="sources">
        <button type="button" class="btn" data-testid="add-file" onClick={() => fileRef.current?.click()}>
          <Icon name="image" /> {t("add.imageFile")}
        </button>
        <button
          type="button"
          class="btn"
          data-testid="add-screen"
          onClick={() => run(t("add.scanning"), api.previewScreen)}
        >
          <Icon name="screen" /> {t("add.scanScreen")}
        </button>
        <button
          type="button"
          class="btn"
          data-testid="add-clipboard"
          onClick={() => run(t("add.readingClipboard"), api.previewClipboard)}
        >
          <Icon name="paste" /> {t("add.clipboardImage")}
        </button>
        <button type="button" class="btn" data-testid="add-manual" onClick={() => setManual(true)}>
          <Icon name="keyboard" /> {t("add.manual")}
        </button>
      </div>
      <input
        ref={fileRef}
        type="file"
        accept="image/*"
        data-testid="add-file-input"
        style="display:none"
        onChange={(e) => {
          void fromFiles(e.currentTarget.files);
          e.currentTarget.value = "";
        }}
      />
      <div class="field">
        <label for="add-uri">{t("add.pasteLink")}</label>
        <textarea
          id="add-uri"
          class="input"
          rows={2}
          placeholder={t("add.linkPlaceholder")}
          data-testid="add-uri"
          value={uri}
          onInput={(e) => onUriInput(e.currentTarget.value)}
          spellcheck={false}
        />
      </div>
      {busy && (
        <div class="muted small" role="status">
          {busy}
        </div>
      )}
      {error && (
        <div class="error-box" role="alert" data-testid="add-error">
          {error}
        </div>
      )}
      {preview && <PreviewList preview={preview} />}
    </Dialog>
  );
}

function ManualForm({ onBack, onClose, onSaved }: { onBack: () => void; onClose: () => void; onSaved: () => void }) {
  const toast = useToast();
  const [m, setM] = useState<ManualEntry>({
    kind: "totp",
    issuer: "",
    name: "",
    secret: "",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    counter: 0,
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problems = validateManual(m);
  const set = (patch: Partial<ManualEntry>) => setM({ ...m, ...patch });

  async function save() {
    if (Object.keys(problems).length) {
      setError(t("add.fixFields"));
      return;
    }
    setBusy(true);
    try {
      const p = await api.previewManual(m);
      const item = p.items[0];
      if (item?.status !== "new") {
        await api.previewDiscard(p.id);
        setError(item?.reason ?? t("add.cannotAdd"));
        return;
      }
      await api.previewSave(p.id);
      toast({ text: t("add.added", { what: m.issuer || m.name }) });
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
      title={t("add.manualTitle")}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="btn" onClick={onBack}>
            {t("add.back")}
          </button>
          <button type="button" class="btn primary" data-testid="manual-save" disabled={busy} onClick={save}>
            {t("codes.add")}
          </button>
        </>
      }
    >
      <div class="grid2">
        <div class="field">
          <label for="manual-issuer">{t("common.issuer")}</label>
          <input
            id="manual-issuer"
            class="input"
            data-testid="manual-issuer"
            value={m.issuer}
            onInput={(e) => set({ issuer: e.currentTarget.value })}
            ref={autoFocus}
          />
        </div>
        <div class="field">
          <label for="manual-name">{t("common.account")}</label>
          <input
            id="manual-name"
            class="input"
            data-testid="manual-name"
            value={m.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
          {problems.name && <span class="field-error">{problems.name}</span>}
        </div>
      </div>
      <div class="field">
        <label for="manual-secret">{t("add.secret")}</label>
        <input
          id="manual-secret"
          class="input"
          data-testid="manual-secret"
          value={m.secret}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => set({ secret: e.currentTarget.value })}
          placeholder="JBSW Y3DP EHPK 3PXP"
        />
        {problems.secret && m.secret && (
          <span class="field-error" data-testid="manual-secret-error">
            {problems.secret}
          </span>
        )}
      </div>
      <div class="grid2">
        <div class="field">
          <label for="manual-kind">{t("add.type")}</label>
          <select
            id="manual-kind"
            class="input"
            data-testid="manual-kind"
            value={m.kind}
            onChange={(e) => {
              const kind = e.currentTarget.value as OtpKind;
              set({ kind, digits: kind === "steam" ? 5 : m.digits === 5 ? 6 : m.digits });
            }}
          >
            <option value="totp">{t("add.totp")}</option>
            <option value="hotp">{t("add.hotp")}</option>
            <option value="steam">Steam</option>
          </select>
        </div>
        <div class="field">
          <label for="manual-algorithm">{t("common.algorithm")}</label>
          <select
            id="manual-algorithm"
            class="input"
            value={m.algorithm}
            disabled={m.kind === "steam"}
            onChange={(e) => set({ algorithm: e.currentTarget.value })}
          >
            <option>SHA1</option>
            <option>SHA256</option>
            <option>SHA512</option>
          </select>
        </div>
        <div class="field">
          <label for="manual-digits">{t("common.digits")}</label>
          <input
            id="manual-digits"
            class="input"
            type="number"
            min={6}
            max={10}
            value={m.digits}
            disabled={m.kind === "steam"}
            onInput={(e) => set({ digits: Number(e.currentTarget.value) })}
          />
          {problems.digits && <span class="field-error">{problems.digits}</span>}
        </div>
        {m.kind === "hotp" ? (
          <div class="field">
            <label for="manual-counter">{t("add.counter")}</label>
            <input
              id="manual-counter"
              class="input"
              type="number"
              min={0}
              value={m.counter}
              onInput={(e) => set({ counter: Number(e.currentTarget.value) })}
            />
            {problems.counter && <span class="field-error">{problems.counter}</span>}
          </div>
        ) : (
          <div class="field">
            <label for="manual-period">{t("add.period")}</label>
            <input
              id="manual-period"
              class="input"
              type="number"
              min={1}
              max={300}
              value={m.period}
              onInput={(e) => set({ period: Number(e.currentTarget.value) })}
            />
            {problems.period && <span class="field-error">{problems.period}</span>}
          </div>
        )}
      </div>
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
    </Dialog>
  );
}
