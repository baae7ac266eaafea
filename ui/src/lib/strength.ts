// A password strength estimate for the create-vault form: an entropy
// guess from the character classes and length, lowered for repetition,
// sequences and the commonest passwords. It guides; it does not forbid.
import { t } from "../i18n";

export interface Strength {
  /** 0 (very weak) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
}

const COMMON = new Set([
  "password",
  "123456",
  "12345678",
  "123456789",
  "qwerty",
  "abc123",
  "111111",
  "letmein",
  "iloveyou",
  "admin",
  "welcome",
  "monkey",
  "dragon",
  "passw0rd",
  "password1",
  "qwertyuiop",
  "1234567890",
  "000000",
  "secret",
]);

const LABELS = ["strength.veryWeak", "strength.weak", "strength.fair", "strength.good", "strength.strong"] as const;

export function estimateBits(pw: string): number {
  if (!pw) return 0;
  let pool = 0;
  if (/[a-z]/.test(pw)) pool += 26;
  if (/[A-Z]/.test(pw)) pool += 26;
  if (/[0-9]/.test(pw)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(pw)) pool += 33;
  // Count only "surprising" characters: a repeat of the previous one or
  // the next in a run (abc, 123) adds little.
  let effective = 0;
  const points = Array.from(pw, (ch) => ch.codePointAt(0) ?? 0); // one code point per `ch`
  for (let i = 0; i < points.length; i++) {
    const prev = i > 0 ? points[i - 1] : -10;
    const cur = points[i];
    effective += cur === prev || Math.abs(cur - prev) === 1 ? 0.25 : 1;
  }
  return effective * Math.log2(Math.max(pool, 2));
}

export function strength(pw: string): Strength {
  if (!pw) return { score: 0, label: t(LABELS[0]), hint: t("strength.choose") };
  if (COMMON.has(pw.toLowerCase())) {
    return { score: 0, label: t(LABELS[0]), hint: t("strength.common") };
  }
  const bits = estimateBits(pw);
  const score = (bits < 28 ? 0 : bits < 40 ? 1 : bits < 60 ? 2 : bits < 80 ? 3 : 4) as Strength["score"];
  const hint = score >= 3 ? t("strength.goodHint") : pw.length < 12 ? t("strength.shortHint") : t("strength.moreHint");
  return { score, label: t(LABELS[score]), hint };
}
