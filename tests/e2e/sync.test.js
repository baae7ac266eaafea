// Sync through a folder (issue 12), the window's side: the real window and
// the `apiq` CLI as two devices on one sync folder. Settings > Sync starts
// syncing; the CLI joins, adds and syncs, and the entry appears in the
// window by itself (the folder watcher); an edit in the window reaches the
// CLI's vault; the header's status turns to a problem, with its reason,
// when the folder cannot be read, and back when it can; and a second app
// data folder joins the same folder from the create screen (a wrong
// password creates nothing).
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Key } from "selenium-webdriver";
import {
  APP, DATA_DIR, PASSWORD, all, backToCodes, click, entries, find, findVisible, freshDataDir, screenshot, startApp,
  startWithNewVault, tid, type, waitFor,
} from "./helpers.js";

// The CLI built beside the app (scripts/test-e2e.sh builds the workspace).
const CLI = process.env.APIQ_CLI ?? join(dirname(APP), "apiq");
const TMP = process.env.APIQ_E2E_TMP ?? join(dirname(DATA_DIR), "sync-e2e");
const FOLDER = join(TMP, "sync-folder");
const CLI_DATA = join(TMP, "cli-data");
const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const URI = `otpauth://totp/FromCli:cli@example.com?secret=${SECRET}&issuer=FromCli`;
let driver;

/** Runs the CLI as the other device (its own data folder). */
function apiq(...args) {
  return execFileSync(CLI, args, {
    env: { ...process.env, APIQ_DATA_DIR: CLI_DATA, APIQ_VAULT_PASSWORD: PASSWORD },
    encoding: "utf8",
    timeout: 60000,
  });
}

/** The issuers in the CLI's vault. */
function cliIssuers() {
  const doc = JSON.parse(apiq("list", "--json"));
  const list = Array.isArray(doc) ? doc : (doc.entries ?? []);
  return list.map((e) => e.issuer);
}

async function openSettings() {
  await click(driver, "main-menu");
  await click(driver, "settings-open");
  await findVisible(driver, "settings-dialog");
}

async function closeSettings() {
  await driver.actions().sendKeys(Key.ESCAPE).perform();
  await waitFor(driver, async () => (await all(driver, "settings-dialog")).length === 0, "settings closed");
}

async function syncState() {
  const el = await driver.findElements(tid("sync-status"));
  return el.length ? el[0].getAttribute("data-state") : "none";
}

async function waitState(state, message, timeout = 20000) {
  await waitFor(driver, async () => (await syncState()) === state, message, timeout);
}

/** A screenshot once the page has painted what it shows now (two
 *  animation frames: a shot right after a scroll showed the frame before). */
async function shot(name) {
  await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
  );
  await screenshot(driver, name);
}

async function issuers() {
  return (await entries(driver)).map((e) => e.issuer);
}

describe("sync through a folder: the window and the CLI", () => {
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    rmSync(FOLDER, { recursive: true, force: true });
    rmSync(CLI_DATA, { recursive: true, force: true });
    mkdirSync(CLI_DATA, { recursive: true });
    driver = await startWithNewVault();
  });

  after(async () => {
    if (driver) await driver.quit();
  });

  test("Settings > Sync starts syncing into a folder; the header says synced", async () => {
    assert.equal(await syncState(), "none", "no badge before syncing");
    await openSettings();
    await find(driver, "settings-sync");
    await type(driver, "sync-folder", FOLDER);
    await type(driver, "sync-device-name", "Window");
    await click(driver, "sync-start");
    await findVisible(driver, "sync-folder-current", 20000);
    assert.equal(await (await find(driver, "sync-folder-current")).getText(), FOLDER);
    await waitState("synced", "the first sync done");
    await waitFor(
      driver,
      async () => {
        const ds = await all(driver, "sync-device");
        return ds.length === 1 && (await ds[0].getAttribute("data-this")) === "true";
      },
      "this device listed",
    );
    assert.equal(await (await find(driver, "sync-device-label")).getText(), "Window");
    await waitFor(driver, async () => /\d/.test(await (await find(driver, "sync-last")).getText()), "the last sync's time");
    await driver.executeScript(
      "document.querySelector('[data-testid=settings-sync]').scrollIntoView({block: 'start'})",
    );
    await shot("settings-sync-started");
    await closeSettings();
    await shot("header-synced");
  });

  test("the CLI joins, adds and syncs: the entry appears in the window by itself", async () => {
    apiq("sync", "join", "--folder", FOLDER, "--name", "Laptop (CLI)");
    apiq("add", URI);
    apiq("sync");
    // No click in the window: its folder watcher notices the CLI's file.
    await waitFor(driver, async () => (await issuers()).includes("FromCli"), "the CLI's entry in the window", 30000);
    await waitState("synced", "synced after pulling");
    await openSettings();
    await waitFor(driver, async () => (await all(driver, "sync-device")).length === 2, "both devices listed", 20000);
    const labels = [];
    for (const el of await all(driver, "sync-device-label")) labels.push(await el.getText());
    assert.deepEqual(labels.sort(), ["Laptop (CLI)", "Window"]);
    await driver.executeScript(
      "document.querySelector('[data-testid=settings-sync]').scrollIntoView({block: 'start'})",
    );
    await shot("settings-sync-two-devices");
    await closeSettings();
  });

  test("an edit in the window reaches the CLI's vault after `apiq sync`", async () => {
    await waitFor(driver, async () => {
      const e = (await entries(driver)).find((x) => x.issuer === "FromCli");
      await e.el.findElement(tid("entry-menu")).click();
      return true;
    }, "open the menu of FromCli");
    await click(driver, "entry-edit");
    await type(driver, "edit-issuer", "EditedInWindow");
    await click(driver, "edit-save");
    await waitFor(driver, async () => (await issuers()).includes("EditedInWindow"), "renamed in the window");
    // The window syncs by itself after the change; the CLI pulls it.
    await waitFor(
      driver,
      async () => {
        apiq("sync");
        return cliIssuers().includes("EditedInWindow");
      },
      "the edit in the CLI's vault",
      60000,
    );
    assert.deepEqual(cliIssuers(), ["EditedInWindow"]);
  });

  test("an unreadable folder is a problem with its reason; it clears when the folder is back", async () => {
    await waitState("synced", "synced before");
    // Root reads any folder whatever its mode: there, a file takes the
    // folder's place instead.
    const root = process.getuid?.() === 0;
    const away = `${FOLDER}.away`;
    if (root) {
      renameSync(FOLDER, away);
      writeFileSync(FOLDER, "not a folder");
    } else {
      chmodSync(FOLDER, 0);
    }
    try {
      // By itself: the watcher sees the folder go.
      await waitState("problem", "the problem shown", 30000);
      const reason = await (await findVisible(driver, "sync-status-reason")).getText();
      assert.match(reason, /sync folder .*(cannot be read|does not exist)/i);
      assert.ok(reason.includes(FOLDER), reason);
      assert.match(await (await find(driver, "sync-status")).getAttribute("title"), /cannot be read|does not exist/);
      await shot("header-problem");
    } finally {
      if (root) {
        rmSync(FOLDER, { force: true });
        renameSync(away, FOLDER);
      } else {
        chmodSync(FOLDER, 0o700);
      }
    }
    await openSettings();
    await click(driver, "sync-now");
    await waitState("synced", "synced again", 30000);
    await closeSettings();
    assert.equal((await all(driver, "sync-status-reason")).length, 0, "the reason is gone");
  });

  test("another data folder joins from the create screen; a wrong password creates nothing", async () => {
    await driver.quit();
    driver = null;
    freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0 });
    driver = await startApp();
    await findVisible(driver, "vault-create", 30000);
    await click(driver, "sync-join-open");
    await type(driver, "sync-join-folder", FOLDER);
    await type(driver, "sync-join-name", "Second window");
    await type(driver, "sync-join-password", "not the password");
    await shot("join-form");
    const files = readdirSync(FOLDER).sort();
    await click(driver, "sync-join");
    assert.match(await (await findVisible(driver, "vault-error", 30000)).getText(), /Wrong password/);
    assert.equal(existsSync(join(DATA_DIR, "vault.apiq")), false, "a wrong password creates no vault");
    assert.deepEqual(readdirSync(FOLDER).sort(), files, "nor a file in the folder");
    await type(driver, "sync-join-password", PASSWORD);
    await click(driver, "sync-join");
    await findVisible(driver, "add-open", 60000);
    await waitFor(driver, async () => (await issuers()).includes("EditedInWindow"), "the synced entry", 20000);
    await waitState("synced", "the joined window synced");
    // Its device file is in the folder for the others.
    apiq("sync");
    const status = JSON.parse(apiq("sync", "status", "--json"));
    assert.deepEqual(status.devices.map((d) => d.name).sort(), ["Laptop (CLI)", "Second window", "Window"]);
  });

  test("a password changed on another device: the window asks for it once and takes the new key", async () => {
    // Issue 14, item 9: the CLI device changes the password, which re-keys
    // the data; its file is then unreadable with this window's key.
    const NEW = "a brand new vault password";
    execFileSync(CLI, ["vault", "passwd"], {
      env: { ...process.env, APIQ_DATA_DIR: CLI_DATA, APIQ_VAULT_PASSWORD: PASSWORD, APIQ_NEW_VAULT_PASSWORD: NEW },
      encoding: "utf8",
      timeout: 60000,
    });
    const withNew = (...args) =>
      execFileSync(CLI, args, {
        env: { ...process.env, APIQ_DATA_DIR: CLI_DATA, APIQ_VAULT_PASSWORD: NEW },
        encoding: "utf8",
        timeout: 60000,
      });
    withNew("add", `otpauth://totp/AfterPasswd:cli@example.com?secret=${SECRET}&issuer=AfterPasswd`);
    withNew("sync");
    await waitState("problem", "the window says the password changed", 30000);
    assert.match(await (await findVisible(driver, "sync-status-reason")).getText(), /changed on another device/);
    assert.ok(!(await issuers()).includes("AfterPasswd"), "nothing came in with the old key");
    await openSettings();
    await type(driver, "sync-new-password", "not the new password");
    await click(driver, "sync-new-password-apply");
    assert.match(await (await findVisible(driver, "sync-new-password-error", 30000)).getText(), /Wrong password/);
    await driver.executeScript(
      "document.querySelector('[data-testid=settings-sync]').scrollIntoView({block: 'start'})",
    );
    await shot("settings-sync-new-password");
    await type(driver, "sync-new-password", NEW);
    await click(driver, "sync-new-password-apply");
    await waitState("synced", "synced with the new key", 30000);
    await closeSettings();
    await waitFor(driver, async () => (await issuers()).includes("AfterPasswd"), "the entry made after the change", 20000);
    // This window's vault now opens with the new password only.
    await click(driver, "vault-lock");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    assert.match(await (await findVisible(driver, "vault-error", 30000)).getText(), /Wrong password/);
    await type(driver, "vault-password", NEW);
    await click(driver, "vault-unlock");
    await findVisible(driver, "add-open", 30000);

    // An older copy put in the vault's place (here: its oldest backup) is
    // refused at unlock with what to do; taken on purpose, it opens.
    await click(driver, "vault-lock");
    const backups = readdirSync(DATA_DIR).filter((f) => f.startsWith("vault.apiq.bak-")).sort();
    assert.ok(backups.length > 0, "the vault has backups");
    copyFileSync(join(DATA_DIR, backups[0]), join(DATA_DIR, "vault.apiq"));
    await type(driver, "vault-password", NEW);
    await click(driver, "vault-unlock");
    assert.match(await (await findVisible(driver, "vault-error", 30000)).getText(), /older copy/);
    await shot("unlock-older-copy");
    await click(driver, "vault-accept-older");
    await findVisible(driver, "add-open", 30000);
  });
});
