import { describe, expect, it } from "vitest";
import { createIconCache, type IconSource } from "./icons";

/** A fake Rust side that counts what it is asked. */
function fake(opts: { packs?: string[]; own?: Record<string, string | null>; byIssuer?: Record<string, string> } = {}) {
  const calls: string[] = [];
  let packs = opts.packs ?? [];
  let failOwn = false;
  const source: IconSource = {
    async entryIcon(id) {
      calls.push(`entry:${id}`);
      if (failOwn) throw new Error("gone");
      return opts.own?.[id] ?? null;
    },
    async packIcon(issuer) {
      calls.push(`pack:${issuer}`);
      return opts.byIssuer?.[issuer] ?? null;
    },
    async iconPacks() {
      calls.push("packs");
      return packs.map((uuid) => ({ uuid }));
    },
  };
  return {
    source,
    calls,
    setPacks: (p: string[]) => {
      packs = p;
    },
    failOwn: () => {
      failOwn = true;
    },
  };
}

describe("icon cache", () => {
  it("an entry's own picture wins, asked once per key however many rows ask", async () => {
    const f = fake({ own: { a: "data:image/png;base64,AAA" }, packs: ["p"], byIssuer: { Acme: "data:pack" } });
    const c = createIconCache(f.source);
    expect(c.peek("a", "k1", "Acme")).toBeUndefined();
    const got = await Promise.all([c.load("a", "k1", "Acme"), c.load("a", "k1", "Acme"), c.load("a", "k1", "Acme")]);
    expect(got).toEqual(Array(3).fill("data:image/png;base64,AAA"));
    expect(c.peek("a", "k1", "Acme")).toBe("data:image/png;base64,AAA");
    await c.load("a", "k1", "Acme");
    expect(f.calls).toEqual(["entry:a"]);
  });

  it("a new key asks again; the old picture is not kept", async () => {
    const own: Record<string, string | null> = { a: "data:one" };
    const f = fake({ own });
    const c = createIconCache(f.source);
    expect(await c.load("a", "k1", "")).toBe("data:one");
    own.a = "data:two";
    expect(c.peek("a", "k2", "")).toBeUndefined();
    expect(await c.load("a", "k2", "")).toBe("data:two");
    expect(c.peek("a", "k1", "")).toBeUndefined();
    expect(f.calls).toEqual(["entry:a", "entry:a"]);
  });

  it("no pack: the list is asked once and no issuer ever is", async () => {
    const f = fake();
    const c = createIconCache(f.source);
    expect(await Promise.all([c.load("a", null, "Acme"), c.load("b", null, "Beta")])).toEqual([null, null]);
    expect(await c.load("c", null, "Gamma")).toBeNull();
    // Known now: no pack means no picture, without asking.
    expect(c.peek("d", null, "Delta")).toBeNull();
    expect(f.calls).toEqual(["packs"]);
  });

  it("with packs, each issuer is asked once; an empty issuer never", async () => {
    const f = fake({ packs: ["p"], byIssuer: { Acme: "data:acme" } });
    const c = createIconCache(f.source);
    expect(await c.load("a", null, "Acme")).toBe("data:acme");
    expect(await c.load("b", null, " Acme ")).toBe("data:acme");
    expect(await c.load("c", null, "Other")).toBeNull();
    expect(await c.load("d", null, "Other")).toBeNull();
    expect(await c.load("e", null, "  ")).toBeNull();
    expect(c.peek("x", null, "Acme")).toBe("data:acme");
    expect(c.peek("x", null, "Other")).toBeNull();
    expect(c.peek("x", null, "Unasked")).toBeUndefined();
    expect(f.calls).toEqual(["packs", "pack:Acme", "pack:Other"]);
  });

  it("an own key without a picture falls back to the pack", async () => {
    const f = fake({ own: { a: null }, packs: ["p"], byIssuer: { Acme: "data:acme" } });
    const c = createIconCache(f.source);
    expect(await c.load("a", "k", "Acme")).toBe("data:acme");
    expect(c.peek("a", "k", "Acme")).toBe("data:acme");
    expect(f.calls).toEqual(["entry:a", "packs", "pack:Acme"]);
  });

  it("importing or removing a pack forgets the pack answers and tells the rows", async () => {
    const f = fake({ byIssuer: { Acme: "data:acme" } });
    const c = createIconCache(f.source);
    let told = 0;
    const un = c.onPacksChange(() => told++);
    expect(await c.load("a", null, "Acme")).toBeNull();
    f.setPacks(["p"]);
    c.packsChanged();
    expect(told).toBe(1);
    expect(c.peek("a", null, "Acme")).toBeUndefined();
    expect(await c.load("a", null, "Acme")).toBe("data:acme");
    // The new list handed over: not asked again.
    f.setPacks([]);
    c.packsChanged([]);
    expect(c.peek("a", null, "Acme")).toBeNull();
    expect(await c.load("a", null, "Acme")).toBeNull();
    un();
    c.packsChanged([]);
    expect(told).toBe(2);
    expect(f.calls).toEqual(["packs", "packs", "pack:Acme"]);
  });

  it("an answer to a question asked before the packs changed is not kept", async () => {
    const f = fake({ packs: ["p"], byIssuer: { Acme: "data:old" } });
    const c = createIconCache(f.source);
    const early = c.packs();
    c.packsChanged();
    await early;
    f.setPacks([]);
    expect(await c.load("a", null, "Acme")).toBeNull();
    expect(f.calls).toEqual(["packs", "packs"]);
  });

  it("a failed request means no picture, not an error, and is not repeated", async () => {
    const f = fake({ packs: ["p"] });
    f.failOwn();
    const c = createIconCache(f.source);
    expect(await c.load("a", "k", "")).toBeNull();
    expect(await c.load("a", "k", "")).toBeNull();
    expect(f.calls).toEqual(["entry:a"]);
  });

  it("locking drops the own pictures", async () => {
    const f = fake({ own: { a: "data:one" } });
    const c = createIconCache(f.source);
    expect(await c.own("a", "k")).toBe("data:one");
    c.forgetEntries();
    expect(c.peek("a", "k", "")).toBeUndefined();
    expect(await c.own("a", "k")).toBe("data:one");
    expect(f.calls).toEqual(["entry:a", "entry:a"]);
  });
});
