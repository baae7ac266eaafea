// Shared by the desktop-integration tests (launch, clock, palette, order):
// starting the app with arguments, a second launch as a plain process, a
// local SNTP responder with a shifted clock, the account server under
// faketime, and the X side (xdotool, windows by title).
import { Builder } from "selenium-webdriver";
import { execFile, execFileSync, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { APP, DRIVER, PASSWORD, all, findVisible, freshDataDir, type, click, sleep, waitFor } from "./helpers.js";

/** Starts the app in a WebDriver session with command-line arguments. */
export async function startAppWith(args) {
  const driver = await new Builder()
    .usingServer(DRIVER)
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP, args } })
    .build();
  await driver.manage().setTimeouts({ implicit: 0 });
  return driver;
}

/** Creates the vault with PASSWORD in an app at its first screen. */
export async function createVault(driver) {
  await findVisible(driver, "vault-create", 30000);
  await type(driver, "vault-password", PASSWORD);
  await type(driver, "vault-password-confirm", PASSWORD);
  await click(driver, "vault-create");
  await findVisible(driver, "add-open", 60000);
}

/** Unlocks with PASSWORD an app at its unlock screen. */
export async function unlock(driver) {
  // A vault with a keyring slot (the e2e session has an unlocked
  // gnome-keyring) opens by itself at start: then there is nothing to type.
  await waitFor(driver, async () => (await all(driver, "vault-unlock")).length > 0 || (await all(driver, "add-open")).length > 0, "the unlock screen or the codes", 30000);
  if ((await all(driver, "vault-unlock")).length > 0) {
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
  }
  await findVisible(driver, "add-open", 60000);
}

/** Runs the app binary as a second launch (same environment: same user,
 *  session bus and APIQ_DATA_DIR); resolves to {code, ms, stderr}. */
export function secondLaunch(args, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(APP, args, { timeout: timeoutMs, env: process.env }, (err, _stdout, stderr) => {
      const ms = performance.now() - t0;
      if (err && err.code === undefined) return reject(err);
      resolve({ code: err ? err.code : 0, ms, stderr });
    });
  });
}

/** A minimal SNTP server on 127.0.0.1 whose clock is shifted by `shiftS`
 *  seconds (RFC 4330 reply: mode 4, stratum 2, originate = the request's
 *  transmit time). Resolves to {port, close}. */
export function sntpResponder(shiftS) {
  const sock = createSocket("udp4");
  const ntp = (unixMs) => {
    const secs = unixMs / 1000 + 2208988800;
    const whole = Math.floor(secs);
    const buf = Buffer.alloc(8);
    buf.writeUInt32BE(whole >>> 0, 0);
    buf.writeUInt32BE(Math.floor((secs - whole) * 2 ** 32) >>> 0, 4);
    return buf;
  };
  sock.on("message", (req, from) => {
    if (req.length < 48 || (req[0] & 7) !== 3) return;
    const now = Date.now() + shiftS * 1000;
    const p = Buffer.alloc(48);
    p[0] = (4 << 3) | 4;
    p[1] = 2;
    p.write("LOCL", 12, "ascii");
    ntp(now).copy(p, 16);
    req.copy(p, 24, 40, 48);
    ntp(now).copy(p, 32);
    ntp(Date.now() + shiftS * 1000).copy(p, 40);
    sock.send(p, from.port, from.address);
  });
  return new Promise((resolve) => {
    sock.bind(0, "127.0.0.1", () => resolve({ port: sock.address().port, close: () => sock.close() }));
  });
}

/** The account server (`apiq-server`, APIQ_SERVER_BIN) under `faketime -f
 *  SHIFT` on a fresh database, listening on `listen` (any free port by
 *  default); resolves to {url, stop}. */
export function shiftedServer(shift, dbPath, listen = "127.0.0.1:0") {
  const bin = process.env.APIQ_SERVER_BIN;
  if (!bin) throw new Error("APIQ_SERVER_BIN is not set: run through scripts/test-e2e.sh");
  // Its own process group: `faketime` runs the server as a child of its
  // own, so the whole group is killed (killing `faketime` alone left the
  // server, and the pipe it holds kept this test's process alive forever).
  const child = spawn("faketime", ["-f", shift, bin, "--db", dbPath, "--listen", listen], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`apiq-server did not start: ${out}`)), 20000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ } } });
      }
    });
    child.on("exit", (code) => reject(new Error(`apiq-server exited ${code}: ${out}`)));
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** X window ids with this exact title that are mapped (visible). */
export function visibleWindows(title) {
  try {
    return execFileSync("xdotool", ["search", "--onlyvisible", "--name", `^${title}$`], { timeout: 5000, stdio: ["ignore", "pipe", "ignore"] })
      .toString().trim().split("\n").filter(Boolean);
  } catch {
    return []; // none: xdotool exits 1
  }
}

/** Waits until a window with this title is visible (or, with
 *  `visible=false`, until none is); returns the ids. */
export async function waitWindow(title, visible = true, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ids = visibleWindows(title);
    if ((ids.length > 0) === visible) return ids;
    if (Date.now() > end) throw new Error(`window "${title}" ${visible ? "never showed" : "never hid"}`);
    await sleep(50);
  }
}

export function xdo(...args) {
  return execFileSync("xdotool", args, { timeout: 10000 }).toString();
}

/** A screenshot of the whole X screen (what is outside the web view too). */
export function screenShot(file) {
  execFileSync("import", ["-window", "root", file], { timeout: 10000 });
}

export { freshDataDir, PASSWORD };
