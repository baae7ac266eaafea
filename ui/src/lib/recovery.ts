// What the recovery-code views say about the stored codes. Parsing pasted
// codes is the vault crate's (command recovery_parse), so that the count
// shown before saving is what gets stored.

/** The warning to show for the remaining count, or null when there is
 *  nothing to say. */
export function recoveryWarning(remaining: number | null, total: number): string | null {
  if (remaining === null || total === 0) return "No recovery codes stored for this account.";
  if (remaining === 0) return "All recovery codes are used. Generate new ones on the service now.";
  if (remaining <= 2)
    return `Only ${remaining} recovery code${remaining === 1 ? "" : "s"} left. Generate new ones soon.`;
  return null;
}

/** "3 codes found" under the paste box; empty for none. */
export function foundLabel(n: number): string {
  return n === 0 ? "" : `${n} code${n === 1 ? "" : "s"} found`;
}
