#!/usr/bin/env python3
"""Where the CPU went between two moments, by kind of thread.

    cpu-split.py snap FILE        write every thread's CPU time so far
    cpu-split.py diff A B         CPU seconds spent between snapshots A and B

Kinds: Argon2 (threads named apiq-argon2-*), the servers' other threads
(processes named apiq-server), PostgreSQL, wrk, the rest. Used by
scripts/bench-server-pg.sh to show where a sign-in's CPU goes.
Threads that ended between the snapshots (wrk's, when it runs between
them) are in "ended threads", from the machine's total in /proc/stat.
"""
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def kind(proc: str, thread: str) -> str:
    if thread.startswith("apiq-argon2"):
        return "Argon2 hashing"
    if proc == "apiq-server":
        return "servers' other threads"
    if proc in ("postgres", "postmaster"):
        return "PostgreSQL"
    if proc == "wrk":
        return "wrk"
    return "the rest"


def snap() -> dict:
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                proc = f.read().strip()
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            thread = s[s.index("(") + 1 : s.rindex(")")]
            fields = s[s.rindex(")") + 2 :].split()
            # utime and stime are the 14th and 15th fields of stat; fields
            # here start at the 3rd.
            out[f"{pid}/{tid}"] = [kind(proc, thread), (int(fields[11]) + int(fields[12])) / TICK]
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    # Busy time of every CPU: all but idle and iowait.
    out["machine"] = ["", (sum(cpu) - cpu[3] - cpu[4]) / TICK]
    return out


def main() -> None:
    if sys.argv[1:2] == ["snap"]:
        with open(sys.argv[2], "w") as f:
            json.dump(snap(), f)
    elif sys.argv[1:2] == ["diff"]:
        a, b = (json.load(open(p)) for p in sys.argv[2:4])
        total: dict = {}
        for key, (k, t) in b.items():
            if key != "machine":
                total[k] = total.get(k, 0.0) + t - a.get(key, [k, 0.0])[1]
        machine = b["machine"][1] - a["machine"][1]
        total["ended threads"] = max(0.0, machine - sum(total.values()))
        spent = sum(total.values()) or 1.0
        for k, t in sorted(total.items(), key=lambda x: -x[1]):
            print(f"   {k:<24} {t:7.2f} CPU s  {t / spent:5.1%}")
    else:
        sys.exit(__doc__)


main()
