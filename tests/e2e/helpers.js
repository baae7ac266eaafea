// Shared by the end-to-end tests: a WebDriver session on the real app
// (through tauri-driver, started by scripts/test-e2e.sh), lookups by
// data-testid, screenshots to artifacts/, an independent TOTP/HOTP, and the
// X clipboard through xclip.
import { Builder, By, Key, until } from "selenium-webdriver";
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const APP = process.env.APIQ_APP ?? "/var/cache/apiq-target/debug/apiq-authenticator";
export const DATA_DIR = process.env.APIQ_DATA_DIR;
export const SHOTS = process.env.APIQ_SHOTS ?? join(ROOT, "artifacts", "e2e");
export const DRIVER = process.env.APIQ_WEBDRIVER ?? "http://127.0.0.1:4444/";
export const PASSWORD = "correct horse battery staple";

if (!DATA_DIR) throw new Error("APIQ_DATA_DIR is not set: run the tests through scripts/test-e2e.sh");
mkdirSync(SHOTS, { recursive: true });

/** Starts the app in a new WebDriver session. */
export async function startApp() {
  const driver = await new Builder()
    .usingServer(DRIVER)
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP } })
    .build();
  await driver.manage().setTimeouts({ implicit: 0 });
  return driver;
}

/** Empties the data folder and writes the settings the test wants. */
export function freshDataDir(settings) {
  mkdirSync(DATA_DIR, { recursive: true });
  for (const f of readdirSync(DATA_DIR)) rmSync(join(DATA_DIR, f), { recursive: true, force: true });
  writeFileSync(join(DATA_DIR, "settings.json"), JSON.stringify(settings));
}

/** A fresh data folder with these settings, the app started, and a new
 *  vault created with PASSWORD; resolves to the driver once the (empty)
 *  code list is up. */
export async function startWithNewVault(settings = { clipboardClearSecs: 0, autoLockSecs: 0 }) {
  freshDataDir(settings);
  const driver = await startApp();
  try {
    await findVisible(driver, "vault-create", 30000);
    await type(driver, "vault-password", PASSWORD);
    await type(driver, "vault-password-confirm", PASSWORD);
    await click(driver, "vault-create");
    await findVisible(driver, "add-open", 60000);
    return driver;
  } catch (e) {
    // The suite never gets this driver to quit: end its session here, or
    // the next suite finds the driver's one session taken.
    await driver.quit().catch(() => {});
    throw e;
  }
}

export const tid = (id) => By.css(`[data-testid="${id}"]`);

export async function find(driver, id, timeout = 10000) {
  try {
    return await driver.wait(until.elementLocated(tid(id)), timeout, `no element with data-testid=${id}`);
  } catch (e) {
    await screenshot(driver, `FAILED-no-${id}`).catch(() => {});
    throw e;
  }
}

export async function findVisible(driver, id, timeout = 10000) {
  const el = await find(driver, id, timeout);
  await driver.wait(until.elementIsVisible(el), timeout, `data-testid=${id} is not visible`);
  return el;
}

export async function all(driver, id) {
  return driver.findElements(tid(id));
}

/** Waits until `f` returns a truthy value; returns it. */
export async function waitFor(driver, f, message, timeout = 10000) {
  try {
    return await driver.wait(async () => {
      try {
        return await f();
      } catch {
        return false;
      }
    }, timeout, message);
  } catch (e) {
    // What the window showed when it did not get there, and the whole
    // screen (a native dialog is not in the web view's screenshot).
    const name = `FAILED-${message.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`;
    const file = await screenshot(driver, name).catch(() => null);
    if (file) {
      try {
        execFileSync("import", ["-window", "root", file.replace(/\.png$/, "-screen.png")], { timeout: 10000 });
      } catch {
        // ImageMagick missing or the display gone: the window's shot is enough.
      }
    }
    throw e;
  }
}

/** Empties a field the way a person does (select all, delete), so the
 *  page sees input events; WebDriver's clear() fires none. */
export async function empty(el) {
  await el.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
}

/** Empties a field and types into it. */
export async function type(driver, id, text) {
  const el = await findVisible(driver, id);
  await empty(el);
  if (text) await el.sendKeys(text);
  return el;
}

/** Types lines into a textarea, pressing Enter between them
 *  (WebKitWebDriver does not turn "\n" into a line break). */
export async function typeLines(driver, id, lines) {
  const el = await findVisible(driver, id);
  await empty(el);
  for (const [i, line] of lines.entries()) {
    await el.sendKeys(line);
    if (i + 1 < lines.length) await el.sendKeys(Key.ENTER);
  }
  return el;
}

export async function click(driver, id) {
  const el = await findVisible(driver, id);
  await el.click();
  return el;
}

let shot = 0;
// Screenshots are named after the test file that took them.
const PREFIX = (process.argv[1] ?? "").split("/").pop().replace(/\.test\.js$|\.js$/, "");
const RUN = process.env.APIQ_E2E_REMOTE_URL ? "-remote" : "";
/** Saves a screenshot of the window as artifacts/e2e/FILE-NN-name.png. */
export async function screenshot(driver, name) {
  shot += 1;
  await sleep(200); // let the last render and toast settle
  // Without a GPU the app turns WebKit's compositing off
  // (src-tauri/src/memory.rs), and then WebKitWebDriver's screenshot waits
  // for the page's next paint: a page where nothing moves never paints,
  // and the call never returns. So the page is kept painting while the
  // shot is taken: an invisible outline on <html> changes every 50 ms.
  await driver.executeScript(
    `clearInterval(window.__apiqShot);
     window.__apiqShot = setInterval(() => {
       const s = document.documentElement.style;
       s.outline = s.outline ? "" : "0.01px solid transparent";
     }, 50);`,
  );
  let png;
  try {
    png = await driver.takeScreenshot();
  } finally {
    await driver
      .executeScript(`clearInterval(window.__apiqShot); document.documentElement.style.outline = "";`)
      .catch(() => {});
  }
  const file = join(SHOTS, `${PREFIX}${RUN}-${String(shot).padStart(2, "0")}-${name}.png`);
  writeFileSync(file, png, "base64");
  return file;
}

/** The entries on screen: issuer, name, code (spaces removed). */
export async function entries(driver) {
  const rows = await all(driver, "entry");
  const out = [];
  for (const r of rows) {
    const issuer = await r.findElement(tid("entry-issuer")).getText();
    const name = await r.findElement(tid("entry-name")).getText();
    const code = (await r.findElement(tid("entry-code")).getText()).replace(/\s+/g, "");
    out.push({ issuer, name, code, el: r });
  }
  return out;
}

// ---- an independent OTP implementation (RFC 4226 / 6238, Steam) ----

export function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = s.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of clean) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`bad base32 character ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(secretB32, counter, { digits = 6, algorithm = "SHA1", steam = false } = {}) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase().replace("sha", "sha"), base32Decode(secretB32)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  let bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  if (steam) {
    const chars = "23456789BCDFGHJKMNPQRTVWXY";
    let s = "";
    for (let i = 0; i < 5; i++) {
      s += chars[bin % chars.length];
      bin = Math.floor(bin / chars.length);
    }
    return s;
  }
  return String(bin % 10 ** digits).padStart(digits, "0");
}

export function totp(secretB32, unixSecs, { period = 30, ...opts } = {}) {
  return hotp(secretB32, Math.floor(unixSecs / period), opts);
}

/** The codes valid around now (a read can straddle a period's end). */
export function totpAround(secretB32, opts = {}) {
  const now = Date.now() / 1000;
  return new Set([totp(secretB32, now - 1.5, opts), totp(secretB32, now, opts), totp(secretB32, now + 1.5, opts)]);
}

// ---- the X clipboard (the app's display) ----

/** The X clipboard's text, or what it holds for another target (MIME type). */
export function readClipboard(target = null) {
  try {
    const t = target ? ["-t", target] : [];
    return execFileSync("xclip", ["-o", "-selection", "clipboard", ...t], { timeout: 3000, stdio: ["ignore", "pipe", "ignore"] }).toString();
  } catch {
    return ""; // no owner: empty
  }
}

export function writeClipboard(text) {
  execFileSync("xclip", ["-i", "-selection", "clipboard"], { input: text, timeout: 3000, stdio: ["pipe", "ignore", "ignore"] });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Answers the app's native "Save File" dialog (GTK, under Xvfb) with a
 *  path, as a person would type it. With `replace`, the path exists and GTK
 *  asks whether to replace it: the answer is yes. */
export async function answerSaveDialog(path, { replace = false } = {}) {
  execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", "^Save File$", "windowfocus", "--sync"], { timeout: 15000 });
  await sleep(300);
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "15", path]);
  await sleep(200);
  execFileSync("xdotool", ["key", "Return"]);
  if (replace) {
    // GTK's confirmation is a second, untitled modal window; its default
    // button is "Replace".
    await sleep(800);
    const ids = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^$"], { timeout: 5000 }).toString().trim().split("\n");
    execFileSync("xdotool", ["windowfocus", "--sync", ids[ids.length - 1]]);
    await sleep(200);
    execFileSync("xdotool", ["key", "Return"]);
  }
}

/** Brings the window back to a known state before a test, so that one
 *  failing test reports one failure instead of leaving a dialog open over
 *  the next test's clicks: every dialog closed (Escape, as a person would),
 *  the code list showing, and, when the vault is locked and `password` is
 *  given, unlocked with it. With `stay`, only the dialogs are closed (for
 *  suites whose tests walk on from where the last one left the view). */
export async function backToCodes(driver, { password, stay = false } = {}) {
  if (!driver) return;
  for (let i = 0; i < 5; i++) {
    const open = await driver.executeScript("return document.querySelectorAll('[role=dialog]').length");
    if (!open) break;
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitFor(driver, async () => (await driver.executeScript("return document.querySelectorAll('[role=dialog]').length")) < open, "a dialog closed by Escape");
  }
  if (stay) return;
  const locked = (await all(driver, "vault-unlock")).length > 0;
  if (locked && password) {
    await type(driver, "vault-password", password);
    await click(driver, "vault-unlock");
    await findVisible(driver, "add-open", 30000);
  }
  const nav = await all(driver, "nav-codes");
  if (nav.length) {
    await nav[0].click();
    await findVisible(driver, "add-open");
  }
}

/** Waits until an opened dialog has taken the focus (it moves the focus to
 *  its first field once shown; typing before that would land elsewhere). */
export async function dialogReady(driver) {
  await waitFor(driver, () => driver.executeScript("return !!document.activeElement && !!document.activeElement.closest('[role=dialog]')"), "the dialog took the focus");
}

/** Bytes as unpadded base32 (RFC 4648). */
export function base32Encode(bytes) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

// ---- Google Authenticator's migration payload (an independent reader) ----

/** Reads a protobuf message into {field: [values]} (varints as numbers,
 *  length-delimited fields as Buffers). */
function protoFields(buf) {
  const out = {};
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error("truncated varint");
      v += (b & 0x7f) * mul;
      if (!(b & 0x80)) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
    (out[field] ??= []).push(value);
  }
  return out;
}

/** The entries of an `otpauth-migration://offline?data=…` URI:
 *  {issuer, name, secret (base32), batchIndex, batchSize}. */
export function readMigration(uri) {
  const data = decodeURIComponent(new URL(uri).searchParams.get("data"));
  const payload = protoFields(Buffer.from(data, "base64"));
  return (payload[1] ?? []).map((p) => {
    const f = protoFields(p);
    return {
      secret: base32Encode(f[1][0]),
      name: f[2]?.[0].toString("utf8") ?? "",
      issuer: f[3]?.[0].toString("utf8") ?? "",
      batchSize: payload[3]?.[0] ?? 1,
      batchIndex: payload[4]?.[0] ?? 0,
    };
  });
}
