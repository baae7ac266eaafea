// Languages (issue 16 item 2), in the real window: German chosen in
// Settings > Language changes the whole window at once and is kept across a
// reload; Ukrainian (a language with one/few/many plurals) and the pseudo-
// locale (every text ~40 % longer, accented) are chosen the way Settings
// stores them. Every main screen is shot in German and Ukrainian, in the
// light and the dark theme (artifacts/e2e/i18n-*.png), and in the pseudo-
// locale no text of ours is cut off or spills out of its box.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Select } from "selenium-webdriver/lib/select.js";
import { PASSWORD, all, backToCodes, click, find, findVisible, screenshot, startWithNewVault, typeLines, waitFor } from "./helpers.js";

let driver;

/** Elements showing text of their own that does not fit their box: clipped
 *  (overflow hidden, ellipsis) or kept on one line past the box's edge, or
 *  whose box reaches past the edge of the box that clips or scrolls it (a
 *  button pushed out of a dialog by a wide neighbour). A truncation whose
 *  full text is in the element's `title` is allowed (it is user data with a
 *  tooltip, as long account names are). */
const CUT_OFF = `
  const out = [];
  const clipper = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return a;
    }
    return null;
  };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(" ").trim();
    if (!own) continue;
    const box = clipper(el);
    if (box) {
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) {
        out.push((el.dataset.testid || el.className || el.tagName) + ": " + own.slice(0, 60) + " (past the edge of " + (box.dataset.testid || box.className || box.tagName) + ")");
        continue;
      }
    }
    const cs = getComputedStyle(el);
    const clips = cs.overflowX === "hidden" || cs.overflowX === "clip" || cs.textOverflow === "ellipsis";
    const oneLine = cs.whiteSpace === "nowrap" || cs.whiteSpace === "pre";
    if (!clips && !oneLine) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.title && el.title.includes(own.slice(0, 20))) continue;
    out.push((el.dataset.testid || el.className || el.tagName) + ": " + own.slice(0, 60) + " (" + el.scrollWidth + " > " + el.clientWidth + ")");
  }
  return out;`;

async function expectNothingCut(name) {
  const cut = await driver.executeScript(CUT_OFF);
  if (cut.length) await screenshot(driver, `i18n-cut-${name}`);
  assert.deepEqual(cut, [], `${name}: text cut off`);
}

/** Chooses a language the way Settings stores it, and reloads the page. */
async function useLanguage(lang) {
  await driver.executeScript(`localStorage.setItem("apiq.lang", "${lang}")`);
  await driver.navigate().refresh();
  await findVisible(driver, "add-open", 30000);
  await waitFor(driver, async () => (await driver.executeScript("return document.documentElement.lang")) !== "", "the language set");
}

async function theme(name) {
  await driver.executeScript(`document.documentElement.dataset.theme = "${name}"`);
}

/** Shots of the main screens in the current language, light and dark;
 *  nothing on them cut off (the real texts, not only the pseudo-locale's:
 *  German and Ukrainian labels once pushed the add dialog's buttons out of
 *  it). */
async function shootScreens(prefix) {
  for (const t of ["light", "dark"]) {
    await theme(t);
    if (t === "light") await expectNothingCut(`${prefix} codes`);
    await screenshot(driver, `i18n-${prefix}-codes-${t}`);
    await click(driver, "main-menu");
    await click(driver, "settings-open");
    await findVisible(driver, "settings-dialog");
    if (t === "light") await expectNothingCut(`${prefix} settings`);
    await screenshot(driver, `i18n-${prefix}-settings-${t}`);
    await backToCodes(driver, { password: PASSWORD });
    await click(driver, "add-open");
    await findVisible(driver, "add-dialog");
    if (t === "light") await expectNothingCut(`${prefix} add`);
    await screenshot(driver, `i18n-${prefix}-add-${t}`);
    await backToCodes(driver, { password: PASSWORD });
  }
  await theme("system");
}

describe("languages", () => {
  beforeEach(() => backToCodes(driver, { password: PASSWORD }));

  before(async () => {
    driver = await startWithNewVault();
    await click(driver, "add-open");
    await typeLines(driver, "add-uri", [
      "otpauth://totp/Alpha:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha",
      "otpauth://totp/Beta%20Bank:bob@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Beta%20Bank",
    ]);
    await waitFor(driver, async () => (await all(driver, "preview-item")).length === 2, "two entries previewed");
    await click(driver, "add-save");
    await waitFor(driver, async () => (await all(driver, "entry")).length === 2, "the entries added");
  });

  after(async () => {
    if (driver) {
      await driver.executeScript(`localStorage.removeItem("apiq.lang")`).catch(() => {});
      await driver.quit();
    }
  });

  test("German from Settings > Language: the whole window at once, kept across a reload", async () => {
    const english = await (await find(driver, "add-open")).getText();
    await click(driver, "main-menu");
    await click(driver, "settings-open");
    await findVisible(driver, "settings-dialog");
    await new Select(await find(driver, "settings-language")).selectByValue("de");
    await click(driver, "settings-save");
    await waitFor(driver, async () => (await driver.executeScript("return document.documentElement.lang")) === "de", "lang=de");
    await backToCodes(driver, { password: PASSWORD });
    const german = await (await find(driver, "add-open")).getText();
    assert.notEqual(german, english);
    assert.match(german, /hinzufügen/i);
    await driver.navigate().refresh();
    await findVisible(driver, "add-open", 30000);
    assert.equal(await (await find(driver, "add-open")).getText(), german, "kept after a reload");
    await shootScreens("de");
  });

  test("Ukrainian: screens in both themes", async () => {
    await useLanguage("uk");
    assert.equal(await driver.executeScript("return document.documentElement.lang"), "uk");
    assert.match(await (await find(driver, "add-open")).getText(), /[А-Яа-яІіЇїЄєҐґ]/);
    await shootScreens("uk");
  });

  test("the pseudo-locale: longer texts are never cut off", async () => {
    await useLanguage("pseudo");
    const text = await (await find(driver, "add-open")).getText();
    assert.match(text, /^\[.*\]$/, `pseudo text: ${text}`);
    await expectNothingCut("codes");
    await screenshot(driver, "i18n-pseudo-codes");
    for (const [name, item, dialog] of [
      ["settings", "settings-open", "settings-dialog"],
      ["import", "import-open", "import-dialog"],
      ["export", "export-open", "export-dialog"],
    ]) {
      await click(driver, "main-menu");
      await click(driver, item);
      await findVisible(driver, dialog);
      await expectNothingCut(name);
      await screenshot(driver, `i18n-pseudo-${name}`);
      await backToCodes(driver, { password: PASSWORD });
    }
    await click(driver, "add-open");
    await findVisible(driver, "add-dialog");
    await expectNothingCut("add");
    await screenshot(driver, "i18n-pseudo-add");
    await backToCodes(driver, { password: PASSWORD });
    await click(driver, "nav-account");
    await findVisible(driver, "signin-login", 20000);
    await expectNothingCut("account");
    await screenshot(driver, "i18n-pseudo-account");
    await useLanguage("en");
  });
});
