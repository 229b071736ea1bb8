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
# samples) to bench/results/WORKLOAD-DATE.json (git-ignored). `all` takes about 2½
# minutes on a 2-core machine, plus the release build. Options after the workload go to
# pskit-bench (e.g. `bash bench/run.sh conns 0 1000 --rounds 3`).
set -euo pipefail
cd "$(dirname "$0")/.."
WORKLOAD=all
case "${1:-}" in
    all|procscan|uss|syscalls|instructions|small|conns) WORKLOAD=$1; shift ;;
esac

# psutil 7.2.2 for python3; where the system Python refuses pip (PEP 668), in a venv
# under bench/.venv, which the harness then uses through $PYTHON.
PY="${PYTHON:-python3}"
has_psutil() { "$1" -c 'import psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; }
if ! has_psutil "$PY"; then
    echo "== installing psutil 7.2.2 for $PY" >&2
    if ! "$PY" -m pip install --quiet --disable-pip-version-check psutil==7.2.2; then
        echo "== pip refused; using a venv in bench/.venv" >&2
        "$PY" -m venv bench/.venv 2>/dev/null || {
            if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
            $SUDO apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
            "$PY" -m venv bench/.venv
        }
        bench/.venv/bin/pip install --quiet --disable-pip-version-check psutil==7.2.2
        PY="$PWD/bench/.venv/bin/python"
    fi
fi
export PYTHON="$PY"

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
# The harness kills what it starts; this checks it, whatever way the run ends.
sleepers_before=$(pgrep -cx sleep || true)
trap 'after=$(pgrep -cx sleep || true); echo "sleep processes before the run: ${sleepers_before}, after: ${after}" >&2' EXIT
target/release/pskit-bench "$WORKLOAD" --json "$OUT/$WORKLOAD-$STAMP.json" "$@"
