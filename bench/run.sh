#!/usr/bin/env bash
# The pskit benchmark, in one command:  bash bench/run.sh [WORKLOAD] [OPTIONS]
#
# Installs what is missing (psutil 7.2.2 from PyPI; strace, valgrind, ss and ps from
# Debian), builds pskit-bench in release, and runs `pskit-bench all` (or the WORKLOAD
# given: procscan, uss, syscalls, instructions, small, conns):
#   procscan      the 10-attribute process table at N = 0, 500, 2000 extra sleepers
#                 (floor, pskit cold/warm, sysinfo cold/warm, ps -eo, psutil)
#   uss           memory_full_info() of every process at N = 500
#   syscalls      strace -f -c: syscalls per process, N = 0 -> 500
#   instructions  valgrind --tool=callgrind: user-space instructions per process
#   small         10,000 calls of each system-wide function and two Process getters
#   conns         TCP socket listing with K = 0, 1000, 10000 loopback connections
# Tables (Markdown) go to the terminal; the JSON document (machine, summaries, raw
# samples) to bench/results/WORKLOAD-DATE.json (git-ignored). `all` takes about 7
# minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
WORKLOAD="${1:-all}"
[ $# -gt 0 ] && shift

if ! "$PY" -c 'import psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; then
    echo "== installing psutil 7.2.2 for $PY" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check psutil==7.2.2
fi

# Debian packages, by the command each provides.
missing=()
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
command -v ps >/dev/null 2>&1 || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian)" >&2
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

cargo build --release --quiet -p pskit-bench
OUT=bench/results
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
target/release/pskit-bench "$WORKLOAD" --json "$OUT/$WORKLOAD-$STAMP.json" "$@"

leftover=$(pgrep -x -P $$ sleep | wc -l || true)
echo "sleepers left behind by the benchmark: ${leftover}" >&2
