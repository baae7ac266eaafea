// Finds visible texts that bypass the i18n layer in a .tsx source: JSX text
// with letters, literal strings with letters in the attributes people see
// or hear (title, aria-label, placeholder, alt, label…) and in JSX
// expressions, and literals handed to the setters and toasts that show
// messages. Used by i18n.test.ts over views/ and components/; only tests
// import it (it needs the TypeScript compiler).
import ts from "typescript";

/** Attributes whose value is shown or read out. */
const ATTRIBUTES = new Set([
  "title",
  "aria-label",
  "placeholder",
  "alt",
  "label",
  "confirmLabel",
  "message",
  "emptyError",
]);

/** Calls whose (first) argument is shown as a message. */
const MESSAGE_CALLS = /^(setError|setMsg|setKeyringMsg|setBusy)$/;

/** Object properties that end up on screen (toasts and their actions). */
const MESSAGE_PROPS = new Set(["text", "label", "hint"]);

/** Texts that are not language: names and examples the same in every
 *  language. Exact (trimmed) matches only. */
export const ALLOWED = new Set([
  "Apiq Authenticator", // the product's name
  "SHA1", // hash algorithm names, as the otpauth URI spells them
  "SHA256",
  "SHA512",
  "Steam", // Steam Guard codes: a product name
  "http://127.0.0.1:8080", // example server address
  "pool.ntp.org", // example NTP server
  "Ctrl+Alt+A", // the shortcut field's example: the syntax Rust parses, not a text
  "JBSW Y3DP EHPK 3PXP", // an example base32 secret
  "/home/me/Sync/apiq", // an example folder path
  "a1b2-c3d4\ne5f6-a7b8\n…", // example recovery codes
]);

export interface Finding {
  line: number;
  text: string;
}

const LETTER = /\p{L}/u;

function literalTexts(e: ts.Expression): string[] {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isTemplateExpression(e)) {
    // The literal parts together, then whatever the placeholders hold.
    const own = [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join(" ");
    return [own, ...e.templateSpans.flatMap((s) => literalTexts(s.expression))];
  }
  if (ts.isParenthesizedExpression(e)) return literalTexts(e.expression);
  if (ts.isConditionalExpression(e)) return [...literalTexts(e.whenTrue), ...literalTexts(e.whenFalse)];
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return literalTexts(e.right);
    if (
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.PlusToken
    )
      return [...literalTexts(e.left), ...literalTexts(e.right)];
  }
  return [];
}

/** The visible literals in `source` (a .tsx file's text) that are not
 *  looked up through t(). */
export function findBypasses(source: string, fileName = "file.tsx"): Finding[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    const trimmed = text.trim();
    if (!LETTER.test(trimmed) || ALLOWED.has(trimmed)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    out.push({ line, text: trimmed.replace(/\s+/g, " ") });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      report(node, node.text);
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      const init = node.initializer;
      if (ATTRIBUTES.has(name) && init) {
        if (ts.isStringLiteral(init)) report(init, init.text);
        else if (ts.isJsxExpression(init) && init.expression)
          for (const s of literalTexts(init.expression)) report(init, s);
      }
    } else if (
      ts.isJsxExpression(node) &&
      node.expression &&
      (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))
    ) {
      for (const s of literalTexts(node.expression)) report(node, s);
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      MESSAGE_CALLS.test(node.expression.text)
    ) {
      const arg = node.arguments[0];
      if (arg) for (const s of literalTexts(arg)) report(arg, s);
    } else if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      MESSAGE_PROPS.has(node.name.text) &&
      ts.isObjectLiteralExpression(node.parent)
    ) {
      for (const s of literalTexts(node.initializer)) report(node, s);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
