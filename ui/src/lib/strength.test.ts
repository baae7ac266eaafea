import { describe, expect, it } from "vitest";
import { strength } from "./strength";
import { validateManual } from "./manual";

describe("strength", () => {
  it("rates common and short passwords low and long mixed ones high", () => {
    expect(strength("password").score).toBe(0);
    expect(strength("abc").score).toBe(0);
    expect(strength("aaaaaaaaaaaa").score).toBeLessThanOrEqual(1);
    expect(strength("correct horse battery staple").score).toBeGreaterThanOrEqual(3);
    expect(strength("T7#kq!2Lm@9zR$").score).toBeGreaterThanOrEqual(3);
  });
  it("grows with length", () => {
    expect(strength("Tr0ub4dor&3xtra-long-phrase").score).toBeGreaterThanOrEqual(strength("Tr0ub4dor").score);
  });
});

describe("validateManual", () => {
  const base = {
    kind: "totp" as const,
    issuer: "Example",
    name: "me",
    secret: "JBSW Y3DP EHPK 3PXP",
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    counter: 0,
  };
  it("accepts a spaced lower-case base32 secret", () => {
    expect(validateManual({ ...base, secret: "jbsw-y3dp ehpk 3pxp" })).toEqual({});
  });
  it("names each bad field", () => {
    const p = validateManual({ ...base, secret: "JBSW1", digits: 5, period: 0, issuer: "", name: "" });
    expect(Object.keys(p).sort()).toEqual(["digits", "name", "period", "secret"]);
  });
  it("checks the counter only for HOTP", () => {
    expect(validateManual({ ...base, kind: "hotp", counter: -1 }).counter).toBeDefined();
    expect(validateManual({ ...base, counter: -1 }).counter).toBeUndefined();
  });
});
