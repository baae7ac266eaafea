// The code list: search, sections (pinned, groups), rows (entry-row.tsx)
// with the time-left ring, next code, HOTP "next", copy on click or Enter,
// keyboard navigation, the manual order (drag and drop, Alt+Up/Down), and
// what a launch hands over (a URI or file opens the add or import dialog).
// The dialogs themselves are routed in dialogs.tsx.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, messageOf, onLaunch, onVaultChanged, type CodeView, type EntryView, type Settings } from "../ipc";
import { filterEntries, flatten, moveInOrder, sections } from "../lib/filter";
import { nextRefreshMs } from "../lib/format";
import { Icon } from "../components/icons";
import { useToast } from "../components/toast";
import { DialogRouter, modalForLaunch, type Modal } from "./dialogs";
import { EntryRow } from "./entry-row";
import { t } from "../i18n";
import { useLang } from "../i18n/root";

/** Rows rendered per page of scrolling: twice a tall window's worth, so
 *  fewer rows are laid out and painted before the first code shows, and
 *  the web process holds fewer (docs/benchmarks.md). */
const PAGE = 20;

export function CodesView(props: { settings: Settings; onSettings: (s: Settings) => void; onLock: () => void }) {
  const toast = useToast();
  const [entries, setEntries] = useState<EntryView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [codes, setCodes] = useState<Map<string, CodeView>>(new Map());
  const [skew, setSkew] = useState(0); // app clock minus window clock, ms
  const [now, setNow] = useState(Date.now());
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const [revealed, setRevealed] = useState<Set<string>>(new Set());
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const [mainMenu, setMainMenu] = useState(false);
  const [modal, setModal] = useState<Modal>(null);
  // Rows are rendered a page at a time as the list scrolls: a vault of a
  // thousand entries would otherwise cost the web view hundreds of MiB.
  const [limit, setLimit] = useState(PAGE);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  // The row being dragged in the manual order, and the row it is over.
  const [drag, setDrag] = useState<{ id: string; over: string | null } | null>(null);
  const lastMoved = useRef<string | null>(null);
  const manual = props.settings.sort === "manual";

  const loadEntries = useCallback(async () => {
    try {
      setEntries(await api.entries());
      setLoaded(true);
    } catch (e) {
      toast({ text: messageOf(e), error: true });
    }
  }, []);

  const loadCodes = useCallback(async () => {
    try {
      const snap = await api.codes();
      setSkew(snap.nowMs - Date.now());
      setCodes(new Map(snap.codes.map((c) => [c.id, c])));
    } catch (e) {
      toast({ text: messageOf(e), error: true });
    }
  }, []);

  // Codes first, so that new rows never show without their code.
  const reload = useCallback(async () => {
    await loadCodes();
    await loadEntries();
  }, []);

  useEffect(() => {
    void reload();
    // A sync brought changes from another device.
    const un = onVaultChanged(() => void reload());
    return () => void un.then((f) => f());
  }, []);

  // The frame that first shows codes is marked for the benchmark
  // (tests/e2e/bench.js reads the mark: the page's own clock, where
  // WebDriver's polling can be half a second late).
  const marked = useRef(false);
  useEffect(() => {
    if (marked.current || !loaded || codes.size === 0) return;
    marked.current = true;
    requestAnimationFrame(() => performance.mark("apiq-first-code"));
  }, [loaded, codes]);

  // A URI or file the app was started with, or that a second launch
  // handed over: opens the add or import dialog.
  useEffect(() => {
    const take = async () => {
      try {
        const r = await api.launchTake();
        if (!r) return;
        const { modal: m, problem } = modalForLaunch(r);
        if (problem) toast({ text: problem, error: true });
        if (m) setModal(m);
      } catch (e) {
        toast({ text: messageOf(e), error: true });
      }
    };
    void take();
    const un = onLaunch(() => void take());
    return () => void un.then((f) => f());
  }, []);

  // One clock tick a second; fetch codes again when any period ends.
  const appNow = now + skew;
  const refreshAt = useMemo(() => nextRefreshMs([...codes.values()].map((c) => c.validUntilMs)), [codes]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000 - (Date.now() % 1000) > 50 ? 500 : 1000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (refreshAt !== null && appNow >= refreshAt) void loadCodes();
  }, [appNow >= (refreshAt ?? Infinity)]);

  const visible = useMemo(
    () =>
      filterEntries(
        entries.filter((e) => !e.archived || query.trim()),
        query,
      ),
    [entries, query],
  );
  // The section titles (Pinned, Other) are in the active language.
  const lang = useLang();
  const secs = useMemo(
    () => sections(visible, props.settings.sort, props.settings.manualOrder),
    [visible, props.settings.sort, props.settings.manualOrder, lang],
  );
  const ordered = useMemo(() => flatten(secs), [secs]);
  useEffect(() => {
    if (selected >= ordered.length) setSelected(Math.max(0, ordered.length - 1));
  }, [ordered.length]);
  useEffect(() => setLimit(PAGE), [query]);
  const onScroll = (ev: Event) => {
    const el = ev.currentTarget as HTMLElement;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - 800 && limit < ordered.length) setLimit(limit + PAGE);
  };

  async function copy(e: EntryView) {
    try {
      const r = await api.copyCode(e.id);
      if (props.settings.hideCodes) setRevealed((s) => new Set(s).add(e.id));
      toast({ text: r.clearsInSecs > 0 ? t("common.copiedClears", { secs: r.clearsInSecs }) : t("common.copied") });
    } catch (err) {
      toast({ text: messageOf(err), error: true });
    }
  }

  async function hotpNext(e: EntryView) {
    try {
      const c = await api.hotpNext(e.id);
      setCodes((m) => new Map(m).set(c.id, c));
      await loadEntries();
    } catch (err) {
      toast({ text: messageOf(err), error: true });
    }
  }

  async function remove(e: EntryView) {
    setMenuFor(null);
    try {
      const d = await api.deleteEntry(e.id);
      await loadEntries();
      toast({
        text: t("codes.deleted", { name: d.label }),
        ms: 10000,
        action: {
          label: t("codes.undo"),
          run: async () => {
            try {
              await api.restoreEntry(d.undoToken);
              await reload();
            } catch (err) {
              toast({ text: messageOf(err), error: true });
            }
          },
        },
      });
    } catch (err) {
      toast({ text: messageOf(err), error: true });
    }
  }

  /** Moves an entry in the manual order (to `target`'s place, or one step
   *  up or down) and saves the order. */
  async function move(id: string, to: { target: string } | { step: -1 | 1 }) {
    const order = moveInOrder(secs, id, to);
    if (!order) return;
    try {
      props.onSettings(await api.saveSettings({ ...props.settings, manualOrder: order }));
    } catch (e) {
      toast({ text: messageOf(e), error: true });
    }
  }

  // Dragging by the handle (mouse events: what a person and WebDriver
  // both produce); the drop moves the entry to the row under the pointer.
  useEffect(() => {
    if (!drag) return;
    const over = (ev: MouseEvent) => {
      const row = (document.elementFromPoint(ev.clientX, ev.clientY) as HTMLElement | null)?.closest<HTMLElement>(
        "[data-testid=entry]",
      );
      const id = row?.dataset.id ?? null;
      setDrag((d) => (d && d.over !== id ? { ...d, over: id } : d));
    };
    const up = (ev: MouseEvent) => {
      over(ev);
      setDrag((d) => {
        if (d?.over && d.over !== d.id) void move(d.id, { target: d.over });
        return null;
      });
    };
    window.addEventListener("mousemove", over);
    window.addEventListener("mouseup", up);
    return () => {
      window.removeEventListener("mousemove", over);
      window.removeEventListener("mouseup", up);
    };
  }, [drag !== null, secs, props.settings]);

  function focusRow(i: number) {
    if (i >= limit) {
      setLimit(i + PAGE);
      setSelected(i);
      requestAnimationFrame(() => focusRow(i));
      return;
    }
    setSelected(i);
    const el = listRef.current?.querySelectorAll<HTMLElement>("[data-testid=entry]")[i];
    el?.focus();
    el?.scrollIntoView({ block: "nearest" });
  }

  // Keyboard: / or Ctrl+F search, arrows move, Enter copies, Ctrl+N add,
  // Ctrl+I import, Ctrl+L lock, Delete removes (with undo), E edits, ?
  // lists them (lib/shortcuts.ts).
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (modal) return;
      const inField = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement;
      const ctrl = ev.ctrlKey || ev.metaKey;
      if ((ctrl && ev.key.toLowerCase() === "f") || (!inField && ev.key === "/")) {
        ev.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (ctrl && ev.key.toLowerCase() === "n") {
        ev.preventDefault();
        setModal({ kind: "add" });
      } else if (ctrl && ev.key.toLowerCase() === "i") {
        ev.preventDefault();
        setModal({ kind: "import" });
      } else if (ctrl && ev.key.toLowerCase() === "l") {
        ev.preventDefault();
        props.onLock();
      } else if (ev.altKey && (ev.key === "ArrowDown" || ev.key === "ArrowUp") && !inField) {
        const e = ordered[selected];
        if (!manual || !e) return;
        ev.preventDefault();
        lastMoved.current = e.id;
        void move(e.id, { step: ev.key === "ArrowDown" ? 1 : -1 });
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (ordered.length === 0) return;
        ev.preventDefault();
        const d = ev.key === "ArrowDown" ? 1 : -1;
        const base = inField ? (d > 0 ? -1 : ordered.length) : selected;
        focusRow(Math.min(ordered.length - 1, Math.max(0, base + d)));
      } else if (ev.key === "Enter" && ev.target === searchRef.current && ordered.length > 0) {
        ev.preventDefault();
        void copy(ordered[0]);
      } else if (!inField && ev.key === "Delete" && ordered[selected]) {
        void remove(ordered[selected]);
      } else if (!inField && ev.key.toLowerCase() === "e" && !ctrl && ordered[selected]) {
        setModal({ kind: "edit", entry: ordered[selected] });
      } else if (!inField && ev.key === "?") {
        ev.preventDefault();
        setModal({ kind: "shortcuts" });
      } else if (ev.key === "Escape" && inField && ev.target === searchRef.current) {
        setQuery("");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [modal, ordered, selected, manual, secs, props.settings]);

  // After a keyboard move the selection follows the entry.
  useEffect(() => {
    const id = lastMoved.current;
    lastMoved.current = null;
    const i = ordered.findIndex((e) => e.id === id);
    if (i >= 0) focusRow(i);
  }, [props.settings.manualOrder]);

  useEffect(() => {
    if (!menuFor && !mainMenu) return;
    const close = () => {
      setMenuFor(null);
      setMainMenu(false);
    };
    window.addEventListener("click", close);
    return () => window.removeEventListener("click", close);
  }, [menuFor, mainMenu]);

  let index = -1;

  return (
    <div class="codes">
      <div class="toolbar">
        <div class="search">
          <Icon name="search" />
          <input
            ref={searchRef}
            class="input"
            type="search"
            placeholder={t("codes.search")}
            aria-label={t("codes.searchLabel")}
            data-testid="search"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        <button
          type="button"
          class="btn primary"
          data-testid="add-open"
          title={t("codes.addTitle")}
          onClick={() => setModal({ kind: "add" })}
        >
          <Icon name="plus" /> {t("codes.add")}
        </button>
        <div style="position:relative">
          <button
            type="button"
            class="icon-btn"
            aria-label={t("codes.more")}
            data-testid="main-menu"
            onClick={(e) => {
              e.stopPropagation();
              setMainMenu(!mainMenu);
            }}
          >
            <Icon name="menu" />
          </button>
          {mainMenu && (
            <div class="menu" style="top:38px;right:0" onClick={(e) => e.stopPropagation()}>
              <button
                type="button"
                data-testid="import-open"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "import" });
                }}
              >
                <Icon name="upload" /> {t("codes.importMenu")}
              </button>
              <button
                type="button"
                data-testid="export-open"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "export" });
                }}
              >
                <Icon name="download" /> {t("codes.exportMenu")}
              </button>
              <button
                type="button"
                data-testid="qr-all"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "qr-confirm", entries: ordered });
                }}
              >
                <Icon name="qr" /> {t("codes.qrAllMenu")}
              </button>
              <button
                type="button"
                data-testid="recovery-overview-open"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "recovery-overview" });
                }}
              >
                <Icon name="key" /> {t("codes.recoveryOverviewMenu")}
              </button>
              <hr />
              <button
                type="button"
                data-testid="shortcuts-open"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "shortcuts" });
                }}
              >
                <Icon name="keyboard" /> {t("dialogs.shortcutsTitle")}
              </button>
              <button
                type="button"
                data-testid="settings-open"
                onClick={() => {
                  setMainMenu(false);
                  setModal({ kind: "settings" });
                }}
              >
                <Icon name="settings" /> {t("codes.settingsMenu")}
              </button>
            </div>
          )}
        </div>
        {/* kept visible too for the shortcut-less: the import entry point */}
      </div>
      <div class="list" ref={listRef} onScroll={onScroll}>
        {loaded && entries.length === 0 && (
          <div class="empty">
            <h2>{t("codes.emptyTitle")}</h2>
            <p>{t("codes.emptyLead")}</p>
            <div class="row" style="justify-content:center">
              <button type="button" class="btn primary" onClick={() => setModal({ kind: "add" })}>
                <Icon name="plus" /> {t("codes.addAccount")}
              </button>
              <button
                type="button"
                class="btn"
                data-testid="import-open-empty"
                onClick={() => setModal({ kind: "import" })}
              >
                <Icon name="upload" /> {t("codes.import")}
              </button>
            </div>
          </div>
        )}
        {loaded && entries.length > 0 && visible.length === 0 && (
          <div class="empty" data-testid="no-match">
            {t("codes.noMatch", { query })}
          </div>
        )}
        {secs.map((s) => (
          <div key={s.key} role="list" aria-label={s.title || t("codes.accounts")}>
            {s.title && index + 1 < limit && <div class="section-title">{s.title}</div>}
            {s.entries.map((e) => {
              index++;
              const i = index;
              if (i >= limit) return null;
              return (
                <EntryRow
                  key={e.id}
                  entry={e}
                  code={codes.get(e.id)}
                  now={appNow}
                  selected={i === selected}
                  hidden={props.settings.hideCodes && !revealed.has(e.id)}
                  menuOpen={menuFor === e.id}
                  onSelect={() => setSelected(i)}
                  draggable={manual && !query.trim()}
                  dragging={drag?.id === e.id}
                  dropTarget={drag !== null && drag.over === e.id && drag.id !== e.id}
                  onDragStart={() => setDrag({ id: e.id, over: null })}
                  onResync={() => {
                    setMenuFor(null);
                    setModal({ kind: "resync", entry: e });
                  }}
                  onCopy={() => copy(e)}
                  onHotpNext={() => hotpNext(e)}
                  onMenu={() => setMenuFor(menuFor === e.id ? null : e.id)}
                  onRecovery={() => setModal({ kind: "recovery", entry: e })}
                  onEdit={() => {
                    setMenuFor(null);
                    setModal({ kind: "edit", entry: e });
                  }}
                  onQr={() => {
                    setMenuFor(null);
                    setModal({ kind: "qr-confirm", entries: [e] });
                  }}
                  onDelete={() => remove(e)}
                />
              );
            })}
          </div>
        ))}
      </div>
      <DialogRouter
        modal={modal}
        setModal={setModal}
        entries={entries}
        settings={props.settings}
        onSettings={props.onSettings}
        reload={() => void reload()}
        loadEntries={() => void loadEntries()}
        remove={(e) => void remove(e)}
      />
    </div>
  );
}
