// Keyboard only (issue 16 item 3): after the vault is created, every step
// here is done with keys alone, as a person who cannot use a pointer would:
// add an account, copy its code, store recovery codes, change a setting,
// lock and unlock. The test only reads the page (which element has the
// focus, what is shown); it never clicks. A control that Tab cannot reach,
// or that Enter/Space does not work, fails it. The code is exposed to
// screen readers digit by digit, with the seconds left.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Key } from "selenium-webdriver";
import { PASSWORD, all, find, findVisible, readClipboard, screenshot, startWithNewVault, totpAround, waitFor } from "./helpers.js";

const SECRET = "JBSWY3DPEHPK3PXP";
const URI = `otpauth://totp/Keys:kim@example.com?secret=${SECRET}&issuer=Keys`;
let driver;

const keys = (...k) => driver.actions().sendKeys(...k).perform();
/** A key pressed with a modifier held (Ctrl+N): down, press, up. */
const withKey = (mod, key) => driver.actions().keyDown(mod).sendKeys(key).keyUp(mod).perform();
const focused = () =>
  driver.executeScript("const a = document.activeElement; return a ? a.getAttribute('data-testid') || '' : ''");

/** Presses Tab (Shift+Tab with `back`) until the element `testid` has the
 *  focus; fails when `max` presses do not reach it. */
async function tabTo(testid, { max = 40, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if ((await focused()) === testid) return;
    if (back) await withKey(Key.SHIFT, Key.TAB);
    else await keys(Key.TAB);
  }
  assert.equal(await focused(), testid, `${testid} cannot be reached with Tab`);
}

async function dialogs() {
  return driver.executeScript("return document.querySelectorAll('[role=dialog]').length");
}

describe("keyboard only", () => {
  before(async () => {
    driver = await startWithNewVault({ clipboardClearSecs: 0, autoLockSecs: 0 });
    await findVisible(driver, "add-open");
    // The window starts with nothing focused (the create form that had the
    // focus is gone); a keyboard user's first Tab lands on the first
    // control. Put it there without a click.
    await driver.executeScript("document.querySelector('[data-testid=search]')?.focus()");
    await screenshot(driver, "keyboard-start");
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("add an account: Ctrl+N, type, Tab to Save, Enter", async () => {
    await withKey(Key.CONTROL, "n");
    await findVisible(driver, "add-dialog");
    // The dialog has taken the focus (its first control); Tab to the link field.
    await waitFor(driver, () => driver.executeScript("return !!document.activeElement?.closest('[role=dialog]')"), "the dialog has the focus");
    await tabTo("add-uri");
    await keys(URI);
    await findVisible(driver, "preview-item");
    await tabTo("add-save");
    await keys(Key.ENTER);
    await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "the entry added");
    assert.equal(await dialogs(), 0);
  });

  test("the code reads digit by digit with the seconds left", async () => {
    const label = await (await find(driver, "entry-code")).getAttribute("aria-label");
    assert.match(label, /^Code \d \d \d \d \d \d, \d+ seconds? left$/, label);
    const digits = label.match(/\d( \d){5}/)[0].replaceAll(" ", "");
    assert.ok(totpAround(SECRET).has(digits), `${digits} is the entry's code`);
    assert.equal(await (await find(driver, "entry-code")).getAttribute("role"), "img");
  });

  test("copy the code: ↓ selects the entry, Enter copies", async () => {
    await keys(Key.ARROW_DOWN);
    await keys(Key.ENTER);
    await waitFor(driver, async () => totpAround(SECRET).has(readClipboard()), "the clipboard holds the code", 5000);
  });

  test("recovery codes: Tab to the row's button, Enter, type, Tab to Save, Enter, Esc", async () => {
    await tabTo("recovery-open");
    await keys(Key.ENTER);
    await findVisible(driver, "recovery-dialog");
    const add = await all(driver, "recovery-add");
    if (add.length) {
      await tabTo("recovery-add");
      await keys(Key.ENTER);
    }
    await tabTo("recovery-input");
    await keys("1a2b-3c4d", Key.ENTER, "5e6f-7a8b");
    // Save is enabled once the pasted text is read (a disabled button is
    // rightly not in the Tab order).
    await waitFor(driver, async () => (await find(driver, "recovery-save")).isEnabled(), "the codes read");
    await tabTo("recovery-save");
    await keys(Key.ENTER);
    await waitFor(driver, async () => (await all(driver, "recovery-item")).length === 2, "two codes stored");
    await screenshot(driver, "keyboard-recovery");
    await keys(Key.ESCAPE);
    await waitFor(driver, async () => (await dialogs()) === 0, "the dialog closed");
  });

  test("settings: the menu by Tab and Enter, a choice by arrow keys, Save by Enter", async () => {
    await tabTo("main-menu", { back: true });
    await keys(Key.ENTER);
    await tabTo("settings-open");
    await keys(Key.ENTER);
    await findVisible(driver, "settings-dialog");
    const before = await (await find(driver, "settings-theme")).getAttribute("value");
    await tabTo("settings-theme");
    await keys(Key.ARROW_DOWN);
    const chosen = await (await find(driver, "settings-theme")).getAttribute("value");
    assert.notEqual(chosen, before, "the arrow key changed the theme");
    await tabTo("settings-save");
    await keys(Key.ENTER);
    await waitFor(driver, async () => (await dialogs()) === 0, "settings saved and closed");
    await waitFor(
      driver,
      async () => (await driver.executeScript("return document.documentElement.dataset.theme")) === chosen,
      `the theme ${chosen} applied`,
    );
  });

  test("lock with Ctrl+L, unlock by typing the password and Enter", async () => {
    await withKey(Key.CONTROL, "l");
    await findVisible(driver, "vault-unlock");
    await waitFor(driver, async () => (await focused()) === "vault-password", "the password field has the focus");
    await keys(PASSWORD, Key.ENTER);
    await findVisible(driver, "add-open", 30000);
  });
});
