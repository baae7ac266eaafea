import { afterEach, describe, expect, it } from "vitest";
import {
  AppError,
  codesInLang,
  deviceInLang,
  exportWarningInLang,
  messageOf,
  type Preview,
  previewInLang,
  type SyncView,
  syncInLang,
} from "../ipc";
import { flatten, LANGUAGES, MESSAGES, setLang } from "./index";
import { compileRust, matchRust, rustPatterns, translateRust } from "./rust-messages";

afterEach(() => setLang("en"));

/** An English text with its placeholders filled in as Rust would. */
function sample(text: string): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name === "count" ? "7" : `<${name} value>`));
}

describe("the matcher", () => {
  it("a fixed sentence, in every language", () => {
    expect(translateRust("Wrong password.", "de")).toBe("Falsches Passwort.");
    expect(translateRust("Wrong password.", "fr")).toBe("Mot de passe incorrect.");
    expect(translateRust("Wrong password.", "es")).toBe("Contraseña incorrecta.");
    expect(translateRust("Wrong password.", "uk")).toBe("Неправильний пароль.");
    expect(translateRust("Wrong password.", "en")).toBe("Wrong password.");
  });

  it("a sentence with parts carries them into the translation", () => {
    expect(
      translateRust(
        "The account server at http://127.0.0.1:9/x?y=1 cannot be reached. Nothing in your vault was changed.",
        "de",
      ),
    ).toBe(
      "Der Kontoserver unter http://127.0.0.1:9/x?y=1 ist nicht erreichbar. In Ihrem Tresor wurde nichts geändert.",
    );
    const older =
      "This vault file is an older copy (version 3) than one this computer has already opened (version 5): an older file may have been put in its place. If you restored it on purpose, open it anyway; otherwise restore the newest backup.";
    expect(matchRust(older)).toEqual({ key: "olderCopy", params: { found: "3", seen: "5" } });
    expect(translateRust(older, "de")).toMatch(
      /^Diese Tresordatei ist eine ältere Kopie \(Version 3\) .*\(Version 5\)/,
    );
  });

  it("a part that is itself listed is translated too, numbers picking the plural", () => {
    expect(translateRust("Too many attempts. Wait 5 minutes and try again.", "de")).toBe(
      "Zu viele Versuche. Warten Sie 5 Minuten und versuchen Sie es erneut.",
    );
    expect(translateRust("Too many attempts. Wait 1 seconds and try again.", "de")).toBe(
      "Zu viele Versuche. Warten Sie 1 Sekunde und versuchen Sie es erneut.",
    );
    expect(translateRust("Too many attempts. Wait 2 minutes and try again.", "uk")).toBe(
      "Забагато спроб. Зачекайте 2 хвилини і спробуйте ще раз.",
    );
    expect(translateRust("This code was just used. A new one comes in 21 seconds.", "uk")).toBe(
      "Цей код щойно використано. Новий з'явиться через 21 секунду.",
    );
    expect(translateRust("Could not create the data folder /home/a b: permission denied.", "fr")).toBe(
      "Impossible de créer le dossier de données /home/a b : permission refusée.",
    );
    // An OS error nobody listed stays as it came, inside the translation.
    expect(translateRust("Could not save the settings: No space left on device (os error 28).", "es")).toBe(
      "No ha sido posible guardar los ajustes: No space left on device (os error 28).",
    );
  });

  it("a sentence nobody listed stays as it is", () => {
    const unknown = "The flux capacitor is out of flux.";
    for (const lang of LANGUAGES) expect(translateRust(unknown, lang)).toBe(unknown);
    expect(translateRust("", "de")).toBe("");
    // Only the whole message counts: a known sentence with more after it is
    // not that sentence.
    expect(translateRust("Wrong password. Also something else.", "de")).toBe("Wrong password. Also something else.");
    expect(translateRust("Wrong password", "de")).toBe("Wrong password");
  });

  it("regular-expression characters in a text are literal", () => {
    const { re, names } = compileRust("Files (*.png) cost $5? {what} [a|b] \\ ^{count}+");
    expect(names).toEqual(["what", "count"]);
    expect(re.exec("Files (*.png) cost $5? x.y [a|b] \\ ^12+")?.slice(1)).toEqual(["x.y", "12"]);
    expect(re.test("Files (x.png) cost $5? x [a|b] \\ ^12+")).toBe(false);
    expect(re.test("Files (*.png) cost $5? x [a|b] \\ ^twelve+")).toBe(false);
    expect(re.test("Files (*.png) cost $5! x [a|b] \\ ^12+")).toBe(false);
    // The dots and brackets of a real sentence.
    expect(translateRust("Choose the sync folder, or type its full path (starting with / or ~/).", "fr")).toBe(
      "Choisissez le dossier de synchronisation, ou saisissez son chemin complet (commençant par / ou ~/).",
    );
    expect(translateRust("Choose the sync folder, or type its full path (starting with / or ~/)!", "fr")).toBe(
      "Choose the sync folder, or type its full path (starting with / or ~/)!",
    );
  });

  it("every listed text is found as itself (no earlier text takes its messages)", () => {
    const patterns = rustPatterns();
    expect(patterns.length).toBeGreaterThan(60);
    for (const p of patterns) {
      const en = flatten(MESSAGES.en).get(`rust.${p.key}`) ?? flatten(MESSAGES.en).get(`rust.${p.key}_other`);
      expect(en, p.key).toBeDefined();
      expect(matchRust(sample(en ?? ""))?.key, p.key).toBe(p.key);
    }
  });

  it("every listed text comes out translated in every language", () => {
    for (const p of rustPatterns()) {
      const en = flatten(MESSAGES.en).get(`rust.${p.key}`) ?? flatten(MESSAGES.en).get(`rust.${p.key}_other`) ?? "";
      const message = sample(en);
      for (const lang of LANGUAGES.filter((l) => l !== "en")) {
        const out = translateRust(message, lang);
        for (const name of p.names.filter((n) => n !== "count"))
          expect(out, `${lang} ${p.key}`).toContain(`<${name} value>`);
        expect(out, `${lang} ${p.key}`).not.toMatch(/^rust\./);
      }
    }
  });

  it("the pseudo-locale shows the English text made pseudo", () => {
    const out = translateRust(
      "The account server at https://a.example cannot be reached. Nothing in your vault was changed.",
      "pseudo",
    );
    expect(out).toMatch(/^\[Tĥé áççöüñţ šéŕṽéŕ áţ https:\/\/a\.example çáññöţ ƀé ŕéáçĥéð\. .*\]$/);
    expect(translateRust("Wait, what?", "pseudo")).toBe("Wait, what?");
  });
});

describe("the library crates' sentences", () => {
  it("a library message made a sentence by sentence() (first letter up, full stop)", () => {
    expect(translateRust("The secret is not valid base32.", "de")).toBe(
      "Der geheime Schlüssel ist kein gültiges Base32.",
    );
    expect(translateRust("The secret is not valid base32.", "uk")).toBe("Секретний ключ не є коректним Base32.");
    expect(matchRust("The file is too large (40000000 bytes; the limit is 33554432 bytes).")).toEqual({
      key: "formats.tooLarge",
      params: { size: "40000000", limit: "33554432" },
    });
    // The library's own spelling is another text (and only listed where it
    // is part of a bigger sentence).
    expect(matchRust("the secret is not valid base32")?.key).toBe("otpPart.secretNotBase32");
    expect(translateRust("The secret is not valid base32", "de")).toBe("The secret is not valid base32");
  });

  it("placeholders carry the numbers into the translation", () => {
    const big = "Image too large: 20000x15000 pixels (limit 40 megapixels).";
    expect(matchRust(big)).toEqual({ key: "scan.tooLarge", params: { width: "20000", height: "15000", limit: "40" } });
    expect(translateRust(big, "de")).toBe("Bild zu groß: 20000x15000 Pixel (Grenze: 40 Megapixel).");
    expect(translateRust(big, "fr")).toBe("Image trop grande : 20000x15000 pixels (limite : 40 mégapixels).");
    // A longer sentence starting the same way is its own text.
    const bomb = "Image too large for its file: 9609x3408 pixels in 31 bytes (damaged, blank or a decompression bomb).";
    expect(matchRust(bomb)).toEqual({
      key: "scan.tooLargeForFile",
      params: { width: "9609", height: "3408", bytes: "31" },
    });
    expect(translateRust(bomb, "de")).toBe(
      "Bild zu groß für seine Datei: 9609x3408 Pixel in 31 Byte (beschädigt, leer oder eine Dekompressionsbombe).",
    );
    // A Debug-formatted value keeps its quotes.
    expect(translateRust('Unsupported algorithm "MD4" (expected SHA1, SHA256 or SHA512).', "es")).toBe(
      'Algoritmo no compatible: "MD4" (se esperaba SHA1, SHA256 o SHA512).',
    );
  });

  it("a library message inside a bigger sentence is translated too", () => {
    // A pasted text's line (src-tauri/src/preview.rs: "Line {n}: " and the sentence).
    expect(translateRust("Line 3: The secret is not valid base32.", "de")).toBe(
      "Zeile 3: Der geheime Schlüssel ist kein gültiges Base32.",
    );
    expect(translateRust("Line 12: Digits must be between 6 and 10, got 12.", "fr")).toBe(
      "Ligne 12 : Le nombre de chiffres doit être compris entre 6 et 10 (reçu : 12).",
    );
    // A QR code's link refused (crates/app/src/import.rs): the library's own
    // spelling, after the colon.
    expect(translateRust("Its otpauth link is not valid: the secret is not valid base32.", "es")).toBe(
      "Su enlace otpauth no es válido: la clave secreta no es Base32 válido.",
    );
    expect(translateRust("Its otpauth link is not valid: malformed URI: the label is not valid UTF-8.", "uk")).toBe(
      "Його посилання otpauth недійсне: некоректний URI: the label is not valid UTF-8.",
    );
    // Three levels: the field's name is a listed part as well.
    expect(translateRust("Unknown account type number 7.", "de")).toBe("Unbekannter Zahlenwert 7 für „Kontotyp“.");
    // An import's reason nobody listed stays English inside the translation.
    expect(translateRust("The file is damaged or not a valid Aegis export: db is not base64.", "fr")).toBe(
      "Le fichier est endommagé ou n'est pas un export Aegis valide : db is not base64.",
    );
  });

  it("a preview's reasons are shown in the window's language", () => {
    const item = { issuer: "", name: "", kind: null, digits: null, period: null, algorithm: null };
    const p: Preview = {
      id: 1,
      source: "image",
      newCount: 1,
      items: [
        { ...item, status: "new", reason: null },
        { ...item, status: "duplicate", reason: "The vault already has this account as “GitHub: ann”." },
        { ...item, status: "unsupported", reason: "It holds no two-factor account (not an otpauth:// link)." },
        { ...item, status: "unsupported", reason: "Something nobody listed." },
      ],
    };
    expect(previewInLang(p)).toEqual(p);
    setLang("de");
    expect(previewInLang(p).items.map((i) => i.reason)).toEqual([
      null,
      "Der Tresor enthält dieses Konto bereits als „GitHub: ann“.",
      "Darin ist kein Zwei-Faktor-Konto (kein otpauth://-Link).",
      "Something nobody listed.",
    ]);
    expect(p.items[1].reason).toBe("The vault already has this account as “GitHub: ann”.");
  });
});

describe("messageOf", () => {
  it("shows a command's sentence in the window's language", () => {
    const e = new AppError({ kind: "wrong_password", message: "Wrong password." });
    expect(messageOf(e)).toBe("Wrong password.");
    setLang("de");
    expect(messageOf(e)).toBe("Falsches Passwort.");
    expect(e.message).toBe("Wrong password.");
    expect(messageOf(new AppError({ kind: "io", message: "Disk on fire." }))).toBe("Disk on fire.");
    expect(messageOf(new Error("Wrong password."))).toBe("Wrong password.");
    setLang("pseudo");
    expect(messageOf(e)).toMatch(/^\[Wŕöñĝ ƥáššŵöŕð\. .*\]$/);
  });
});

describe("export warnings, sync problems and the account's vault problem", () => {
  it("an export warning keeps its account label and translates the warning", () => {
    const icon = "GitHub (ann): The icon is not kept by Google Authenticator.";
    expect(exportWarningInLang(icon, "en")).toBe(icon);
    expect(exportWarningInLang(icon, "de")).toBe(
      "GitHub (ann): Das Symbol wird nicht übernommen: Google Authenticator speichert es nicht.",
    );
    expect(exportWarningInLang(icon, "fr")).toBe(
      "GitHub (ann) : L'icône n'est pas conservée : Google Authenticator ne la garde pas.",
    );
    // A listed part inside the warning (the otpauth list) is translated too.
    expect(exportWarningInLang("ann: The note is not kept: an otpauth list has no notes.", "uk")).toBe(
      "ann: Нотатка не зберігається: список otpauth не має нотаток.",
    );
    // Google's own labels hold ": " ("issuer: name"): the label stays whole.
    expect(exportWarningInLang("Steam: ann: Steam Guard codes are not supported by Google Authenticator.", "uk")).toBe(
      "Steam: ann: Google Authenticator не підтримує коди Steam Guard.",
    );
    expect(
      exportWarningInLang("Bank: bob: A 60-second period is not supported (Google Authenticator uses 30 s).", "de"),
    ).toBe("Bank: bob: Ein Zeitraum von 60 Sekunden wird nicht unterstützt (Google Authenticator verwendet 30 s).");
    // Nothing listed: as it came.
    expect(exportWarningInLang("ann: Something nobody listed.", "de")).toBe("ann: Something nobody listed.");
  });

  it("a sync problem in German and Ukrainian, with the skip reason and the count", () => {
    const view: SyncView = {
      state: "problem",
      folder: "/sync",
      lastSyncMs: null,
      problem: "3 files in the sync folder were skipped; the first: /sync/apiq-x.vault: it belongs to another vault.",
      needsNewPassword: false,
    } as SyncView;
    expect(syncInLang(view)).toEqual(view);
    setLang("de");
    expect(syncInLang(view).problem).toBe(
      "3 Dateien im Synchronisierungsordner wurden übersprungen; die erste: /sync/apiq-x.vault: sie gehört zu einem anderen Tresor.",
    );
    setLang("uk");
    expect(syncInLang(view).problem).toBe(
      "3 файли в теці синхронізації пропущено; перший: /sync/apiq-x.vault: він належить іншому сховищу.",
    );
    expect(
      syncInLang({ ...view, problem: "A file in the sync folder was skipped: /s/a.vault: damaged: bad header." })
        .problem,
    ).toBe("Файл у теці синхронізації пропущено: /s/a.vault: пошкоджений: bad header.");
    expect(
      syncInLang({
        ...view,
        problem: "The vault's password was changed on another device. Enter the new password to keep syncing.",
      }).problem,
    ).toBe("Пароль сховища змінено на іншому пристрої. Введіть новий пароль, щоб і далі синхронізувати.");
    expect(view.problem).toMatch(/^3 files/);
    expect(syncInLang({ ...view, problem: null }).problem).toBeNull();
  });

  it("a sync device's skip reason and the account codes' vault problem", () => {
    setLang("de");
    const device = { name: "", id: "", this: false, writtenMs: 0, entries: 0, file: "x.vault" };
    expect(
      deviceInLang({
        ...device,
        problem: "written by a newer version of Apiq (format 4; this program reads format 3): update Apiq here",
      } as Parameters<typeof deviceInLang>[0]).problem,
    ).toBe(
      "von einer neueren Version von Apiq geschrieben (Format 4; dieses Programm liest Format 3): Aktualisieren Sie Apiq hier",
    );
    const codes = {
      codes: [],
      remaining: 0,
      storedInVault: false,
      vaultProblem: "The codes could not be kept in this app's vault: Wrong password. Save them another way.",
    } as unknown as Parameters<typeof codesInLang>[0];
    expect(codesInLang(codes).vaultProblem).toBe(
      "Die Codes konnten nicht im Tresor dieser App gespeichert werden: Falsches Passwort. Bewahren Sie sie auf andere Weise auf.",
    );
  });
});
