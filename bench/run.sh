#!/usr/bin/env bash
# The pskit benchmark, in one command:  bash bench/run.sh
#
# Builds pskit-bench in release, installs psutil 7.2.2 and strace if missing, then runs
#   1. procscan: 10-attribute process table scan at N=0 and N=2000 extra sleepers
#      (pskit, psutil process_iter, sysinfo, raw floor), interleaved rounds
#   2. uss:      memory_full_info() of every process at N=500 sleepers
#   3. syscalls: strace -f -c syscalls per process, N=0 -> N=500
#   4. small:    per-call cost of cpu_times, virtual_memory, disk_io_counters(perdisk),
#                net_io_counters(pernic), net_if_addrs, boot_time (pskit, psutil, floor)
#   5. conns:    TCP socket listing with K=0, 1000, 10000 loopback connections (pskit
#      with and without pids, psutil, ss -tanp / ss -tan, raw sock_diag / fd-scan floors)
# and prints every table (Markdown). Raw samples go to bench/results/ (git-ignored).
# Takes about 5 minutes on a 2-core machine. Extra arguments are passed to
# procscan (e.g. --rounds 3).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"

if ! "$PY" -c 'import psutil' 2>/dev/null; then
    echo "psutil missing for $PY: installing psutil==7.2.2" >&2
    "$PY" -m pip install -q psutil==7.2.2 || {
        echo "ERROR: psutil is required: pip install psutil==7.2.2" >&2; exit 1; }
fi
if ! command -v strace >/dev/null; then
    echo "strace missing: installing it" >&2
    (apt-get install -y -q strace || { apt-get update -q && apt-get install -y -q strace; }) >&2 || {
        echo "ERROR: strace is required: apt-get install -y strace" >&2; exit 1; }
fi

if ! command -v ss >/dev/null; then
    echo "ss missing: installing iproute2" >&2
    (apt-get install -y -q iproute2 || { apt-get update -q && apt-get install -y -q iproute2; }) >&2 || {
        echo "ERROR: ss is required: apt-get install -y iproute2" >&2; exit 1; }
fi

cargo build --release -q -p pskit-bench
BIN=target/release/pskit-bench
OUT=bench/results
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

"$BIN" procscan --rounds 5 --reps 5 --sleepers 0,2000 --json "$OUT/procscan-$STAMP.jsonl" "$@"
"$BIN" uss --rounds 5 --reps 10 --sleepers 500 --json "$OUT/uss-$STAMP.jsonl"
"$BIN" syscalls --sleepers 500 --json "$OUT/syscalls-$STAMP.json"
"$BIN" small --rounds 5 --reps 5 --calls 2000 --json "$OUT/small-$STAMP.json"
"$BIN" conns 0 1000 10000 --rounds 5 --reps 5 --json "$OUT/conns-$STAMP.jsonl"

leftover=$(pgrep -x -P $$ sleep | wc -l || true)
echo
echo "done; sleepers left behind by the benchmark: ${leftover}"
