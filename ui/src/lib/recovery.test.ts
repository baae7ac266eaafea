import { describe, expect, it } from "vitest";
import { foundLabel, recoveryWarning } from "./recovery";

describe("recoveryWarning", () => {
  it("warns when none are stored, none or few are left", () => {
    expect(recoveryWarning(null, 0)).toMatch(/No recovery codes/);
    expect(recoveryWarning(0, 10)).toMatch(/All recovery codes are used/);
    expect(recoveryWarning(1, 10)).toMatch(/Only 1 recovery code left/);
    expect(recoveryWarning(2, 10)).toMatch(/Only 2 recovery codes left/);
    expect(recoveryWarning(3, 10)).toBeNull();
  });
});

describe("foundLabel", () => {
  it("counts in words", () => {
    expect(foundLabel(0)).toBe("");
    expect(foundLabel(1)).toBe("1 code found");
    expect(foundLabel(10)).toBe("10 codes found");
  });
});
