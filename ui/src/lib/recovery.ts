// Reading recovery codes pasted from a service's page or text file, for the
// preview before they are stored.

/** One code per line; numbering ("1.", "2)"), bullets, blank lines and
 *  repeated codes are dropped; a line holding several codes separated by
 *  whitespace (a pasted two-column grid) gives each. */
export function parseRecoveryCodes(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s*(?:[-*•]|\d{1,3}[.)])\s+/, "").trim();
    if (!line) continue;
    const parts = /\s{2,}|\t/.test(line) ? line.split(/\s{2,}|\t/) : [line];
    for (const p of parts) {
      const code = p.trim();
      if (!code || seen.has(code)) continue;
      seen.add(code);
      out.push(code);
    }
  }
  return out;
}

/** The warning to show for the remaining count, or null when there is
 *  nothing to say. */
export function recoveryWarning(remaining: number | null, total: number): string | null {
  if (remaining === null || total === 0) return "No recovery codes stored for this account.";
  if (remaining === 0) return "All recovery codes are used. Generate new ones on the service now.";
  if (remaining <= 2) return `Only ${remaining} recovery code${remaining === 1 ? "" : "s"} left. Generate new ones soon.`;
  return null;
}
