// The preview shared by adding and importing: each item marked new,
// duplicate or unsupported, with why.
import type { Preview } from "../ipc";
import { t } from "../i18n";

const STATUS_LABEL = {
  new: "preview.new",
  duplicate: "preview.duplicate",
  unsupported: "preview.unsupported",
} as const;

export function PreviewList({ preview }: { preview: Preview }) {
  if (preview.items.length === 0) return null;
  return (
    <div data-testid="preview">
      <div class="label">
        {preview.newCount === preview.items.length
          ? t("preview.toAdd", { count: preview.newCount })
          : t("preview.someToAdd", { count: preview.newCount, total: preview.items.length })}
      </div>
      <ul class="preview">
        {preview.items.map((it, i) => (
          <li key={i} data-testid="preview-item" data-status={it.status}>
            <div class="what">
              <div>{it.issuer || it.name || t("preview.unnamed")}</div>
              <div class="reason">
                {it.issuer ? it.name : ""}
                {it.kind &&
                  ` · ${it.kind.toUpperCase()}${it.digits ? ` · ${t("preview.digits", { count: it.digits })}` : ""}${it.period ? ` · ${t("preview.seconds", { count: it.period })}` : ""}${it.algorithm && it.algorithm !== "SHA1" ? ` · ${it.algorithm}` : ""}`}
              </div>
              {it.reason && (
                <div class="reason" data-testid="preview-reason">
                  {it.reason}
                </div>
              )}
            </div>
            <span class={`badge ${it.status}`}>{t(STATUS_LABEL[it.status])}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
