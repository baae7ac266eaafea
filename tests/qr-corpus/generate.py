#!/usr/bin/env python3
"""Deterministic QR corpus for apiq-scan: qrencode makes the codes, ImageMagick
degrades them. Output goes to tests/qr-corpus/out/ (gitignored):

    out/<class>/<nnn>.<ext>     the images
    out/manifest.tsv            class<TAB>relative path<TAB>text[<TAB>text...]
                                (every text that image holds; all must be found)

Classes (see CLASSES below): clean codes in every image format the scanner
accepts, rotation 7/30/45/90 degrees, Gaussian blur sigma 0.5/1.0/1.5, noise,
JPEG quality 30, 60 % scale, inversion (light on dark), two or three codes in
one image, and codes of several sizes inside 1920x1080 "screenshots" with a
busy background. Blur, rotation and scaling start from codes of at least
3 px per module (smaller ones survive them for no decoder).

Payloads are realistic otpauth:// URIs (TOTP, HOTP, Steam; every label
spelling real exporters write) and otpauth-migration:// URIs holding 1 to 10
accounts, so code versions range from about 4 to 20.

Everything derives from fixed seeds, so the same script gives the same files.
A stamp (hash of this script + sample count) makes a second run a no-op.

Usage: generate.py [--out DIR] [--per-class N] [--seed S] [--jobs J]
(N and S default to $QR_CORPUS_N, 40, and $QR_CORPUS_SEED.)
Needs: qrencode, ImageMagick 6 or 7 (convert or magick), fonts-dejavu-core
(scripts/deps-scan.sh installs them).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SEED = 20240611

# --------------------------------------------------------------------------
# payloads

ISSUERS = [
    "GitHub", "Google", "Amazon Web Services", "Microsoft", "Dropbox", "GitLab",
    "Proton", "Discord", "Bitwarden", "Cloudflare", "Example Bank & Trust",
    "Müller Versicherung", "ACME Corp.", "npm", "Fastmail", "Hetzner Cloud",
]
USERS = [
    "alice@example.com", "bob.smith@example.org", "carol", "dave+2fa@mail.example",
    "erin_o'neil@example.net", "frank@sub.example.co.uk", "grace hopper", "admin",
]
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="@")


def secret_b32(rng: random.Random, nbytes: int) -> str:
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    return base64.b32encode(raw).decode().rstrip("=")


def otpauth_uri(rng: random.Random) -> str:
    issuer, user = rng.choice(ISSUERS), rng.choice(USERS)
    secret = secret_b32(rng, rng.choice([10, 16, 20, 32, 64]))
    kind = rng.choices(["totp", "hotp", "steam"], weights=[8, 1, 1])[0]
    label_style = rng.randrange(4)
    if label_style == 0:
        label = f"{q(issuer)}:{q(user)}"
    elif label_style == 1:
        label = f"{q(issuer)}%3A{q(user)}"
    elif label_style == 2:
        label = f"{q(issuer)}:%20{q(user)}"
    else:
        label = q(user)
    params = [("secret", secret if rng.random() < 0.8 else secret.lower())]
    params.append(("issuer", issuer))
    if kind == "steam":
        return f"otpauth://totp/Steam:{q(user)}?secret={secret}&issuer=Steam&encoder=steam"
    if rng.random() < 0.5:
        params.append(("algorithm", rng.choice(["SHA1", "SHA256", "SHA512", "sha256"])))
    if rng.random() < 0.5:
        params.append(("digits", rng.choice(["6", "8", "7"])))
    if kind == "hotp":
        params.append(("counter", str(rng.randrange(0, 10**6))))
    elif rng.random() < 0.3:
        params.append(("period", rng.choice(["30", "60", "15"])))
    if rng.random() < 0.15:
        params.append(("image", "https://example.com/logo/" + q(issuer.lower()) + ".png"))
    rng.shuffle(params[1:])
    query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in params)
    return f"otpauth://{kind}/{label}?{query}"


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num: int, value) -> bytes:
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(num << 3 | 2) + varint(len(data)) + data


def migration_uri(rng: random.Random, accounts: int, batch=(1, 0, 0)) -> str:
    """A Google Authenticator export URI (MigrationPayload protobuf)."""
    body = b""
    for _ in range(accounts):
        hotp = rng.random() < 0.1
        p = field(1, bytes(rng.getrandbits(8) for _ in range(rng.choice([10, 20, 20, 32]))))
        p += field(2, f"{rng.choice(ISSUERS)}:{rng.choice(USERS)}")
        p += field(3, rng.choice(ISSUERS))
        p += field(4, rng.choice([1, 1, 1, 2, 3]))  # SHA1, SHA256, SHA512
        p += field(5, rng.choice([1, 1, 2]))  # six, eight digits
        p += field(6, 1 if hotp else 2)  # HOTP, TOTP
        if hotp:
            p += field(7, rng.randrange(1, 5000))
        body += field(1, p)
    size, index, batch_id = batch
    body += field(2, 1) + field(3, size) + field(4, index) + field(5, batch_id)
    data = urllib.parse.quote(base64.b64encode(body).decode(), safe="")
    return f"otpauth-migration://offline?data={data}"


def payload(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return otpauth_uri(rng)
    return migration_uri(rng, rng.choice([1, 1, 2, 3, 5, 7, 10]))


# --------------------------------------------------------------------------
# images


class Tools:
    def __init__(self) -> None:
        self.qrencode = shutil.which("qrencode")
        # ImageMagick 7's `magick`, else 6's convert (the Debian binary first:
        # a `convert` earlier on PATH may be a wrapper or a different program)
        magick = shutil.which("magick")
        if magick:
            self.convert = [magick]
        elif Path("/usr/bin/convert").exists():
            self.convert = ["/usr/bin/convert"]
        elif shutil.which("convert"):
            self.convert = [shutil.which("convert")]
        else:
            self.convert = None

    def missing(self) -> list[str]:
        out = []
        if not self.qrencode:
            out.append("qrencode")
        if not self.convert:
            out.append("imagemagick")
        if not Path(FONT).exists():
            out.append("fonts-dejavu-core")
        return out


TOOLS = Tools()


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def im(*args: str) -> None:
    """ImageMagick; the last argument is the output. PNGs get no date chunks,
    so the same input gives the same bytes."""
    *ops, dest = args
    run(TOOLS.convert + ops + ["-define", "png:exclude-chunks=date,time", dest])


def qr(text: str, module: int, path: Path, level: str = "L") -> None:
    """A black-on-white code with the standard 4-module quiet zone."""
    run([TOOLS.qrencode, "-t", "PNG", "-s", str(module), "-m", "4", "-l", level,
         "-o", str(path), "--", text])


def background(seed: int, path: Path) -> None:
    """A 1920x1080 busy 'desktop': fractal plasma, windows, text, a taskbar."""
    rng = random.Random(seed)
    args = ["-seed", str(seed), "-size", "1920x1080", "plasma:fractal", "-blur", "0x2"]
    for _ in range(7):
        x, y = rng.randrange(0, 1600), rng.randrange(0, 800)
        w, h = rng.randrange(300, 900), rng.randrange(200, 600)
        shade = rng.choice(["#f4f4f4", "#2b2b2b", "#dfe7f1", "#1e1f22", "#ffffff"])
        text = "#111111" if shade in ("#f4f4f4", "#dfe7f1", "#ffffff") else "#dddddd"
        args += ["-fill", shade, "-draw", f"rectangle {x},{y} {x + w},{y + h}"]
        args += ["-fill", "#3a6ea5", "-draw", f"rectangle {x},{y} {x + w},{y + 28}"]
        args += ["-font", FONT, "-pointsize", str(rng.choice([13, 15, 18])), "-fill", text]
        for line in range(1, min(12, h // 40)):
            words = " ".join(rng.choice(ISSUERS + USERS) for _ in range(rng.randrange(3, 9)))
            args += ["-annotate", f"+{x + 12}+{y + 30 + line * 34}", words]
    args += ["-fill", "#202020", "-draw", "rectangle 0,1040 1920,1080"]
    im(*args, "-type", "TrueColor", str(path))


def gen_clean(i, rng, text, tmp, out):
    ext = ["png", "jpg", "webp", "gif", "bmp"][i % 5]
    base = tmp / "base.png"
    qr(text, rng.randrange(2, 9), base)
    dest = out.with_suffix("." + ext)
    if ext == "png":
        shutil.copy(base, dest)
    else:
        im(str(base), "-quality", "92", str(dest))
    return dest, [text]


def rotated(angle):
    def gen(i, rng, text, tmp, out):
        base = tmp / "base.png"
        qr(text, rng.randrange(3, 9), base)
        dest = out.with_suffix(".png")
        im(str(base), "-background", "white", "-rotate", str(angle), "+repage", str(dest))
        return dest, [text]
    return gen


def filtered(rng, text, tmp, out, suffix, args, smallest=2):
    """One code (module size drawn from smallest..8) through one ImageMagick
    filter."""
    base = tmp / "base.png"
    qr(text, rng.randrange(smallest, 9), base)
    dest = out.with_suffix(suffix)
    im(str(base), *args, str(dest))
    return dest, [text]


def gen_blur(i, rng, text, tmp, out):
    sigma = [0.5, 1.0, 1.5][i % 3]
    return filtered(rng, text, tmp, out, ".png", ["-colorspace", "Gray", "-blur", f"0x{sigma}"], 3)


def gen_noise(i, rng, text, tmp, out):
    # a grey code on a grey page (a photo of a screen), then Gaussian noise
    return filtered(rng, text, tmp, out, ".png",
                    ["-colorspace", "Gray", "+level", "12%,88%", "-seed", str(SEED + i),
                     "-attenuate", "1.2", "+noise", "Gaussian"])


def gen_jpeg(i, rng, text, tmp, out):
    return filtered(rng, text, tmp, out, ".jpg", ["-quality", "30"])


def gen_scale(i, rng, text, tmp, out):
    return filtered(rng, text, tmp, out, ".png", ["-resize", "60%"], 3)


def gen_invert(i, rng, text, tmp, out):
    return filtered(rng, text, tmp, out, ".png", ["-negate"])


def gen_multi(i, rng, text, tmp, out):
    """2 or 3 codes side by side: a Google Authenticator export in batches."""
    count = 2 + i % 2
    batch_id = rng.randrange(1, 2**31)
    texts = [migration_uri(rng, rng.choice([1, 2, 3, 4]), (count, k, batch_id))
             for k in range(count)]
    module = rng.randrange(2, 7)
    parts = []
    for k, t in enumerate(texts):
        p = tmp / f"part{k}.png"
        qr(t, module, p)
        parts.append(str(p))
    dest = out.with_suffix(".png")
    tile = "x1" if i % 4 < 2 else "1x"  # side by side, or stacked
    im(*parts, "-gravity", "center", "-background", "white",
       "+append" if tile == "x1" else "-append", str(dest))
    return dest, texts


BACKGROUNDS = 6


def gen_screenshot(i, rng, text, tmp, out):
    """A code pasted on a 1920x1080 busy screen, 2-5 px per module, sometimes
    on a white card, sometimes dark-mode (light on dark), sometimes JPEG."""
    bg = out.parent.parent / "_backgrounds" / f"bg{i % BACKGROUNDS}.png"
    base = tmp / "base.png"
    module = [2, 3, 4, 5][i % 4]
    qr(text, module, base)
    w = int.from_bytes(base.read_bytes()[16:20], "big")  # PNG IHDR width (square code)
    x, y = rng.randrange(0, 1920 - w), rng.randrange(0, 1040 - w)
    card = []
    if rng.random() < 0.4:
        pad = rng.randrange(10, 60)
        card = ["-fill", "white", "-draw",
                f"rectangle {max(0, x - pad)},{max(0, y - pad)} {x + w + pad},{y + w + pad}"]
    overlay = [str(base)]
    if i % 7 == 3:  # dark-mode page: light modules on a dark page
        overlay = ["(", str(base), "-negate", ")"]
    ext = "jpg" if i % 5 == 4 else "png"
    dest = out.with_suffix("." + ext)
    im(str(bg), *card, *overlay, "-geometry", f"+{x}+{y}", "-composite",
       *(["-quality", "85"] if ext == "jpg" else []), str(dest))
    return dest, [text]


CLASSES = {
    "clean": gen_clean,
    "rot7": rotated(7),
    "rot30": rotated(30),
    "rot45": rotated(45),
    "rot90": rotated(90),
    "blur": gen_blur,
    "noise": gen_noise,
    "jpeg30": gen_jpeg,
    "scale60": gen_scale,
    "invert": gen_invert,
    "multi": gen_multi,
    "screenshot": gen_screenshot,
}


def make(job):
    cls, i, out_dir = job
    rng = random.Random(f"{SEED}/{cls}/{i}")
    text = payload(rng)
    with tempfile.TemporaryDirectory() as t:
        dest, texts = CLASSES[cls](i, rng, text, Path(t), out_dir / cls / f"{i:03d}")
    return cls, dest.relative_to(out_dir).as_posix(), texts


def main() -> int:
    global SEED
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--per-class", type=int, default=int(os.environ.get("QR_CORPUS_N", "40")))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("QR_CORPUS_SEED", SEED)),
                    help="another seed gives another corpus (to check the decoder is not tuned to this one)")
    args = ap.parse_args()
    SEED = args.seed

    missing = TOOLS.missing()
    if missing:
        print("missing: " + ", ".join(missing) + " (run scripts/deps-scan.sh)", file=sys.stderr)
        return 2

    out: Path = args.out
    stamp = hashlib.sha256(Path(__file__).read_bytes()).hexdigest() \
        + f" n={args.per_class} seed={SEED}\n"
    if (out / "manifest.tsv").exists() and (out / ".stamp").exists() \
            and (out / ".stamp").read_text() == stamp:
        print(f"corpus up to date in {out}")
        return 0
    if out.exists():
        shutil.rmtree(out)
    for cls in CLASSES:
        (out / cls).mkdir(parents=True)
    (out / "_backgrounds").mkdir()

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(lambda k: background(SEED + k, out / "_backgrounds" / f"bg{k}.png"),
                      range(BACKGROUNDS)))
        jobs = [(cls, i, out) for cls in CLASSES for i in range(args.per_class)]
        rows = list(pool.map(make, jobs))

    with open(out / "manifest.tsv", "w", encoding="utf-8") as f:
        for cls, path, texts in rows:
            f.write("\t".join([cls, path, *texts]) + "\n")
    (out / ".stamp").write_text(stamp)
    print(f"{len(rows)} images in {len(CLASSES)} classes written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
