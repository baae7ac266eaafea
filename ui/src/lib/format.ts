// Pure view helpers for showing codes: grouping for reading, time left.
import { contrast } from "./brand";

/** Groups a code for reading: 6 → "123 456", 8 → "1234 5678",
 *  7 → "123 4567", 5 (Steam) and shorter stay whole. */
export function groupCode(code: string): string {
  const c = code.replace(/\s+/g, "");
  if (c.length <= 5) return c;
  if (c.length === 6) return `${c.slice(0, 3)} ${c.slice(3)}`;
  if (c.length === 7) return `${c.slice(0, 3)} ${c.slice(3)}`;
  if (c.length === 8) return `${c.slice(0, 4)} ${c.slice(4)}`;
  // 9 and 10 digits: groups of three from the left.
  return c.replace(/(.{3})(?=.)/g, "$1 ");
}

/** Whole seconds left until `validUntilMs`, never negative. */
export function secondsLeft(validUntilMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((validUntilMs - nowMs) / 1000));
}

/** Fraction of the period left (1 → just started, 0 → expired). */
export function fractionLeft(validUntilMs: number, periodSecs: number, nowMs: number): number {
  if (periodSecs <= 0) return 0;
  const f = (validUntilMs - nowMs) / (periodSecs * 1000);
  return Math.min(1, Math.max(0, f));
}

/** The next code is shown when less than this many seconds remain. */
export const NEXT_CODE_THRESHOLD_SECS = 5;

export function showNext(validUntilMs: number | null, nowMs: number): boolean {
  if (validUntilMs === null) return false;
  return validUntilMs - nowMs < NEXT_CODE_THRESHOLD_SECS * 1000;
}

/** The earliest moment any code in the list stops being valid, or null. */
export function nextRefreshMs(validUntil: Array<number | null>): number | null {
  let min: number | null = null;
  for (const v of validUntil) {
    if (v !== null && (min === null || v < min)) min = v;
  }
  return min;
}

/** Up to two letters naming an issuer, for its round icon. */
export function initials(issuer: string, name: string): string {
  const source = (issuer || name || "?").trim();
  const words = source
    .replace(/[^\p{L}\p{N}\s.-]/gu, " ")
    .split(/[\s.-]+/)
    .filter(Boolean);
  if (words.length === 0) return "?";
  if (words.length === 1) {
    // "GitHub" → "GH", "Google" → "G", "AWS" → "AW".
    const w = words[0];
    const caps = [...w].filter((c, i) => i > 0 && c !== c.toLowerCase() && c === c.toUpperCase());
    if (caps.length > 0 && w !== w.toUpperCase()) return (w[0] + caps[0]).toUpperCase();
    return w === w.toUpperCase() ? w.slice(0, 2) : w[0].toUpperCase();
  }
  return (words[0][0] + words[1][0]).toUpperCase();
}

/** "#rrggbb" for hsl(h s% l%). */
export function hslHex(h: number, s: number, l: number): string {
  const sat = s / 100;
  const lig = l / 100;
  const a = sat * Math.min(lig, 1 - lig);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The initials avatar's circle for an issuer: its own hue at 55 %
 *  saturation and 45 % lightness, darkened where the white letters would
 *  not reach 4.5:1 on it (yellows, greens and cyans: "ZT" on a yellow-green
 *  circle was 2.4:1, found by axe in the icons e2e). */
export function initialsColour(text: string): string {
  const h = hueFor(text);
  let l = 45;
  // A little over 4.5, so the browser's own rounding cannot fall below it.
  while (l > 10 && contrast("#ffffff", hslHex(h, 55, l)) < 4.55) l -= 1;
  return `hsl(${h} 55% ${l}%)`;
}

/** A stable hue (0–359) for an issuer, so its icon keeps its colour. */
export function hueFor(text: string): number {
  let h = 2166136261;
  for (const ch of text.toLowerCase()) {
    h ^= ch.codePointAt(0) ?? 0; // always defined: `ch` is one code point
    h = Math.imul(h, 16777619);
  }
  return Math.abs(h) % 360;
}
