#!/usr/bin/env bash
# Runs every test of pskit, installing what the tests need when it is missing:
# psutil 7.2.2 (the parity oracle), script(1) for the CLI's terminal tests, tmux for the
# full-screen views' tests and an unprivileged user for the AccessDenied tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; then
    echo "== installing psutil 7.2.2 (the parity oracle)"
    python3 -m pip install --quiet --disable-pip-version-check psutil==7.2.2
fi
if ! command -v script >/dev/null 2>&1; then
    echo "== installing util-linux script(1) (the CLI's terminal tests)"
    apt-get update -qq && apt-get install -y -qq bsdutils
fi
if [ "$(id -u)" = 0 ] && ! id pskit-test >/dev/null 2>&1; then
    echo "== creating the unprivileged user pskit-test"
    useradd --no-create-home --shell /usr/sbin/nologin pskit-test
fi

if ! command -v tmux >/dev/null 2>&1; then
    echo "== installing tmux (the full-screen view tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== cargo test"
cargo test --workspace
