"""Key echo with the keys interleaved: every multiplexer runs at once, each a session running
`cat`, and each round sends one key to each of them in a shuffled order, spaced 10-30 ms as
muxbench's `latency` does. muxbench interleaves whole runs (tmux's run, then ccmux's), so a
machine whose load drifts between runs moves their ratio (0.95 to 1.25 between runs of one
build); here the drift falls on every multiplexer alike, key by key.

    python3 benches/muxbench/ccmux_server.py echo --mux tmux,ccmux --keys 1000
    python3 benches/muxbench/ccmux_server.py echo --mux tmux,ccmux,ccmux=/tmp/ccmux-before

`ccmux=PATH` runs the ccmux binary at PATH: two builds side by side, each key going to both.
Prints each one's p50 / p25 / p75 / p99 in ms and its p50 over the first one's.
"""
import os
import argparse
import random
import shutil
import statistics

import muxbench
from muxbench import ADAPTERS, _start, _stop, mkwork, now, script


def start(spec):
    """Starts `spec`, a multiplexer's name or `ccmux=PATH`."""
    name, _, binary = spec.partition("=")
    if binary:
        # The adapter looks for the binary when it launches it, and again to stop it.
        os.environ["CCMUX_BIN"] = binary
    adapter = ADAPTERS[name]()
    work = mkwork("echo-" + name)
    inst = _start(adapter, [script(work, 0, "printf 'ECHO-READY\\n'\nexec cat")], focus=0, work=work)
    adapter.focus(inst, 0, keyboard=True)
    if inst.term.pump(until=lambda: "ECHO-READY" in inst.term.text(), timeout=10) != "until":
        raise RuntimeError(name + ": the session never showed:\n" + inst.term.text())
    inst.term.pump(quiet=0.3, timeout=5)
    # Only the echoed byte is looked for from here on.
    inst.term.emulate = False
    return inst, work


def key_times(inst, key, rnd):
    """One key into `inst`'s outer terminal, 10-30 ms after the last: when it was written and
    when its echo came back (`now`'s clock, CLOCK_MONOTONIC), or None if it never did."""
    inst.term.pump(duration=rnd.uniform(0.01, 0.03))
    inst.term.tap = bytearray()
    t0 = now()
    inst.term.write(key)
    seen = inst.term.pump(until=lambda: key in inst.term.tap, timeout=10.0, poll=0.0005)
    inst.term.tap = None
    return (t0, inst.term.t_last_rx) if seen == "until" else None


def echo(inst, key, rnd):
    """One key into `inst`'s outer terminal; ms until its echo came back, or None."""
    times = key_times(inst, key, rnd)
    return (times[1] - times[0]) * 1000 if times else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mux", default="tmux,ccmux")
    ap.add_argument("--keys", type=int, default=1000, help="keys sent to each")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    names = args.mux.split(",")
    rnd = random.Random(args.seed)
    load_before = muxbench.loadavg()[0]
    started = []
    try:
        for name in names:
            started.append((name,) + start(name))
        lat = {name: [] for name in names}
        keys = [c.encode() for c in "abcdefghijklmnopqrstuvwxyz"]
        for k in range(args.keys):
            if k and k % len(keys) == 0:
                # A new line: `cat` echoes the line back, and the line starts over.
                for _, inst, _ in started:
                    inst.term.write(b"\r")
                    inst.term.pump(duration=0.05)
            order = list(started)
            rnd.shuffle(order)
            for name, inst, _ in order:
                took = echo(inst, keys[k % len(keys)], rnd)
                if took is not None:
                    lat[name].append(took)
    finally:
        for _, inst, work in started:
            _stop(inst)
            shutil.rmtree(work, ignore_errors=True)
    print("# key echo, keys interleaved: %s, %d keys each; load average %.2f before, %.2f after"
          % (", ".join(names), args.keys, load_before, muxbench.loadavg()[0]))
    width = max(8, max(len(n) for n in names))
    first = statistics.median(lat[names[0]])
    for name in names:
        v = sorted(lat[name])
        q = lambda f: v[int(round(f * (len(v) - 1)))]
        print("%-*s keys %4d  p50 %.3f  p25 %.3f  p75 %.3f  p99 %.3f ms  p50/%s %.3f"
              % (width, name, len(v), statistics.median(v), q(0.25), q(0.75), q(0.99), names[0],
                 statistics.median(v) / first))
    return 0
