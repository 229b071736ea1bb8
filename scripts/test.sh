#!/usr/bin/env bash
# Runs every test of pskit, installing what the tests need when it is missing:
# psutil 7.2.2 (the parity oracle), procps (free, vmstat, ps) and util-linux (lscpu) as
# second oracles, script(1) for the CLI's terminal tests, tmux for the
# full-screen views' tests, Debian's prometheus (server + promtool) and PyPI's
# prometheus-client (the strict OpenMetrics parser) for the exporter's tests, and an
# unprivileged user for the AccessDenied tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi

# The tests run `python3`. Where the system Python refuses pip (PEP 668: Debian 12's
# "externally-managed-environment") or has none, the packages go into a venv in .venv,
# put first on the PATH for everything below.
[ -x .venv/bin/python3 ] && export PATH="$PWD/.venv/bin:$PATH"
pip_install() {
    python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null && return
    if [ ! -x .venv/bin/python3 ]; then
        echo "== the system Python refuses pip: making a venv in .venv"
        python3 -m venv .venv 2>/dev/null || {
            $SUDO apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv .venv
        }
        chmod -R a+rX .venv
        export PATH="$PWD/.venv/bin:$PATH"
    fi
    python3 -m pip install --quiet --disable-pip-version-check "$@"
}
if ! python3 -c 'import psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; then
    echo "== installing psutil 7.2.2 (the parity oracle)"
    pip_install psutil==7.2.2
fi
if ! python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
    echo "== installing prometheus-client (the strict OpenMetrics parser)"
    pip_install prometheus-client==0.26.0
fi

# Debian packages, by the command each provides.
missing=()
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
{ command -v free && command -v vmstat && command -v ps; } >/dev/null 2>&1 || missing+=(procps)
command -v lscpu >/dev/null 2>&1 || missing+=(util-linux)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

if [ "$(id -u)" = 0 ] && ! id pskit-test >/dev/null 2>&1; then
    echo "== creating the unprivileged user pskit-test"
    useradd --no-create-home --shell /usr/sbin/nologin pskit-test
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== cargo test"
cargo test --workspace
