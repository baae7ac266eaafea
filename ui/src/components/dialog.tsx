// A modal dialog: focus moves in, Escape closes, the page behind is inert
// to clicks.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { focusFirstField } from "../lib/focus";
import { Icon } from "./icons";
import { t } from "../i18n";

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  testid?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The focus moves in within the render that shows the dialog (a layout
  // effect), not after paint: see lib/focus.ts.
  useLayoutEffect(() => focusFirstField(ref.current), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        props.onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);
  return (
    <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testid}
        ref={ref}
        style={props.wide ? "max-width:560px" : undefined}
      >
        <header>
          <h2>{props.title}</h2>
          <button type="button" class="icon-btn" aria-label={t("common.close")} onClick={props.onClose}>
            <Icon name="close" />
          </button>
        </header>
        <div class="body">{props.children}</div>
        {props.footer && <footer>{props.footer}</footer>}
      </div>
    </div>
  );
}

/** Asks before something that cannot be taken back or shows a secret. */
export function Confirm(props: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testid?: string;
}) {
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onCancel}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            class={`btn primary${props.danger ? " danger" : ""}`}
            data-testid={props.testid}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        </>
      }
    >
      <div>{props.message}</div>
    </Dialog>
  );
}
