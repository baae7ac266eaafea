// What the recovery-code views say about the stored codes. Parsing pasted
// codes is the vault crate's (command recovery_parse), so that the count
// shown before saving is what gets stored.
import { t } from "../i18n";

/** The warning to show for the remaining count, or null when there is
 *  nothing to say. */
export function recoveryWarning(remaining: number | null, total: number): string | null {
  if (remaining === null || total === 0) return t("recovery.noneStored");
  if (remaining === 0) return t("recovery.allUsed");
  if (remaining <= 2) return t("recovery.fewLeft", { count: remaining });
  return null;
}

/** "3 codes found" under the paste box; empty for none. */
export function foundLabel(n: number): string {
  return n === 0 ? "" : t("recovery.found", { count: n });
}
