// Which brand icon an entry gets: pure matching of an issuer (and, when
// there is no issuer, the account name's e-mail domain) against the bundled
// simple-icons index, and the colours that keep the icon readable. Only an
// exact match of normalised names counts: a title, a slug, an alias, or the
// name under a domain's suffix. Anything else keeps the initials avatar, so
// no account ever shows a wrong brand. Loading lives in brand-load.ts.

/** One brand: its simple-icons slug (the icon's file name) and colour. */
export interface Brand {
  slug: string;
  /** Six hex digits, no "#". */
  hex: string;
}

/** The compact index the build generates from simple-icons (see
 *  ui/brand-icons.ts): one line per brand, `slug,HEX,title[,alias…]`, with
 *  the title and aliases normalised and the title left empty when it is
 *  the slug; a line whose slug repeats the line before it is a "dup" (the
 *  same glyph under another name and colour), whose title is an alias. */
export type BrandIndex = string;

/** Company-form words dropped from the end of a name ("Dropbox, Inc."). */
const COMPANY_SUFFIXES = new Set([
  "inc",
  "incorporated",
  "llc",
  "ltd",
  "limited",
  "gmbh",
  "corp",
  "corporation",
  "co",
  "company",
  "plc",
  "ag",
  "sa",
  "sas",
  "srl",
  "bv",
  "nv",
  "ab",
  "oy",
  "kk",
]);

/** A name as matching compares it: lower case, accents stripped, company
 *  forms at the end dropped, then every character that is not a letter or a
 *  digit removed ("Dropbox, Inc." → "dropbox", "Proton Mail" →
 *  "protonmail", "Crédit Agricole" → "creditagricole"). */
export function normalizeName(text: string): string {
  const words = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  while (words.length > 1 && COMPANY_SUFFIXES.has(words[words.length - 1])) words.pop();
  return words.join("");
}

/** Two-part public suffixes under which the registrable name is the third
 *  label from the right ("bbc.co.uk" → "bbc"). Not the whole public-suffix
 *  list: a domain under a suffix missing here is simply not matched. */
const SECOND_LEVEL = new Set(["co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gv"]);

/** The registrable name of a domain, normalised, or null when `text` is not
 *  one: "accounts.google.com" → "google", "https://login.gitlab.com/x" →
 *  "gitlab", "bbc.co.uk" → "bbc", "epic-games.com" → "epicgames". */
export function domainName(text: string): string | null {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)\.?(?::\d+)?(?:[/?#]\S*)?$/i.exec(text.trim());
  if (!m) return null;
  const labels = m[1].toLowerCase().split(".");
  const tld = labels[labels.length - 1];
  if (!/^[a-z]{2,}$/.test(tld)) return null; // an IP address, a version number
  let i = labels.length - 2;
  if (labels.length >= 3 && tld.length === 2 && SECOND_LEVEL.has(labels[i])) i -= 1;
  const name = labels[i] ? normalizeName(labels[i]) : "";
  return name && name !== "www" ? name : null;
}

/** Mail providers: an address there says where the person gets mail, not
 *  which service the code is for, so it never picks a brand. */
export const MAIL_PROVIDERS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "ymail.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "proton.me",
  "protonmail.com",
  "protonmail.ch",
  "pm.me",
  "aol.com",
  "gmx.com",
  "gmx.net",
  "gmx.de",
  "web.de",
  "t-online.de",
  "mail.ru",
  "yandex.ru",
  "yandex.com",
  "ukr.net",
  "tutanota.com",
  "tuta.io",
  "fastmail.com",
  "zoho.com",
  "hey.com",
  "posteo.de",
  "mailbox.org",
  "orange.fr",
  "free.fr",
  "laposte.net",
]);

/** Names and domain names known to mean a brand whose simple-icons title
 *  is different. Exact, normalised, and short on purpose. */
export const EXTRA_ALIASES: Record<string, string> = {
  steampowered: "steam",
  steamcommunity: "steam",
  twitter: "x",
  googlemail: "google",
};

/** One-character names that do mean their brand as an issuer. */
export const ONE_LETTER_BRANDS = new Set(["x"]);

/** A normalised name → its brand. Built once from the index. */
export type BrandLookup = Map<string, Brand>;

/** Reads the index into a lookup. A key is taken by the first brand that
 *  has it as its slug or title; an alias never displaces one, and an alias
 *  claimed by two brands means neither. One-character keys ("C", "R",
 *  "/e/") are too easily someone else's initial and are left out, but for
 *  ONE_LETTER_BRANDS. */
export function buildLookup(index: BrandIndex): BrandLookup {
  const primary = new Map<string, Brand>();
  const alias = new Map<string, Brand | null>();
  let prev: Brand | null = null;
  for (const line of index.split("\n")) {
    if (!line) continue;
    const [slug, hex, title, ...aliases] = line.split(",");
    const brand: Brand = { slug, hex };
    const dup = prev?.slug === slug;
    const named = (k: string | undefined, own: boolean) => {
      if (!k || (k.length <= 1 && !ONE_LETTER_BRANDS.has(k))) return;
      if (own) {
        if (!primary.has(k)) primary.set(k, brand);
        return;
      }
      const had = alias.get(k);
      if (had === undefined) alias.set(k, brand);
      else if (had !== null && had.slug !== slug) alias.set(k, null);
    };
    if (!dup) prev = brand;
    if (!dup) named(slug, true);
    named(title, !dup);
    for (const a of aliases) named(a, false);
  }
  const out: BrandLookup = new Map(primary);
  for (const [k, b] of alias) if (b && !out.has(k)) out.set(k, b);
  for (const [k, slug] of Object.entries(EXTRA_ALIASES)) {
    const b = out.get(slug);
    if (b && !out.has(k)) out.set(k, b);
  }
  return out;
}

/** The brand for an entry, or null: the issuer's normalised name, else
 *  the name under the issuer's domain ("accounts.google.com"), else, only
 *  when there is no issuer, the domain of an e-mail account name
 *  ("ann@github.com"), mail providers excepted. */
export function matchBrand(lookup: BrandLookup, issuer: string, name: string): Brand | null {
  const iss = issuer.trim();
  if (iss) {
    const whole = lookup.get(normalizeName(iss));
    if (whole) return whole;
    const dn = domainName(iss);
    return dn ? (lookup.get(dn) ?? null) : null;
  }
  const at = name.lastIndexOf("@");
  if (at < 0) return null;
  const host = name
    .slice(at + 1)
    .trim()
    .toLowerCase();
  if (MAIL_PROVIDERS.has(host)) return null;
  const dn = domainName(host);
  return dn ? (lookup.get(dn) ?? null) : null;
}

// ---- colours --------------------------------------------------------------

/** The avatar circle behind a brand-coloured glyph: --panel-2 in styles.css. */
export const CIRCLE = { light: "#eef0f6", dark: "#232733" } as const;

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of "#rrggbb" or "rrggbb". */
export function luminance(hex: string): number {
  const h = hex.replace(/^#/, "");
  const n = Number.parseInt(h, 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** How one brand is drawn in one theme: glyph colour on circle colour. */
export interface BrandColors {
  fg: string;
  bg: string;
}

/** The better readable of: white glyph on the brand colour, or the brand-
 *  coloured glyph on the neutral circle (white wins a tie, like the
 *  initials avatar). When neither reaches 3:1 (a white or near-white brand
 *  on the light theme), a dark glyph on the brand colour. */
export function brandColors(hex: string, theme: "light" | "dark"): BrandColors {
  const brand = `#${hex}`;
  const white = { fg: "#ffffff", bg: brand, ratio: contrast("#ffffff", brand) };
  const own = { fg: brand, bg: CIRCLE[theme], ratio: contrast(brand, CIRCLE[theme]) };
  const best = own.ratio > white.ratio ? own : white;
  if (best.ratio >= 3) return { fg: best.fg, bg: best.bg };
  return { fg: "#14161f", bg: brand };
}
