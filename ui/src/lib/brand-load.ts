// Loads brand icons on demand: the matching index the first time a row asks,
// then only the bucket (a small chunk of ui/dist, see ui/brand-icons.ts)
// that holds the icon. Each is loaded once and kept; nothing is fetched from
// outside the app. Whether icons are shown at all is the "Show brand icons"
// setting, kept in this window's localStorage like the language.
import { type Brand, type BrandLookup, buildLookup, matchBrand } from "./brand";

/** A brand and its glyph (an SVG path in a 24×24 view box). */
export interface BrandIcon extends Brand {
  path: string;
}

interface Loaded {
  lookup: BrandLookup;
  starts: string[];
}

let loaded: Loaded | null = null;
let loading: Promise<Loaded> | null = null;
const paths = new Map<string, string>();
const buckets = new Map<number, Promise<Record<string, string>>>();

function loadIndex(): Promise<Loaded> {
  loading ??= import("virtual:brand-index").then((m) => {
    loaded = { lookup: buildLookup(m.index), starts: m.bucketStarts };
    return loaded;
  });
  return loading;
}

/** The bucket holding `slug`: the last whose first slug is not after it. */
export function bucketFor(starts: readonly string[], slug: string): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= slug) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

async function loadPath(starts: string[], slug: string): Promise<string | null> {
  const have = paths.get(slug);
  if (have) return have;
  const n = bucketFor(starts, slug);
  let b = buckets.get(n);
  if (!b) {
    b = import("virtual:brand-icons").then((m) => m.default[n]()).then((m) => m.default);
    buckets.set(n, b);
  }
  const bucket = await b;
  for (const [s, p] of Object.entries(bucket)) paths.set(s, p);
  return paths.get(slug) ?? null;
}

/** The icon for an entry when it is already loaded (no flash of initials
 *  when a row is drawn again), else undefined; null when none matches. */
export function peekBrandIcon(issuer: string, name: string): BrandIcon | null | undefined {
  if (!loaded) return undefined;
  const b = matchBrand(loaded.lookup, issuer, name);
  if (!b) return null;
  const path = paths.get(b.slug);
  return path ? { ...b, path } : undefined;
}

/** The icon for an entry, loading what it needs; null when none matches
 *  (or its chunk could not be read: the initials stay). */
export async function loadBrandIcon(issuer: string, name: string): Promise<BrandIcon | null> {
  try {
    const { lookup, starts } = await loadIndex();
    const b = matchBrand(lookup, issuer, name);
    if (!b) return null;
    const path = await loadPath(starts, b.slug);
    return path ? { ...b, path } : null;
  } catch {
    return null;
  }
}

// ---- the setting ----------------------------------------------------------

/** Where Settings keeps "Show brand icons" ("0" off; anything else on). */
export const BRAND_ICONS_KEY = "apiq.brandIcons";

const listeners = new Set<(on: boolean) => void>();
/** The choice made in this window when storage refused it. */
let unstored: boolean | null = null;

/** Whether brand icons are shown (on unless turned off). */
export function brandIconsOn(): boolean {
  if (unstored !== null) return unstored;
  try {
    return globalThis.localStorage?.getItem(BRAND_ICONS_KEY) !== "0";
  } catch {
    return true;
  }
}

/** Stores the setting and redraws the rows that listen. */
export function setBrandIcons(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(BRAND_ICONS_KEY, on ? "1" : "0");
    unstored = null;
  } catch {
    unstored = on; // no storage: the choice holds until the window closes
  }
  for (const f of listeners) f(on);
}

/** Calls `f` with every change of the setting; returns the unsubscribe. */
export function onBrandIconsChange(f: (on: boolean) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
