// The manual order (the fifth sort mode): Alt+Down moves the selected
// account, dragging by the handle moves one onto another's place, and the
// order survives a restart. The theme: dark and light from Settings,
// whatever the desktop prefers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "selenium-webdriver";
import { all, click, entries, findVisible, screenshot, startWithNewVault, typeLines, waitFor } from "./helpers.js";
import { startAppWith, unlock } from "./desktop-helpers.js";

let driver;
// One valid base32 secret per account (a secret padded with one more
// letter is not base32, and the preview refused it).
const SECRETS = ["JBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLU", "GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK"];

const issuers = async () => (await entries(driver)).map((e) => e.issuer);

async function add(issuer) {
  const n = (await all(driver, "entry")).length;
  await click(driver, "add-open");
  await typeLines(driver, "add-uri", [`otpauth://totp/${issuer}:x?secret=${SECRETS[n]}&issuer=${issuer}`]);
  await findVisible(driver, "preview-item");
  await click(driver, "add-save");
  await waitFor(driver, async () => (await all(driver, "entry")).length === n + 1, `${issuer} added`);
}

async function settingsSelect(testid, value) {
  await click(driver, "main-menu");
  await click(driver, "settings-open");
  const sel = await findVisible(driver, testid);
  await driver.executeScript(
    "const s = arguments[0]; s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));",
    sel,
    value,
  );
  await click(driver, "settings-save");
  await waitFor(driver, async () => (await all(driver, "settings-dialog")).length === 0, "settings saved");
}

describe("manual order and theme", () => {
  before(async () => {
    driver = await startWithNewVault({ clipboardClearSecs: 0, autoLockSecs: 0, sort: "oldest" });
    for (const i of ["Alpha", "Bravo", "Charlie"]) await add(i);
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("Alt+Down moves the selected account in the manual order", async () => {
    await settingsSelect("settings-sort", "manual");
    assert.deepEqual(await issuers(), ["Alpha", "Bravo", "Charlie"]);
    const [first] = await all(driver, "entry");
    await driver.executeScript("arguments[0].focus()", first);
    await driver.actions().keyDown(Key.ALT).sendKeys(Key.ARROW_DOWN).keyUp(Key.ALT).perform();
    await waitFor(driver, async () => (await issuers()).join() === "Bravo,Alpha,Charlie", "Alpha moved down");
    await screenshot(driver, "manual-order-keyboard");
  });

  test("dragging by the handle moves an account onto another's place", async () => {
    const rows = await all(driver, "entry");
    const handle = await rows[2].findElement({ css: "[data-testid=entry-drag]" });
    await driver.actions().move({ origin: handle }).press().move({ origin: rows[0] }).move({ origin: rows[0], x: 2, y: 1 }).release().perform();
    await waitFor(driver, async () => (await issuers()).join() === "Charlie,Bravo,Alpha", "Charlie dragged to the top");
    await screenshot(driver, "manual-order-dragged");
  });

  test("the order survives a restart", async () => {
    await driver.quit();
    driver = await startAppWith([]);
    await unlock(driver);
    await waitFor(driver, async () => (await issuers()).length === 3, "the list");
    assert.deepEqual(await issuers(), ["Charlie", "Bravo", "Alpha"]);
  });

  test("the theme follows Settings", async () => {
    const bg = () => driver.executeScript("return getComputedStyle(document.documentElement).getPropertyValue('--bg').trim()");
    // The theme is applied by an effect after the saved settings render:
    // wait for it as a person would see it, a frame later.
    await settingsSelect("settings-theme", "dark");
    await waitFor(driver, async () => (await bg()) === "#111318", "the dark theme applied");
    assert.equal(await driver.executeScript("return document.documentElement.dataset.theme"), "dark");
    await screenshot(driver, "theme-dark");
    await settingsSelect("settings-theme", "light");
    await waitFor(driver, async () => (await bg()) === "#f6f7fb", "the light theme applied");
    await screenshot(driver, "theme-light");
  });
});
