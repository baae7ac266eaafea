// Search and ordering of the code list: pure, so it is unit-tested.
import type { EntryView, SortOrder } from "../ipc/bindings";
import { t } from "../i18n";

/** Lower case without accents, for matching as people type. */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Entries matching every word of the query in issuer, account, note or
 *  group. An empty query matches all. */
export function filterEntries(entries: EntryView[], query: string): EntryView[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((e) => {
    const hay = fold(`${e.issuer}\n${e.name}\n${e.note}\n${e.group}`);
    return words.every((w) => hay.includes(w));
  });
}

export interface Section {
  /** "" for ungrouped entries, "★" key for pinned ones. */
  key: string;
  title: string;
  entries: EntryView[];
}

/** The order within a section; ties fall back to issuer, account, id so
 *  the list never shuffles between renders. */
export function comparator(order: SortOrder, manual: string[] = []): (a: EntryView, b: EntryView) => number {
  const text = (x: string, y: string) => fold(x).localeCompare(fold(y));
  const label = (a: EntryView, b: EntryView) =>
    text(a.issuer, b.issuer) || text(a.name, b.name) || a.id.localeCompare(b.id);
  switch (order) {
    case "manual": {
      // Listed ids in their order; the rest after them, oldest first.
      const pos = new Map(manual.map((id, i) => [id, i]));
      const at = (e: EntryView) => pos.get(e.id) ?? Infinity;
      return (a, b) => {
        const d = at(a) - at(b);
        return (Number.isNaN(d) ? 0 : d) || a.created - b.created || label(a, b);
      };
    }
    case "account":
      return (a, b) => text(a.name, b.name) || label(a, b);
    case "newest":
      return (a, b) => b.created - a.created || label(a, b);
    case "oldest":
      return (a, b) => a.created - b.created || label(a, b);
    default:
      return label;
  }
}

/** Pinned entries first, then one section per group (alphabetical), then
 *  the ungrouped ones; within a section in the chosen order (by issuer,
 *  then account, unless told otherwise). */
export function sections(entries: EntryView[], order: SortOrder = "issuer", manual: string[] = []): Section[] {
  const byLabel = comparator(order, manual);
  const pinned = entries.filter((e) => e.pinned).sort(byLabel);
  const groups = new Map<string, EntryView[]>();
  const rest: EntryView[] = [];
  for (const e of entries) {
    if (e.pinned) continue;
    if (e.group.trim()) {
      const k = e.group.trim();
      const group = groups.get(k);
      if (group) group.push(e);
      else groups.set(k, [e]);
    } else rest.push(e);
  }
  const out: Section[] = [];
  if (pinned.length) out.push({ key: "★", title: t("codes.pinned"), entries: pinned });
  for (const [k, group] of [...groups].sort(([a], [b]) => fold(a).localeCompare(fold(b)))) {
    out.push({ key: `g:${k}`, title: k, entries: group.sort(byLabel) });
  }
  if (rest.length)
    out.push({ key: "", title: groups.size || pinned.length ? t("codes.other") : "", entries: rest.sort(byLabel) });
  return out;
}

/** The entries in display order, for keyboard navigation. */
export function flatten(s: Section[]): EntryView[] {
  return s.flatMap((x) => x.entries);
}

/** The manual order after moving entry `id` to `target`'s place, or one
 *  `step` up or down, within its own section (a pinned entry stays among
 *  the pinned, a group's within its group): every shown entry's id in the
 *  new display order. `null` when nothing moves. */
export function moveInOrder(secs: Section[], id: string, to: { target: string } | { step: -1 | 1 }): string[] | null {
  const sec = secs.find((s) => s.entries.some((e) => e.id === id));
  if (!sec) return null;
  const ids = sec.entries.map((e) => e.id);
  const from = ids.indexOf(id);
  const dest = "target" in to ? ids.indexOf(to.target) : from + to.step;
  if (dest < 0 || dest >= ids.length || dest === from) return null;
  ids.splice(from, 1);
  ids.splice(dest, 0, id);
  return secs.flatMap((s) => (s === sec ? ids : s.entries.map((e) => e.id)));
}
