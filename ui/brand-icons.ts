/// <reference types="node" />
// The bundled brand icons (simple-icons, CC0-1.0), cut for lazy loading at
// build time. Three kinds of virtual module:
//   virtual:brand-index     the matching index (see BrandIndex in
//                           src/lib/brand.ts), a string of ~80 kB, loaded
//                           the first time a row asks for an icon;
//   virtual:brand-icons     a list of loaders, one per bucket;
//   virtual:brand-bucket-N  `{ slug: svgPath }` for a run of icons in slug
//                           order, each bucket its own small chunk.
// An icon file per chunk would put ~3,500 files into ui/dist (which the
// binary embeds) and a 3,500-entry import table into the index; buckets of
// about BUCKET_BYTES keep both small while a row still loads only its
// bucket, never the whole set. Nothing here is fetched from a network:
// the data come from the pinned npm package.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "vite";
import { normalizeName } from "./src/lib/brand.ts";

/** Target size of one bucket's SVG paths (an icon bigger than that has its own). */
export const BUCKET_BYTES = 24_000;

interface IconData {
  title: string;
  slug: string;
  hex: string;
  aliases?: {
    aka?: string[];
    old?: string[];
    loc?: Record<string, string>;
    dup?: { title: string; hex?: string }[];
  };
}

export interface BrandData {
  index: string;
  buckets: Record<string, string>[];
}

/** Reads simple-icons from node_modules into the index and the buckets. */
export function readBrandData(): BrandData {
  const require = createRequire(import.meta.url);
  const dataPath = require.resolve("simple-icons/icons.json");
  const iconsDir = join(dirname(dataPath), "..", "icons");
  const icons = (JSON.parse(readFileSync(dataPath, "utf8")) as IconData[])
    .filter((i) => i.slug)
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  const files = new Set(readdirSync(iconsDir));
  const lines: string[] = [];
  const buckets: Record<string, string>[] = [];
  let bucket: Record<string, string> = {};
  let bytes = 0;
  for (const icon of icons) {
    if (!files.has(`${icon.slug}.svg`)) continue;
    // Every simple-icons SVG is one <path> in a 24×24 view box.
    const svg = readFileSync(join(iconsDir, `${icon.slug}.svg`), "utf8");
    const path = /<path d="([^"]+)"/.exec(svg)?.[1];
    if (!path || !svg.includes('viewBox="0 0 24 24"')) continue;
    if (bytes > 0 && bytes + path.length > BUCKET_BYTES) {
      buckets.push(bucket);
      bucket = {};
      bytes = 0;
    }
    bucket[icon.slug] = path;
    bytes += path.length;
    const title = normalizeName(icon.title);
    const a = icon.aliases ?? {};
    const aliases = [...(a.aka ?? []), ...(a.old ?? []), ...Object.values(a.loc ?? {})].map(normalizeName);
    const keys = [title === icon.slug ? "" : title, ...new Set(aliases.filter((k) => k && k !== title))];
    lines.push([icon.slug, icon.hex.toUpperCase(), ...keys].join(","));
    for (const d of a.dup ?? []) {
      lines.push([icon.slug, (d.hex ?? icon.hex).toUpperCase(), normalizeName(d.title)].join(","));
    }
  }
  if (bytes > 0) buckets.push(bucket);
  return { index: lines.join("\n"), buckets };
}

const INDEX = "virtual:brand-index";
const LOADERS = "virtual:brand-icons";
const BUCKET = "virtual:brand-bucket-";

/** The Vite plugin that serves the three kinds of module. */
export function brandIcons(): Plugin {
  let data: BrandData | null = null;
  const get = () => {
    data ??= readBrandData();
    return data;
  };
  return {
    name: "apiq-brand-icons",
    resolveId(id) {
      if (id === INDEX || id === LOADERS || id.startsWith(BUCKET)) return `\0${id}`;
      return null;
    },
    load(id) {
      if (!id.startsWith("\0virtual:brand-")) return null;
      const real = id.slice(1);
      const d = get();
      if (real === INDEX) {
        // slug → bucket, as runs: the first slug of each bucket, in order.
        const starts = d.buckets.map((b) => Object.keys(b)[0]);
        return `export const index = ${JSON.stringify(d.index)};\nexport const bucketStarts = ${JSON.stringify(starts)};\n`;
      }
      if (real === LOADERS) {
        const list = d.buckets.map((_, n) => `() => import(${JSON.stringify(BUCKET + n)})`).join(",\n");
        return `export default [\n${list}\n];\n`;
      }
      const n = Number(real.slice(BUCKET.length));
      const b = d.buckets[n];
      if (!b) this.error(`no brand bucket ${n}`);
      return `export default ${JSON.stringify(b)};\n`;
    },
  };
}
