// The clock warning: shown while this machine's clock is more than 15 s
// off (the account server's Date, or the NTP server chosen in Settings);
// its text (from Rust) says by how much, which way and what to do.
import { useEffect, useState } from "preact/hooks";
import { api, onClock, type ClockView } from "../ipc";
import { t } from "../i18n";

export function ClockBanner() {
  const [v, setV] = useState<ClockView | null>(null);
  useEffect(() => {
    api.clockStatus().then(setV, () => {});
    const un = onClock(setV);
    return () => void un.then((f) => f());
  }, []);
  // A right clock shows nothing; the hidden mark says when it was checked
  // and by how much it is off (for tests and for the curious).
  if (!v?.off || !v.message)
    return (
      <span
        hidden
        data-testid="clock-checked"
        data-checked-at={String(v?.checkedAtMs ?? 0)}
        data-offset={String(v?.offsetS ?? "")}
      />
    );
  return (
    <div class="banner-warn" role="alert" data-testid="clock-warning" data-offset={String(v.offsetS ?? "")}>
      <strong>{t("clock.title")}</strong>
      <span>
        {v.message}
        {v.corrected && ` ${t("clock.corrected")}`}
      </span>
    </div>
  );
}
