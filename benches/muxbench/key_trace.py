"""Where a key's time goes in a multiplexer's server, key by key, from a trace of syscalls and
scheduler events (`perf record -a`; needs root or perf_event_paranoid <= -1).

    python3 benches/muxbench/ccmux_server.py trace --mux tmux,ccmux --keys 200 --rounds 3

Each round runs each multiplexer in turn, a session running `cat`, and sends it keys as
muxbench's `latency` test does (echo_interleaved.py's). For each key it pairs the outer
terminal's write with the server's syscalls and counts the server's time on the CPU in three
parts: from the key's wake-up to its write into the PTY, from that write to the server's next
wait, and from the echo's wake-up to the frame's write; then the whole key, outer terminal to
outer terminal. Prints each part's median per round. The trace slows everything a little and
alike; the parts are what to compare.
"""
import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

from echo_interleaved import echo, start
from muxbench import _stop

EVENT = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$")
# epoll_wait, poll, epoll_pwait, select, pselect6: where a server waits
WAITS = ("NR 232 ", "NR 7 ", "NR 281 ", "NR 23 ", "NR 270 ")
WRITES = ("NR 1 (", "NR 20 (")


def trace(name, keys, rnd):
    """One run of `name`: its server's parts per key, as lists of µs."""
    inst, work = start(name)
    data = tempfile.NamedTemporaryFile(suffix=".perf", delete=False).name
    try:
        server = inst.extra["server_pid"]
        perf = subprocess.Popen(
            ["perf", "record", "-q", "-a", "-o", data, "-e",
             "raw_syscalls:sys_enter,raw_syscalls:sys_exit,sched:sched_switch"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        for k in range(keys):
            echo(inst, b"abcdefghijklmnopqrstuvwxyz"[k % 26:k % 26 + 1], rnd)
            if k % 26 == 25:
                # The line erased (cat's terminal is cooked) in one write of two bytes, so only
                # the keys are one-byte writes to pair.
                inst.term.write(b"\x15\x15")
                inst.term.pump(duration=0.05)
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=30)
        text = subprocess.run(["perf", "script", "-i", data], capture_output=True, text=True).stdout
    finally:
        _stop(inst)
        shutil.rmtree(work, ignore_errors=True)
        os.unlink(data)
    key_write = re.compile(r"NR 1 \(%x, \w+, 1," % inst.term.fd)
    events = []
    for line in text.splitlines():
        m = EVENT.match(line)
        if m:
            events.append((float(m.group(4)) * 1e6, int(m.group(2)), m.group(5), m.group(6)))
    return parts(events, os.getpid(), server, key_write)


def parts(events, me, server, key_write):
    out = {"key": [], "after the key": [], "echo": [], "server": [], "whole key": []}
    i = 0
    while i < len(events):
        t0, tid, name, rest = events[i]
        if not (tid == me and name.endswith("sys_enter") and key_write.match(rest)):
            i += 1
            continue
        marks, on, oncpu, state, got = [], None, [], 0, None
        j = i + 1
        while j < len(events) and events[j][0] - t0 < 5000:
            t, tid, name, rest = events[j]
            if name == "sched:sched_switch":
                if ("next_pid=%d " % server) in rest:
                    on = t
                elif ("prev_pid=%d " % server) in rest and on is not None:
                    oncpu.append((on, t))
                    on = None
            if tid == server:
                enter, leave = name.endswith("sys_enter"), name.endswith("sys_exit")
                if state == 0 and leave:        # woken by the key
                    on = on or t
                    marks.append(t)
                    state = 1
                elif state == 1 and enter and rest.startswith(WRITES):   # the key into the PTY
                    marks.append(t)
                    state = 2
                elif state == 2 and leave:
                    marks.append(t)
                    state = 3
                elif state == 3 and enter and rest.startswith(WAITS):    # waits again
                    marks.append(t)
                    state = 4
                elif state == 4 and leave:      # woken by the echo
                    marks.append(t)
                    state = 5
                elif state == 4 and enter and rest.startswith(WRITES):
                    break
                elif state == 5 and enter and rest.startswith(WRITES):   # the frame
                    marks.append(t)
                    state = 6
            if tid == me and state == 6 and name.endswith("sys_exit") and rest.startswith("NR 0 ="):
                got = t
                break
            j += 1
        i = j
        if got is None:
            continue
        if on is not None:
            oncpu.append((on, got))

        def cpu(a, b):
            return sum(max(0.0, min(b, y) - max(a, x)) for x, y in oncpu)
        woke, wrote, written, waits, echoed, frame = marks
        spent = [cpu(woke, wrote), cpu(written, waits), cpu(echoed, frame)]
        for part, v in zip(("key", "after the key", "echo"), spent):
            out[part].append(v)
        out["server"].append(sum(spent))
        out["whole key"].append(got - t0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mux", default="tmux,ccmux")
    ap.add_argument("--keys", type=int, default=200, help="keys per run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not shutil.which("perf"):
        raise SystemExit("perf is not installed")
    rnd = random.Random(args.seed)
    names = args.mux.split(",")
    print("# per key, median µs of the keys paired in a run: the server's time on the CPU from the")
    print("# key to the PTY | after that write until it waits | from the echo to the frame | the three")
    print("# | the whole key, outer terminal to outer terminal")
    for r in range(args.rounds):
        for name in names:
            got = trace(name, args.keys, rnd)
            n = len(got["whole key"])
            if not n:
                print("%-8s round %d: no key paired (is perf allowed to trace?)" % (name, r + 1))
                continue
            cells = " | ".join("%s %.1f" % (part, statistics.median(v)) for part, v in got.items())
            print("%-8s round %d, %3d keys: %s" % (name, r + 1, n, cells))
    return 0
