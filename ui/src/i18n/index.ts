// The window's languages: `t(key, params)` looks a text up in the active
// language's JSON (locales/*.json, i18next JSON v4, English the source; see
// docs/translating.md), fills in `{name}` placeholders and picks the plural
// form for `count` by Intl.PluralRules (`key_one`, `key_few`, `key_many`,
// `key_other`…). The language is the one chosen in Settings (kept in
// localStorage as `apiq.lang`), else the OS's (navigator.languages, which
// WebKitGTK takes from LANG), else English. `pseudo` is English made
// longer and accented, to find texts that bypass the layer or get cut off.
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import fr from "./locales/fr.json";
import uk from "./locales/uk.json";
import { pseudoize } from "./pseudo";

/** A nested JSON of texts, as a translation platform reads it. */
export interface Messages {
  [key: string]: string | Messages;
}

/** The languages with a translation file, English first (the source). */
export const LANGUAGES = ["en", "de", "fr", "es", "uk"] as const;
export type Language = (typeof LANGUAGES)[number];
/** What the window can show: a language, or the pseudo-locale. */
export type Lang = Language | "pseudo";
/** What Settings stores: a language, the pseudo-locale, or "auto" (the OS's). */
export type LangChoice = Lang | "auto";
export const LANG_CHOICES: readonly LangChoice[] = ["auto", ...LANGUAGES, "pseudo"];

export const MESSAGES: Record<Language, Messages> = { en, de, fr, es, uk };

/** Each language's name in itself, for the choice in Settings. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: "English",
  de: "Deutsch",
  fr: "Français",
  es: "Español",
  uk: "Українська",
  pseudo: pseudoize("Pseudo-locale"),
};

/** Where Settings keeps the choice. */
export const STORAGE_KEY = "apiq.lang";

export const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Leaves<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${Leaves<T[K]>}`;
}[keyof T & string];
type StripPlural<K extends string> = K extends `${infer B}_${"zero" | "one" | "two" | "few" | "many" | "other"}`
  ? B
  : K;
/** Every key of en.json (plural keys without their suffix): a typo does not
 *  compile. */
export type Key = StripPlural<Leaves<typeof en>>;
export type Params = Record<string, string | number>;

/** Every key of a messages tree, dot-joined, with its text. */
export function flatten(m: Messages, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(m)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const flat = new Map<Lang, Map<string, string>>();
function table(lang: Lang): Map<string, string> {
  let m = flat.get(lang);
  if (!m) {
    if (lang === "pseudo") {
      m = new Map([...flatten(en)].map(([k, v]) => [k, pseudoize(v)]));
    } else {
      m = flatten(MESSAGES[lang]);
    }
    flat.set(lang, m);
  }
  return m;
}

/** The BCP 47 tag that Intl (plurals, dates, numbers) uses for `lang`. */
function baseTag(lang: Lang): string {
  return lang === "pseudo" ? "en" : lang;
}

const rules = new Map<string, Intl.PluralRules>();
function pluralRules(lang: Lang): Intl.PluralRules {
  const tag = baseTag(lang);
  let r = rules.get(tag);
  if (!r) {
    r = new Intl.PluralRules(tag);
    rules.set(tag, r);
  }
  return r;
}

/** Fills `{name}` placeholders; an unknown one stays as it is. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}

/** The text for `key` in `lang`: the plural form for `params.count` when
 *  the key has plural forms, English when the language lacks it, the key
 *  itself when English lacks it too. */
export function translate(lang: Lang, key: string, params?: Params): string {
  const count = params?.count;
  const candidates: string[] = [];
  if (typeof count === "number") {
    candidates.push(`${key}_${pluralRules(lang).select(count)}`, `${key}_other`);
  }
  candidates.push(key);
  for (const l of lang === "en" ? (["en"] as Lang[]) : [lang, "en" as Lang]) {
    const m = table(l);
    for (const c of candidates) {
      const text = m.get(c);
      if (text !== undefined) return interpolate(text, params);
    }
  }
  return key;
}

// ---- the active language ---------------------------------------------

let active: Lang = "en";
/** The OS locale tag matched (e.g. "en-GB"), for dates in its own style. */
let osTag: string | null = null;
const listeners = new Set<(l: Lang) => void>();

/** The text for `key` in the active language. */
export function t(key: Key, params?: Params): string {
  return translate(active, key, params);
}

export function currentLang(): Lang {
  return active;
}

/** The locale for Intl date and number formatting: the OS's own tag when
 *  it is the same language (so "en-GB" keeps day/month order), else the
 *  language's. */
export function intlLocale(): string {
  const base = baseTag(active);
  if (osTag && osTag.toLowerCase().split("-")[0] === base) return osTag;
  return base;
}

/** The language an OS locale list asks for, or null when none is ours.
 *  Accepts BCP 47 ("de-AT") and POSIX ("uk_UA.UTF-8") spellings. */
export function matchLanguage(tags: readonly string[]): { lang: Language; tag: string } | null {
  for (const raw of tags) {
    const tag = raw.split(".")[0].replace(/_/g, "-");
    const base = tag.toLowerCase().split("-")[0];
    const lang = LANGUAGES.find((l) => l === base);
    if (lang) return { lang, tag };
  }
  return null;
}

function osLanguages(): string[] {
  if (typeof navigator === "undefined") return [];
  const list = navigator.languages?.length ? [...navigator.languages] : [];
  if (navigator.language) list.push(navigator.language);
  return list;
}

/** The stored choice ("auto" when none, or when storage is unavailable). */
export function storedChoice(): LangChoice {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LANG_CHOICES.find((c) => c === v) ?? "auto";
  } catch {
    return "auto";
  }
}

/** What a choice means here: "auto" is the OS language, else English. */
export function resolveChoice(choice: LangChoice, os: readonly string[] = osLanguages()): Lang {
  if (choice !== "auto") return choice;
  return matchLanguage(os)?.lang ?? "en";
}

function apply(lang: Lang) {
  active = lang;
  osTag = matchLanguage(osLanguages())?.tag ?? null;
  if (typeof document !== "undefined") {
    const html = document.documentElement;
    html.lang = lang === "pseudo" ? "en-XA" : lang;
    html.dir = "ltr"; // none of the languages is written right to left
  }
  for (const f of listeners) f(lang);
}

/** Sets the language from the stored choice (at start, and when another
 *  window changed it). */
export function initLang(): Lang {
  apply(resolveChoice(storedChoice()));
  return active;
}

/** Stores a choice (Settings) and shows it at once. */
export function chooseLang(choice: LangChoice): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, choice);
  } catch {
    // No storage: the choice holds until the window closes.
  }
  apply(resolveChoice(choice));
}

/** Sets the active language without storing it (tests). */
export function setLang(lang: Lang): void {
  apply(lang);
}

/** Calls `f` with every change of language; returns the unsubscribe. */
export function onLangChange(f: (l: Lang) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** A date and time in the active language, as toLocaleString() would. */
export function formatDateTime(d: Date): string {
  return d.toLocaleString(intlLocale());
}

/** Hours and minutes ("12:04") in the active language. */
export function formatTime(d: Date): string {
  return d.toLocaleTimeString(intlLocale(), { hour: "2-digit", minute: "2-digit" });
}
