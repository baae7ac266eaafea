// The code list's dialogs: which one is open (the `Modal` state the code
// list keeps) and the one place that renders it. The list only says
// `setModal({ kind: … })`; each dialog's own behaviour is in its view.
import type { EntryView, LaunchRequest, Settings } from "../ipc";
import { Confirm, Dialog } from "../components/dialog";
import { shortcuts } from "../lib/shortcuts";
import { t } from "../i18n";
import { AddDialog } from "./add";
import { ImportDialog, ExportDialog } from "./transfer";
import { RecoveryDialog, RecoveryOverview } from "./recovery";
import { EditDialog, QrDialog } from "./entry";
import { ResyncDialog } from "./resync";
import { SettingsDialog } from "./settings";

/** A file handed over at launch (from the command line or a second launch). */
export interface LaunchFile {
  name: string;
  bytes: Uint8Array;
}

export type Modal =
  | { kind: "add"; uri?: string; image?: LaunchFile }
  | { kind: "import"; file?: LaunchFile }
  | { kind: "export" }
  | { kind: "settings" }
  | { kind: "recovery"; entry: EntryView }
  | { kind: "recovery-overview" }
  | { kind: "edit"; entry: EntryView }
  | { kind: "resync"; entry: EntryView }
  | { kind: "qr-confirm"; entries: EntryView[] }
  | { kind: "qr"; entries: EntryView[] }
  | { kind: "shortcuts" }
  | null;

export function DialogRouter(p: {
  modal: Modal;
  setModal: (m: Modal) => void;
  entries: EntryView[];
  settings: Settings;
  onSettings: (s: Settings) => void;
  reload: () => void;
  loadEntries: () => void;
  remove: (e: EntryView) => void;
}) {
  const { modal, setModal } = p;
  const close = () => setModal(null);
  if (!modal) return null;
  switch (modal.kind) {
    case "add":
      return <AddDialog onClose={close} onSaved={p.reload} initialUri={modal.uri} initialImage={modal.image} />;
    case "import":
      return <ImportDialog onClose={close} onSaved={p.reload} initialFile={modal.file} />;
    case "export":
      return <ExportDialog onClose={close} />;
    case "settings":
      return <SettingsDialog settings={p.settings} onClose={close} onSaved={p.onSettings} onVaultChanged={p.reload} />;
    case "recovery":
      return (
        <RecoveryDialog
          entry={modal.entry}
          onClose={() => {
            close();
            void p.loadEntries();
          }}
        />
      );
    case "recovery-overview":
      return (
        <RecoveryOverview
          onClose={close}
          onOpen={(id) => {
            const e = p.entries.find((x) => x.id === id);
            setModal(e ? { kind: "recovery", entry: e } : null);
          }}
        />
      );
    case "edit":
      return (
        <EditDialog
          entry={modal.entry}
          onClose={close}
          onSaved={p.loadEntries}
          onDelete={() => {
            const e = modal.entry;
            close();
            p.remove(e);
          }}
        />
      );
    case "resync":
      return <ResyncDialog entry={modal.entry} onClose={close} onSaved={p.reload} />;
    case "qr-confirm":
      return (
        <Confirm
          title={t("dialogs.qrConfirmTitle")}
          testid="qr-confirm"
          confirmLabel={t("dialogs.qrConfirm")}
          message={
            <>
              <p>
                {modal.entries.length === 1
                  ? t("dialogs.qrWarnOne", { name: modal.entries[0].issuer || modal.entries[0].name })
                  : t("dialogs.qrWarnMany", { count: modal.entries.length })}
              </p>
              <p class="muted small">{t("dialogs.qrWatch")}</p>
            </>
          }
          onCancel={close}
          onConfirm={() => setModal({ kind: "qr", entries: modal.entries })}
        />
      );
    case "qr":
      return <QrDialog entries={modal.entries} onClose={close} />;
    case "shortcuts":
      return (
        <Dialog
          title={t("dialogs.shortcutsTitle")}
          onClose={close}
          testid="shortcuts-dialog"
          footer={
            <button type="button" class="btn primary" onClick={close}>
              {t("common.close")}
            </button>
          }
        >
          <table class="shortcuts">
            <tbody>
              {shortcuts().map(([keys, does]) => (
                <tr key={keys}>
                  <td>
                    <kbd>{keys}</kbd>
                  </td>
                  <td>{does}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Dialog>
      );
  }
}

/** The dialog a launch request opens (null: nothing to open, or a problem
 *  to tell, returned as `problem`). */
export function modalForLaunch(r: LaunchRequest): { modal: Modal; problem: string | null } {
  const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  switch (r.kind) {
    case "uri":
      return { modal: { kind: "add", uri: r.uri }, problem: null };
    case "image":
      return { modal: { kind: "add", image: { name: r.name, bytes: bytes(r.data) } }, problem: null };
    case "import":
      return { modal: { kind: "import", file: { name: r.name, bytes: bytes(r.data) } }, problem: null };
    case "problem":
      return { modal: null, problem: r.message };
  }
}
