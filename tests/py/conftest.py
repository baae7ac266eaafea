"""Fixtures: a real `apiq-server` process on 127.0.0.1 with a fresh database.

The binary is `$APIQ_SERVER_BIN`, else `$CARGO_TARGET_DIR/debug/apiq-server`,
else `target/debug/apiq-server`; it is built with cargo when missing.

The database is a new SQLite file, or, when `$APIQ_TEST_PG_URL` is set (as
scripts/test-postgres.sh does), a new PostgreSQL database on that server
(created with `psql`), with its key file in the test's folder.
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


def database_args(tmp_path) -> list[str]:
    """`--db …` for a fresh database: SQLite, or PostgreSQL when asked."""
    admin = os.environ.get("APIQ_TEST_PG_URL")
    if not admin:
        return ["--db", str(tmp_path / "apiq.db")]
    name = "apiq_py_" + os.urandom(6).hex()
    subprocess.run(["psql", "-q", admin, "-c", f"CREATE DATABASE {name}"], check=True)
    base, _, _ = admin.rpartition("/")
    return ["--db", f"{base}/{name}", "--key-file", str(tmp_path / "server.key")]


@pytest.fixture()
def server(tmp_path):
    """Starts apiq-server on a free port; yields its base URL."""
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [str(server_binary()), *database_args(tmp_path), "--listen", "127.0.0.1:0"],
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
