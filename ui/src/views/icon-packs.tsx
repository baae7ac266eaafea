// Settings > Icon packs: Aegis icon packs imported from a ZIP (checked and
// kept by the Rust side, crates/app/src/icon_pack.rs), listed and removed.
import { useRef, useState } from "preact/hooks";
import { api, messageOf, type IconPackView } from "../ipc";
import { useToast } from "../components/toast";
import { useBusyFocus } from "../lib/focus";
import { icons } from "../lib/icons-load";
import { Icon } from "../components/icons";
import { t } from "../i18n";

/** The largest icon pack read, as crates/app/src/icon_pack.rs MAX_PACK_BYTES. */
const MAX_PACK_MB = 64;

/** Aegis icon packs: imported from a ZIP, kept in the data folder, listed
 *  and removed. Acts at once, like the backups. `packs` is the list known
 *  when the dialog opened (asked before the body is drawn, so nothing
 *  below moves when it comes). */
export function IconPacks({ initial }: { initial: IconPackView[] }) {
  const toast = useToast();
  const [packs, setPacks] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const importRef = useRef<HTMLButtonElement>(null);
  const sectionRef = useRef<HTMLDivElement>(null);
  // The keyboard comes back to Import after an import or a removal.
  const { busy, run } = useBusyFocus(sectionRef, importRef);

  /** Runs an import or a removal, saying inline why it failed. */
  const act = (work: () => Promise<void>) =>
    run(async () => {
      setError(null);
      try {
        await work();
      } catch (e) {
        setError(messageOf(e));
      }
    });

  /** The list again, for this section and for the rows' icons. */
  async function refresh() {
    const list = await api.iconPacks();
    icons.packsChanged(list);
    setPacks(list);
  }

  async function pick(files: FileList | null) {
    const f = files?.[0];
    if (!f) return;
    setError(null);
    if (f.size > MAX_PACK_MB * 1024 * 1024) {
      setError(t("settings.iconPackTooLarge", { max: MAX_PACK_MB }));
      return;
    }
    await act(async () => {
      const pack = await api.importIconPack(new Uint8Array(await f.arrayBuffer()));
      toast({ text: t("settings.iconPackImported", { name: pack.name, count: pack.icons }), ms: 6000 });
      await refresh();
    });
  }

  function remove(p: IconPackView) {
    return act(async () => {
      await api.removeIconPack(p.uuid);
      toast({ text: t("settings.iconPackRemoved", { name: p.name }) });
      await refresh();
    });
  }

  return (
    <div class="section icon-packs" ref={sectionRef} data-testid="settings-icon-packs">
      <h3>{t("settings.iconPacks")}</h3>
      <p class="small muted">{t("settings.iconPacksLead")}</p>
      {packs.length === 0 ? (
        <p class="small muted" data-testid="icon-packs-empty">
          {t("settings.noIconPacks")}
        </p>
      ) : (
        <ul class="backups">
          {packs.map((p) => (
            <li key={p.uuid} data-testid="icon-pack-row" data-uuid={p.uuid}>
              <div class="grow">
                <div class="pack-name">{p.name}</div>
                <div class="small muted">
                  {t("settings.iconPackVersion", { version: p.version })} ·{" "}
                  {t("settings.iconPackIcons", { count: p.icons })}
                </div>
              </div>
              <button
                type="button"
                class="btn"
                data-testid="icon-pack-remove"
                aria-label={t("settings.iconPackRemove", { name: p.name })}
                disabled={busy}
                onClick={() => void remove(p)}
              >
                {t("settings.iconPackRemoveShort")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="row" style="margin-top:8px">
        <button
          type="button"
          class="btn"
          ref={importRef}
          data-testid="settings-icon-pack-import"
          disabled={busy}
          onClick={() => fileRef.current?.click()}
        >
          <Icon name="upload" /> {busy ? t("settings.iconPackImporting") : t("settings.iconPackImport")}
        </button>
      </div>
      <input
        ref={fileRef}
        type="file"
        accept=".zip,application/zip"
        data-testid="settings-icon-pack-file"
        style="display:none"
        onChange={(e) => {
          void pick(e.currentTarget.files);
          e.currentTarget.value = "";
        }}
      />
      {error && (
        <div class="error-box" role="alert" data-testid="settings-icon-pack-error">
          {error}
        </div>
      )}
    </div>
  );
}
