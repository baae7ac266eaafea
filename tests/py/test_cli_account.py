"""`apiq account …` (the CLI contract) against a running apiq-server."""

import json
import os
import stat
import subprocess
import time

from conftest import cli_binary, totp

PASSWORD = "cli account password"


def make_run(server, data_dir):
    def run(*args, password=PASSWORD, stdin=None):
        env = dict(os.environ)
        env.update({"APIQ_DATA_DIR": str(data_dir), "APIQ_SERVER": server})
        env.pop("APIQ_PASSWORD", None)
        if password is not None:
            env["APIQ_PASSWORD"] = password
        return subprocess.run(
            [str(cli_binary()), "account", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def ok(r):
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr
    return r.stdout


def failed(r, code):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == "", r.stdout
    assert r.stderr.startswith("error:"), r.stderr
    return r.stderr


def test_cli_account_flow(server, tmp_path):
    run = make_run(server, tmp_path / "data")
    ok(run("signup", "cli@example.com", "--name", "Cli"))
    failed(run("status"), 1)  # not signed in yet
    ok(run("signin", "cli@example.com"))
    session_file = tmp_path / "data" / "account-session.json"
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    saved = json.loads(session_file.read_text())
    assert saved["server"] == server and saved["session"]
    status = json.loads(ok(run("status", "--json")))
    assert status["login"] == "cli@example.com" and status["twoFactorEnabled"] is False

    # 2FA: config, then enable with a code.
    cfg = json.loads(ok(run("2fa", "enable", "--json")))
    now = time.time()
    failed(run("2fa", "enable", "--code", "12345"), 1)  # malformed: 703
    codes = ok(run("2fa", "enable", "--code", totp(cfg["secret"], now))).split()
    assert len(codes) == 10
    ok(run("signout"))
    assert not session_file.exists()

    # Sign in: the code is required; without a terminal it must be an argument.
    err = failed(run("signin", "cli@example.com", stdin=""), 2)
    assert "--code" in err
    assert not session_file.exists()
    ok(run("signin", "cli@example.com", "--code", totp(cfg["secret"], now, step_offset=1)))
    listed = json.loads(ok(run("2fa", "codes", "--json")))
    assert listed["remaining"] == 10
    fresh = ok(run("2fa", "regenerate")).split()
    assert len(fresh) == 10 and not set(fresh) & set(codes)

    # The password from standard input works too; a wrong one fails with 701.
    failed(run("2fa", "codes", password="wrong password"), 1)
    ok(run("2fa", "codes", "--password-stdin", password=None, stdin=PASSWORD + "\n"))
    failed(run("2fa", "codes", password=None, stdin=""), 2)

    # Tokens.
    value = ok(run("token", "create", "--description", "ci")).strip()
    assert value.startswith("apq_") and len(value) == 40
    tokens = json.loads(ok(run("token", "list", "--json")))
    assert len(tokens) == 1 and tokens[0]["last4"] == value[-4:]
    failed(run("token", "delete", "nope"), 2)
    ok(run("token", "delete", str(tokens[0]["id"])))
    assert json.loads(ok(run("token", "list", "--json"))) == []
    failed(run("token", "create", "--description", "x", "--api-list", "users.Account.Disable2FA"), 2)

    # Disable, audit, sign out.
    ok(run("2fa", "disable"))
    events = json.loads(ok(run("audit", "--json")))
    assert events[0]["event"] == "2fa.disabled"
    ok(run("signout"))
    failed(run("status"), 1)


def test_cli_unreachable_server(tmp_path):
    run = make_run("http://127.0.0.1:1", tmp_path / "data")
    err = failed(run("signin", "a@b.c"), 1)
    assert "cannot reach the server" in err
