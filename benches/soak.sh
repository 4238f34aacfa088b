#!/bin/bash
# Soak (README, Performance): 10 sessions each printing a line every 10 ms
# for 5 minutes, no client attached; the server's RSS, fds and threads are
# sampled every 10 s and must be flat once scrollback is full (10,000 lines
# at 100 lines/s: after 100 s). Runs its own server in a scratch home.
#
#   cargo build --release && bash benches/soak.sh [path/to/ccmux] [seconds]
set -u
B=${1:-target/release/ccmux}
SECONDS_TOTAL=${2:-300}
H=$(mktemp -d /tmp/ccmux-soak.XXXXXX)
mkdir -p "$H/run" "$H/d"
export HOME=$H XDG_RUNTIME_DIR=$H/run XDG_STATE_HOME=$H/state
trap '"$B" kill-server >/dev/null 2>&1; rm -rf "$H"' EXIT
for _ in $(seq 1 10); do
  "$B" new --cmd perl "$H/d" -- -e \
    '$|=1; my $i=0; while(1){ print "soak line ", $i++, " ", "x" x 60, "\n"; select(undef,undef,undef,0.01) }' \
    >/dev/null
done
PID=
for p in $(pgrep -f "ccmux.*server"); do
  if tr '\0' '\n' < "/proc/$p/environ" | grep -qx "XDG_RUNTIME_DIR=$H/run"; then PID=$p; fi
done
[ -n "$PID" ] || { echo "no server found" >&2; exit 1; }
for t in $(seq 0 10 "$SECONDS_TOTAL"); do
  printf 't=%ss rss_kib=%s fds=%s threads=%s\n' "$t" \
    "$(awk '/VmRSS/{print $2}' "/proc/$PID/status")" \
    "$(ls "/proc/$PID/fd" | wc -l)" "$(ls "/proc/$PID/task" | wc -l)"
  sleep 10
done
