// HOTP resync in the window: an HOTP account whose counter is behind (0,
// while the service is at 5); the next two codes the service accepts
// (counters 5 and 6, RFC 4226's test values) are typed into the resync
// dialog; the app's next code is then counter 7's. Wrong codes are
// refused and change nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { all, click, entries, findVisible, screenshot, startWithNewVault, type, typeLines, waitFor } from "./helpers.js";

// RFC 4226 appendix D: secret "12345678901234567890".
const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const CODES = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
let driver;

async function openResync() {
  const [row] = await all(driver, "entry");
  await (await row.findElement({ css: "[data-testid=entry-menu]" })).click();
  await click(driver, "entry-resync");
  await findVisible(driver, "resync-dialog");
}

describe("HOTP resync", () => {
  before(async () => {
    driver = await startWithNewVault();
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [`otpauth://hotp/Token:ann?secret=${SECRET}&counter=0&issuer=Token`]);
    await findVisible(driver, "preview-item");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "the account added");
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("codes out of order are refused", async () => {
    await openResync();
    await type(driver, "resync-code1", CODES[6]);
    await type(driver, "resync-code2", CODES[5]);
    await click(driver, "resync-save");
    const err = await findVisible(driver, "resync-error", 10000);
    assert.match(await err.getText(), /do not follow each other/);
    await screenshot(driver, "resync-refused");
  });

  test("the next two codes the service accepts move the counter after them", async () => {
    await type(driver, "resync-code1", CODES[5]);
    await type(driver, "resync-code2", CODES[6]);
    await click(driver, "resync-save");
    await waitFor(driver, async () => (await all(driver, "resync-dialog")).length === 0, "the dialog closed");
    await click(driver, "entry-hotp-next");
    await waitFor(driver, async () => (await entries(driver))[0].code === CODES[7], "counter 7's code shown", 10000);
    await screenshot(driver, "resync-done");
  });
});
