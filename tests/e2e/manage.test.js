// Managing entries in the real window: several links at once, the manual
// form's validation, edit (group, pin), delete with undo, show as QR (behind
// a confirmation and the vault password, decoded by zbarimg; all of them as migration batches),
// scan the screen, the clipboard image, a dropped image (the drop event a
// file manager's drag gives the page; a dropped text file refused),
// the next code in a period's last seconds, hidden codes, and the screen
// lock and idle auto-lock.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  backToCodes, DATA_DIR, PASSWORD, SHOTS, all, dialogReady, click, entries, find, findVisible, readClipboard, readMigration, screenshot, sleep, startApp, startWithNewVault, tid, totp, totpAround, type, typeLines, waitFor,
} from "./helpers.js";

const A = "otpauth://totp/Alpha:one@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha";
const B = "otpauth://totp/Beta:two@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF&issuer=Beta";
const SCREEN_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
const SCREEN_URI = `otpauth://totp/Gamma:three@example.com?secret=${SCREEN_SECRET}&issuer=Gamma`;
let driver;

async function menu(issuer, item) {
  await waitFor(driver, async () => {
    const e = (await entries(driver)).find((x) => x.issuer === issuer);
    await e.el.findElement(tid("entry-menu")).click();
    return true;
  }, `open the menu of ${issuer}`);
  await click(driver, item);
}

describe("managing entries", () => {
  // Each test starts from the code list with no dialog open.
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    driver = await startWithNewVault();
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("two links pasted at once are previewed and added together", async () => {
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [A, B]);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 2, "two items previewed");
    assert.match(await (await find(driver, "add-save")).getText(), /Add 2 accounts/);
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "two entries");
  });

  test("the manual form says what is wrong, then adds", async () => {
    await click(driver, "add-open");
    await click(driver, "add-manual");
    await type(driver, "manual-issuer", "Delta");
    await type(driver, "manual-name", "four");
    await type(driver, "manual-secret", "not base32!");
    assert.match(await (await findVisible(driver, "manual-secret-error")).getText(), /A–Z and the digits 2–7/);
    await type(driver, "manual-secret", "gezd gnbv gy3t qojq");
    await click(driver, "manual-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 3, "three entries");
    const d = (await entries(driver)).find((x) => x.issuer === "Delta");
    assert.ok(totpAround("GEZDGNBVGY3TQOJQ").has(d.code));
  });

  test("edit: group and pin move the entry into its sections", async () => {
    await menu("Beta", "entry-edit");
    await dialogReady(driver);
    await type(driver, "edit-group", "Work");
    await click(driver, "edit-save");
    await menu("Delta", "entry-edit");
    await dialogReady(driver);
    await click(driver, "edit-pinned");
    await type(driver, "edit-note", "the bank");
    await click(driver, "edit-save");
    await waitFor(driver, async () => (await entries(driver))[0].issuer === "Delta", "pinned entry first");
    const titles = await Promise.all((await driver.findElements({ css: ".section-title" })).map((e) => e.getText()));
    assert.deepEqual(titles.map((t) => t.toLowerCase()), ["pinned", "work", "other"]);
    await type(driver, "search", "bank");
    await waitFor(driver, async () => (await entries(driver)).length === 1, "the note is searched");
    await type(driver, "search", "");
    await screenshot(driver, "groups-and-pins");
  });

  test("delete, then undo brings the entry back", async () => {
    await menu("Alpha", "entry-delete");
    await waitFor(driver, async () => !(await entries(driver)).some((x) => x.issuer === "Alpha"), "Alpha gone");
    await click(driver, "toast-action");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Alpha"), "Alpha back");
    const a = (await entries(driver)).find((x) => x.issuer === "Alpha");
    assert.ok(totpAround("JBSWY3DPEHPK3PXP").has(a.code));
  });

  test("show as QR only after a confirmation; the QR holds the entry", async () => {
    await menu("Alpha", "entry-qr");
    await findVisible(driver, "qr-confirm");
    assert.equal((await all(driver, "qr-image")).length, 0);
    await screenshot(driver, "qr-confirm");
    await click(driver, "qr-confirm");
    // The QR code shows the secret: the vault's password is asked first.
    await findVisible(driver, "confirm-password");
    assert.equal((await all(driver, "qr-image")).length, 0);
    await type(driver, "confirm-password", "not the password");
    await click(driver, "confirm-submit");
    assert.match(await (await findVisible(driver, "confirm-error", 15000)).getText(), /Wrong password/);
    assert.equal((await all(driver, "qr-image")).length, 0);
    await type(driver, "confirm-password", PASSWORD);
    await click(driver, "confirm-submit");
    const img = await findVisible(driver, "qr-image", 15000);
    const src = await img.getAttribute("src");
    const png = join(SHOTS, "qr-shown.png");
    writeFileSync(png, Buffer.from(src.replace(/^data:image\/png;base64,/, ""), "base64"));
    const decoded = execFileSync("zbarimg", ["--quiet", "--raw", png]).toString().trim();
    assert.match(decoded, /^otpauth:\/\/totp\//);
    assert.match(decoded, /secret=JBSWY3DPEHPK3PXP/);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
  });

  test("scans the screen and finds the QR code shown there", async () => {
    const png = join(SHOTS, "qr-on-screen.png");
    execFileSync("qrencode", ["-o", png, "-s", "5", SCREEN_URI]);
    const viewer = spawn("display", ["-geometry", "+720+120", png], { stdio: "ignore" });
    try {
      await sleep(1500);
      await click(driver, "add-open");
      await click(driver, "add-screen");
      const item = await findVisible(driver, "preview-item", 20000);
      assert.equal(await item.getAttribute("data-status"), "new");
      await click(driver, "add-save");
      await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Gamma" && totpAround(SCREEN_SECRET).has(x.code)), "Gamma added from the screen");
    } finally {
      viewer.kill();
    }
  });

  test("adds from an image on the clipboard", async () => {
    const secret = "ONSWG4TFORZWK3DFMNZGK5DTMVRXEZLU";
    const png = join(SHOTS, "qr-clipboard.png");
    execFileSync("qrencode", ["-o", png, "-s", "6", `otpauth://totp/Epsilon:five@example.com?secret=${secret}&issuer=Epsilon`]);
    execFileSync("xclip", ["-selection", "clipboard", "-t", "image/png", "-i", png], { stdio: "ignore" });
    await click(driver, "add-open");
    await click(driver, "add-clipboard");
    const item = await findVisible(driver, "preview-item", 15000);
    assert.equal(await item.getAttribute("data-status"), "new");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Epsilon" && totpAround(secret).has(x.code)), "Epsilon added from the clipboard");
  });

  test("adds from an image dropped on the Add dialog; a dropped text file is refused with a reason", async () => {
    const secret = "MRZG64DQMVSC243FMNZGK5BNNNSXSLJR";
    const png = join(SHOTS, "qr-dropped.png");
    execFileSync("qrencode", ["-o", png, "-s", "6", `otpauth://totp/Eta:seven@example.com?secret=${secret}&issuer=Eta`]);
    // What the web view receives from a drop: a DataTransfer with a File.
    const drop = (name, type, b64) => driver.executeScript(`
      const bytes = Uint8Array.from(atob(arguments[2]), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], arguments[0], { type: arguments[1] }));
      const zone = document.querySelector('[data-testid="add-drop"]');
      zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));`, name, type, b64);
    await click(driver, "add-open");
    await findVisible(driver, "add-drop");
    await drop("notes.txt", "text/plain", Buffer.from("not an image").toString("base64"));
    await waitFor(driver, async () => /not an image/i.test(await driver.findElement(tid("add-dialog")).getText()), "a text file is refused with a reason");
    await drop("qr.png", "image/png", readFileSync(png).toString("base64"));
    const item = await findVisible(driver, "preview-item", 15000);
    assert.equal(await item.getAttribute("data-status"), "new");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Eta" && totpAround(secret).has(x.code)), "Eta added from the drop");
  });

  test("in a period's last seconds the next code shows beside the current one", async () => {
    // A 10-second period, so the last 5 seconds come soon.
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    await click(driver, "add-open");
    await type(driver, "add-uri", `otpauth://totp/Zeta:six@example.com?secret=${secret}&issuer=Zeta&period=10`);
    await findVisible(driver, "preview-item");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Zeta"), "Zeta added");
    let shown = "";
    await waitFor(driver, async () => {
      const z = (await entries(driver)).find((x) => x.issuer === "Zeta");
      const next = await z.el.findElements(tid("entry-next"));
      if (next.length === 0) return false;
      shown = (await next[0].getText()).replace(/\D/g, "");
      return true;
    }, "Zeta's next code shown", 15000);
    const now = Date.now() / 1000;
    const want = new Set([now - 1.5, now, now + 1.5].map((t) => totp(secret, t + 10, { period: 10 })));
    assert.ok(want.has(shown), `next ${shown} is the code of the following period`);
    await screenshot(driver, "next-code");
  });

  test("every account as QR codes for a phone: Google's batches, and a code of its own for what they cannot hold", async () => {
    const want = (await entries(driver)).map((e) => e.issuer).sort();
    await click(driver, "main-menu");
    await click(driver, "qr-all");
    await findVisible(driver, "qr-confirm");
    assert.equal((await all(driver, "qr-image")).length, 0, "nothing shown before the confirmation");
    await click(driver, "qr-confirm");
    // The secrets are shown: the vault's password first (asked every time
    // by default: Settings can remember it for a few minutes).
    await type(driver, "confirm-password", PASSWORD);
    await click(driver, "confirm-submit");
    // Every page, decoded by zbarimg.
    const got = [];
    const notes = [];
    for (let page = 0; ; page++) {
      const img = await findVisible(driver, "qr-image");
      const png = join(SHOTS, `qr-all-${page}.png`);
      writeFileSync(png, Buffer.from((await img.getAttribute("src")).replace(/^data:image\/png;base64,/, ""), "base64"));
      const decoded = execFileSync("zbarimg", ["--quiet", "--raw", png]).toString().trim();
      if (decoded.startsWith("otpauth-migration:")) {
        got.push(...readMigration(decoded));
      } else {
        assert.match(decoded, /^otpauth:\/\/totp\//);
        const u = new URL(decoded);
        got.push({ issuer: u.searchParams.get("issuer"), secret: u.searchParams.get("secret"), period: u.searchParams.get("period") });
        notes.push(await (await find(driver, "qr-note")).getText());
        if (notes.length === 1) await screenshot(driver, "qr-own-code");
      }
      const next = await all(driver, "qr-next");
      if (next.length === 0 || !(await next[0].isEnabled())) break;
      const label = await (await find(driver, "qr-label")).getText();
      await next[0].click();
      await waitFor(driver, async () => (await (await find(driver, "qr-label")).getText()) !== label, "the next QR code");
    }
    assert.deepEqual(got.map((e) => e.issuer).sort(), want, "every account once, none left behind");
    assert.equal(got.find((e) => e.issuer === "Alpha").secret, "JBSWY3DPEHPK3PXP");
    assert.equal(got.find((e) => e.issuer === "Beta").name, "two@example.com");
    // Zeta's 10-second period does not fit Google's format: its own code, saying why.
    assert.equal(got.find((e) => e.issuer === "Zeta").period, "10");
    assert.equal(notes.length, 1);
    assert.match(notes[0], /10-second period/);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(driver, async () => (await all(driver, "qr-dialog")).length === 0, "the QR dialog closed");
  });

  test("hidden codes show after a click", async () => {
    await click(driver, "main-menu");
    await click(driver, "settings-open");
    await click(driver, "settings-hide");
    await click(driver, "settings-save");
    await waitFor(driver, async () => (await entries(driver)).every((e) => /^•+$/.test(e.code)), "codes hidden");
    await screenshot(driver, "hidden-codes");
    const a = (await entries(driver)).find((x) => x.issuer === "Alpha");
    await a.el.click();
    await waitFor(driver, async () => totpAround("JBSWY3DPEHPK3PXP").has((await entries(driver)).find((x) => x.issuer === "Alpha").code), "Alpha shown after the click");
  });

  test("the vault locks when the screen locks (screensaver signal), and our copy leaves the clipboard", async () => {
    // This window never clears the clipboard by timer (clipboardClearSecs 0):
    // only the lock can empty it.
    const a = (await entries(driver)).find((x) => x.issuer === "Alpha");
    await a.el.findElement(tid("entry-copy")).click();
    await waitFor(driver, async () => totpAround("JBSWY3DPEHPK3PXP").has(readClipboard()), "the code was copied", 5000);
    execFileSync("dbus-send", ["--session", "--type=signal", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged", "boolean:true"]);
    await waitFor(driver, async () => (await all(driver, "vault-unlock")).length === 1 && (await all(driver, "entry")).length === 0, "locked by the screen lock", 10000);
    assert.match(await (await find(driver, "vault-locked-why")).getText(), /screen locked/);
    assert.equal(readClipboard(), "", "locking cleared our copy");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 7, "unlocked again", 20000);
  });

  test("the vault locks itself after the idle time", async () => {
    await driver.quit();
    writeFileSync(join(DATA_DIR, "settings.json"), JSON.stringify({ clipboardClearSecs: 0, autoLockSecs: 3 }));
    driver = await startApp();
    await waitFor(driver, async () => (await all(driver, "vault-unlock")).length > 0 || (await all(driver, "entry")).length > 0, "window up", 30000);
    if ((await all(driver, "vault-unlock")).length > 0) {
      await type(driver, "vault-password", PASSWORD);
      await click(driver, "vault-unlock");
    }
    await waitFor(driver, async () => (await all(driver, "entry")).length === 7, "unlocked", 20000);
    await waitFor(driver, async () => (await all(driver, "vault-password")).length === 1 && (await all(driver, "entry")).length === 0, "locked after idle", 15000);
    assert.match(await (await find(driver, "vault-locked-why")).getText(), /without use/);
    await screenshot(driver, "auto-locked");
  });
});
