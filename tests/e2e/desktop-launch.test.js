// Launch with a URI (ui-testids.md, "Launch with a URI, clock"): started
// with an otpauth:// URI the app opens the add dialog with its preview and
// add-save stores it; a second launch (same user, same APIQ_DATA_DIR,
// through the session bus) hands its URI to the running window and exits
// 0; an image path opens the add dialog with the QR code read, an export
// file the import dialog.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import { DATA_DIR, all, click, entries, findVisible, screenshot, waitFor } from "./helpers.js";
import { createVault, freshDataDir, secondLaunch, startAppWith } from "./desktop-helpers.js";

const FIRST = "otpauth://totp/Launch:first@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Launch";
const SECOND = "otpauth://totp/Handed:second@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF&issuer=Handed";
const IMAGE_URI = "otpauth://totp/Pictured:third@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Pictured";
const FILE_URI = "otpauth://totp/Filed:fourth@example.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Filed";

let driver;

async function previewShows(issuer) {
  await findVisible(driver, "add-uri", 15000);
  await waitFor(driver, async () => {
    const items = await all(driver, "preview-item");
    for (const i of items) if ((await i.getText()).includes(issuer)) return true;
    return false;
  }, `the preview shows ${issuer}`, 15000);
}

async function saveAndSee(issuer) {
  await click(driver, "add-save");
  await waitFor(driver, async () => (await entries(driver)).some((e) => e.issuer === issuer), `${issuer} stored`, 15000);
}

describe("launch with a URI; single instance", () => {
  before(async () => {
    freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0 });
    driver = await startAppWith([FIRST]);
    await createVault(driver);
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("started with a URI, the add dialog previews it; add-save stores it", async () => {
    await previewShows("Launch");
    assert.equal(await (await findVisible(driver, "add-uri")).getAttribute("value"), FIRST);
    await screenshot(driver, "started-with-uri");
    await saveAndSee("Launch");
  });

  test("a second launch hands its URI over and exits 0", async () => {
    const r = await secondLaunch([SECOND]);
    assert.equal(r.code, 0, `the second process: ${r.stderr}`);
    await previewShows("Handed");
    await screenshot(driver, "handed-over");
    await saveAndSee("Handed");
    // Still one app: the first one's window holds both accounts.
    const issuers = (await entries(driver)).map((e) => e.issuer).sort();
    assert.deepEqual(issuers, ["Handed", "Launch"]);
  });

  test("a second launch with an image path reads its QR code", async () => {
    const png = join(DATA_DIR, "..", "launch-qr.png");
    execFileSync("qrencode", ["-o", png, "-s", "6", IMAGE_URI]);
    const r = await secondLaunch([png]);
    assert.equal(r.code, 0, r.stderr);
    await previewShows("Pictured");
    await screenshot(driver, "image-handed-over");
    await saveAndSee("Pictured");
  });

  test("a second launch with an export file opens the import dialog", async () => {
    const file = join(DATA_DIR, "..", "launch-export.txt");
    writeFileSync(file, `${FILE_URI}\n`);
    const r = await secondLaunch([file]);
    assert.equal(r.code, 0, r.stderr);
    await findVisible(driver, "import-dialog", 15000);
    await waitFor(driver, async () => {
      for (const i of await all(driver, "preview-item")) if ((await i.getText()).includes("Filed")) return true;
      return false;
    }, "the import preview shows Filed", 15000);
    await screenshot(driver, "file-handed-over");
  });

  test("a second launch with a missing file says so", async () => {
    await driver.actions().sendKeys(Key.ESCAPE).perform(); // close the import dialog
    const r = await secondLaunch([join(DATA_DIR, "no-such-file.png")]);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(driver, async () => {
      const t = await driver.executeScript("return document.body.innerText");
      return /was not found/.test(t);
    }, "the missing file reported", 10000);
  });
});
