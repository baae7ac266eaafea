#!/usr/bin/env python3
"""Independent oracle for the otp crate: random entries, random times and the
URI spellings real exporters write, with codes computed by pyotp (and a
hand-written Steam Guard on Python's hmac). Prints one JSON object per line:
{"uri", "t", "code", "issuer", "name"}. Deterministic for a given --seed."""
import argparse
import base64
import hashlib
import hmac
import json
import random
import urllib.parse

import pyotp

STEAM = "23456789BCDFGHJKMNPQRTVWXY"
DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
WORDS = ["ACME Co", "Example", "bob@example.com", "Big Corp", "ünïcødé", "a+b", "x&y=z",
         "GitHub", "name with  spaces", "100%", "Proton", "semi;colon", "we/ird"]


def steam_code(key, t, period):
    counter = t // period
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    v = int.from_bytes(mac[off:off + 4], "big") & 0x7FFFFFFF
    out = ""
    for _ in range(5):
        out += STEAM[v % 26]
        v //= 26
    return out


def hotp_plain(key, counter, digits, alg):
    """RFC 4226 on Python's hmac, for keys shorter than pyotp accepts (it
    refuses < 112 bits, but 80-bit secrets are common in the wild)."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), DIGESTS[alg]).digest()
    off = mac[-1] & 0x0F
    v = int.from_bytes(mac[off:off + 4], "big") & 0x7FFFFFFF
    return str(v % 10**digits).zfill(digits)


def spell_secret(rng, key):
    s = base64.b32encode(key).decode()
    if rng.random() < 0.5:
        s = s.rstrip("=")
    if rng.random() < 0.3:
        s = s.lower()
    if rng.random() < 0.2:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def enc_path(rng, s):
    return urllib.parse.quote(s, safe="")


def enc_query(rng, s):
    # Either %20 or + for spaces: both are spaces in a query.
    return urllib.parse.quote_plus(s) if rng.random() < 0.5 else urllib.parse.quote(s, safe="")


def case(rng):
    kind = rng.choice(["totp", "totp", "hotp", "steam"])
    alg = "SHA1" if kind == "steam" else rng.choice(list(DIGESTS))
    key = bytes(rng.randrange(256) for _ in range(rng.randint(10, 64)))
    digits = 5 if kind == "steam" else rng.randint(6, 10)
    period = rng.choice([30, 30, 60, 15, rng.randint(1, 120)])  # pyotp caps at 120
    counter = rng.randint(0, 2**40)
    t = rng.randint(0, 2**33)
    issuer = rng.choice(WORDS + [""])
    name = rng.choice(WORDS).replace(":", "")
    if issuer == name:
        issuer = ""
    secret_b32 = base64.b32encode(key).decode()
    if kind != "steam" and len(key) < 14:
        code = hotp_plain(key, counter if kind == "hotp" else t // period, digits, alg)
    elif kind == "hotp":
        code = pyotp.HOTP(secret_b32, digits=digits, digest=DIGESTS[alg]).at(counter)
    elif kind == "steam":
        code = steam_code(key, t, period)
    else:
        code = pyotp.TOTP(secret_b32, digits=digits, digest=DIGESTS[alg], interval=period).at(t)

    # The URI, spelled like some exporter would.
    params = [("secret", spell_secret(rng, key))]
    label_issuer = issuer if ":" not in issuer else ""
    if issuer and (rng.random() < 0.7 or ":" in issuer):
        params.append(("issuer", issuer))
    if kind != "steam" or rng.random() < 0.5:
        params.append(("algorithm", alg.lower() if rng.random() < 0.3 else alg))
    if kind != "steam":
        params.append(("digits", str(digits)))
    if kind != "hotp" and (period != 30 or rng.random() < 0.5):
        params.append(("period", str(period)))
    if kind == "hotp":
        params.append(("counter", str(counter)))
    if rng.random() < 0.3:
        params.append(("image", "https://example.com/logo.png?a=1&b=2"))
    if rng.random() < 0.2:
        params.append(("codeDisplay", "grouped"))
    type_name = kind
    if kind == "steam" and rng.random() < 0.5:
        type_name = "totp"
        params.append(("encoder", "steam"))
    rng.shuffle(params)
    if label_issuer and rng.random() < 0.8:
        sep = rng.choice([":", "%3A", ":%20", "%3A%20"])
        label = enc_path(rng, label_issuer) + sep + enc_path(rng, name)
    else:
        label = enc_path(rng, name)
    query = "&".join(f"{k}={enc_query(rng, v)}" for k, v in params)
    uri = f"otpauth://{type_name}/{label}?{query}"
    # A label issuer counts only when the URI has no issuer parameter.
    has_param = any(k == "issuer" for k, _ in params)
    want_issuer = issuer if has_param else (label_issuer if label.count("%3A") or ":" in label else "")
    return {"uri": uri, "t": t, "code": code, "issuer": want_issuer.strip(), "name": name.strip()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for _ in range(a.n):
        print(json.dumps(case(rng)))


if __name__ == "__main__":
    main()
