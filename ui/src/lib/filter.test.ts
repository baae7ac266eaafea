import { describe, expect, it } from "vitest";
import type { EntryView } from "../ipc/bindings";
import { filterEntries, flatten, sections } from "./filter";

function entry(id: string, issuer: string, name: string, extra: Partial<EntryView> = {}): EntryView {
  return { id, issuer, name, note: "", group: "", pinned: false, archived: false, kind: "totp", digits: 6, algorithm: "SHA1", period: 30, counter: null, recoveryRemaining: null, ...extra };
}

const list = [
  entry("1", "GitHub", "alice"),
  entry("2", "Proton", "alice@proton.me", { group: "Mail" }),
  entry("3", "Société Générale", "compte", { note: "bank account" }),
  entry("4", "AWS", "root", { pinned: true, group: "Work" }),
  entry("5", "Fastmail", "bob", { group: "mail" }),
];

describe("filterEntries", () => {
  it("matches issuer, account, note and group, any case and accent", () => {
    expect(filterEntries(list, "github").map((e) => e.id)).toEqual(["1"]);
    expect(filterEntries(list, "ALICE").map((e) => e.id)).toEqual(["1", "2"]);
    expect(filterEntries(list, "societe").map((e) => e.id)).toEqual(["3"]);
    expect(filterEntries(list, "bank").map((e) => e.id)).toEqual(["3"]);
    expect(filterEntries(list, "mail").map((e) => e.id)).toEqual(["2", "5"]);
  });
  it("needs every word", () => {
    expect(filterEntries(list, "alice proton").map((e) => e.id)).toEqual(["2"]);
    expect(filterEntries(list, "alice zzz")).toEqual([]);
  });
  it("keeps all for an empty query", () => {
    expect(filterEntries(list, "  ")).toHaveLength(5);
  });
});

describe("sections", () => {
  it("puts pinned first, then groups alphabetically, then the rest", () => {
    const s = sections(list);
    expect(s.map((x) => x.title)).toEqual(["Pinned", "Mail", "mail", "Other"]);
    expect(flatten(s).map((e) => e.id)).toEqual(["4", "2", "5", "1", "3"]);
  });
  it("has no title when nothing is grouped or pinned", () => {
    const s = sections([entry("1", "b", ""), entry("2", "a", "")]);
    expect(s).toHaveLength(1);
    expect(s[0].title).toBe("");
    expect(s[0].entries.map((e) => e.id)).toEqual(["2", "1"]);
  });
});
