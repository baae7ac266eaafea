// Settings in the real window: changing the vault's password (the current
// one asked first; the old one refused afterwards) and restoring one of the
// automatic backups (after the password; undone the same way); the order
// of the codes; the password reminder when the keyring opens the vault.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  backToCodes, DATA_DIR, PASSWORD, all, click, entries, find, findVisible, screenshot, startApp, startWithNewVault, type, typeLines, waitFor,
} from "./helpers.js";

const NEW_PASSWORD = "a new, longer vault password 42";
// The vault's password as the tests have left it.
let current = PASSWORD;
let driver;

async function openSettings() {
  await click(driver, "main-menu");
  await click(driver, "settings-open");
  await findVisible(driver, "settings-dialog");
}

async function closeSettings() {
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitFor(driver, async () => (await all(driver, "settings-dialog")).length === 0, "settings closed");
}

describe("settings: vault password and backups", () => {
  // Each test starts from the code list with no dialog open (unlocked with
  // whichever password the vault has by then).
  beforeEach(() => backToCodes(driver, { password: current }));

  before(async () => {
    driver = await startWithNewVault();
    // Two saves, one account each: the backup between them holds Alpha alone.
    for (const uri of [
      "otpauth://totp/Alpha:one@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha",
      "otpauth://totp/Beta:two@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF&issuer=Beta",
    ]) {
      const before = (await all(driver, "entry")).length;
      await click(driver, "add-open");
      await typeLines(driver, "add-uri", [uri]);
      await findVisible(driver, "preview-item");
      await click(driver, "add-save");
      await waitFor(driver, async () => (await all(driver, "entry")).length === before + 1, "the account added");
    }
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("the password changes only after the current one; then the old one is refused", async () => {
    await openSettings();
    assert.equal(await (await find(driver, "settings-change-password")).isEnabled(), false);
    await type(driver, "settings-current-password", "not the password");
    await type(driver, "settings-new-password", NEW_PASSWORD);
    await type(driver, "settings-new-password-confirm", NEW_PASSWORD);
    assert.match(await (await find(driver, "settings-new-strength")).getText(), /\S/);
    await click(driver, "settings-change-password");
    await waitFor(driver, async () => /Wrong password/i.test(await (await find(driver, "settings-password-msg")).getText()), "the wrong current password refused", 20000);
    await type(driver, "settings-current-password", PASSWORD);
    await click(driver, "settings-change-password");
    await waitFor(driver, async () => /password is changed/.test(await (await find(driver, "settings-password-msg")).getText()), "the password changed", 30000);
    current = NEW_PASSWORD;
    await screenshot(driver, "password-changed");
    await closeSettings();

    await click(driver, "vault-lock");
    await findVisible(driver, "vault-unlock");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    assert.match(await (await findVisible(driver, "vault-error", 20000)).getText(), /Wrong password/);
    await type(driver, "vault-password", NEW_PASSWORD);
    await click(driver, "vault-unlock");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "unlocked with the new password", 20000);
  });

  test("a backup is restored after the password, and the restore is undone the same way", async () => {
    await openSettings();
    await click(driver, "backups-open");
    await waitFor(driver, async () => (await all(driver, "backup-item")).length >= 2, "the backups listed");
    const items = await all(driver, "backup-item");
    assert.equal((await all(driver, "backup-old-slots")).length, 0, "every backup re-sealed with the new password");
    // Newest first: the newest holds both accounts, an older one Alpha alone.
    assert.match(await items[0].getText(), /2 accounts/);
    let alphaOnly = null;
    for (const it of items) if (/(^|\D)1 account(?!s)/.test(await it.getText())) { alphaOnly = it; break; }
    assert.ok(alphaOnly, `a backup with one account among: ${(await Promise.all(items.map((i) => i.getText()))).join(" | ")}`);
    await screenshot(driver, "backups");
    await alphaOnly.findElement({ css: '[data-testid="backup-restore"]' }).click();
    await type(driver, "backup-password", PASSWORD); // the old password no longer opens anything
    await click(driver, "backup-confirm");
    await waitFor(driver, async () => /Wrong password/i.test(await (await find(driver, "backups-error")).getText()), "the old password refused", 20000);
    assert.equal((await all(driver, "entry")).length, 2, "nothing restored yet");
    await type(driver, "backup-password", NEW_PASSWORD);
    await click(driver, "backup-confirm");
    await waitFor(driver, async () => {
      const es = await entries(driver);
      return es.length === 1 && es[0].issuer === "Alpha";
    }, "the vault holds what the backup held", 20000);
    // The version just replaced is the newest backup now: restore it back.
    await waitFor(driver, async () => /2 accounts/.test(await (await all(driver, "backup-item"))[0].getText()), "the replaced version kept as a backup");
    await (await all(driver, "backup-item"))[0].findElement({ css: '[data-testid="backup-restore"]' }).click();
    await type(driver, "backup-password", NEW_PASSWORD);
    await click(driver, "backup-confirm");
    await waitFor(driver, async () => (await entries(driver)).map((e) => e.issuer).sort().join() === "Alpha,Beta", "both accounts back", 20000);
    await closeSettings();
  });

  test("the order of the codes follows the setting (saved in settings.json: unit test)", async () => {
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", ["otpauth://totp/Aardvark:zz@example.com?secret=MFRGGZDFMZTWQ2LK&issuer=Aardvark"]);
    await findVisible(driver, "preview-item");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await entries(driver)).map((e) => e.issuer).join() === "Aardvark,Alpha,Beta", "by service: Aardvark first");
    await openSettings();
    const select = await findVisible(driver, "settings-sort");
    await select.sendKeys("By account");
    await click(driver, "settings-save");
    await waitFor(driver, async () => (await entries(driver)).map((e) => e.issuer).join() === "Alpha,Beta,Aardvark", "by account: zz@ last");
  });

  test("when the keyring has opened the vault for long, the password is asked once (a wrong one refused)", async () => {
    // The password was last typed long ago; the next start is by the keyring.
    await driver.quit();
    writeFileSync(join(DATA_DIR, "password-check.json"), JSON.stringify({ checkedAt: 0 }));
    driver = await startApp();
    const banner = await findVisible(driver, "password-reminder", 30000);
    assert.match(await banner.getText(), /remember its password/);
    await screenshot(driver, "password-reminder");
    await click(driver, "password-reminder-check");
    await type(driver, "password-reminder-input", PASSWORD); // the old one
    await click(driver, "password-reminder-submit");
    assert.match(await (await findVisible(driver, "password-reminder-error", 20000)).getText(), /not the vault's password/);
    await type(driver, "password-reminder-input", NEW_PASSWORD);
    await click(driver, "password-reminder-submit");
    await waitFor(driver, async () => (await all(driver, "password-reminder")).length === 0, "the reminder went away", 20000);
    const rec = JSON.parse(readFileSync(join(DATA_DIR, "password-check.json"), "utf8"));
    assert.ok(Date.now() / 1000 - rec.checkedAt < 120, `recorded now: ${JSON.stringify(rec)}`);
  });
});
