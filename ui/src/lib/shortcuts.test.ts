import { describe, expect, it } from "vitest";
import { SHORTCUTS } from "./shortcuts";
// The docs page as text (Vite's ?raw import).
import doc from "../../../docs/desktop.md?raw";

describe("keyboard shortcuts", () => {
  it("the docs' table lists exactly what the window shows", () => {
    const section = doc.slice(doc.indexOf("## Keyboard"), doc.indexOf("## Known problems"));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(SHORTCUTS.map(([k, d]) => [k, d]));
  });

  it("every key is listed once", () => {
    const keys = SHORTCUTS.map(([k]) => k);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
