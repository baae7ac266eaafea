"""Fixtures: a real `apiq-server` process on 127.0.0.1 with a fresh database.

The binary is `$APIQ_SERVER_BIN`, else `$CARGO_TARGET_DIR/debug/apiq-server`,
else `target/debug/apiq-server`; it is built with cargo when missing.
"""

import base64
import hashlib
import hmac
import os
import struct
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def binary(name: str, package: str, env_var: str) -> Path:
    """`$env_var`, else the debug build in the cargo target dir (built when missing)."""
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "debug" / name
    if not path.exists():
        subprocess.run(["cargo", "build", "-p", package, "--bin", name], cwd=ROOT, check=True)
    return path


def server_binary() -> Path:
    return binary("apiq-server", "apiq-server", "APIQ_SERVER_BIN")


def cli_binary() -> Path:
    return binary("apiq", "apiq-cli", "APIQ_CLI_BIN")


@pytest.fixture()
def server(tmp_path):
    """Starts apiq-server on a free port; yields its base URL."""
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [str(server_binary()), "--db", str(tmp_path / "apiq.db"), "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=log,
    )
    try:
        first = proc.stdout.readline().decode().strip()
        assert first.startswith("listening on http://127.0.0.1:"), first
        yield first.removeprefix("listening on ")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def totp(secret_b32: str, at: float | None = None, step_offset: int = 0) -> str:
    """RFC 6238 TOTP (SHA1, 6 digits, 30 s), written from the RFC."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off : off + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
