// The password strength meter under a new password field.
import { strength } from "../lib/strength";

const METER_COLORS = ["#d32f2f", "#f57c00", "#fbc02d", "#7cb342", "#2e7d32"];

export function StrengthMeter({ password, testid }: { password: string; testid: string }) {
  const s = strength(password);
  return (
    <>
      <div class="meter" aria-hidden="true">
        <div style={{ width: `${password ? (s.score + 1) * 20 : 0}%`, background: METER_COLORS[s.score] }} />
      </div>
      <div class="meter-label" data-testid={testid} aria-live="polite">
        {password && (
          <>
            <b>{s.label}.</b>
            {s.hint}
          </>
        )}
      </div>
    </>
  );
}
