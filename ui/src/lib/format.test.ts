import { describe, expect, it } from "vitest";
import { contrast } from "./brand";
import {
  fractionLeft,
  groupCode,
  hslHex,
  hueFor,
  initials,
  initialsColour,
  nextRefreshMs,
  secondsLeft,
  showNext,
} from "./format";

describe("groupCode", () => {
  it.each([
    ["123456", "123 456"],
    ["1234567", "123 4567"],
    ["12345678", "1234 5678"],
    ["123456789", "123 456 789"],
    ["1234567890", "123 456 789 0"],
    ["2BC4F", "2BC4F"],
    ["12 34 56", "123 456"],
  ])("%s → %s", (code, want) => expect(groupCode(code)).toBe(want));
});

describe("time left", () => {
  const until = 1_700_000_010_000;
  it("counts whole seconds up", () => {
    expect(secondsLeft(until, until - 9_001)).toBe(10);
    expect(secondsLeft(until, until - 9_000)).toBe(9);
    expect(secondsLeft(until, until + 5)).toBe(0);
  });
  it("gives the fraction of the period", () => {
    expect(fractionLeft(until, 30, until - 15_000)).toBeCloseTo(0.5);
    expect(fractionLeft(until, 30, until - 45_000)).toBe(1);
    expect(fractionLeft(until, 30, until + 1)).toBe(0);
  });
  it("shows the next code under five seconds", () => {
    expect(showNext(until, until - 5_000)).toBe(false);
    expect(showNext(until, until - 4_999)).toBe(true);
    expect(showNext(null, until)).toBe(false);
  });
  it("refreshes at the earliest end", () => {
    expect(nextRefreshMs([null, 5, 3, null, 9])).toBe(3);
    expect(nextRefreshMs([null])).toBeNull();
  });
});

describe("initials", () => {
  it.each([
    ["GitHub", "", "GH"],
    ["Google", "", "G"],
    ["AWS", "", "AW"],
    ["Proton Mail", "", "PM"],
    ["", "alice@example.com", "AE"],
    ["", "", "?"],
  ])("%s / %s → %s", (issuer, name, want) => expect(initials(issuer, name)).toBe(want));
  it("keeps a stable hue per issuer", () => {
    expect(hueFor("GitHub")).toBe(hueFor("github"));
    expect(hueFor("GitHub")).toBeGreaterThanOrEqual(0);
    expect(hueFor("GitHub")).toBeLessThan(360);
  });
});

describe("initialsColour", () => {
  it("converts HSL like CSS does", () => {
    expect(hslHex(0, 100, 50)).toBe("#ff0000");
    expect(hslHex(120, 100, 25)).toBe("#008000");
    expect(hslHex(210, 55, 45)).toBe("#3473b2");
  });

  it("white initials reach 4.5:1 on every hue; hues that did keep their colour", () => {
    const parse = (c: string) =>
      c
        .match(/^hsl\((\d+) 55% (\d+)%\)$/)
        ?.slice(1)
        .map(Number) ?? [];
    for (let i = 0; i < 2000; i++) {
      const name = `Issuer ${i}`;
      const [h, l] = parse(initialsColour(name));
      expect(h).toBe(hueFor(name));
      expect(contrast("#ffffff", hslHex(h, 55, l))).toBeGreaterThanOrEqual(4.5);
      if (contrast("#ffffff", hslHex(h, 55, 45)) >= 4.55) expect(l).toBe(45);
    }
    // "Zeta Tools" (hue 76) was white on #90b234, 2.4:1.
    expect(initialsColour("Zeta Tools")).not.toBe("hsl(76 55% 45%)");
    expect(initialsColour("GitHub")).toBe(`hsl(${hueFor("GitHub")} 55% 45%)`);
  });
});

import { toBase64 } from "../ipc/encode";
describe("toBase64", () => {
  it("matches Node's encoder, across chunk boundaries", () => {
    const bytes = new Uint8Array(70000).map((_, i) => (i * 7) % 256);
    // atob is the independent decoder here.
    const back = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0));
    expect(back).toEqual(bytes);
    expect(toBase64(new TextEncoder().encode("hello"))).toBe("aGVsbG8=");
    expect(toBase64(new Uint8Array())).toBe("");
  });
});
