import { describe, expect, it } from "vitest";
import { shortcuts } from "./shortcuts";
// The docs page as text (Vite's ?raw import).
import doc from "../../../docs/desktop.md?raw";

describe("keyboard shortcuts", () => {
  it("the docs' table lists exactly what the window shows", () => {
    const section = doc.slice(doc.indexOf("## Keyboard"), doc.indexOf("## Known problems"));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(shortcuts().map(([k, d]) => [k, d]));
  });

  it("every key is listed once", () => {
    const keys = shortcuts().map(([k]) => k);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
