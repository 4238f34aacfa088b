#!/usr/bin/env python3
"""muxbench (../shared/bench/muxbench.py) with a ccmux adapter for the
client/server ccmux: every run gets its own server (`-L`, its own runtime and
state dirs), the mux's CPU and memory are the client's *and* the server's,
and a run ends with `ccmux kill-server`.

    python3 benches/muxbench/ccmux_server.py --mux tmux,ccmux [--only NAME]
    python3 benches/muxbench/ccmux_server.py scale --mux ccmux,tmux --sessions 10,50
    python3 benches/muxbench/ccmux_server.py finalscreen --mux ccmux,tmux --runs 1
    python3 benches/muxbench/ccmux_server.py echo --mux tmux,ccmux --keys 1000
    python3 benches/muxbench/ccmux_server.py trace --mux tmux,ccmux --keys 300 --rounds 2

(`scale` and `finalscreen` are muxbench's scale.py and finalscreen.py, run
with this adapter; `echo` and `trace` are echo_interleaved.py and
key_trace.py, beside this file.)

Everything else is muxbench's own (its README says how to make the corpora).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench"))

import psutil  # noqa: E402
import muxbench  # noqa: E402
from muxbench import CcmuxAdapter, register  # noqa: E402


@register
class CcmuxServerAdapter(CcmuxAdapter):
    __doc__ = CcmuxAdapter.__doc__ + """
    Client/server: the client runs in the outer pty, the server is found by
    its -L name; both count as the mux."""
    name = "ccmux"

    def env(self, work):
        env = super().env(work)
        run = os.path.join(work, "run")
        os.makedirs(run, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = run
        env["XDG_STATE_HOME"] = os.path.join(work, "state")
        env.pop("CCMUX", None)
        env.pop("CCMUX_SERVER", None)
        return env

    def launch(self, inst):
        argv = super().launch(inst)
        inst.extra["server_name"] = "bench%d" % os.getpid()
        return argv[:1] + ["-L", inst.extra["server_name"]] + argv[1:]

    def _server_pid(self, inst):
        run = "XDG_RUNTIME_DIR=" + os.path.join(inst.work, "run")
        for p in psutil.process_iter(["cmdline", "environ"]):
            cmd = p.info["cmdline"] or []
            env = p.info["environ"] or {}
            if "server" in cmd and env.get("XDG_RUNTIME_DIR") == run.split("=", 1)[1]:
                return p.pid
        raise RuntimeError("ccmux: no server found for " + run)

    def after_ready(self, inst):
        super().after_ready(inst)
        inst.extra["server_pid"] = self._server_pid(inst)

    def mux_pids(self, inst):
        return [inst.term.proc.pid, inst.extra["server_pid"]]

    def stop(self, inst):
        import subprocess
        subprocess.run([muxbench._find_ccmux(), "-L", inst.extra["server_name"], "kill-server"],
                       env=self.env(inst.work), capture_output=True, timeout=20)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("scale", "finalscreen", "echo", "trace"):
        import importlib
        sys.path.insert(0, HERE)
        tool = importlib.import_module({"echo": "echo_interleaved", "trace": "key_trace"}.get(sys.argv[1], sys.argv[1]))
        sys.argv = [sys.argv[1] + ".py"] + sys.argv[2:]
        sys.exit(tool.main())
    sys.exit(muxbench.main())
