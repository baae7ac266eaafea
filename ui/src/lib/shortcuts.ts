// The code list's keyboard shortcuts, as shown by the "?" dialog (and
// listed in docs/desktop.md). The keys themselves are handled in
// views/codes.tsx. The key names are texts too: a German keyboard says
// "Strg", not "Ctrl".
import { t } from "../i18n";

/** The shortcuts in the active language: [keys, what they do]. */
export function shortcuts(): ReadonlyArray<readonly [keys: string, does: string]> {
  return [
    [t("shortcuts.searchKeys"), t("shortcuts.search")],
    [t("shortcuts.moveKeys"), t("shortcuts.move")],
    [t("shortcuts.reorderKeys"), t("shortcuts.reorder")],
    [t("shortcuts.copyKeys"), t("shortcuts.copy")],
    [t("shortcuts.addKeys"), t("shortcuts.add")],
    [t("shortcuts.importKeys"), t("shortcuts.import")],
    [t("shortcuts.lockKeys"), t("shortcuts.lock")],
    [t("shortcuts.editKeys"), t("shortcuts.edit")],
    [t("shortcuts.deleteKeys"), t("shortcuts.delete")],
    [t("shortcuts.escapeKeys"), t("shortcuts.escape")],
    [t("shortcuts.helpKeys"), t("shortcuts.help")],
    [t("shortcuts.quickCopyKeys"), t("shortcuts.quickCopy")],
  ];
}
