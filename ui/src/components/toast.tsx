// Short messages at the bottom of the window, some with an action (Undo).
//
// One message at a time: a newer one replaces the one shown, so a burst
// ("Added 1 account", "Added 1 account", "Imported 7") never piles up over
// the list. Two exceptions: a message with an action (Undo) stays above the
// newer one until it expires, since replacing it would take the undo away;
// and the same text again is not shown twice but counted ("… ×2").
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useRef, useState } from "preact/hooks";
import { pushToast, type Toast } from "../lib/toasts";

export type { Toast };

type Show = (t: Omit<Toast, "id" | "count">) => void;
const Ctx = createContext<Show>(() => {});

export function useToast(): Show {
  return useContext(Ctx);
}

export function ToastHost({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const current = useRef<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const replace = useCallback((after: Toast[]) => {
    for (const old of current.current) {
      if (!after.some((a) => a.id === old.id)) {
        clearTimeout(timers.current.get(old.id));
        timers.current.delete(old.id);
      }
    }
    current.current = after;
    setToasts(after);
  }, []);
  const dismiss = useCallback((id: number) => replace(current.current.filter((x) => x.id !== id)), [replace]);
  const show = useCallback<Show>(
    (t) => {
      const after = pushToast(current.current, { ...t, id: next.current++, count: 1 });
      // (Re)start the timer of the one that now carries this message.
      const shown = after[after.length - 1];
      clearTimeout(timers.current.get(shown.id));
      timers.current.set(
        shown.id,
        setTimeout(() => dismiss(shown.id), t.ms ?? (t.error ? 6000 : 3500)),
      );
      replace(after);
    },
    [dismiss, replace],
  );
  return (
    <Ctx.Provider value={show}>
      {children}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast${t.error ? " error" : ""}`} data-testid={t.error ? "toast-error" : "toast"}>
            <span>
              {t.text}
              {t.count > 1 && <span class="toast-count"> ×{t.count}</span>}
            </span>
            {t.action && (
              <button
                type="button"
                data-testid="toast-action"
                onClick={() => {
                  t.action?.run();
                  dismiss(t.id);
                }}
              >
                {t.action.label}
              </button>
            )}
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}
