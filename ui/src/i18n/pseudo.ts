// The pseudo-locale: English with accented letters, about 40 % longer and
// in brackets, so that a text which bypasses the layer (plain English), is
// cut off (no closing bracket) or is built from pieces (brackets inside)
// shows at a glance. Placeholders ({name}) are kept as they are.

const ACCENTED: Record<string, string> = {
  a: "á",
  b: "ƀ",
  c: "ç",
  d: "ð",
  e: "é",
  f: "ƒ",
  g: "ĝ",
  h: "ĥ",
  i: "í",
  j: "ĵ",
  k: "ķ",
  l: "ĺ",
  m: "ɱ",
  n: "ñ",
  o: "ö",
  p: "ƥ",
  r: "ŕ",
  s: "š",
  t: "ţ",
  u: "ü",
  v: "ṽ",
  w: "ŵ",
  y: "ý",
  z: "ž",
  A: "Å",
  C: "Ç",
  D: "Ð",
  E: "É",
  G: "Ĝ",
  I: "Î",
  L: "Ĺ",
  N: "Ñ",
  O: "Ö",
  S: "Š",
  U: "Ü",
  Y: "Ý",
  Z: "Ž",
};

/** Words that make the text longer (and can wrap like real ones). */
const FILLER = "ļőŕéɱ ïƥšûɱ ðőļőŕ šîţ áɱéţ ";

/** `text` as the pseudo-locale shows it. */
export function pseudoize(text: string): string {
  let visible = 0;
  const out = text
    .split(/(\{\w+\})/)
    .map((part) => {
      if (/^\{\w+\}$/.test(part)) return part;
      return [...part]
        .map((ch) => {
          visible++;
          return ACCENTED[ch] ?? ch;
        })
        .join("");
    })
    .join("");
  // About 40 % longer: what German or French often need.
  const pad = Math.max(1, Math.ceil(visible * 0.4));
  let filler = "";
  while (filler.length < pad) filler += FILLER;
  return `[${out} ${filler.slice(0, pad).trimEnd()}]`;
}
