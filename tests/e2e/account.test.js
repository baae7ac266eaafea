// The account manager end to end in the real window, against the backend
// the app bundles (or APIQ_SERVER_URL's): create an account, set up 2FA
// with the code from the app's own vault, recovery codes gated by "I've
// saved", sign out, sign in with password + code and with a recovery code,
// view and regenerate (old codes refused), tokens, disable (the vault entry
// kept, archived), and the failures: wrong password, wrong code.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  backToCodes, PASSWORD, SHOTS, all, answerSaveDialog, click, entries, find, findVisible, readClipboard, screenshot, sleep, startWithNewVault, tid, totpAround, type, waitFor,
} from "./helpers.js";

const LOGIN = `ann.${Date.now()}@example.com`;
// Set by scripts/test-e2e.sh for the run against a separate apiq-server.
const REMOTE = process.env.APIQ_E2E_REMOTE_URL;
const SERVER_PID = Number(process.env.APIQ_E2E_SERVER_PID || 0);
const ACCOUNT_PW = "account password 42";
let driver;
let secret = "";
let firstCodes = [];

async function text(id) {
  return (await findVisible(driver, id)).getText();
}

async function confirmPassword(pw) {
  await type(driver, "confirm-password", pw);
  await click(driver, "confirm-submit");
}

async function signIn(code) {
  await type(driver, "signin-login", LOGIN);
  await type(driver, "signin-password", ACCOUNT_PW);
  await click(driver, "signin-submit");
  await findVisible(driver, "signin-code", 15000);
  await type(driver, "signin-code", code);
  await click(driver, "signin-verify");
}

/** Verifies with the vault's code; when the app says the last one was just
 *  used (the backend takes each time step once), waits as it says. */
/** Fills the code field from the vault (an IPC call: its answer comes
 *  later) and waits for it: the code in the field, or the error saying
 *  when the next one comes (then waits for that one). */
async function codeFromVault() {
  await click(driver, "signin-code-from-vault");
  let wait = null;
  await waitFor(driver, async () => {
    if (/^\d{6}$/.test(await (await find(driver, "signin-code")).getAttribute("value"))) return true;
    const err = await driver.findElements(tid("signin-error"));
    wait = err.length ? /comes in (\d+) seconds/.exec(await err[0].getText()) : null;
    return !!wait;
  }, "the vault's code in the field", 15000);
  return wait;
}

async function verifyWithVaultCode() {
  const wait = await codeFromVault();
  if (wait) {
    await sleep((Number(wait[1]) + 1) * 1000);
    assert.equal(await codeFromVault(), null, "the next code came");
  }
  await click(driver, "signin-verify");
}

async function twofaEnabled() {
  return (await find(driver, "twofa-status")).getAttribute("data-enabled");
}

describe("account window", () => {
  // Each test starts with no dialog open (the account tab is where it left it:
  // these tests walk through one account's life in order).
  beforeEach(() => backToCodes(driver, { stay: true }));

  before(async () => {
    driver = await startWithNewVault();
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("creates an account and is signed in with 2FA off", async () => {
    await click(driver, "nav-account");
    await click(driver, "signup-open", 20000);
    const where = await text("signin-server");
    if (REMOTE) assert.ok(where.includes(REMOTE), `the app uses APIQ_SERVER_URL: ${where}`);
    else assert.match(where, /built into this app/);
    await type(driver, "signin-login", LOGIN);
    await type(driver, "signin-password", ACCOUNT_PW);
    await screenshot(driver, `account-signup${REMOTE ? "-remote" : ""}`);
    await click(driver, "signin-submit");
    await findVisible(driver, "twofa-status", 20000);
    assert.equal(await twofaEnabled(), "false");
  });

  test("sets up 2FA: password confirm, QR and secret, into the vault, code from the vault, recovery codes gated", async () => {
    await click(driver, "account-settings");
    await click(driver, "twofa-setup");
    await confirmPassword("wrong password");
    assert.match(await text("confirm-error"), /Wrong password/);
    await confirmPassword(ACCOUNT_PW);
    await findVisible(driver, "twofa-qr", 15000);
    secret = (await text("twofa-secret")).replace(/\s+/g, "");
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await screenshot(driver, "twofa-setup");
    await click(driver, "twofa-add-to-vault");
    await click(driver, "twofa-code-from-vault");
    await waitFor(driver, async () => /^\d{6}$/.test(await (await find(driver, "twofa-code")).getAttribute("value")), "code filled from the vault");
    const filled = await (await find(driver, "twofa-code")).getAttribute("value");
    assert.ok(totpAround(secret).has(filled), "the vault's code is the secret's TOTP");
    await click(driver, "twofa-next");
    await waitFor(driver, async () => (await all(driver, "recovery-code")).length === 10, "ten recovery codes", 15000);
    firstCodes = await Promise.all((await all(driver, "recovery-code")).map((e) => e.getText()));
    assert.equal(await (await find(driver, "recovery-saved")).isSelected(), false);
    assert.equal(await (await find(driver, "recovery-done")).isEnabled(), false);
    await screenshot(driver, "twofa-recovery-codes");
    await click(driver, "recovery-copy");
    await waitFor(driver, async () => (await find(driver, "recovery-saved")).isSelected(), "Copy ticks I've saved");
    assert.ok(firstCodes.every((c) => readClipboard().includes(c)), "the clipboard holds the codes");
    await click(driver, "recovery-done");
    await waitFor(driver, async () => (await twofaEnabled()) === "true", "2FA on");
  });

  test("the vault holds the secret and the recovery codes", async () => {
    await click(driver, "nav-codes");
    await waitFor(driver, async () => {
      const e = (await entries(driver)).find((x) => x.issuer === "Apiqcloud");
      return e && e.name === LOGIN && totpAround(secret).has(e.code);
    }, "the Apiqcloud entry shows the secret's code");
    await waitFor(driver, async () => {
      const row = (await entries(driver)).find((x) => x.issuer === "Apiqcloud");
      await row.el.findElement(tid("recovery-open")).click();
      return true;
    }, "open the Apiqcloud entry's recovery codes");
    await waitFor(driver, async () => (await all(driver, "recovery-item")).length === 10, "ten codes in the vault");
    const stored = await Promise.all((await all(driver, "recovery-item")).map((e) => e.getText()));
    assert.deepEqual(stored.map((s) => s.trim()).sort(), [...firstCodes].sort());
    await driver.actions().sendKeys(Key.ESCAPE).perform();
  });

  test("sign out, then a wrong code is refused and the vault's code signs in", async () => {
    await click(driver, "nav-account");
    await click(driver, "signout");
    await findVisible(driver, "signin-submit");
    await type(driver, "signin-login", LOGIN);
    await type(driver, "signin-password", "not it at all");
    await click(driver, "signin-submit");
    assert.match(await text("signin-error"), /Wrong password/);
    await type(driver, "signin-password", ACCOUNT_PW);
    await click(driver, "signin-submit");
    await findVisible(driver, "signin-code", 15000);
    assert.match(await text("signin-device-loss"), /recovery code/);
    await type(driver, "signin-code", "000000");
    await click(driver, "signin-verify");
    assert.match(await text("signin-error"), /not valid/);
    await screenshot(driver, "signin-wrong-code");
    await verifyWithVaultCode();
    await findVisible(driver, "twofa-status", 15000);
    assert.equal(await twofaEnabled(), "true");
  });

  test("a recovery code signs in once; used again it is refused", async () => {
    await click(driver, "signout");
    await signIn(firstCodes[0]);
    await findVisible(driver, "twofa-status", 15000);
    await click(driver, "signout");
    await signIn(firstCodes[0]);
    assert.match(await text("signin-error"), /not valid/);
    await verifyWithVaultCode();
    await findVisible(driver, "twofa-status", 15000);
  });

  test("view shows the used code; regenerate replaces them and the old ones stop working", async () => {
    await click(driver, "account-settings");
    await click(driver, "recovery-view");
    await confirmPassword(ACCOUNT_PW);
    await waitFor(driver, async () => (await all(driver, "recovery-code")).length === 10, "codes shown");
    const used = [];
    for (const e of await all(driver, "recovery-code")) if ((await e.getAttribute("data-used")) === "true") used.push(await e.getText());
    assert.deepEqual(used, [firstCodes[0]]);
    // Download: a text file through the save dialog.
    const file = join(SHOTS, `recovery-codes${REMOTE ? "-remote" : ""}.txt`);
    rmSync(file, { force: true });
    await click(driver, "recovery-download");
    await answerSaveDialog(file);
    await waitFor(driver, async () => existsSync(file), "the codes were saved", 15000);
    const saved = readFileSync(file, "utf8");
    assert.ok(firstCodes.every((c) => saved.includes(c)), "the file holds every code");
    await click(driver, "recovery-regenerate");
    await click(driver, "regenerate-confirm");
    await confirmPassword(ACCOUNT_PW);
    await waitFor(driver, async () => {
      const now = await Promise.all((await all(driver, "recovery-code")).map((e) => e.getText()));
      return now.length === 10 && !now.includes(firstCodes[1]);
    }, "new codes shown", 15000);
    const fresh = await Promise.all((await all(driver, "recovery-code")).map((e) => e.getText()));
    assert.equal(await (await find(driver, "recovery-done")).isEnabled(), false);
    await click(driver, "recovery-saved");
    await click(driver, "recovery-done");
    await click(driver, "signout");
    await signIn(firstCodes[1]);
    assert.match(await text("signin-error"), /not valid/);
    await type(driver, "signin-code", fresh[0]);
    await click(driver, "signin-verify");
    await findVisible(driver, "twofa-status", 15000);
    // The vault's copy was replaced.
    await click(driver, "nav-codes");
    await waitFor(driver, async () => {
      const row = (await entries(driver)).find((x) => x.issuer === "Apiqcloud");
      await row.el.findElement(tid("recovery-open")).click();
      return true;
    }, "open the Apiqcloud entry's recovery codes");
    await waitFor(driver, async () => {
      const stored = await Promise.all((await all(driver, "recovery-item")).map((e) => e.getText()));
      return stored.length === 10 && stored.map((s) => s.trim()).sort().join() === [...fresh].sort().join();
    }, "the vault holds the new codes");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await click(driver, "nav-account");
  });

  test("personal access tokens: create (value shown once), list, delete", async () => {
    await click(driver, "account-settings");
    await click(driver, "token-create");
    await type(driver, "token-description", "deploy script");
    await click(driver, "token-next");
    await confirmPassword(ACCOUNT_PW);
    assert.match(await text("token-value"), /^apq_[0-9A-Za-z]{30}/);
    await screenshot(driver, "token-created");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(driver, async () => (await all(driver, "token-item")).length === 1, "one token listed");
    await (await find(driver, "token-delete")).click();
    await confirmPassword(ACCOUNT_PW);
    await waitFor(driver, async () => (await all(driver, "token-item")).length === 0, "token deleted");
    // Sessions: this app's session is listed and marked.
    await waitFor(driver, async () => (await all(driver, "session-item")).length >= 1, "sessions listed");
    assert.match(await (await find(driver, "session-item")).getText(), /This app/);
  });

  test("locking the vault forgets the account session too", async () => {
    await click(driver, "nav-codes");
    await click(driver, "vault-lock");
    await findVisible(driver, "vault-unlock");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    await findVisible(driver, "search", 20000);
    await click(driver, "nav-account");
    // Signed out: the sign-in form, not the account.
    await findVisible(driver, "signin-login", 15000);
    assert.equal((await all(driver, "signout")).length, 0);
    await type(driver, "signin-login", LOGIN);
    await type(driver, "signin-password", ACCOUNT_PW);
    await click(driver, "signin-submit");
    await findVisible(driver, "signin-code", 15000);
    await verifyWithVaultCode();
    await findVisible(driver, "twofa-status", 15000);
    await click(driver, "account-settings");
  });

  test("disable 2FA: confirm, password; the vault entry is kept, archived", async () => {
    await click(driver, "twofa-disable");
    await click(driver, "disable-confirm");
    await confirmPassword(ACCOUNT_PW);
    await waitFor(driver, async () => (await twofaEnabled()) === "false", "2FA off", 15000);
    await screenshot(driver, "twofa-disabled");
    await click(driver, "nav-codes");
    await waitFor(driver, async () => !(await entries(driver)).some((x) => x.issuer === "Apiqcloud"), "archived entry hidden from the list");
    await type(driver, "search", "apiqcloud");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Apiqcloud"), "archived entry found by search");
  });

  test("repeated wrong passwords are throttled with the time to wait", async () => {
    await click(driver, "nav-account");
    await click(driver, "signout");
    let message = "";
    for (let i = 0; i < 12 && !/Too many attempts/.test(message); i++) {
      await type(driver, "signin-login", LOGIN);
      await type(driver, "signin-password", `wrong ${i}`);
      await click(driver, "signin-submit");
      await waitFor(driver, async () => (await all(driver, "signin-error")).length > 0, "an error");
      message = await text("signin-error");
    }
    assert.match(message, /Too many attempts\. Wait \d+ (seconds|minutes) and try again\./);
    await screenshot(driver, "throttled");
  });

  test("an unreachable backend is a clear message and the vault keeps everything", { skip: !SERVER_PID && "only against a separate apiq-server" }, async () => {
    process.kill(SERVER_PID);
    await click(driver, "nav-account");
    if ((await all(driver, "signout")).length > 0) await click(driver, "signout");
    await type(driver, "signin-login", LOGIN);
    await type(driver, "signin-password", ACCOUNT_PW);
    await click(driver, "signin-submit");
    const msg = await text("signin-error");
    assert.match(msg, /cannot be reached/);
    assert.match(msg, /Nothing in your vault was changed/);
    await screenshot(driver, "server-unreachable");
    await click(driver, "nav-codes");
    await type(driver, "search", "apiqcloud");
    await waitFor(driver, async () => (await entries(driver)).some((x) => x.issuer === "Apiqcloud"), "the entry is still in the vault");
  });
});
