// Where the keyboard goes when a screen, a dialog or an inline form appears.
//
// The `autofocus` attribute is applied by WebKit at its next rendering
// update, which on a busy machine comes after the person (or a test) has
// already clicked into another field or onto a button: the late focus then
// pulled the keystrokes into the first field, and scrolling to it moved a
// dialog's body under a click on its way (the backups list that "never
// loaded" in the settings e2e, issue 17). Focus is therefore set in the
// same task as the render that shows the field, before anything else can
// happen, and never taken from a field inside the same container.
import type { RefObject } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";

/** A ref callback that focuses its element once, as it is mounted. Stable
 *  (module-level), so Preact calls it on mount and unmount only. */
export function autoFocus(el: HTMLElement | null): void {
  el?.focus();
}

/** Focuses the first field of `container` (an `[data-autofocus]` one, else
 *  the first input, text area, select or primary button), unless the focus
 *  is in the container already. Call from a layout effect. */
export function focusFirstField(container: HTMLElement | null): void {
  if (!container || container.contains(document.activeElement)) return;
  // The first one that can take the focus: not hidden (a file input behind
  // a button), not disabled. Without this filter the add dialog opened by
  // Ctrl+N tried its hidden file input first and left the focus behind the
  // dialog, where a keyboard user cannot reach it (issue 16, keyboard-only
  // e2e).
  const usable = (el: HTMLElement) => !el.matches(":disabled") && el.getClientRects().length > 0;
  const marked = [...container.querySelectorAll<HTMLElement>("[data-autofocus]")].find(usable);
  const first =
    marked ?? [...container.querySelectorAll<HTMLElement>("input, textarea, select, button.primary")].find(usable);
  first?.focus();
}

/** Busy state for a section whose buttons are disabled while an action
 *  runs. Disabling drops the focus, and the action may remove the button
 *  that had it (a removed pack's Remove): when the action ends the focus
 *  goes back to `target`, unless the person has gone on to a control
 *  outside `section` meanwhile. It moves in a layout effect, in the render
 *  that enables the buttons, so no frame (and no test reading the focus)
 *  sees it lost. `run` marks the section busy for the time of `work`. */
export function useBusyFocus(
  section: RefObject<HTMLElement>,
  target: RefObject<HTMLElement>,
): { busy: boolean; run: (work: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [refocus, setRefocus] = useState(false);
  useLayoutEffect(() => {
    if (!refocus || busy) return;
    setRefocus(false);
    const a = document.activeElement;
    if (!a || a === document.body || section.current?.contains(a)) target.current?.focus();
  }, [refocus, busy]);
  async function run(work: () => Promise<void>) {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
      setRefocus(true);
    }
  }
  return { busy, run };
}
