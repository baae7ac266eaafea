// The Rust side's sentences in the window's language. Errors and a few
// other messages reach the window as English sentences made in Rust
// (`AppError {kind, message}`); the `rust` section of locales/*.json lists
// them gettext-style: the English text is the Rust sentence itself, with
// each part filled in at run time written as a `{name}` placeholder. Each
// English text becomes an anchored pattern; a message that matches one in
// whole is shown as that key's text in the active language, with the
// captured parts put back in. A captured part that is itself a listed text
// (the "5 minutes" of a wait, the "permission denied" of a file error) is
// translated the same way; a placeholder named `count` takes digits only
// and picks the plural form. A message nobody listed stays as Rust wrote
// it: nothing is lost. src-tauri/tests/messages.rs checks that the English
// texts still occur in the Rust sources; docs/translating.md.
import { currentLang, flatten, type Lang, MESSAGES, type Params, PLURAL_SUFFIX, translate } from "./index";

/** One listed sentence: its key (without `rust.` and plural suffix), the
 *  pattern made from its English text and the placeholders in order. */
export interface RustPattern {
  key: string;
  re: RegExp;
  names: string[];
}

const PLACEHOLDER = /\{(\w+)\}/;

/** `s` as a regular expression that matches exactly it. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The anchored pattern for an English text: literal parts escaped, each
 *  `{name}` a lazy group of at least one character (`{count}`: digits). */
export function compileRust(text: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let src = "";
  for (const part of text.split(/(\{\w+\})/)) {
    const m = PLACEHOLDER.exec(part);
    if (m && m[0] === part) {
      names.push(m[1]);
      src += m[1] === "count" ? "(\\d+)" : "([\\s\\S]+?)";
    } else src += escapeRegExp(part);
  }
  return { re: new RegExp(`^${src}$`), names };
}

let patterns: RustPattern[] | null = null;

/** Every English `rust.*` text as a pattern, in the file's order (a plural
 *  key by its `_other` form, which is the Rust sentence). */
export function rustPatterns(): RustPattern[] {
  if (!patterns) {
    patterns = [];
    const section = MESSAGES.en.rust;
    if (typeof section === "object") {
      for (const [k, text] of flatten(section)) {
        const m = PLURAL_SUFFIX.exec(k);
        if (m && m[1] !== "other") continue;
        const key = m ? k.slice(0, m.index) : k;
        patterns.push({ key, ...compileRust(text) });
      }
    }
  }
  return patterns;
}

/** The listed sentence a message is, with its parts; null when none. */
export function matchRust(message: string): { key: string; params: Record<string, string> } | null {
  for (const p of rustPatterns()) {
    const r = p.re.exec(message);
    if (!r) continue;
    const params: Record<string, string> = {};
    p.names.forEach((n, i) => {
      params[n] = r[i + 1];
    });
    return { key: p.key, params };
  }
  return null;
}

// A part may hold a listed part ("Could not create the data folder X:
// permission denied."): two levels are enough.
const DEPTH = 2;

function inLang(message: string, lang: Lang, depth: number): string {
  const found = matchRust(message);
  if (!found) return message;
  const params: Params = {};
  for (const [name, value] of Object.entries(found.params)) {
    params[name] = name === "count" ? Number(value) : depth > 0 ? inLang(value, lang, depth - 1) : value;
  }
  return translate(lang, `rust.${found.key}`, params);
}

/** A sentence from the Rust side in `lang` (the active language unless
 *  given): the listed text for it, else the sentence unchanged. English
 *  gets the sentence as it came (it is the English text). */
export function translateRust(message: string, lang: Lang = currentLang()): string {
  if (lang === "en") return message;
  return inLang(message, lang, DEPTH);
}
