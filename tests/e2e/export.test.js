// Export in the real window: the data-loss warnings, the vault password
// before a plain file (a wrong one refused), a plain file written
// where the person chooses in the native save dialog (answered with
// xdotool), and an encrypted Aegis export that imports back with its
// password.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  backToCodes, PASSWORD, SHOTS, all, answerSaveDialog, click, find, findVisible, screenshot, startWithNewVault, type, typeLines, waitFor,
} from "./helpers.js";

let driver;

describe("export", () => {
  // Each test starts from the code list with no dialog open.
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    driver = await startWithNewVault();
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [
      "otpauth://totp/Alpha:one@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha",
      "otpauth://totp/Beta:two@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF&issuer=Beta",
    ]);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 2, "two items previewed");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "two entries");
    // Beta gets a group, which an otpauth list cannot hold.
    await waitFor(driver, async () => {
      const rows = await all(driver, "entry");
      for (const r of rows) {
        if ((await r.getText()).includes("Beta")) {
          await r.findElement({ css: '[data-testid="entry-menu"]' }).click();
          return true;
        }
      }
      return false;
    }, "open Beta's menu");
    await click(driver, "entry-edit");
    await waitFor(driver, () => driver.executeScript("return !!document.activeElement && !!document.activeElement.closest('[role=dialog]')"), "the dialog took the focus");
    await type(driver, "edit-group", "Work");
    await click(driver, "edit-save");
    await waitFor(driver, async () => (await all(driver, "edit-dialog")).length === 0, "edit closed");
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("export: the data-loss warning, a plain file where chosen", async () => {
    const out = join(SHOTS, "export-otpauth.txt");
    rmSync(out, { force: true }); // a file left there would make GTK ask "Replace?"
    await click(driver, "main-menu");
    await click(driver, "export-open");
    await waitFor(driver, async () => /unencrypted/.test(await (await find(driver, "export-plain-warning")).getText()), "the plain-text warning");
    // What the format cannot hold, entry by entry (Beta's group).
    assert.match(await (await find(driver, "export-warnings")).getText(), /Beta.*[Gg]roup/);
    assert.equal(await (await find(driver, "export-save")).isEnabled(), false, "plain export needs 'I understand'");
    await screenshot(driver, "export-warning");
    await click(driver, "export-understood");
    await click(driver, "export-save");
    // A plain file holds the secrets readable: the vault password first.
    await type(driver, "confirm-password", "not the password");
    await click(driver, "confirm-submit");
    assert.match(await (await findVisible(driver, "confirm-error", 15000)).getText(), /Wrong password/);
    await type(driver, "confirm-password", PASSWORD);
    await click(driver, "confirm-submit");
    await answerSaveDialog(out);
    await waitFor(driver, async () => existsSync(out), "the export file was written", 15000);
    await waitFor(driver, async () => (await all(driver, "export-dialog")).length + (await all(driver, "confirm-password")).length === 0, "the export closed");
    const text = readFileSync(out, "utf8");
    assert.match(text, /secret=JBSWY3DPEHPK3PXP/);
    assert.equal(text.trim().split("\n").length, 2);
  });

  test("an encrypted Aegis export imports back (password asked; all duplicates)", async () => {
    const out = join(SHOTS, "export-aegis.json");
    rmSync(out, { force: true });
    await click(driver, "main-menu");
    await click(driver, "export-open");
    const select = await findVisible(driver, "export-format");
    await select.sendKeys("Aegis");
    await type(driver, "export-password", "export pw 1");
    await type(driver, "export-password-confirm", "export pw 1");
    await click(driver, "export-save");
    await answerSaveDialog(out);
    await waitFor(driver, async () => existsSync(out), "the encrypted export was written", 20000);
    await waitFor(driver, async () => (await all(driver, "export-dialog")).length === 0, "the export dialog closed");
    assert.doesNotMatch(readFileSync(out, "utf8"), /JBSWY3DPEHPK3PXP/);
    await click(driver, "main-menu");
    await click(driver, "import-open");
    await (await find(driver, "import-file")).sendKeys(out);
    await type(driver, "import-password", "wrong");
    await click(driver, "import-unlock");
    assert.match(await (await findVisible(driver, "import-error")).getText(), /password does not open/);
    await type(driver, "import-password", "export pw 1");
    await click(driver, "import-unlock");
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 2, "two items previewed", 20000);
    for (const it of await all(driver, "preview-item")) assert.equal(await it.getAttribute("data-status"), "duplicate");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(driver, async () => (await all(driver, "import-dialog")).length === 0, "the import dialog closed");
  });

  test("exporting onto an existing file asks before replacing it, then replaces it whole", async () => {
    const out = join(SHOTS, "export-replace.txt");
    writeFileSync(out, "old contents that must go\n".repeat(100), { mode: 0o644 });
    await click(driver, "main-menu");
    await click(driver, "export-open");
    await click(driver, "export-understood");
    await click(driver, "export-save");
    await type(driver, "confirm-password", PASSWORD);
    await click(driver, "confirm-submit");
    await answerSaveDialog(out, { replace: true });
    // While the file is written the password pop-up stands in for the
    // export dialog: wait for the file itself, then for both to close.
    await waitFor(driver, async () => !readFileSync(out, "utf8").includes("old contents"), "the file was replaced", 15000);
    await waitFor(driver, async () => (await all(driver, "export-dialog")).length + (await all(driver, "confirm-password")).length === 0, "the export closed", 15000);
    const text = readFileSync(out, "utf8");
    assert.doesNotMatch(text, /old contents/);
    assert.equal(text.trim().split("\n").length, 2);
    // Written like every file with secrets: owner-only.
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });
});
