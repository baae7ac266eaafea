// The preview shared by adding and importing: each item marked new,
// duplicate or unsupported, with why.
import type { Preview } from "../ipc";

const STATUS_LABEL = { new: "New", duplicate: "Already added", unsupported: "Unsupported" } as const;

export function PreviewList({ preview }: { preview: Preview }) {
  if (preview.items.length === 0) return null;
  return (
    <div data-testid="preview">
      <div class="label">
        {preview.newCount === preview.items.length
          ? `${preview.newCount} account${preview.newCount === 1 ? "" : "s"} to add`
          : `${preview.newCount} of ${preview.items.length} to add`}
      </div>
      <ul class="preview">
        {preview.items.map((it, i) => (
          <li key={i} data-testid="preview-item" data-status={it.status}>
            <div class="what">
              <div>{it.issuer || it.name || "Unnamed"}</div>
              <div class="reason">
                {it.issuer ? it.name : ""}
                {it.kind &&
                  ` · ${it.kind.toUpperCase()}${it.digits ? ` · ${it.digits} digits` : ""}${it.period ? ` · ${it.period} s` : ""}${it.algorithm && it.algorithm !== "SHA1" ? ` · ${it.algorithm}` : ""}`}
              </div>
              {it.reason && (
                <div class="reason" data-testid="preview-reason">
                  {it.reason}
                </div>
              )}
            </div>
            <span class={`badge ${it.status}`}>{STATUS_LABEL[it.status]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
