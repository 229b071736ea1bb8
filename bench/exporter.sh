#!/usr/bin/env bash
# Exporter benchmark:  bash bench/exporter.sh [SECONDS] [CONCURRENCY]
#
# Scrape latency (p50/p99), exporter CPU per scrape and RSS of `pskit serve` against
# Debian's prometheus-node-exporter on the same machine, with the same collectors
# (cpu, meminfo, loadavg, diskstats, filesystem, netdev, stat, hwmon, plus each one's
# own process_* self metrics), under CONCURRENCY (20) concurrent scrapers for SECONDS (10)
# on loopback, then with one scraper (per-collection cost, no sharing).
# node_exporter is taken from `apt-get download prometheus-node-exporter` into a scratch
# directory (never installed, no service started) unless it is on the PATH. The report
# is printed and saved as bench/results/exporter-DATE.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN="${1:-10}"
CONCURRENCY="${2:-20}"
# The report also goes to bench/results/ (git-ignored), so a README figure can be traced.
mkdir -p bench/results
exec > >(tee "bench/results/exporter-$(date -u +%Y%m%dT%H%M%SZ).txt")
SCRATCH="$(mktemp -d)"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

if command -v prometheus-node-exporter >/dev/null; then
    NODE_EXPORTER="$(command -v prometheus-node-exporter)"
else
    echo "== fetching Debian's prometheus-node-exporter into a scratch directory" >&2
    (cd "$SCRATCH" && apt-get download prometheus-node-exporter >/dev/null 2>&1) || {
        apt-get update -qq >/dev/null && (cd "$SCRATCH" && apt-get download prometheus-node-exporter >/dev/null); }
    dpkg-deb -x "$SCRATCH"/prometheus-node-exporter_*.deb "$SCRATCH/root"
    NODE_EXPORTER="$SCRATCH/root/usr/bin/prometheus-node-exporter"
fi

cargo build --release -q -p pskit-exporter --example serve --example scrape_load
PSKIT=target/release/examples/serve
LOAD=target/release/examples/scrape_load
COLLECTORS=(cpu meminfo loadavg diskstats filesystem netdev stat hwmon)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -sf "http://$1/metrics" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "ERROR: $1 not up" >&2; exit 1; }

PORT_P=$(free_port)
args=(--web.listen-address "127.0.0.1:$PORT_P" --collector.disable-defaults --collector exporter)
for c in "${COLLECTORS[@]}"; do args+=(--collector "$c"); done
"$PSKIT" "${args[@]}" 2>/dev/null &
PID_P=$!; PIDS+=("$PID_P")

PORT_N=$(free_port)
nargs=(--web.listen-address="127.0.0.1:$PORT_N" --collector.disable-defaults)
for c in "${COLLECTORS[@]}"; do nargs+=("--collector.$c"); done
"$NODE_EXPORTER" "${nargs[@]}" 2>/dev/null &
PID_N=$!; PIDS+=("$PID_N")

wait_up "127.0.0.1:$PORT_P"; wait_up "127.0.0.1:$PORT_N"
echo "samples per scrape: pskit $(curl -s "127.0.0.1:$PORT_P/metrics" | grep -vc '^#'), node_exporter $(curl -s "127.0.0.1:$PORT_N/metrics" | grep -vc '^#')"
echo "== $CONCURRENCY concurrent scrapers, ${SECONDS_RUN}s each"
"$LOAD" "127.0.0.1:$PORT_P" "$PID_P" "$CONCURRENCY" "$SECONDS_RUN" "pskit serve  "
"$LOAD" "127.0.0.1:$PORT_N" "$PID_N" "$CONCURRENCY" "$SECONDS_RUN" "node_exporter"
echo "== 1 scraper, ${SECONDS_RUN}s each (every scrape is a fresh collection)"
"$LOAD" "127.0.0.1:$PORT_P" "$PID_P" 1 "$SECONDS_RUN" "pskit serve  "
"$LOAD" "127.0.0.1:$PORT_N" "$PID_N" 1 "$SECONDS_RUN" "node_exporter"
echo "== pskit serve with every collector (processes and cgroups too), $CONCURRENCY scrapers"
PORT_A=$(free_port)
"$PSKIT" --web.listen-address "127.0.0.1:$PORT_A" 2>/dev/null &
PID_A=$!; PIDS+=("$PID_A")
wait_up "127.0.0.1:$PORT_A"
"$LOAD" "127.0.0.1:$PORT_A" "$PID_A" "$CONCURRENCY" "$SECONDS_RUN" "pskit (all)  "
