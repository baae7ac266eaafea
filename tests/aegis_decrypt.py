#!/usr/bin/env python3
"""An independent reader of Aegis' vault format (docs/vault.md in the Aegis
repository), used to check that encrypted Aegis exports written by
apiq-formats open in another implementation.

Usage: AEGIS_PASSWORD=... python3 tests/aegis_decrypt.py VAULT.json

Prints the vault's entries as a JSON array in the canonical shape
{type, issuer, name, secret, algorithm, digits, period, counter}, plus the
entry's note, favorite and group names. Needs the `cryptography` package
(scripts/deps-formats.sh installs it). Written from the format's
documentation, without reference to Rust code.
"""
import base64
import json
import os
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def unwrap_master_key(slots, password):
    for slot in slots:
        if slot["type"] != 1:  # password slots only
            continue
        kdf = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32,
                     n=slot["n"], r=slot["r"], p=slot["p"])
        key = kdf.derive(password)
        params = slot["key_params"]
        try:
            return AESGCM(key).decrypt(
                bytes.fromhex(params["nonce"]),
                bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                None,
            )
        except Exception:
            continue
    raise SystemExit("no password slot opens with this password")


def main():
    with open(sys.argv[1], "rb") as f:
        vault = json.load(f)
    if vault["version"] != 1:
        raise SystemExit("unknown vault version")
    header = vault["header"]
    if header["slots"] is None:
        content = vault["db"]
    else:
        password = os.environ["AEGIS_PASSWORD"].encode()
        master = unwrap_master_key(header["slots"], password)
        params = header["params"]
        plain = AESGCM(master).decrypt(
            bytes.fromhex(params["nonce"]),
            base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]),
            None,
        )
        content = json.loads(plain.decode("utf-8"))
    groups = {g["uuid"]: g["name"] for g in content.get("groups", [])}
    out = []
    for e in content["entries"]:
        info = e["info"]
        time_based = e["type"] in ("totp", "steam")
        out.append({
            "type": e["type"],
            "issuer": e["issuer"],
            "name": e["name"],
            "secret": info["secret"].upper().rstrip("="),
            "algorithm": info["algo"],
            "digits": info["digits"],
            "period": info["period"] if time_based else None,
            "counter": None if time_based else info["counter"],
            "note": e.get("note", ""),
            "favorite": e.get("favorite", False),
            "groups": [groups[g] for g in e.get("groups", [])],
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
