"""Schemathesis (PyPI) fuzzes every operation of /openapi.json of a running
apiq-server: no input may produce a 5xx. Bounded so CI stays fast
(`APIQ_SCHEMATHESIS_EXAMPLES`, default 25 per operation)."""

import os
import re
import shutil
import subprocess
import sys


def test_no_input_gives_a_5xx(server, tmp_path):
    exe = shutil.which("schemathesis") or shutil.which("st")
    cmd = [exe] if exe else [sys.executable, "-m", "schemathesis.cli"]
    examples = os.environ.get("APIQ_SCHEMATHESIS_EXAMPLES", "25")
    run = subprocess.run(
        cmd
        + [
            "run",
            f"{server}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            examples,
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=tmp_path,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    # It really ran every operation (GET and POST of each of the 16 methods).
    assert "No issues found" in out, out[-3000:]
    tested = re.search(r"Tested:\s*(\d+)", out)
    assert tested and int(tested.group(1)) >= 32, out[-3000:]
