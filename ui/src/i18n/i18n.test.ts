import { afterEach, describe, expect, it } from "vitest";
import {
  flatten,
  LANGUAGES,
  MESSAGES,
  matchLanguage,
  PLURAL_SUFFIX,
  resolveChoice,
  setLang,
  t,
  translate,
  type Lang,
} from "./index";
import { pseudoize } from "./pseudo";
import { findBypasses } from "./scan";

// The sources whose visible texts must go through t() (Vite's ?raw glob).
const sources = import.meta.glob<string>(["../views/*.tsx", "../components/*.tsx", "../app.tsx", "../main.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** English keys grouped: plain keys, and plural keys by their base. */
function englishKeys() {
  const plain = new Map<string, string>();
  const plural = new Map<string, string>(); // base → the `_other` text
  for (const [k, v] of flatten(MESSAGES.en)) {
    const m = PLURAL_SUFFIX.exec(k);
    if (m) {
      const base = k.slice(0, m.index);
      if (m[1] === "other") plural.set(base, v);
    } else plain.set(k, v);
  }
  return { plain, plural };
}

afterEach(() => setLang("en"));

describe("translation files", () => {
  const { plain, plural } = englishKeys();

  it("English has both forms of every plural, and no key both plain and plural", () => {
    const keys = new Set(flatten(MESSAGES.en).keys());
    for (const base of plural.keys()) {
      expect(keys.has(`${base}_one`), `${base}_one`).toBe(true);
      expect(plain.has(base), base).toBe(false);
    }
    expect(plain.size + plural.size).toBeGreaterThan(300);
  });

  for (const lang of LANGUAGES.filter((l) => l !== "en")) {
    it(`${lang}: every key, every plural form the language needs, no extra keys, the same placeholders`, () => {
      const got = flatten(MESSAGES[lang]);
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const want = new Map<string, string>(plain);
      for (const [base, other] of plural) for (const c of categories) want.set(`${base}_${c}`, other);
      const missing = [...want.keys()].filter((k) => !got.has(k));
      const extra = [...got.keys()].filter((k) => !want.has(k));
      expect(missing, "missing keys").toEqual([]);
      expect(extra, "keys English does not have").toEqual([]);
      for (const [k, v] of got) {
        expect(v.trim(), `${lang} ${k} is empty`).not.toBe("");
        // A plural form may leave out {count} ("one" in Ukrainian can be a
        // word), but must not bring a placeholder English lacks.
        const en = placeholders(want.get(k) ?? "");
        const tr = placeholders(v);
        if (PLURAL_SUFFIX.test(k)) {
          expect(
            tr.filter((p) => !en.includes(p)),
            `${lang} ${k}`,
          ).toEqual([]);
          expect(
            en.filter((p) => p !== "count" && !tr.includes(p)),
            `${lang} ${k}`,
          ).toEqual([]);
        } else expect(tr, `${lang} ${k}`).toEqual(en);
      }
    });
  }
});

describe("t()", () => {
  it("fills placeholders and falls back to the key when unknown", () => {
    expect(t("gate.storedIn", { dir: "/tmp/x" })).toBe("Stored in /tmp/x");
    expect(translate("en", "no.such.key")).toBe("no.such.key");
  });

  // [language, count, expected text of entryRow.recoveryLeft]
  const cases: Array<[Lang, number, string]> = [
    ["en", 1, "1 recovery code left"],
    ["en", 2, "2 recovery codes left"],
    ["en", 5, "5 recovery codes left"],
    ["en", 21, "21 recovery codes left"],
    ["de", 1, "1 Wiederherstellungscode übrig"],
    ["de", 2, "2 Wiederherstellungscodes übrig"],
    ["de", 21, "21 Wiederherstellungscodes übrig"],
    ["fr", 1, "1 code de récupération restant"],
    ["fr", 2, "2 codes de récupération restants"],
    ["fr", 21, "21 codes de récupération restants"],
    ["es", 1, "Queda 1 código de recuperación"],
    ["es", 2, "Quedan 2 códigos de recuperación"],
    ["es", 21, "Quedan 21 códigos de recuperación"],
    ["uk", 1, "Залишився 1 код відновлення"],
    ["uk", 2, "Залишилося 2 коди відновлення"],
    ["uk", 5, "Залишилося 5 кодів відновлення"],
    ["uk", 21, "Залишився 21 код відновлення"],
    ["uk", 22, "Залишилося 22 коди відновлення"],
    ["uk", 11, "Залишилося 11 кодів відновлення"],
  ];
  for (const [lang, count, want] of cases) {
    it(`${lang}: ${count} → ${want}`, () => {
      setLang(lang);
      expect(t("entryRow.recoveryLeft", { count })).toBe(want);
    });
  }

  // [language, count, expected text of settings.iconPackIcons]
  const icons: Array<[Lang, number, string]> = [
    ["en", 1, "1 icon"],
    ["en", 40, "40 icons"],
    ["de", 1, "1 Symbol"],
    ["de", 3, "3 Symbole"],
    ["fr", 1, "1 icône"],
    ["fr", 3, "3 icônes"],
    ["fr", 1000000, "1000000 d'icônes"],
    ["es", 3, "3 iconos"],
    ["es", 1000000, "1000000 de iconos"],
    ["uk", 1, "1 значок"],
    ["uk", 3, "3 значки"],
    ["uk", 5, "5 значків"],
    ["uk", 21, "21 значок"],
    ["uk", 1.5, "1.5 значка"],
  ];
  for (const [lang, count, want] of icons) {
    it(`${lang}: ${count} icons → ${want}`, () => {
      setLang(lang);
      expect(t("settings.iconPackIcons", { count })).toBe(want);
    });
  }

  it("Ukrainian uses one/few/many by the number's ending", () => {
    const r = new Intl.PluralRules("uk");
    expect([1, 2, 5, 21, 11, 1.5].map((n) => r.select(n))).toEqual(["one", "few", "many", "one", "many", "other"]);
    setLang("uk");
    expect(t("recovery.found", { count: 1.5 })).toBe(translate("uk", "recovery.found_other", { count: 1.5 }));
  });
});

describe("OS locale", () => {
  it("takes the first language we have, in either spelling", () => {
    expect(matchLanguage(["de-AT", "en-US"])).toEqual({ lang: "de", tag: "de-AT" });
    expect(matchLanguage(["uk_UA.UTF-8"])).toEqual({ lang: "uk", tag: "uk-UA" });
    expect(matchLanguage(["pt-BR", "fr-CA"])?.lang).toBe("fr");
    expect(matchLanguage(["pt-BR"])).toBeNull();
  });

  it("a stored choice wins; auto is the OS language, else English", () => {
    expect(resolveChoice("es", ["de-DE"])).toBe("es");
    expect(resolveChoice("auto", ["de-DE"])).toBe("de");
    expect(resolveChoice("auto", ["ja-JP"])).toBe("en");
    expect(resolveChoice("pseudo", ["de-DE"])).toBe("pseudo");
  });
});

describe("pseudo-locale", () => {
  it("keeps placeholders, is bracketed and over 30 % longer than English (placeholders aside)", () => {
    for (const [k, v] of flatten(MESSAGES.en)) {
      const p = translate("pseudo", k);
      expect(placeholders(p), k).toEqual(placeholders(v));
      expect(p.startsWith("[") && p.endsWith("]"), k).toBe(true);
      const bare = (s: string) => s.replace(/\{\w+\}/g, "").length;
      expect(bare(p), k).toBeGreaterThan(bare(v) * 1.3);
    }
    expect(pseudoize("Copy {name}")).toMatch(/^\[Çöƥý \{name\} .+\]$/);
  });

  it("plural forms and interpolation work as in English", () => {
    setLang("pseudo");
    expect(t("entryRow.recoveryLeft", { count: 1 })).toMatch(/^\[1 ŕéçöṽéŕý çöðé ĺéƒţ /);
    expect(t("entryRow.recoveryLeft", { count: 2 })).toMatch(/^\[2 ŕéçöṽéŕý çöðéš ĺéƒţ /);
  });
});

describe("no visible text bypasses the layer", () => {
  it("the scanner finds planted literals", () => {
    const sample = `
      export function X({ busy }: { busy: boolean }) {
        setError("Something failed.");
        toast({ text: \`Deleted \${name}.\` });
        return (
          <div title="Planted title" aria-label={busy ? "Busy" : t("ok")} data-testid="x-y" class="btn primary">
            Planted text
            <input placeholder="Search here" alt={\`Picture of \${name}\`} />
            {busy ? "Working…" : t("common.done")}
            {t("common.close")} · {count}
            <b>{label}.</b>
            <span>Apiq Authenticator</span>
          </div>
        );
      }`;
    const found = findBypasses(sample).map((f) => f.text);
    expect(found).toEqual([
      "Something failed.",
      "Deleted .",
      "Planted title",
      "Busy",
      "Planted text",
      "Search here",
      "Picture of",
      "Working…",
    ]);
  });

  it("views, components and the shell use t() for every visible text", () => {
    const names = Object.keys(sources);
    expect(names.length).toBeGreaterThan(15);
    const found = names.flatMap((n) => findBypasses(sources[n], n).map((f) => `${n}:${f.line}: ${f.text}`));
    expect(found).toEqual([]);
  });
});
