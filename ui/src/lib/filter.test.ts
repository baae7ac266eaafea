import { describe, expect, it } from "vitest";
import type { EntryView } from "../ipc/bindings";
import { filterEntries, flatten, moveInOrder, sections } from "./filter";

function entry(id: string, issuer: string, name: string, extra: Partial<EntryView> = {}): EntryView {
  return {
    id,
    issuer,
    name,
    note: "",
    group: "",
    pinned: false,
    archived: false,
    kind: "totp",
    digits: 6,
    algorithm: "SHA1",
    period: 30,
    counter: null,
    recoveryRemaining: null,
    created: 0,
    icon: null,
    ...extra,
  };
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

describe("sort order", () => {
  const es = [
    entry("a", "Zeta", "anna", { created: 300 }),
    entry("b", "alpha", "zoe", { created: 100 }),
    entry("c", "Mid", "bob", { created: 400 }),
    entry("d", "Pinned", "x", { created: 50, pinned: true }),
  ];
  const order = (o: Parameters<typeof sections>[1]) => flatten(sections(es, o)).map((e) => e.id);
  it("orders within sections, pinned still first", () => {
    expect(order("issuer")).toEqual(["d", "b", "c", "a"]);
    expect(order("account")).toEqual(["d", "a", "c", "b"]);
    expect(order("newest")).toEqual(["d", "c", "a", "b"]);
    expect(order("oldest")).toEqual(["d", "b", "a", "c"]);
  });
  it("breaks ties the same way every time", () => {
    const same = [entry("2", "X", "y", { created: 5 }), entry("1", "X", "y", { created: 5 })];
    expect(flatten(sections(same, "newest")).map((e) => e.id)).toEqual(["1", "2"]);
    expect(flatten(sections([...same].reverse(), "newest")).map((e) => e.id)).toEqual(["1", "2"]);
  });
});

describe("the manual order", () => {
  const plain = [
    entry("a", "Alpha", "x", { created: 3 }),
    entry("b", "Beta", "x", { created: 1 }),
    entry("c", "Gamma", "x", { created: 2 }),
    entry("p", "Pinned", "x", { pinned: true, created: 4 }),
  ];
  it("follows the saved ids; unlisted entries follow, oldest first", () => {
    expect(flatten(sections(plain, "manual", ["c", "a", "b"])).map((e) => e.id)).toEqual(["p", "c", "a", "b"]);
    expect(flatten(sections(plain, "manual", ["a"])).map((e) => e.id)).toEqual(["p", "a", "b", "c"]);
    expect(flatten(sections(plain, "manual", [])).map((e) => e.id)).toEqual(["p", "b", "c", "a"]);
  });
  it("moves one step or onto a target, within the section only", () => {
    const secs = sections(plain, "manual", ["a", "b", "c"]);
    expect(moveInOrder(secs, "a", { step: 1 })).toEqual(["p", "b", "a", "c"]);
    expect(moveInOrder(secs, "c", { step: -1 })).toEqual(["p", "a", "c", "b"]);
    expect(moveInOrder(secs, "c", { target: "a" })).toEqual(["p", "c", "a", "b"]);
    expect(moveInOrder(secs, "a", { target: "c" })).toEqual(["p", "b", "c", "a"]);
    // Off the ends, onto itself, across sections, unknown: nothing.
    expect(moveInOrder(secs, "a", { step: -1 })).toBeNull();
    expect(moveInOrder(secs, "c", { step: 1 })).toBeNull();
    expect(moveInOrder(secs, "a", { target: "a" })).toBeNull();
    expect(moveInOrder(secs, "a", { target: "p" })).toBeNull();
    expect(moveInOrder(secs, "zz", { step: 1 })).toBeNull();
  });
});
