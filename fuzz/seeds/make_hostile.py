#!/usr/bin/env python3
"""Writes the hostile seed inputs of fuzz/seeds/ (issue 14 item 11): small
files that, read naively, expand to far more memory or work than their
size. scripts/fuzz.sh feeds them to the matching targets, under a 256 MiB
RSS cap; crates/formats/tests/formats/hostile.rs tests the same shapes at
full size. Run from anywhere: python3 fuzz/seeds/make_hostile.py"""
import json
import os
import sqlite3
import struct
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def write(kind, name, data):
    os.makedirs(os.path.join(HERE, kind), exist_ok=True)
    with open(os.path.join(HERE, kind, name), "wb") as f:
        f.write(data)


def sqlite_repeated_cells():
    """A Google Authenticator database (1 KiB pages) whose accounts leaf
    repeats the pointer to its one 300-byte cell until the page is full."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "databases")
        db = sqlite3.connect(path)
        db.executescript(
            "PRAGMA page_size = 1024;"
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL,"
            " secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER,"
            " provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL,"
            " original_name TEXT DEFAULT NULL);"
        )
        db.execute(
            "INSERT INTO accounts (email, secret, type) VALUES (?, 'JBSWY3DPEHPK3PXP', 0)",
            ("me" + "x" * 300,),
        )
        db.commit()
        root = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'accounts'"
        ).fetchone()[0]
        db.close()
        b = bytearray(open(path, "rb").read())
    write("sqlite", "plain.sqlite", bytes(b))
    page = (root - 1) * 1024
    assert b[page] == 0x0D
    content_start = struct.unpack(">H", b[page + 5 : page + 7])[0]
    cell = b[page + 8 : page + 10]
    count = (content_start - 8) // 2
    for i in range(count):
        b[page + 8 + 2 * i : page + 10 + 2 * i] = cell
    b[page + 3 : page + 5] = struct.pack(">H", count)
    write("sqlite", "repeated-cells.sqlite", bytes(b))


def java_back_references():
    """A FreeOTP 2.x stream: one 2 KB string, then 200 back-references."""
    b = bytearray(b"\xac\xed\x00\x05\x73\x72\x00\x11java.util.HashMap")
    b += bytes([0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0, 2])
    b += b"F\x00\x0aloadFactorI\x00\x09threshold\x78\x70"
    b += bytes([0x3F, 0x40, 0, 0, 0, 0, 0, 12])
    pairs = 200
    b += bytes([0x77, 8, 0, 0, 0x10, 0]) + struct.pack(">I", pairs)
    b += b"\x74\x00\x09masterKey\x7c" + struct.pack(">Q", 2048) + b"A" * 2048
    for i in range(1, pairs):
        key = b"k%05d" % i
        b += bytes([0x74, 0, len(key)]) + key + bytes([0x71, 0x00, 0x7E, 0x00, 0x03])
    b += b"\x78"
    write("javaser", "back-references.bin", bytes(b))


def aegis(slots):
    return json.dumps(
        {
            "version": 1,
            "header": {
                "slots": [
                    {
                        "type": 1,
                        "uuid": "00000000-0000-0000-0000-000000000000",
                        "key": "00" * 32,
                        "key_params": {"nonce": "00" * 12, "tag": "00" * 16},
                        "n": n,
                        "r": r,
                        "p": p,
                        "salt": "00" * 32,
                    }
                    for (n, r, p) in slots
                ],
                "params": {"nonce": "00" * 12, "tag": "00" * 16},
            },
            "db": "AAAA",
        }
    ).encode()


def aegis_slots():
    write("aegis", "many-slots.json", aegis([(2, 1, 1)] * 40))
    write("aegis", "costly-slots.json", aegis([(1 << 17, 8, 5)] * 2))


if __name__ == "__main__":
    sqlite_repeated_cells()
    java_back_references()
    aegis_slots()
