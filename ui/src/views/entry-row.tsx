// One row of the code list: labels, the code (grouped, or hidden until a
// click), the time-left ring or HOTP "next", copy, recovery codes and the
// per-entry menu; in the manual order a drag handle.
import { useEffect, useState } from "preact/hooks";
import type { EntryView, CodeView } from "../ipc";
import { brandColors } from "../lib/brand";
import { type BrandIcon, brandIconsOn, loadBrandIcon, onBrandIconsChange, peekBrandIcon } from "../lib/brand-load";
import { icons } from "../lib/icons-load";
import type { Picture } from "../lib/icons";
import { fractionLeft, groupCode, initials, initialsColour, secondsLeft, showNext } from "../lib/format";
import { Icon } from "../components/icons";
import { t } from "../i18n";

/** The code as a screen reader should say it: digit by digit ("Code 1 2 3
 *  4 5 6"), with the seconds left for a TOTP code. Only read when the row
 *  is reached, never announced by itself (it changes every second). */
function spokenCode(code: string, hidden: boolean, secs: number | null): string {
  if (hidden) return t("entryRow.codeHidden");
  const said = t("entryRow.code", { code: code.split("").join(" ") });
  return secs === null ? said : `${said}, ${t("entryRow.secondsLeft", { count: secs })}`;
}

/** Whether brand icons are on, following the setting as it changes. */
function useBrandIconsOn(): boolean {
  const [on, setOn] = useState(brandIconsOn);
  useEffect(() => onBrandIconsChange(setOn), []);
  return on;
}

/** The entry's own picture, else its issuer's icon-pack picture (a data:
 *  URL); null for none, undefined while it is being asked (lib/icons.ts:
 *  once per key and issuer, and not at all without packs). Asked again
 *  when packs are imported or removed. */
function usePicture(id: string, key: string | null, issuer: string): Picture {
  const [packs, setPacks] = useState(0);
  useEffect(() => icons.onPacksChange(() => setPacks((n) => n + 1)), []);
  const [pic, setPic] = useState<Picture>(() => icons.peek(id, key, issuer));
  useEffect(() => {
    const ready = icons.peek(id, key, issuer);
    setPic(ready);
    if (ready !== undefined) return;
    let live = true;
    void icons.load(id, key, issuer).then((p) => {
      if (live) setPic(p);
    });
    return () => {
      live = false;
    };
  }, [id, key, issuer, packs]);
  return pic;
}

/** The bundled brand icon when `wanted` (loaded when first needed); null
 *  when none matches or while it loads. */
function useBrand(wanted: boolean, issuer: string, name: string): BrandIcon | null {
  const [icon, setIcon] = useState<BrandIcon | null>(() => (wanted ? (peekBrandIcon(issuer, name) ?? null) : null));
  useEffect(() => {
    if (!wanted) {
      setIcon(null);
      return;
    }
    const ready = peekBrandIcon(issuer, name);
    if (ready !== undefined) {
      setIcon(ready);
      return;
    }
    let live = true;
    void loadBrandIcon(issuer, name).then((b) => {
      if (live) setIcon(b);
    });
    return () => {
      live = false;
    };
  }, [wanted, issuer, name]);
  return icon;
}

/** The round icon, the first there is of: the entry's own picture, an
 *  icon pack's picture for the issuer, the issuer's brand (bundled
 *  simple-icons glyph, when brand icons are on), and initials on a colour
 *  of their own (also while the others are asked). Hidden from screen
 *  readers: the issuer's name is next to it. */
export function Avatar({
  id,
  iconKey,
  issuer,
  name,
}: {
  id: string;
  /** EntryView.icon: the key of the entry's own picture, or null. */
  iconKey: string | null;
  issuer: string;
  name: string;
}) {
  const on = useBrandIconsOn();
  const pic = usePicture(id, iconKey, issuer);
  // The brand is loaded once no picture is known to come; one loaded
  // already is shown at once, also while the pictures are being asked (no
  // flash of initials when a pack is imported or the row is drawn again).
  const loaded = useBrand(on && pic === null, issuer, name);
  const icon =
    typeof pic === "string" || !on ? null : pic === null && loaded ? loaded : (peekBrandIcon(issuer, name) ?? null);
  if (typeof pic === "string") {
    return (
      <div class="avatar picture" aria-hidden="true">
        <img
          src={pic}
          alt=""
          aria-hidden="true"
          width={40}
          height={40}
          draggable={false}
          data-testid="entry-icon-img"
        />
      </div>
    );
  }
  if (icon) {
    const light = brandColors(icon.hex, "light");
    const dark = brandColors(icon.hex, "dark");
    return (
      <div
        class="avatar brand"
        data-brand={icon.slug}
        style={{
          "--brand-fg": light.fg,
          "--brand-bg": light.bg,
          "--brand-fg-dark": dark.fg,
          "--brand-bg-dark": dark.bg,
        }}
        aria-hidden="true"
      >
        <svg viewBox="0 0 24 24" width="22" height="22" fill="currentColor" focusable="false" aria-hidden="true">
          <path d={icon.path} />
        </svg>
      </div>
    );
  }
  return (
    <div class="avatar" style={{ background: initialsColour(issuer || name) }} aria-hidden="true">
      {initials(issuer, name)}
    </div>
  );
}

function Ring({ fraction, secs, expiring }: { fraction: number; secs: number; expiring: boolean }) {
  const r = 12;
  const c = 2 * Math.PI * r;
  return (
    <svg
      class={`ring${expiring ? " expiring" : ""}`}
      viewBox="0 0 30 30"
      role="img"
      aria-label={t("entryRow.secondsLeft", { count: secs })}
      data-testid="entry-ring"
    >
      <circle class="track" cx="15" cy="15" r={r} />
      <circle
        class="left"
        cx="15"
        cy="15"
        r={r}
        stroke-dasharray={c}
        stroke-dashoffset={c * (1 - fraction)}
        transform="rotate(-90 15 15)"
      />
      <text x="15" y="15.5">
        {secs}
      </text>
    </svg>
  );
}

export function EntryRow(p: {
  entry: EntryView;
  code: CodeView | undefined;
  now: number;
  selected: boolean;
  hidden: boolean;
  menuOpen: boolean;
  onSelect: () => void;
  /** The manual order is on: the row has a drag handle. */
  draggable: boolean;
  dragging: boolean;
  dropTarget: boolean;
  onDragStart: () => void;
  onResync: () => void;
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
  const low = e.recoveryRemaining !== null && e.recoveryRemaining <= 2;
  return (
    <div
      class={`entry${p.selected ? " selected" : ""}${p.dragging ? " dragging" : ""}${p.dropTarget ? " drop-target" : ""}`}
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
      title={t("entryRow.clickToCopy")}
    >
      {p.draggable && (
        <span
          class="drag-handle"
          data-testid="entry-drag"
          title={t("entryRow.drag")}
          aria-hidden="true"
          onMouseDown={(ev) => {
            if (ev.button !== 0) return;
            ev.preventDefault();
            ev.stopPropagation();
            p.onDragStart();
          }}
          onClick={(ev) => ev.stopPropagation()}
        >
          ⋮⋮
        </span>
      )}
      <Avatar id={e.id} iconKey={e.icon} issuer={e.issuer} name={e.name} />
      <div class="labels">
        <div class="issuer" data-testid="entry-issuer">
          {e.issuer || e.name}
        </div>
        <div class="name" data-testid="entry-name">
          {e.issuer ? e.name : ""}
        </div>
        <div
          class={`code${expiring ? " expiring" : ""}${p.hidden ? " hidden" : ""}`}
          data-testid="entry-code"
          role="img"
          aria-label={spokenCode(c?.code ?? "", p.hidden, until !== null ? left : null)}
        >
          {shown}
        </div>
        {e.kind === "hotp" && c && !c.code && (
          <div class="hint" data-testid="entry-hotp-hint">
            {t("entryRow.hotpHint")}
          </div>
        )}
        {expiring && c?.next && !p.hidden && (
          <div class="next" data-testid="entry-next">
            {t("entryRow.next", { code: groupCode(c.next) })}
          </div>
        )}
        {(low || e.archived) && (
          <div class="badges">
            {e.archived && <span class="badge">{t("entryRow.archived")}</span>}
            {low && (
              <span class="badge low">
                {e.recoveryRemaining === 0
                  ? t("entryRow.noRecoveryLeft")
                  : t("entryRow.recoveryLeft", { count: e.recoveryRemaining ?? 0 })}
              </span>
            )}
          </div>
        )}
      </div>
      <div class="side" onClick={(ev) => ev.stopPropagation()}>
        {e.kind === "hotp" ? (
          <button
            type="button"
            class="icon-btn"
            aria-label={t("entryRow.nextCode")}
            title={t("entryRow.nextCode")}
            data-testid="entry-hotp-next"
            onClick={p.onHotpNext}
          >
            <Icon name="next" />
          </button>
        ) : (
          until !== null && <Ring fraction={fractionLeft(until, period, p.now)} secs={left} expiring={expiring} />
        )}
        <button
          type="button"
          class="icon-btn"
          aria-label={t("entryRow.copyCode")}
          title={t("entryRow.copyCode")}
          data-testid="entry-copy"
          onClick={p.onCopy}
        >
          <Icon name="copy" />
        </button>
        <button
          type="button"
          class="icon-btn"
          aria-label={t("entryRow.recoveryCodes")}
          title={t("entryRow.recoveryCodes")}
          data-testid="recovery-open"
          onClick={p.onRecovery}
        >
          <Icon name="key" />
        </button>
        <button
          type="button"
          class="icon-btn"
          aria-label={t("entryRow.moreActions")}
          title={t("codes.more")}
          data-testid="entry-menu"
          onClick={(ev) => {
            ev.stopPropagation();
            p.onMenu();
          }}
        >
          <Icon name="more" />
        </button>
      </div>
      {p.menuOpen && (
        <div class="menu" onClick={(ev) => ev.stopPropagation()}>
          <button type="button" data-testid="entry-edit" onClick={p.onEdit}>
            <Icon name="edit" /> {t("entryRow.edit")}
          </button>
          <button type="button" data-testid="entry-qr" onClick={p.onQr}>
            <Icon name="qr" /> {t("entryRow.qr")}
          </button>
          {e.kind === "hotp" && (
            <button type="button" data-testid="entry-resync" onClick={p.onResync}>
              <Icon name="next" /> {t("entryRow.resync")}
            </button>
          )}
          <hr />
          <button type="button" class="danger" data-testid="entry-delete" onClick={p.onDelete}>
            <Icon name="trash" /> {t("common.delete")}
          </button>
        </div>
      )}
    </div>
  );
}
