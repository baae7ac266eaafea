// The virtual modules of ui/brand-icons.ts (the Vite plugin).
declare module "virtual:brand-index" {
  /** See BrandIndex in lib/brand.ts. */
  export const index: string;
  /** The first slug of each bucket, in slug order. */
  export const bucketStarts: string[];
}
declare module "virtual:brand-icons" {
  /** One loader per bucket: its icons' SVG paths by slug. */
  const loaders: (() => Promise<{ default: Record<string, string> }>)[];
  export default loaders;
}
