// The code list: search, sections (pinned, groups), rows with the time-left
// ring, next code, HOTP "next", copy on click or Enter, keyboard navigation.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, messageOf, type CodeView, type EntryView, type Settings } from "../ipc";
import { filterEntries, flatten, sections } from "../lib/filter";
import { fractionLeft, groupCode, hueFor, initials, nextRefreshMs, secondsLeft, showNext } from "../lib/format";
import { Icon } from "../components/icons";
import { useToast } from "../components/toast";
import { Confirm, Dialog } from "../components/dialog";
import { SHORTCUTS } from "../lib/shortcuts";
import { AddDialog } from "./add";
import { ImportDialog, ExportDialog } from "./transfer";
import { RecoveryDialog, RecoveryOverview } from "./recovery";
import { EditDialog, QrDialog } from "./entry";
import { SettingsDialog } from "./settings";

/** Rows rendered per page of scrolling. */
const PAGE = 60;

type Modal =
  | { kind: "add" }
  | { kind: "import" }
  | { kind: "export" }
  | { kind: "settings" }
  | { kind: "recovery"; entry: EntryView }
  | { kind: "recovery-overview" }
  | { kind: "edit"; entry: EntryView }
  | { kind: "qr-confirm"; entries: EntryView[] }
  | { kind: "qr"; entries: EntryView[] }
  | { kind: "shortcuts" }
  | null;

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

  const visible = useMemo(() => filterEntries(entries.filter((e) => !e.archived || query.trim()), query), [entries, query]);
  const secs = useMemo(() => sections(visible, props.settings.sort), [visible, props.settings.sort]);
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
      toast({ text: r.clearsInSecs > 0 ? `Copied. The clipboard clears in ${r.clearsInSecs} s.` : "Copied." });
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
        text: `Deleted ${d.label}.`,
        ms: 10000,
        action: {
          label: "Undo",
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
  }, [modal, ordered, selected]);

  useEffect(() => {
    if (!menuFor && !mainMenu) return;
    const close = () => {
      setMenuFor(null);
      setMainMenu(false);
    };
    window.addEventListener("click", close);
    return () => window.removeEventListener("click", close);
  }, [menuFor, mainMenu]);

  const closeModal = () => setModal(null);
  let index = -1;

  return (
    <div class="codes">
      <div class="toolbar">
        <div class="search">
          <Icon name="search" />
          <input ref={searchRef} class="input" type="search" placeholder="Search" aria-label="Search entries" data-testid="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <button class="btn primary" data-testid="add-open" title="Add an account (Ctrl+N)" onClick={() => setModal({ kind: "add" })}>
          <Icon name="plus" /> Add
        </button>
        <div style="position:relative">
          <button class="icon-btn" aria-label="More" data-testid="main-menu" onClick={(e) => { e.stopPropagation(); setMainMenu(!mainMenu); }}>
            <Icon name="menu" />
          </button>
          {mainMenu && (
            <div class="menu" style="top:38px;right:0" onClick={(e) => e.stopPropagation()}>
              <button data-testid="import-open" onClick={() => { setMainMenu(false); setModal({ kind: "import" }); }}><Icon name="upload" /> Import from another app…</button>
              <button data-testid="export-open" onClick={() => { setMainMenu(false); setModal({ kind: "export" }); }}><Icon name="download" /> Export…</button>
              <button data-testid="qr-all" onClick={() => { setMainMenu(false); setModal({ kind: "qr-confirm", entries: ordered }); }}><Icon name="qr" /> Move to a phone (QR codes)…</button>
              <button data-testid="recovery-overview-open" onClick={() => { setMainMenu(false); setModal({ kind: "recovery-overview" }); }}><Icon name="key" /> Recovery codes overview</button>
              <hr />
              <button data-testid="shortcuts-open" onClick={() => { setMainMenu(false); setModal({ kind: "shortcuts" }); }}><Icon name="keyboard" /> Keyboard shortcuts</button>
              <button data-testid="settings-open" onClick={() => { setMainMenu(false); setModal({ kind: "settings" }); }}><Icon name="settings" /> Settings</button>
            </div>
          )}
        </div>
        {/* kept visible too for the shortcut-less: the import entry point */}
      </div>
      <div class="list" ref={listRef} role="list" onScroll={onScroll}>
        {loaded && entries.length === 0 && (
          <div class="empty">
            <h2>No accounts yet</h2>
            <p>Add one from a QR code (an image, the clipboard or your screen), a link, or import another app's export.</p>
            <div class="row" style="justify-content:center">
              <button class="btn primary" onClick={() => setModal({ kind: "add" })}><Icon name="plus" /> Add an account</button>
              <button class="btn" data-testid="import-open-empty" onClick={() => setModal({ kind: "import" })}><Icon name="upload" /> Import</button>
            </div>
          </div>
        )}
        {loaded && entries.length > 0 && visible.length === 0 && <div class="empty" data-testid="no-match">Nothing matches “{query}”.</div>}
        {secs.map((s) => (
          <div key={s.key} role="group" aria-label={s.title || "Accounts"}>
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
                  onCopy={() => copy(e)}
                  onHotpNext={() => hotpNext(e)}
                  onMenu={() => setMenuFor(menuFor === e.id ? null : e.id)}
                  onRecovery={() => setModal({ kind: "recovery", entry: e })}
                  onEdit={() => { setMenuFor(null); setModal({ kind: "edit", entry: e }); }}
                  onQr={() => { setMenuFor(null); setModal({ kind: "qr-confirm", entries: [e] }); }}
                  onDelete={() => remove(e)}
                />
              );
            })}
          </div>
        ))}
      </div>
      {modal?.kind === "add" && <AddDialog onClose={closeModal} onSaved={reload} />}
      {modal?.kind === "import" && <ImportDialog onClose={closeModal} onSaved={reload} />}
      {modal?.kind === "export" && <ExportDialog onClose={closeModal} />}
      {modal?.kind === "settings" && <SettingsDialog settings={props.settings} onClose={closeModal} onSaved={props.onSettings} onVaultChanged={reload} />}
      {modal?.kind === "recovery" && <RecoveryDialog entry={modal.entry} onClose={() => { closeModal(); void loadEntries(); }} />}
      {modal?.kind === "recovery-overview" && (
        <RecoveryOverview
          onClose={closeModal}
          onOpen={(id) => {
            const e = entries.find((x) => x.id === id);
            setModal(e ? { kind: "recovery", entry: e } : null);
          }}
        />
      )}
      {modal?.kind === "edit" && <EditDialog entry={modal.entry} onClose={closeModal} onSaved={loadEntries} onDelete={() => { const e = modal.entry; closeModal(); void remove(e); }} />}
      {modal?.kind === "qr-confirm" && (
        <Confirm
          title="Show as QR code?"
          testid="qr-confirm"
          confirmLabel="Show QR code"
          message={
            <>
              <p>Anyone who sees or photographs {modal.entries.length === 1 ? "this QR code" : "these QR codes"} can make your codes for {modal.entries.length === 1 ? `${modal.entries[0].issuer || modal.entries[0].name}` : `${modal.entries.length} accounts`}.</p>
              <p class="muted small">Make sure nobody is watching your screen and nothing is recording it.</p>
            </>
          }
          onCancel={closeModal}
          onConfirm={() => setModal({ kind: "qr", entries: modal.entries })}
        />
      )}
      {modal?.kind === "qr" && <QrDialog entries={modal.entries} onClose={closeModal} />}
      {modal?.kind === "shortcuts" && (
        <Dialog title="Keyboard shortcuts" onClose={closeModal} testid="shortcuts-dialog" footer={<button class="btn primary" onClick={closeModal}>Close</button>}>
          <table class="shortcuts">
            <tbody>
              {SHORTCUTS.map(([keys, does]) => (
                <tr key={keys}><td><kbd>{keys}</kbd></td><td>{does}</td></tr>
              ))}
            </tbody>
          </table>
        </Dialog>
      )}
    </div>
  );
}

function Ring({ fraction, secs, expiring }: { fraction: number; secs: number; expiring: boolean }) {
  const r = 12;
  const c = 2 * Math.PI * r;
  return (
    <svg class={`ring${expiring ? " expiring" : ""}`} viewBox="0 0 30 30" role="img" aria-label={`${secs} seconds left`} data-testid="entry-ring">
      <circle class="track" cx="15" cy="15" r={r} />
      <circle class="left" cx="15" cy="15" r={r} stroke-dasharray={c} stroke-dashoffset={c * (1 - fraction)} transform="rotate(-90 15 15)" />
      <text x="15" y="15.5">{secs}</text>
    </svg>
  );
}

function EntryRow(p: {
  entry: EntryView;
  code: CodeView | undefined;
  now: number;
  selected: boolean;
  hidden: boolean;
  menuOpen: boolean;
  onSelect: () => void;
  onCopy: () => void;
  onHotpNext: () => void;
  onMenu: () => void;
  onRecovery: () => void;
  onEdit: () => void;
  onQr: () => void;
  onDelete: () => void;
}) {
  const e = p.entry;
  const c = p.code;
  const until = c?.validUntilMs ?? null;
  const period = e.period ?? 30;
  const left = until !== null ? secondsLeft(until, p.now) : 0;
  const expiring = until !== null && showNext(until, p.now);
  const shown = c ? (p.hidden ? c.code.replace(/./g, "•") : groupCode(c.code)) : "";
  const hue = hueFor(e.issuer || e.name);
  const low = e.recoveryRemaining !== null && e.recoveryRemaining <= 2;
  return (
    <div
      class={`entry${p.selected ? " selected" : ""}`}
      role="listitem"
      tabIndex={0}
      data-testid="entry"
      data-id={e.id}
      data-kind={e.kind}
      onClick={() => {
        p.onSelect();
        p.onCopy();
      }}
      onFocus={p.onSelect}
      onKeyDown={(ev) => {
        if (ev.key === "Enter" && ev.target === ev.currentTarget) {
          ev.preventDefault();
          p.onCopy();
        }
      }}
      title="Click or press Enter to copy"
    >
      <div class="avatar" style={{ background: `hsl(${hue} 55% 45%)` }} aria-hidden="true">
        {initials(e.issuer, e.name)}
      </div>
      <div class="labels">
        <div class="issuer" data-testid="entry-issuer">{e.issuer || e.name}</div>
        <div class="name" data-testid="entry-name">{e.issuer ? e.name : ""}</div>
        <div class={`code${expiring ? " expiring" : ""}${p.hidden ? " hidden" : ""}`} data-testid="entry-code" aria-label={p.hidden ? "Code hidden; click to show and copy" : `Code ${shown}`}>
          {shown}
        </div>
        {e.kind === "hotp" && c && !c.code && (
          <div class="hint" data-testid="entry-hotp-hint">Press ↻ for the next code</div>
        )}
        {expiring && c?.next && !p.hidden && (
          <div class="next" data-testid="entry-next">next {groupCode(c.next)}</div>
        )}
        {(low || e.archived) && (
          <div class="badges">
            {e.archived && <span class="badge">2FA turned off</span>}
            {low && <span class="badge low">{e.recoveryRemaining === 0 ? "No recovery codes left" : `${e.recoveryRemaining} recovery codes left`}</span>}
          </div>
        )}
      </div>
      <div class="side" onClick={(ev) => ev.stopPropagation()}>
        {e.kind === "hotp" ? (
          <button class="icon-btn" aria-label="Next code" title="Next code" data-testid="entry-hotp-next" onClick={p.onHotpNext}>
            <Icon name="next" />
          </button>
        ) : (
          until !== null && <Ring fraction={fractionLeft(until, period, p.now)} secs={left} expiring={expiring} />
        )}
        <button class="icon-btn" aria-label="Copy code" title="Copy code" data-testid="entry-copy" onClick={p.onCopy}>
          <Icon name="copy" />
        </button>
        <button class="icon-btn" aria-label="Recovery codes" title="Recovery codes" data-testid="recovery-open" onClick={p.onRecovery}>
          <Icon name="key" />
        </button>
        <button class="icon-btn" aria-label="More actions" title="More" data-testid="entry-menu" onClick={(ev) => { ev.stopPropagation(); p.onMenu(); }}>
          <Icon name="more" />
        </button>
      </div>
      {p.menuOpen && (
        <div class="menu" onClick={(ev) => ev.stopPropagation()}>
          <button data-testid="entry-edit" onClick={p.onEdit}><Icon name="edit" /> Edit…</button>
          <button data-testid="entry-qr" onClick={p.onQr}><Icon name="qr" /> Show as QR code…</button>
          <hr />
          <button class="danger" data-testid="entry-delete" onClick={p.onDelete}><Icon name="trash" /> Delete</button>
        </div>
      )}
    </div>
  );
}
