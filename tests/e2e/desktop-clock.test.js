// The clock (ui-testids.md: clock-warning): against the account server run
// under `faketime` three minutes ahead, the banner says this clock is 3 min
// behind; against a local SNTP responder 100 s behind it says 1 min 40 s
// ahead, and with "correct the codes" on, the codes shown are the ones of
// the corrected time. Then a right clock: no banner. Last, a reply of the
// account server (a refused sign-in), not the check at start, brings the
// banner: every reply's Date is looked at.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DATA_DIR, all, click, entries, findVisible, screenshot, sleep, totp, type, typeLines, waitFor } from "./helpers.js";
import { createVault, freePort, freshDataDir, shiftedServer, sntpResponder, startAppWith } from "./desktop-helpers.js";

const SECRET = "JBSWY3DPEHPK3PXP";
let driver;
let stop = () => {};

async function warningText() {
  const w = await findVisible(driver, "clock-warning", 20000);
  return w.getText();
}

describe("the clock warning", () => {
  after(async () => {
    if (driver) await driver.quit();
    stop();
  });

  test("an account server three minutes ahead (faketime): this clock is 3 min behind", async () => {
    const server = await shiftedServer("+180s", join(DATA_DIR, "..", "faketime.db"));
    stop = server.stop;
    freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0, serverUrl: server.url });
    driver = await startAppWith([]);
    await createVault(driver);
    const t = await warningText();
    assert.match(t, /3 min behind/, t);
    assert.match(t, /automatic date and time/, t);
    assert.ok(t.includes(server.url), t);
    const offset = Number(await (await findVisible(driver, "clock-warning")).getAttribute("data-offset"));
    assert.ok(Math.abs(offset - 180) < 2, `offset ${offset}`);
    await screenshot(driver, "clock-warning-server");
    await driver.quit();
    driver = null;
    server.stop();
  });

  test("an NTP server 100 s behind: 1 min 40 s ahead, and corrected codes on request", async () => {
    const ntp = await sntpResponder(-100);
    try {
      freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0, ntpServer: `127.0.0.1:${ntp.port}`, clockCorrect: true });
      driver = await startAppWith([]);
      await createVault(driver);
      const t = await warningText();
      assert.match(t, /1 min 40 s ahead/, t);
      assert.match(t, /corrected/, t);
      await click(driver, "add-open");
      await typeLines(driver, "add-uri", [`otpauth://totp/Skew:ann?secret=${SECRET}&issuer=Skew`]);
      await findVisible(driver, "preview-item");
      await click(driver, "add-save");
      await waitFor(driver, async () => (await all(driver, "entry")).length === 1, "the account added");
      // The code shown is the one 100 s ago (the NTP server's time), not now's.
      await waitFor(driver, async () => {
        const [e] = await entries(driver);
        const now = Date.now() / 1000 - 100;
        return [totp(SECRET, now - 1.5), totp(SECRET, now), totp(SECRET, now + 1.5)].includes(e.code)
          && ![totp(SECRET, Date.now() / 1000)].includes(e.code);
      }, "the corrected code shown", 15000);
      await screenshot(driver, "clock-warning-ntp-corrected");
    } finally {
      ntp.close();
    }
  });

  test("a right clock: no warning", async () => {
    const ntp = await sntpResponder(0);
    try {
      if (driver) await driver.quit();
      freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0, ntpServer: `127.0.0.1:${ntp.port}` });
      driver = await startAppWith([]);
      await createVault(driver);
      // Checked (at start) and found right: the mark says so, no banner.
      await waitFor(driver, async () => {
        const [m] = await all(driver, "clock-checked");
        return m && Number(await m.getAttribute("data-checked-at")) > 0 && (await m.getAttribute("data-offset")) !== "";
      }, "the clock checked", 20000);
      const [m] = await all(driver, "clock-checked");
      assert.ok(Math.abs(Number(await m.getAttribute("data-offset"))) < 1);
      assert.equal((await all(driver, "clock-warning")).length, 0);
    } finally {
      ntp.close();
    }
  });

  test("a reply of the account server, not only the check at start, brings the warning", async () => {
    if (driver) await driver.quit();
    driver = null;
    // At start nothing listens at the server's address: the check fails,
    // no banner.
    const port = await freePort();
    freshDataDir({ clipboardClearSecs: 0, autoLockSecs: 0, serverUrl: `http://127.0.0.1:${port}` });
    driver = await startAppWith([]);
    await createVault(driver);
    await sleep(1500);
    assert.equal((await all(driver, "clock-warning")).length, 0, "no warning before any reply");
    // Then the server (three minutes ahead) is up, and a sign-in is
    // refused: that reply's Date is enough.
    const server = await shiftedServer("+180s", join(DATA_DIR, "..", "faketime-reply.db"), `127.0.0.1:${port}`);
    stop = server.stop;
    await click(driver, "nav-account");
    await type(driver, "signin-login", "nobody@example.com");
    await type(driver, "signin-password", "not a password 1");
    await click(driver, "signin-submit");
    await findVisible(driver, "signin-error", 20000);
    const t = await warningText();
    assert.match(t, /3 min behind/, t);
    await screenshot(driver, "clock-warning-reply");
  });
});
