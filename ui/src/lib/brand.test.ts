import { describe, expect, it } from "vitest";
// The index the build bundles, generated from the pinned simple-icons.
import { bucketStarts, index } from "virtual:brand-index";
import { brandColors, buildLookup, contrast, domainName, matchBrand, normalizeName } from "./brand";
import { bucketFor } from "./brand-load";

const lookup = buildLookup(index);
const slugOf = (issuer: string, name = "ann") => matchBrand(lookup, issuer, name)?.slug ?? null;

describe("normalizeName", () => {
  it("lower-cases, strips accents, punctuation, spaces and company forms", () => {
    expect(normalizeName("GitHub")).toBe("github");
    expect(normalizeName("Proton Mail")).toBe("protonmail");
    expect(normalizeName("Dropbox, Inc.")).toBe("dropbox");
    expect(normalizeName("Hetzner Online GmbH")).toBe("hetzneronline");
    expect(normalizeName("Crédit Agricole SA")).toBe("creditagricole");
    expect(normalizeName("Straße")).toBe("strasse");
    expect(normalizeName("Українська")).toBe("украінська"); // й keeps its letter, loses its breve
  });
  it("keeps a company form that is the whole name", () => {
    expect(normalizeName("Co")).toBe("co");
  });
});

describe("domainName", () => {
  it("takes the registrable name", () => {
    expect(domainName("accounts.google.com")).toBe("google");
    expect(domainName("login.gitlab.com")).toBe("gitlab");
    expect(domainName("github.com")).toBe("github");
    expect(domainName("https://id.atlassian.com/login")).toBe("atlassian");
    expect(domainName("bbc.co.uk")).toBe("bbc");
    expect(domainName("GitHub.com")).toBe("github");
    expect(domainName("epic-games.com")).toBe("epicgames");
  });
  it("is null for what is not a domain", () => {
    expect(domainName("GitHub")).toBeNull();
    expect(domainName("Amazon Web Services")).toBeNull();
    expect(domainName("1.1.1.1")).toBeNull();
    expect(domainName("v2.0")).toBeNull();
    expect(domainName("www.com")).toBeNull();
  });
});

describe("matchBrand with the bundled simple-icons", () => {
  // Issuers as services write them in their otpauth URIs.
  it.each([
    ["GitHub", "github"],
    ["Google", "google"],
    ["Dropbox", "dropbox"],
    ["Discord", "discord"],
    ["Proton", "proton"],
    ["ProtonMail", "protonmail"],
    ["Proton Mail", "protonmail"],
    ["Bitwarden", "bitwarden"],
    ["PayPal", "paypal"],
    ["Coinbase", "coinbase"],
    ["Twitter", "x"], // simple-icons' alias: Twitter is now X
    ["X", "x"],
    ["Facebook", "facebook"],
    ["Steam", "steam"],
    ["Nextcloud", "nextcloud"],
    ["GitLab", "gitlab"],
    ["gitlab", "gitlab"],
    ["  GitLab  ", "gitlab"],
    ["Epic Games", "epicgames"],
    ["Battle.net", "battledotnet"],
    ["Dropbox, Inc.", "dropbox"],
    ["Tutanota", "tuta"], // simple-icons' old name for Tuta
    ["Cloudflare", "cloudflare"],
    ["npm", "npm"],
    ["PyPI", "pypi"],
    ["Reddit", "reddit"],
  ])("issuer %j → %s", (issuer, slug) => {
    expect(slugOf(issuer)).toBe(slug);
  });

  it.each([
    ["accounts.google.com", "google"],
    ["login.gitlab.com", "gitlab"],
    ["GitHub.com", "github"],
    ["binance.com", "binance"],
    ["store.steampowered.com", "steam"], // a known domain of Steam's
    ["https://github.com/settings/security", "github"],
  ])("domain issuer %j → %s", (issuer, slug) => {
    expect(slugOf(issuer)).toBe(slug);
  });

  it("reads the e-mail domain of an account with no issuer", () => {
    expect(slugOf("", "ann@github.com")).toBe("github");
    expect(slugOf("", "ann@accounts.google.com")).toBe("google");
    expect(slugOf("", "Ann@GitLab.com ")).toBe("gitlab");
  });

  it("does not take a mail provider or an employer for the service", () => {
    // A Gmail or Proton address says where the mail goes, not what the code is for.
    expect(slugOf("", "ann@gmail.com")).toBeNull();
    expect(slugOf("", "ann@proton.me")).toBeNull();
    // The issuer names the service; the address is only the login.
    expect(slugOf("Apiqcloud", "ann@github.com")).toBeNull();
    expect(slugOf("GitLab", "ann@github.com")).toBe("gitlab");
  });

  it("leaves brands without an icon in simple-icons to the initials", () => {
    // Removed from simple-icons at their owners' request, or never there.
    expect(slugOf("Microsoft")).toBeNull();
    expect(slugOf("Amazon Web Services")).toBeNull();
    expect(slugOf("AWS")).toBeNull();
    expect(slugOf("Apiqcloud")).toBeNull();
    expect(slugOf("")).toBeNull();
    expect(slugOf("", "ann")).toBeNull();
  });

  it("never guesses from a near miss", () => {
    expect(slugOf("Googl")).toBeNull();
    expect(slugOf("Gooogle")).toBeNull();
    expect(slugOf("GitHubb")).toBeNull();
    expect(slugOf("Git Hub Enterprise")).toBeNull();
    expect(slugOf("Google Cloud Console")).toBeNull();
    expect(slugOf("Docker Hub")).toBeNull();
    expect(slugOf("mygithub.com")).toBeNull();
    expect(slugOf("github.com.example.net")).toBeNull(); // the registrable name is "example"
    // "Git" is a brand of its own in simple-icons: an exact match, never GitHub or GitLab.
    expect(slugOf("Git")).toBe("git");
    expect(slugOf("Gi")).toBeNull();
  });

  it("leaves out one-letter names that are not brands as issuers", () => {
    // simple-icons has "C", "R", "V", "/e/": an issuer "C" is more likely a initial.
    expect(slugOf("C")).toBeNull();
    expect(slugOf("R")).toBeNull();
    expect(slugOf("E")).toBeNull();
  });

  it("gives every brand a colour and a bucket", () => {
    const b = matchBrand(lookup, "GitHub", "");
    expect(b?.hex).toMatch(/^[0-9A-F]{6}$/);
    expect(bucketStarts.length).toBeGreaterThan(1);
    expect(bucketStarts[bucketFor(bucketStarts, "github")] <= "github").toBe(true);
  });
});

describe("buildLookup", () => {
  it("prefers a title to an alias and drops an alias two brands claim", () => {
    const l = buildLookup(["alpha,111111,,beta,shared", "beta,222222,", "gamma,333333,,shared"].join("\n"));
    expect(l.get("alpha")?.slug).toBe("alpha");
    expect(l.get("beta")?.slug).toBe("beta"); // beta's own slug wins over alpha's alias
    expect(l.has("shared")).toBe(false);
  });
  it("reads a dup line as another name and colour for the same glyph", () => {
    const l = buildLookup(["netlify,00C7B7,", "netlify,C9FA4B,netlifycms"].join("\n"));
    expect(l.get("netlify")).toEqual({ slug: "netlify", hex: "00C7B7" });
    expect(l.get("netlifycms")).toEqual({ slug: "netlify", hex: "C9FA4B" });
  });
});

describe("bucketFor", () => {
  it("finds the last bucket starting at or before the slug", () => {
    const starts = ["a", "f", "m"];
    expect(bucketFor(starts, "a")).toBe(0);
    expect(bucketFor(starts, "e")).toBe(0);
    expect(bucketFor(starts, "f")).toBe(1);
    expect(bucketFor(starts, "zz")).toBe(2);
    expect(bucketFor(starts, "0")).toBe(0);
  });
});

describe("brandColors", () => {
  it("puts a white glyph on a dark brand colour", () => {
    expect(brandColors("181717", "light")).toEqual({ fg: "#ffffff", bg: "#181717" });
    expect(brandColors("181717", "dark")).toEqual({ fg: "#ffffff", bg: "#181717" });
  });
  it("draws a light brand colour on the neutral circle", () => {
    // Binance yellow: white on it is unreadable, yellow on the dark circle is.
    const d = brandColors("F0B90B", "dark");
    expect(d.fg).toBe("#F0B90B");
    expect(contrast(d.fg, d.bg)).toBeGreaterThanOrEqual(3);
  });
  it("falls back to a dark glyph when neither reaches 3:1", () => {
    // Sony's white on the light theme.
    expect(brandColors("FFFFFF", "light")).toEqual({ fg: "#14161f", bg: "#FFFFFF" });
  });
  it("always gives at least 3:1 for every bundled brand, in both themes", () => {
    for (const line of index.split("\n")) {
      const hex = line.split(",")[1];
      for (const theme of ["light", "dark"] as const) {
        const c = brandColors(hex, theme);
        expect(contrast(c.fg, c.bg), `${line.split(",")[0]} ${theme}`).toBeGreaterThanOrEqual(3);
      }
    }
  });
});
