// Accessibility: axe-core (the engine browsers' audit tools use) run in the
// real window on every main screen and dialog; no serious or critical
// violation may be found (issue 16 item 3). Each screen is reached the way
// a person would, then audited as it stands.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { backToCodes, PASSWORD, all, click, findVisible, screenshot, startWithNewVault, type, typeLines, waitFor } from "./helpers.js";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
let driver;

/** Runs axe on the page as it is; the serious and critical violations. */
async function audit() {
  // The engine is sent with the script itself: the window's CSP forbids
  // eval, and rightly so.
  const result = await driver.executeAsyncScript(
    `${AXE}
     ;const done = arguments[arguments.length - 1];
     window.axe.run(document, { resultTypes: ["violations"] })
       .then((r) => done(JSON.stringify(r.violations)), (e) => done(JSON.stringify({ error: String(e) })));`,
  );
  const v = JSON.parse(result);
  assert.ok(Array.isArray(v), `axe failed: ${result}`);
  return v.filter((x) => x.impact === "serious" || x.impact === "critical");
}

function describeViolations(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`).join("\n");
}

async function expectClean(name) {
  const v = await audit();
  if (v.length) await screenshot(driver, `a11y-${name}`);
  assert.equal(v.length, 0, `${name}:\n${describeViolations(v)}`);
}

describe("accessibility (axe-core)", () => {
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    driver = await startWithNewVault();
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [
      "otpauth://totp/Alpha:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha",
      "otpauth://totp/GitHub:ann@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub",
    ]);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 2, "two entries previewed");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "the entries added");
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("the code list", async () => {
    await expectClean("codes");
  });

  test("brand icons: GitHub's logo from the bundled set, initials for an unknown issuer", async () => {
    await waitFor(
      driver,
      () => driver.executeScript("return !!document.querySelector('[data-testid=entry] .avatar[data-brand=github] svg')"),
      "GitHub's icon shown",
    );
    const unknown = await driver.executeScript(
      "return [...document.querySelectorAll('[data-testid=entry]')].filter((e) => e.textContent.includes('Alpha')).map((e) => e.querySelector('.avatar').getAttribute('data-brand'))",
    );
    assert.deepEqual(unknown, [null]);
    await screenshot(driver, "brand-icons");
    await expectClean("codes-with-icons");
  });

  test("the add dialog", async () => {
    await click(driver, "add-open");
    await findVisible(driver, "add-dialog");
    await expectClean("add");
  });

  for (const [name, item, dialog] of [
    ["settings", "settings-open", "settings-dialog"],
    ["import", "import-open", "import-dialog"],
    ["export", "export-open", "export-dialog"],
    ["shortcuts", "shortcuts-open", null],
  ]) {
    test(`the ${name} dialog`, async () => {
      await click(driver, "main-menu");
      await click(driver, item);
      if (dialog) await findVisible(driver, dialog);
      else await waitFor(driver, async () => (await driver.executeScript("return document.querySelectorAll('[role=dialog]').length")) > 0, "a dialog");
      await expectClean(name);
    });
  }

  test("the recovery codes dialog", async () => {
    await click(driver, "recovery-open");
    await findVisible(driver, "recovery-dialog");
    await expectClean("recovery");
  });

  test("the account tab (signed out)", async () => {
    await click(driver, "nav-account");
    await findVisible(driver, "signin-login", 20000);
    await expectClean("account");
  });

  test("the dark theme: the code list and the export dialog's warnings", async () => {
    await driver.executeScript("document.documentElement.dataset.theme = 'dark'");
    try {
      await expectClean("codes-dark");
      await click(driver, "main-menu");
      await click(driver, "export-open");
      await findVisible(driver, "export-dialog");
      await expectClean("export-dark");
    } finally {
      await driver.executeScript("document.documentElement.dataset.theme = 'system'");
    }
  });

  test("the lock screen", async () => {
    await click(driver, "vault-lock");
    await findVisible(driver, "vault-unlock");
    await expectClean("locked");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    await findVisible(driver, "add-open", 30000);
  });
});
