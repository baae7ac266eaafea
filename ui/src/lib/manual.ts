// Validation of the manual add form, field by field, before anything goes
// to Rust (which validates again).
import type { ManualEntry } from "../ipc/bindings";

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
  if (!s) out.secret = "Type or paste the secret key.";
  else if (!BASE32.test(s)) out.secret = "A secret key uses only the letters A–Z and the digits 2–7.";
  if (!m.issuer.trim() && !m.name.trim()) out.name = "Give the service or the account a name.";
  if (m.kind !== "steam" && (!Number.isInteger(m.digits) || m.digits < 6 || m.digits > 10))
    out.digits = "Between 6 and 10.";
  if (m.kind !== "hotp" && (!Number.isInteger(m.period) || m.period < 1 || m.period > 300))
    out.period = "Between 1 and 300 seconds.";
  if (m.kind === "hotp" && (!Number.isInteger(m.counter) || m.counter < 0)) out.counter = "A whole number, 0 or more.";
  return out;
}
