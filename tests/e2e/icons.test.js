// Entry icons and icon packs in the real window (issue 16 item 1): an
// account's own picture chosen in the edit dialog (a PNG written here; a
// text file and an oversized SVG refused inline, changing nothing),
// removed with the keyboard; an Aegis icon pack (a ZIP built here) imported
// in Settings, its picture shown for its issuer's row and beaten by an own
// picture, then removed. The order a row picks (own picture > pack > brand
// > initials) is checked on the rows, the pictures are checked to have
// decoded (the window's CSP allows data: images), the requests are counted
// in the app's IPC trace (asked once, not per render, none without packs),
// axe runs on the dialogs with icons, and the list is shot in the light and
// the dark theme (artifacts/e2e/icons-*.png).
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { Key } from "selenium-webdriver";
import {
  backToCodes, DATA_DIR, PASSWORD, ROOT, all, click, dialogReady, entries, find, findVisible, screenshot, sleep, startWithNewVault, tid, type, typeLines, waitFor,
} from "./helpers.js";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const LOG = join(process.env.APIQ_E2E_LOGS ?? join(ROOT, "artifacts", "e2e-logs"), "tauri-driver.log");
const TMP = mkdtempSync(join(tmpdir(), "apiq-icons-"));
const PACK_UUID = randomUUID();
const PACK_NAME = "Test Icons";
let driver;

// ---- files the test picks ------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A true-colour PNG of `size`² pixels, `colour(x, y)` → [r, g, b]. */
function png(size, colour) {
  const row = size * 3 + 1;
  const raw = Buffer.alloc(row * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) raw.set(colour(x, y), y * row + 1 + x * 3);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A 256 px picture (shrunk to 128 by the app): a white ring on teal. */
const OWN_PNG = join(TMP, "example-corp.png");
writeFileSync(
  OWN_PNG,
  png(256, (x, y) => {
    const d = Math.hypot(x - 127.5, y - 127.5);
    return d > 60 && d < 90 ? [255, 255, 255] : [0, 128, 128];
  }),
);
const NOT_IMAGE = join(TMP, "notes.txt");
writeFileSync(NOT_IMAGE, "These are not the pixels you are looking for.\n");
/** An SVG over the 128 KiB an own SVG icon may have. */
const BIG_SVG = join(TMP, "big.svg");
writeFileSync(BIG_SVG, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><!-- ${"x".repeat(140 * 1024)} --><circle cx="12" cy="12" r="10"/></svg>`);

/** The pack's picture for Zeta Tools: an orange square with a dark "Z". */
const ZETA_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#f28c28"/><path d="M18 18h28v6L26 40h20v6H18v-6l20-16H18z" fill="#222"/></svg>`;
const PACK = join(TMP, "test-icons.zip");
const BAD_PACK = join(TMP, "not-a-pack.zip");

/** Builds the Aegis-format pack with Python's zipfile (no npm ZIP package). */
function buildPack() {
  const manifest = {
    uuid: PACK_UUID,
    name: PACK_NAME,
    version: 3,
    icons: [
      { filename: "SVG/zeta_tools.svg", name: "Zeta Tools", category: "Tools", issuer: ["zeta tools", "zetatools.example"] },
      { filename: "PNG/unused.png", name: "Nobody Here", category: null, issuer: ["nobody here"] },
    ],
  };
  writeFileSync(join(TMP, "pack.json"), JSON.stringify(manifest));
  writeFileSync(join(TMP, "zeta.svg"), ZETA_SVG);
  writeFileSync(join(TMP, "unused.png"), png(32, () => [200, 30, 60]));
  execFileSync("python3", [
    "-c",
    `import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(d + "/pack.json", "pack.json")
    z.write(d + "/zeta.svg", "SVG/zeta_tools.svg")
    z.write(d + "/unused.png", "PNG/unused.png")
with zipfile.ZipFile(sys.argv[3], "w") as z:
    z.writestr("readme.txt", "no pack.json here")`,
    TMP,
    PACK,
    BAD_PACK,
  ]);
}
buildPack();

// ---- the window ------------------------------------------------------------

/** How many times the app was asked `command` (its IPC trace, which the
 *  script starts empty and every suite of the run adds to). */
function traced(command) {
  if (!existsSync(LOG)) return 0;
  return [...readFileSync(LOG, "utf8").matchAll(/^ipc \d+\.\d+: (\w+)$/gm)].filter((m) => m[1] === command).length;
}
const baseline = new Map();
/** How many times this suite asked `command`. */
const asked = (command) => traced(command) - (baseline.get(command) ?? 0);

/** What a row's round icon shows: the picture (its src, whether it decoded,
 *  its size), the brand, or the initials. */
async function rowIcon(issuer) {
  return driver.executeScript(
    `const row = [...document.querySelectorAll("[data-testid=entry]")]
       .find((r) => r.querySelector("[data-testid=entry-issuer]").textContent === arguments[0]);
     if (!row) return null;
     const av = row.querySelector(".avatar");
     const img = av.querySelector("[data-testid=entry-icon-img]");
     const box = av.getBoundingClientRect();
     return {
       src: img ? img.getAttribute("src").slice(0, 30) : null,
       decoded: img ? img.complete && img.naturalWidth > 0 : false,
       hidden: av.getAttribute("aria-hidden"),
       alt: img ? img.getAttribute("alt") : null,
       brand: av.getAttribute("data-brand"),
       letters: img ? "" : av.textContent.trim(),
       w: Math.round(box.width),
       h: Math.round(box.height),
     };`,
    issuer,
  );
}

async function waitIcon(issuer, ok, message) {
  let last;
  await waitFor(
    driver,
    async () => {
      last = await rowIcon(issuer);
      return last && ok(last);
    },
    message,
  );
  return last;
}

async function menu(issuer, item) {
  await waitFor(driver, async () => {
    const e = (await entries(driver)).find((x) => x.issuer === issuer);
    await e.el.findElement(tid("entry-menu")).click();
    return true;
  }, `open the menu of ${issuer}`);
  await click(driver, item);
}

async function openEdit(issuer) {
  await menu(issuer, "entry-edit");
  await findVisible(driver, "edit-dialog");
  await dialogReady(driver);
}

async function openSettings() {
  await click(driver, "main-menu");
  await click(driver, "settings-open");
  await findVisible(driver, "settings-icon-packs", 20000);
}

/** Runs axe on the page as it is; fails on serious or critical findings. */
async function expectClean(name) {
  const result = await driver.executeAsyncScript(
    `${AXE}
     ;const done = arguments[arguments.length - 1];
     window.axe.run(document, { resultTypes: ["violations"] })
       .then((r) => done(JSON.stringify(r.violations)), (e) => done(JSON.stringify({ error: String(e) })));`,
  );
  const v = JSON.parse(result);
  assert.ok(Array.isArray(v), `axe failed: ${result}`);
  const bad = v.filter((x) => x.impact === "serious" || x.impact === "critical");
  if (bad.length) await screenshot(driver, `a11y-${name}`);
  assert.deepEqual(
    bad.map((x) => `${x.id} (${x.impact}): ${x.help} — ${x.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${JSON.stringify(n.any?.[0]?.data ?? "")}`).join(", ")}`),
    [],
    name,
  );
}

const focused = () =>
  driver.executeScript("const a = document.activeElement; return a ? a.getAttribute('data-testid') || '' : ''");

describe("entry icons and icon packs", () => {
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    for (const c of ["icon_packs", "pack_icon", "entry_icon"]) baseline.set(c, traced(c));
    driver = await startWithNewVault();
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [
      "otpauth://totp/Example%20Corp:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Corp",
      "otpauth://totp/Zeta%20Tools:zoe@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Zeta%20Tools",
      "otpauth://totp/GitHub:ann@example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSXG5DF&issuer=GitHub",
      "otpauth://totp/Quiet%20Bank:qb@example.com?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Quiet%20Bank",
    ]);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 4, "four entries previewed");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 4, "the entries added");
  });

  after(async () => {
    if (driver) await driver.quit();
    rmSync(TMP, { recursive: true, force: true });
  });

  test("without pictures or packs: brand and initials, and no pack is asked for any row", async () => {
    await waitIcon("GitHub", (i) => i.brand === "github", "GitHub's brand icon");
    const zeta = await rowIcon("Zeta Tools");
    assert.equal(zeta.src, null);
    assert.equal(zeta.letters, "ZT");
    // The codes tick every second and redraw the rows: still no request.
    await sleep(2500);
    assert.equal(asked("pack_icon"), 0, "pack_icon asked with no pack imported");
    assert.equal(asked("entry_icon"), 0, "entry_icon asked with no own picture");
    assert.ok(asked("icon_packs") <= 1, `icon_packs asked ${asked("icon_packs")} times`);
  });

  test("an own picture chosen in the edit dialog shows on the row", async () => {
    await openEdit("Example Corp");
    assert.equal((await all(driver, "entry-icon-remove")).length, 0, "no Remove without an own icon");
    await (await find(driver, "entry-icon-file")).sendKeys(OWN_PNG);
    await findVisible(driver, "entry-icon-remove", 15000);
    assert.match(await (await find(driver, "entry-icon-status")).getText(), /Icon changed/);
    // The dialog shows it as the list does.
    await waitFor(
      driver,
      () => driver.executeScript("const i = document.querySelector('[data-testid=edit-dialog] [data-testid=entry-icon-img]'); return !!i && i.naturalWidth > 0"),
      "the dialog shows the picture",
    );
    await screenshot(driver, "edit-dialog-with-icon");
    await expectClean("edit-dialog-with-icon");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    const icon = await waitIcon("Example Corp", (i) => i.decoded, "Example Corp's picture on its row");
    assert.equal(icon.src.startsWith("data:image/png;base64,"), true, icon.src);
    assert.equal(icon.alt, "");
    assert.equal(icon.hidden, "true");
    assert.deepEqual([icon.w, icon.h], [40, 40], "the picture is sized like the other icons");
    // Asked once (the dialog and the row share it), however often the row redraws.
    const n = asked("entry_icon");
    await sleep(2500);
    assert.equal(asked("entry_icon"), n, "entry_icon asked again by redraws");
    assert.ok(n <= 2, `entry_icon asked ${n} times`);
  });

  test("a text file and an oversized SVG are refused inline; the icon stays", async () => {
    await openEdit("Example Corp");
    await (await find(driver, "entry-icon-file")).sendKeys(NOT_IMAGE);
    const err = await findVisible(driver, "entry-icon-error", 15000);
    assert.match(await err.getText(), /not an image/i);
    await screenshot(driver, "edit-dialog-refused");
    await (await find(driver, "entry-icon-file")).sendKeys(BIG_SVG);
    await waitFor(driver, async () => {
      const e = await all(driver, "entry-icon-error");
      return e.length === 1 && /too large/i.test(await e[0].getText());
    }, "the big SVG refused as too large");
    // Nothing changed: the own icon is still there.
    await findVisible(driver, "entry-icon-remove");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    const icon = await rowIcon("Example Corp");
    assert.equal(icon.src.startsWith("data:image/png;base64,"), true);
  });

  test("Settings > Icon packs: a file that is not a pack is refused, a pack is imported and listed", async () => {
    await openSettings();
    await findVisible(driver, "icon-packs-empty");
    await (await find(driver, "settings-icon-pack-file")).sendKeys(BAD_PACK);
    assert.match(await (await findVisible(driver, "settings-icon-pack-error", 15000)).getText(), /pack\.json/);
    assert.equal((await all(driver, "icon-pack-row")).length, 0);
    await (await find(driver, "settings-icon-pack-file")).sendKeys(PACK);
    const row = await findVisible(driver, "icon-pack-row", 15000);
    const text = await row.getText();
    assert.match(text, new RegExp(PACK_NAME));
    assert.match(text, /Version 3/);
    assert.match(text, /2 icons/);
    assert.equal(await row.getAttribute("data-uuid"), PACK_UUID);
    assert.equal((await all(driver, "settings-icon-pack-error")).length, 0, "the old error is gone");
    assert.match(await (await findVisible(driver, "toast")).getText(), /Imported the icon pack “Test Icons”: 2 icons/);
    assert.ok(existsSync(join(DATA_DIR, "icon-packs", `${PACK_UUID}.zip`)), "kept as <data dir>/icon-packs/<uuid>.zip");
    await driver.executeScript("document.querySelector('[data-testid=settings-icon-packs]').scrollIntoView({ block: 'center' })");
    await screenshot(driver, "settings-icon-packs");
    await expectClean("settings-icon-packs");
  });

  test("the pack's picture shows for its issuer; the order is own > pack > brand > initials", async () => {
    const zeta = await waitIcon("Zeta Tools", (i) => i.decoded, "Zeta Tools shows the pack's picture");
    assert.equal(zeta.src.startsWith("data:image/svg+xml;base64,"), true, zeta.src);
    assert.deepEqual([zeta.w, zeta.h], [40, 40]);
    // The own picture still wins over the pack for Example Corp (no pack icon
    // for it anyway), GitHub keeps its brand, Quiet Bank its initials.
    assert.equal((await rowIcon("Example Corp")).src.startsWith("data:image/png"), true);
    assert.equal((await rowIcon("GitHub")).brand, "github");
    assert.equal((await rowIcon("Quiet Bank")).letters, "QB");
    // One request per issuer, not per redraw.
    const n = asked("pack_icon");
    assert.ok(n >= 1 && n <= 4, `pack_icon asked ${n} times for 4 rows`);
    await sleep(2500);
    assert.equal(asked("pack_icon"), n, "pack_icon asked again by redraws");
    await expectClean("codes-with-pictures");
  });

  test("the list with pictures in the light and the dark theme", async () => {
    for (const theme of ["light", "dark"]) {
      await driver.executeScript(`document.documentElement.dataset.theme = "${theme}"`);
      await waitIcon("Zeta Tools", (i) => i.decoded, "the pack picture");
      await screenshot(driver, `codes-icons-${theme}`);
      await click(driver, "main-menu");
      await click(driver, "settings-open");
      await findVisible(driver, "icon-pack-row", 20000);
      await driver.executeScript("document.querySelector('[data-testid=settings-icon-packs]').scrollIntoView({ block: 'center' })");
      await screenshot(driver, `settings-icon-packs-${theme}`);
      if (theme === "dark") await expectClean("settings-icon-packs-dark");
      await backToCodes(driver, { password: PASSWORD });
      await openEdit("Example Corp");
      await screenshot(driver, `edit-dialog-icon-${theme}`);
      await backToCodes(driver, { password: PASSWORD });
    }
    await driver.executeScript(`document.documentElement.dataset.theme = "system"`);
  });

  test("in Ukrainian: the sections translated, the icon count in its plural form", async () => {
    await driver.executeScript(`localStorage.setItem("apiq.lang", "uk")`);
    try {
      await driver.navigate().refresh();
      await findVisible(driver, "add-open", 30000);
      await openSettings();
      const row = await findVisible(driver, "icon-pack-row", 20000);
      assert.match(await row.getText(), /Версія 3 · 2 значки/);
      assert.equal(await (await find(driver, "settings-icon-pack-import")).getText(), "Імпортувати набір значків…");
      await driver.executeScript("document.querySelector('[data-testid=settings-icon-packs]').scrollIntoView({ block: 'center' })");
      await screenshot(driver, "settings-icon-packs-uk");
      await backToCodes(driver, { password: PASSWORD });
      await openEdit("Example Corp");
      assert.equal(await (await find(driver, "entry-icon-remove")).getText(), "Прибрати значок");
      await screenshot(driver, "edit-dialog-icon-uk");
    } finally {
      await backToCodes(driver, { password: PASSWORD, stay: true });
      await driver.executeScript(`localStorage.removeItem("apiq.lang")`);
      await driver.navigate().refresh();
      await findVisible(driver, "add-open", 30000);
    }
  });

  test("an own picture beats the pack's; removing it brings the pack's back", async () => {
    await openEdit("Zeta Tools");
    // The dialog shows the pack's picture, and no Remove (it is not its own).
    assert.equal((await all(driver, "entry-icon-remove")).length, 0);
    await (await find(driver, "entry-icon-file")).sendKeys(OWN_PNG);
    await findVisible(driver, "entry-icon-remove", 15000);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitIcon("Zeta Tools", (i) => i.src?.startsWith("data:image/png"), "Zeta Tools shows its own picture");
    await openEdit("Zeta Tools");
    await click(driver, "entry-icon-remove");
    await waitFor(driver, async () => (await all(driver, "entry-icon-remove")).length === 0, "Remove gone");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await waitIcon("Zeta Tools", (i) => i.src?.startsWith("data:image/svg+xml"), "Zeta Tools shows the pack's picture again");
  });

  test("the own picture stays across a lock; removed with the keyboard, the initials come back", async () => {
    await click(driver, "vault-lock");
    await type(driver, "vault-password", PASSWORD);
    await click(driver, "vault-unlock");
    await findVisible(driver, "add-open", 30000);
    await waitIcon("Example Corp", (i) => i.decoded && i.src.startsWith("data:image/png"), "the picture after unlocking");
    await openEdit("Example Corp");
    // From the first field, Shift+Tab goes back to Remove icon, then
    // Choose image (the hidden file input takes no focus).
    assert.equal(await focused(), "edit-issuer");
    await driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
    assert.equal(await focused(), "entry-icon-remove");
    await driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
    assert.equal(await focused(), "entry-icon-choose");
    await driver.actions().sendKeys(Key.TAB).perform();
    assert.equal(await focused(), "entry-icon-remove");
    await driver.actions().sendKeys(Key.ENTER).perform();
    await waitFor(driver, async () => (await all(driver, "entry-icon-remove")).length === 0, "the icon removed");
    // The focus stays in the dialog, on Choose image.
    await waitFor(driver, async () => (await focused()) === "entry-icon-choose", "the focus on Choose image");
    assert.match(await (await find(driver, "entry-icon-status")).getText(), /Icon removed/);
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    const icon = await waitIcon("Example Corp", (i) => i.src === null, "Example Corp's initials back");
    assert.equal(icon.letters, "EC");
    assert.equal(icon.brand, null);
  });

  test("removing the pack: its picture goes, the file goes", async () => {
    await openSettings();
    const remove = await findVisible(driver, "icon-pack-remove");
    assert.equal(await remove.getAttribute("aria-label"), `Remove ${PACK_NAME}`);
    await remove.click();
    await findVisible(driver, "icon-packs-empty", 15000);
    assert.equal((await all(driver, "icon-pack-row")).length, 0);
    assert.equal(await focused(), "settings-icon-pack-import", "the focus goes to Import");
    assert.ok(!existsSync(join(DATA_DIR, "icon-packs", `${PACK_UUID}.zip`)), "the pack file removed");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    const zeta = await waitIcon("Zeta Tools", (i) => i.src === null, "Zeta Tools' initials back");
    assert.equal(zeta.letters, "ZT");
    // No pack left: the rows stop asking.
    const n = asked("pack_icon");
    await sleep(2500);
    assert.equal(asked("pack_icon"), n);
  });
});
