// Quick copy from anywhere: the global shortcut (Ctrl+Alt+A, an X11 key
// grab, pressed with xdotool under Xvfb) opens the always-on-top palette;
// typing filters, Enter copies the right code (read back with xclip) and
// hides it; Escape hides it; a locked vault asks for the password there.
// A changed shortcut (Settings) works and the old one no longer does.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PASSWORD, SHOTS, all, click, findVisible, readClipboard, sleep, startWithNewVault, totpAround, type, typeLines, waitFor, writeClipboard } from "./helpers.js";
import { screenShot, waitWindow, xdo } from "./desktop-helpers.js";

const TITLE = "Apiq Quick Copy";
const ACCOUNTS = [
  ["Alpha", "JBSWY3DPEHPK3PXP"],
  ["Bravo", "KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF"],
  ["Charlie", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"],
];
let driver;

/** Presses the shortcut and waits for the palette; gives it the keyboard
 *  (no window manager under Xvfb moves the focus by itself). */
async function openPalette(keys = "ctrl+alt+a") {
  xdo("key", "--clearmodifiers", keys);
  const [id] = await waitWindow(TITLE, true);
  xdo("windowfocus", "--sync", id);
  await sleep(150);
  return id;
}

describe("quick copy", () => {
  before(async () => {
    driver = await startWithNewVault({ clipboardClearSecs: 0, autoLockSecs: 0 });
    for (const [issuer, secret] of ACCOUNTS) {
      const n = (await all(driver, "entry")).length;
      await click(driver, "add-open");
      await typeLines(driver, "add-uri", [`otpauth://totp/${issuer}:ann?secret=${secret}&issuer=${issuer}`]);
      await findVisible(driver, "preview-item");
      await click(driver, "add-save");
      await waitFor(driver, async () => (await all(driver, "entry")).length === n + 1, `${issuer} added`);
    }
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("the shortcut opens the palette; typing and Enter copy the right code and hide it", async () => {
    writeClipboard("something else");
    await openPalette();
    xdo("type", "--delay", "30", "brav");
    await sleep(300);
    screenShot(join(SHOTS, "desktop-palette-01-open-filtered.png"));
    xdo("key", "Return");
    await waitWindow(TITLE, false);
    await waitFor(driver, async () => totpAround(ACCOUNTS[1][1]).has(readClipboard()), "Bravo's code on the clipboard");
  });

  test("arrows pick another row; Escape hides without copying", async () => {
    await openPalette();
    xdo("key", "Down", "Down");
    await sleep(200);
    xdo("key", "Return");
    await waitWindow(TITLE, false);
    // No filter, issuer order: Alpha, Bravo, Charlie; two downs: Charlie.
    await waitFor(driver, async () => totpAround(ACCOUNTS[2][1]).has(readClipboard()), "Charlie's code on the clipboard");
    writeClipboard("kept");
    await openPalette();
    xdo("key", "Escape");
    await waitWindow(TITLE, false);
    assert.equal(readClipboard(), "kept");
  });

  test("a locked vault is unlocked in the palette", async () => {
    await click(driver, "vault-lock");
    await findVisible(driver, "vault-unlock");
    await openPalette();
    xdo("type", "--delay", "10", PASSWORD);
    xdo("key", "Return");
    await sleep(1500); // the password's key derivation
    screenShot(join(SHOTS, "desktop-palette-02-unlocked.png"));
    xdo("type", "--delay", "30", "alph");
    await sleep(300);
    xdo("key", "Return");
    await waitWindow(TITLE, false, 30000);
    await waitFor(driver, async () => totpAround(ACCOUNTS[0][1]).has(readClipboard()), "Alpha's code on the clipboard", 30000);
    // The main window follows: unlocked too.
    await findVisible(driver, "add-open", 15000);
  });

  test("a new shortcut from Settings replaces the old one", async () => {
    await click(driver, "main-menu");
    await click(driver, "settings-open");
    await type(driver, "settings-shortcut", "Ctrl+Alt+K");
    await click(driver, "settings-save");
    await waitFor(driver, async () => (await all(driver, "settings-dialog")).length === 0, "settings saved");
    xdo("key", "--clearmodifiers", "ctrl+alt+a");
    await sleep(700);
    assert.equal((await import("./desktop-helpers.js")).visibleWindows(TITLE).length, 0, "the old shortcut still opens the palette");
    await openPalette("ctrl+alt+k");
    xdo("key", "Escape");
    await waitWindow(TITLE, false);
  });
});
