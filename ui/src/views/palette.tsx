// Quick copy's palette (its own small window, opened by the global
// shortcut or the tray): type a few letters of the issuer or account,
// arrows to pick, Enter copies the code (in Rust, by the normal clipboard
// rules) and hides the palette, Escape hides it. A locked vault is
// unlocked here with the password (or the keyring).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, messageOf, onPaletteOpen, type EntryView, type Settings, type VaultStatus } from "../ipc";
import { filterEntries, flatten, sections } from "../lib/filter";
import { t } from "../i18n";

/** Rows shown at most (the list scrolls no further: type more). */
const ROWS = 8;

export function Palette() {
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [entries, setEntries] = useState<EntryView[]>([]);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  // When the last keystroke came (for the latency trace, see palette_shown).
  const typedAt = useRef<number | null>(null);

  async function refresh() {
    setError(null);
    try {
      const [st, se] = await Promise.all([api.vaultStatus(), api.settings()]);
      setStatus(st);
      setSettings(se);
      document.documentElement.dataset.theme = se.theme;
      setEntries(st.unlocked ? await api.entries() : []);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  useEffect(() => {
    const open = () => {
      setQuery("");
      setSelected(0);
      setPassword("");
      void refresh().then(() => {
        inputRef.current?.focus();
        requestAnimationFrame(() => void api.paletteShown().catch(() => {}));
      });
    };
    open();
    const un = onPaletteOpen(open);
    const focus = () => inputRef.current?.focus();
    window.addEventListener("focus", focus);
    return () => {
      void un.then((f) => f());
      window.removeEventListener("focus", focus);
    };
  }, []);

  useEffect(() => inputRef.current?.focus(), [status?.unlocked]);

  const shown = useMemo(() => {
    const live = filterEntries(
      entries.filter((e) => !e.archived),
      query,
    );
    return flatten(sections(live, settings?.sort ?? "issuer", settings?.manualOrder ?? []));
  }, [entries, query, settings]);
  useEffect(() => setSelected(0), [query]);
  useEffect(() => {
    const t = typedAt.current;
    if (t === null) return;
    typedAt.current = null;
    requestAnimationFrame(() => void api.paletteShown(performance.now() - t).catch(() => {}));
  }, [shown]);

  async function copy(e: EntryView | undefined) {
    if (!e) return;
    try {
      await api.paletteCopy(e.id);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  async function unlock(ev: Event) {
    ev.preventDefault();
    if (!password) return;
    setBusy(true);
    setError(null);
    try {
      setPassword("");
      await api.paletteUnlock(password);
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function keyring() {
    setBusy(true);
    setError(null);
    try {
      await api.paletteUnlockKeyring();
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function onKey(ev: KeyboardEvent) {
    if (ev.key === "Escape") {
      ev.preventDefault();
      void api.paletteHide();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const d = ev.key === "ArrowDown" ? 1 : -1;
      setSelected((s) => Math.min(Math.max(0, s + d), Math.max(0, Math.min(shown.length, ROWS) - 1)));
    } else if (ev.key === "Enter" && status?.unlocked) {
      ev.preventDefault();
      void copy(shown[selected]);
    }
  }

  const locked = status !== null && !status.unlocked;
  return (
    <div class="palette" data-testid="palette" onKeyDown={onKey}>
      {locked ? (
        <form class="palette-unlock" onSubmit={unlock}>
          <div class="palette-title">{t("palette.locked")}</div>
          <input
            ref={inputRef}
            class="input"
            type="password"
            placeholder={t("common.vaultPassword")}
            aria-label={t("common.vaultPassword")}
            data-testid="palette-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            disabled={busy}
          />
          <div class="row">
            <button class="btn primary" type="submit" data-testid="palette-unlock" disabled={!password || busy}>
              {t("common.unlock")}
            </button>
            {status?.keyringSlot && (
              <button class="btn" type="button" data-testid="palette-keyring" disabled={busy} onClick={keyring}>
                {t("palette.keyring")}
              </button>
            )}
          </div>
        </form>
      ) : (
        <>
          <input
            ref={inputRef}
            class="input palette-search"
            placeholder={t("palette.searchPlaceholder")}
            aria-label={t("palette.searchLabel")}
            data-testid="palette-search"
            value={query}
            onInput={(e) => {
              typedAt.current = performance.now();
              setQuery(e.currentTarget.value);
            }}
            autocomplete="off"
            spellcheck={false}
          />
          <ul class="palette-list" role="listbox" aria-label={t("codes.accounts")}>
            {shown.slice(0, ROWS).map((e, i) => (
              <li
                key={e.id}
                role="option"
                aria-selected={i === selected}
                data-testid="palette-item"
                data-id={e.id}
                class={i === selected ? "selected" : ""}
                onMouseMove={() => setSelected(i)}
                onClick={() => void copy(e)}
              >
                <span class="issuer">{e.issuer || e.name}</span>
                <span class="name">{e.issuer ? e.name : ""}</span>
              </li>
            ))}
            {status?.unlocked && shown.length === 0 && (
              <li class="palette-empty" data-testid="palette-empty">
                {entries.length ? t("codes.noMatch", { query }) : t("palette.empty")}
              </li>
            )}
          </ul>
          <div class="palette-hint small muted">{t("palette.hint")}</div>
        </>
      )}
      {error && (
        <div class="error-box" role="alert" data-testid="palette-error">
          {error}
        </div>
      )}
    </div>
  );
}
