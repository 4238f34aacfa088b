"""Where a key's time goes in a multiplexer, key by key, from a trace of the scheduler (`perf
record -a` of `sched_switch` and `sched_waking`; needs root or perf_event_paranoid <= -1) beside
the harness's own timestamps, both on CLOCK_MONOTONIC.

    python3 benches/muxbench/ccmux_server.py trace --mux tmux,ccmux --keys 300 --rounds 2
    python3 benches/muxbench/ccmux_server.py trace --mux tmux,ccmux,ccmux=/tmp/ccmux-before

Each round runs each multiplexer in turn, a session running `cat`, and sends it keys as
muxbench's `latency` test does (echo_interleaved.py's). Only scheduler events are traced (a few a
key), so the trace costs each multiplexer little and alike. For each key: from the outer
terminal's write to the server writing the key into the session's PTY, from there to the
server writing the frame, the server's time on the CPU in between (the echo's way through the
server), from the frame to the harness reading it, and the whole key. A server's writes are
seen as the kernel work they queue: a write into a PTY wakes a kworker for the terminal's
buffer (as Linux 6.18 does here), the key's first such wake-up and the frame's last. Prints each part's
median per run.
"""
import argparse
import bisect
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

from echo_interleaved import key_times, start
from muxbench import _stop

EVENT = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$")
SWITCH = re.compile(r"prev_pid=(\d+) .*==> next_comm=.* next_pid=(\d+)")
WAKING = re.compile(r"comm=(.*?) pid=(\d+) ")
PARTS = ("key to PTY", "PTY to frame", "server CPU between", "frame to harness", "whole key")


def trace(spec, keys, rnd):
    """One run of `spec`: the parts of each key, in µs."""
    inst, work = start(spec)
    data = tempfile.NamedTemporaryFile(suffix=".perf", delete=False).name
    stamps = []
    try:
        server = inst.extra["server_pid"]
        perf = subprocess.Popen(
            ["perf", "record", "-q", "-a", "-k", "CLOCK_MONOTONIC", "-o", data,
             "-e", "sched:sched_switch,sched:sched_waking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        for k in range(keys):
            times = key_times(inst, b"abcdefghijklmnopqrstuvwxyz"[k % 26:k % 26 + 1], rnd)
            if times:
                stamps.append(times)
            if k % 26 == 25:
                # The line erased (cat's terminal is cooked).
                inst.term.write(b"\x15\x15")
                inst.term.pump(duration=0.05)
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=30)
        text = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True).stdout
    finally:
        _stop(inst)
        shutil.rmtree(work, ignore_errors=True)
        os.unlink(data)
    events = []
    for line in text.splitlines():
        m = EVENT.match(line)
        if m:
            events.append((float(m.group(4)), int(m.group(2)), m.group(5), m.group(6)))
    events.sort(key=lambda e: e[0])
    return [p for p in (parts(events, server, os.getpid(), t0, t1) for t0, t1 in stamps) if p]


def parts(events, server, me, t0, t1):
    """The parts of the key written at t0 and read back at t1, or None if the trace lacks one."""
    i = bisect.bisect_left(events, (t0,))
    first_run = pty = frame = None
    running, oncpu = None, []
    while i < len(events) and events[i][0] <= t1:
        t, tid, name, rest = events[i]
        i += 1
        if name.endswith("sched_switch"):
            m = SWITCH.search(rest)
            if not m:
                continue
            prev, nxt = int(m.group(1)), int(m.group(2))
            if prev == server and running is not None:
                oncpu.append((running, t))
                running = None
            if nxt == server:
                running = t
                first_run = first_run or t
        elif tid == server and first_run is not None:
            m = WAKING.search(rest)
            if m and m.group(1).startswith("kworker"):
                if pty is None:
                    pty = t
                else:
                    frame = t
    if None in (pty, frame):
        return None
    if running is not None:
        oncpu.append((running, t1))
    between = sum(max(0.0, min(frame, b) - max(pty, a)) for a, b in oncpu)
    us = 1e6
    return dict(zip(PARTS, ((pty - t0) * us, (frame - pty) * us, between * us,
                            (t1 - frame) * us, (t1 - t0) * us)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mux", default="tmux,ccmux", help="names, or ccmux=PATH for a given build")
    ap.add_argument("--keys", type=int, default=300, help="keys per run")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not shutil.which("perf"):
        raise SystemExit("perf is not installed")
    rnd = random.Random(args.seed)
    specs = args.mux.split(",")
    width = max(8, max(len(s) for s in specs))
    print("# per key, median µs of the keys a run: " + " | ".join(PARTS))
    for r in range(args.rounds):
        for spec in specs:
            got = trace(spec, args.keys, rnd)
            if not got:
                print("%-*s round %d: no key traced (is perf allowed to trace?)" % (width, spec, r + 1))
                continue
            cells = " | ".join("%s %.0f" % (p, statistics.median(g[p] for g in got)) for p in PARTS)
            print("%-*s round %d, %3d keys: %s" % (width, spec, r + 1, len(got), cells))
    return 0
