// Short messages at the bottom of the window, some with an action (Undo).
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useRef, useState } from "preact/hooks";

export interface Toast {
  id: number;
  text: string;
  error?: boolean;
  action?: { label: string; run: () => void };
  ms?: number;
}

type Show = (t: Omit<Toast, "id">) => void;
const Ctx = createContext<Show>(() => {});

export function useToast(): Show {
  return useContext(Ctx);
}

export function ToastHost({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback<Show>((t) => {
    const id = next.current++;
    setToasts((ts) => [...ts.slice(-2), { ...t, id }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), t.ms ?? (t.error ? 6000 : 3500));
  }, []);
  return (
    <Ctx.Provider value={show}>
      {children}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast${t.error ? " error" : ""}`} data-testid={t.error ? "toast-error" : "toast"}>
            <span>{t.text}</span>
            {t.action && (
              <button
                data-testid="toast-action"
                onClick={() => {
                  t.action!.run();
                  setToasts((ts) => ts.filter((x) => x.id !== t.id));
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
