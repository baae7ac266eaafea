// The code list's keyboard shortcuts, as shown by the "?" dialog (and
// listed in docs/desktop.md). The keys themselves are handled in
// views/codes.tsx.
export const SHORTCUTS: ReadonlyArray<readonly [keys: string, does: string]> = [
  ["/ or Ctrl+F", "Search"],
  ["↑ ↓", "Move between entries"],
  ["Alt+↑ Alt+↓", "Move the selected entry up or down (in your own order)"],
  ["Enter", "Copy the selected entry's code (in the search field: the first match)"],
  ["Ctrl+N", "Add an account"],
  ["Ctrl+I", "Import from another app"],
  ["Ctrl+L", "Lock"],
  ["E", "Edit the selected entry"],
  ["Delete", "Delete the selected entry (with Undo)"],
  ["Esc", "Close a dialog; clear the search"],
  ["?", "Show these shortcuts"],
  ["Ctrl+Alt+A", "Quick copy from anywhere on the desktop (changeable in Settings)"],
];
