// The authenticator window, end to end in the real app: create a vault, add
// by URI and by a QR image file (a hostile one refused), import an Aegis
// export, codes equal to an independent implementation's, search, copy and
// clipboard clearing, recovery codes, lock / wrong password / unlock,
// restart persistence.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  backToCodes, PASSWORD, ROOT, SHOTS, all, click, entries, find, findVisible, freshDataDir, hotp, readClipboard,
  screenshot, sleep, startApp, tid, totpAround, type, typeLines, waitFor, writeClipboard,
} from "./helpers.js";

const CLEAR_SECS = 3;
const AEGIS = join(ROOT, "tests/fixtures/aegis-importers/aegis_plain.json");
const aegis = JSON.parse(readFileSync(AEGIS, "utf8")).db.entries;
const URI_SECRET = "JBSWY3DPEHPK3PXP";
const URI = `otpauth://totp/Example%20Corp:alice@example.com?secret=${URI_SECRET}&issuer=Example%20Corp`;
const QR_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const QR_URI = `otpauth://totp/Forgejo:bob?secret=${QR_SECRET}&issuer=Forgejo&digits=8&algorithm=SHA256`;

let driver;

async function entryByIssuer(issuer) {
  const list = await entries(driver);
  const e = list.find((x) => x.issuer === issuer);
  assert.ok(e, `no entry for ${issuer}; have ${list.map((x) => x.issuer).join(", ")}`);
  return e;
}

/** Clicks a button inside an entry's row, finding the row again if the
 *  list re-rendered in between. */
async function clickInEntry(issuer, testid) {
  await waitFor(driver, async () => {
    const e = await entryByIssuer(issuer);
    await e.el.findElement(tid(testid)).click();
    return true;
  }, `click ${testid} of ${issuer}`);
}

/** Asserts the window shows the code our own TOTP gives for a secret. */
async function assertCode(issuer, secret, opts) {
  await waitFor(driver, async () => {
    const e = await entryByIssuer(issuer);
    return totpAround(secret, opts).has(e.code);
  }, `${issuer}: the code shown is not the expected TOTP`);
}

describe("authenticator window", () => {
  // Each test starts from the code list with no dialog open.
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    freshDataDir({ clipboardClearSecs: CLEAR_SECS, autoLockSecs: 0 });
    driver = await startApp();
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("first run creates a vault (password twice, strength shown)", async () => {
    await findVisible(driver, "vault-create", 20000);
    await type(driver, "vault-password", "short");
    await type(driver, "vault-password-confirm", "shirt");
    await click(driver, "vault-create");
    const err = await findVisible(driver, "vault-error");
    assert.match(await err.getText(), /at least 8 characters|differ/);
    await type(driver, "vault-password", PASSWORD);
    const meter = await find(driver, "vault-strength");
    assert.match(await meter.getText(), /Good|Strong/);
    await type(driver, "vault-password-confirm", PASSWORD);
    await screenshot(driver, "create-vault");
    await click(driver, "vault-create");
    await findVisible(driver, "add-open", 30000);
    await screenshot(driver, "empty-vault");
  });

  test("adds an account from an otpauth:// URI with a live preview", async () => {
    await click(driver, "add-open");
    await type(driver, "add-uri", "not a link");
    const err = await findVisible(driver, "add-error");
    assert.match(await err.getText(), /not an otpauth/);
    await type(driver, "add-uri", URI);
    const item = await findVisible(driver, "preview-item");
    assert.equal(await item.getAttribute("data-status"), "new");
    await screenshot(driver, "add-uri-preview");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "the entry did not appear");
    const e = await entryByIssuer("Example Corp");
    assert.equal(e.name, "alice@example.com");
    await assertCode("Example Corp", URI_SECRET);
    // The code is grouped for reading.
    assert.match(await e.el.findElement(tid("entry-code")).getText(), /^\d{3} \d{3}$/);
  });

  test("the same URI again is marked duplicate and cannot be added", async () => {
    await click(driver, "add-open");
    await type(driver, "add-uri", URI);
    const item = await findVisible(driver, "preview-item");
    assert.equal(await item.getAttribute("data-status"), "duplicate");
    assert.equal(await (await find(driver, "add-save")).isEnabled(), false);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
  });

  test("adds an account from an image file holding a QR code", async () => {
    const png = join(SHOTS, "qr-input.png");
    execFileSync("qrencode", ["-o", png, "-s", "6", QR_URI]);
    await click(driver, "add-open");
    const input = await find(driver, "add-file-input");
    await input.sendKeys(png);
    const item = await findVisible(driver, "preview-item", 15000);
    assert.equal(await item.getAttribute("data-status"), "new");
    await screenshot(driver, "add-image-preview");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "the QR entry did not appear");
    await assertCode("Forgejo", QR_SECRET, { digits: 8, algorithm: "SHA256" });
  });

  test("an image claiming far more pixels than its file holds is refused with a clear error", async () => {
    // The 31 bytes the fuzzer found: a GIF header claiming 9609x3408 pixels.
    const gif = join(SHOTS, "qr-bomb.gif");
    writeFileSync(gif, Buffer.from("R0lGODdhiSVQDQAAACxCCk56iVAAANj/xGIAAAABKw==", "base64"));
    await click(driver, "add-open");
    await (await find(driver, "add-file-input")).sendKeys(gif);
    const error = await findVisible(driver, "add-error", 15000);
    assert.match(
      await error.getText(),
      /Image too large for its file: 9609x3408 pixels in 31 bytes \(damaged, blank or a decompression bomb\)\./,
    );
    assert.equal((await all(driver, "preview-item")).length, 0);
    await screenshot(driver, "add-image-refused");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    assert.equal((await all(driver, "entry")).length, 2, "nothing was added");
  });

  test("imports an Aegis export; every code equals an independent implementation's", async () => {
    await click(driver, "main-menu");
    await click(driver, "import-open");
    const input = await find(driver, "import-file");
    await input.sendKeys(AEGIS);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === aegis.length, "the preview did not list every entry");
    await screenshot(driver, "import-preview");
    await click(driver, "import-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2 + aegis.length, "the imported entries did not appear");
    await screenshot(driver, "codes-after-import");
    for (const a of aegis.filter((x) => x.type !== "hotp")) {
      await assertCode(a.issuer, a.info.secret, {
        digits: a.info.digits,
        algorithm: a.info.algo,
        period: a.info.period,
        steam: a.type === "steam",
      });
    }
  });

  test("HOTP shows a code only on 'next', which advances the counter", async () => {
    const a = aegis.find((x) => x.issuer === "Issuu");
    assert.equal((await entryByIssuer("Issuu")).code, "");
    await clickInEntry("Issuu", "entry-hotp-next");
    const want = hotp(a.info.secret, a.info.counter, { digits: a.info.digits, algorithm: a.info.algo });
    await waitFor(driver, async () => (await entryByIssuer("Issuu")).code === want, "HOTP code at the stored counter");
    await clickInEntry("Issuu", "entry-hotp-next");
    const want2 = hotp(a.info.secret, a.info.counter + 1, { digits: a.info.digits, algorithm: a.info.algo });
    await waitFor(driver, async () => (await entryByIssuer("Issuu")).code === want2, "HOTP code at the next counter");
  });

  test("search filters as you type (issuer, account)", async () => {
    await type(driver, "search", "james");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "two entries of James");
    const names = (await entries(driver)).map((e) => e.issuer).sort();
    assert.deepEqual(names, ["Issuu", "SPDX"]);
    await screenshot(driver, "search");
    await type(driver, "search", "forgejo");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "one entry for forgejo");
    await type(driver, "search", "zzzz-nothing");
    await findVisible(driver, "no-match");
    await type(driver, "search", "");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2 + aegis.length, "all entries back");
  });

  test("copy puts the code on the clipboard (marked secret for clipboard managers) and clears it after the delay", async () => {
    await clickInEntry("Example Corp", "entry-copy");
    await waitFor(driver, async () => totpAround(URI_SECRET).has(readClipboard()), "the clipboard holds the code", 5000);
    // KDE's hint, which Klipper, GPaste and CopyQ read as "keep out of history".
    assert.equal(readClipboard("x-kde-passwordManagerHint"), "secret");
    await screenshot(driver, "copied");
    await waitFor(driver, async () => readClipboard() === "", "the clipboard was cleared", (CLEAR_SECS + 4) * 1000);
  });

  test("the clipboard is left alone when it changed since the copy", async () => {
    await clickInEntry("Example Corp", "entry-copy");
    await waitFor(driver, async () => totpAround(URI_SECRET).has(readClipboard()), "the clipboard holds the code", 5000);
    writeClipboard("something the person copied");
    await sleep((CLEAR_SECS + 2) * 1000);
    assert.equal(readClipboard(), "something the person copied");
  });

  test("Enter on a focused entry copies too; ? lists the shortcuts (keyboard)", async () => {
    const search = await type(driver, "search", "Forgejo");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "one entry");
    await search.sendKeys(Key.ENTER);
    await waitFor(driver, async () => totpAround(QR_SECRET, { digits: 8, algorithm: "SHA256" }).has(readClipboard()), "Enter in the search copies the first match", 5000);
    await type(driver, "search", "");
    // "?" outside a field lists the shortcuts.
    await driver.executeScript("document.activeElement && document.activeElement.blur()");
    await driver.actions().sendKeys("?").perform();
    const help = await findVisible(driver, "shortcuts-dialog");
    assert.match(await help.getText(), /Ctrl\+L[\s\S]*Lock/);
    await screenshot(driver, "shortcuts");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(driver, async () => (await all(driver, "shortcuts-dialog")).length === 0, "the shortcuts closed");
  });

  test("stores recovery codes per entry, marks one used, counts the rest", async () => {
    await clickInEntry("Example Corp", "recovery-open");
    await typeLines(driver, "recovery-input", ["1. abcd-efgh-1234", "2. ijkl-mnop-5678", "3. qrst-uvwx-9012", "4. yzab-cdef-3456"]);
    await waitFor(driver, async () => /4 codes found/.test(await (await find(driver, "recovery-parsed")).getText()), "4 codes parsed");
    await click(driver, "recovery-save");
    await waitFor(driver, async () => (await all(driver, "recovery-item")).length === 4, "4 codes stored");
    const items = await all(driver, "recovery-item");
    assert.equal(await items[0].getAttribute("data-used"), "false");
    await items[1].findElement(tid("recovery-item-used")).click();
    await waitFor(driver, async () => (await (await all(driver, "recovery-item"))[1].getAttribute("data-used")) === "true", "code 2 marked used");
    assert.match(await (await find(driver, "recovery-remaining")).getText(), /^3 of 4/);
    await screenshot(driver, "recovery-codes");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
  });

  test("lock, wrong password refused, right password unlocks", async () => {
    await click(driver, "vault-lock");
    await findVisible(driver, "vault-unlock");
    assert.equal((await all(driver, "entry")).length, 0);
    await type(driver, "vault-password", "not the password");
    await click(driver, "vault-unlock");
    const err = await findVisible(driver, "vault-error", 15000);
    assert.match(await err.getText(), /Wrong password/);
    await screenshot(driver, "wrong-password");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2 + aegis.length, "entries back after unlock", 20000);
  });

  test("everything is still there after a restart", async () => {
    await driver.quit();
    driver = await startApp();
    // The keyring slot opens the vault by itself when a keyring is
    // reachable; otherwise the password does.
    await waitFor(driver, async () => (await all(driver, "entry")).length > 0 || (await all(driver, "vault-unlock")).length > 0, "the window came up", 30000);
    if ((await all(driver, "vault-unlock")).length > 0) {
      await type(driver, "vault-password", PASSWORD);
      await click(driver, "vault-unlock");
    }
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2 + aegis.length, "entries after restart", 20000);
    await assertCode("Example Corp", URI_SECRET);
    // The HOTP counter advanced twice and was saved.
    const a = aegis.find((x) => x.issuer === "Issuu");
    await clickInEntry("Issuu", "entry-hotp-next");
    const want = hotp(a.info.secret, a.info.counter + 2, { digits: a.info.digits, algorithm: a.info.algo });
    await waitFor(driver, async () => (await entryByIssuer("Issuu")).code === want, "HOTP counter persisted");
    // And the recovery codes.
    await clickInEntry("Example Corp", "recovery-open");
    await waitFor(driver, async () => (await all(driver, "recovery-item")).length === 4, "recovery codes after restart");
    assert.match(await (await find(driver, "recovery-remaining")).getText(), /^3 of 4/);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await screenshot(driver, "after-restart");
  });
});
