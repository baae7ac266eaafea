// Validation of the manual add form, field by field, before anything goes
// to Rust (which validates again).
import type { ManualEntry } from "../ipc/bindings";
import { t } from "../i18n";

const BASE32 = /^[A-Z2-7]+=*$/;

/** The secret as base32 without spaces, dashes or padding, upper case. */
export function normalizeSecret(s: string): string {
  return s.replace(/[\s-]/g, "").toUpperCase();
}

export function validateManual(
  m: ManualEntry,
): Partial<Record<"secret" | "name" | "digits" | "period" | "counter", string>> {
  const out: Partial<Record<"secret" | "name" | "digits" | "period" | "counter", string>> = {};
  const s = normalizeSecret(m.secret);
  if (!s) out.secret = t("manual.secretMissing");
  else if (!BASE32.test(s)) out.secret = t("manual.secretBad");
  if (!m.issuer.trim() && !m.name.trim()) out.name = t("common.giveName");
  if (m.kind !== "steam" && (!Number.isInteger(m.digits) || m.digits < 6 || m.digits > 10))
    out.digits = t("manual.digitsRange");
  if (m.kind !== "hotp" && (!Number.isInteger(m.period) || m.period < 1 || m.period > 300))
    out.period = t("manual.periodRange");
  if (m.kind === "hotp" && (!Number.isInteger(m.counter) || m.counter < 0)) out.counter = t("manual.counterRange");
  return out;
}
