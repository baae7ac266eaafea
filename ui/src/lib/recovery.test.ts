import { describe, expect, it } from "vitest";
import { parseRecoveryCodes, recoveryWarning } from "./recovery";

describe("parseRecoveryCodes", () => {
  it("reads one per line, dropping numbering, bullets, blanks and repeats", () => {
    const text = "1. abcd-efgh\n2) ijkl-mnop\n\n- qrst-uvwx\n• yz12-3456\nabcd-efgh\n";
    expect(parseRecoveryCodes(text)).toEqual(["abcd-efgh", "ijkl-mnop", "qrst-uvwx", "yz12-3456"]);
  });
  it("splits a pasted two-column grid", () => {
    expect(parseRecoveryCodes("aaaa 1111    bbbb 2222\r\ncccc\tdddd")).toEqual(["aaaa 1111", "bbbb 2222", "cccc", "dddd"]);
  });
  it("keeps codes that are only digits", () => {
    expect(parseRecoveryCodes("12345678\n87654321")).toEqual(["12345678", "87654321"]);
  });
});

describe("recoveryWarning", () => {
  it("warns when none are stored, none or few are left", () => {
    expect(recoveryWarning(null, 0)).toMatch(/No recovery codes/);
    expect(recoveryWarning(0, 10)).toMatch(/All recovery codes are used/);
    expect(recoveryWarning(1, 10)).toMatch(/Only 1 recovery code left/);
    expect(recoveryWarning(2, 10)).toMatch(/Only 2 recovery codes left/);
    expect(recoveryWarning(3, 10)).toBeNull();
  });
});
