#!/usr/bin/env bash
# Syscalls per process (strace -f -c, N=0 -> N=500 sleepers) for pskit, the floors,
# sysinfo and psutil:  bash bench/syscalls.sh [--tools pskit,floor]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v strace >/dev/null || apt-get install -y -q strace
cargo build --release -q -p pskit-bench
exec target/release/pskit-bench syscalls --sleepers 500 "$@"
