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
