#!/usr/bin/env bash
# Runs every check and test of Community Portal:
#   formatting, the layering of the app's modules, clippy on the three builds (app+ssr, app+hydrate for wasm32,
#   server), unit tests, integration tests on SQLite and on PostgreSQL
#   (migrations up -> down -> up included), and the browser tests (Chromium,
#   JavaScript on and off, axe scans) against a release build.
#
# PostgreSQL: PORTAL_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432).
# Without a reachable server the PostgreSQL tests are skipped with a clear
# notice — except under CI (CI=true), where that is a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh --test

LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
export PORTAL_TEST_POSTGRES_URL="${PORTAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"

# Sums the "N passed" counts of cargo test / playwright output in a log.
passed() { grep -oE '([0-9]+) passed' "$1" | awk '{s += $1} END {print s + 0}'; }

step "formatting"
cargo fmt --all --check
leptosfmt --check app/src

step "layering: no module imports a higher one"
python3 scripts/check-layers.py

step "clippy: app (ssr)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
step "clippy: app (hydrate, wasm32)"
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
step "clippy: server and migrations"
cargo clippy -p server -p migrations --all-targets -- -D warnings

step "unit and integration tests on SQLite"
PORTAL_TEST_BACKEND=sqlite cargo test -p app --features ssr -p server -p migrations 2>&1 | tee "$LOG_DIR/sqlite.log"

pg_host="${PORTAL_TEST_POSTGRES_URL#*://}"; pg_host="${pg_host#*@}"; pg_host="${pg_host%%/*}"
if pg_isready -q -h "${pg_host%%:*}" -p "${pg_host##*:}"; then
  step "integration tests on PostgreSQL"
  PORTAL_TEST_BACKEND=postgres cargo test -p server --test api 2>&1 | tee "$LOG_DIR/postgres.log"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $pg_host; CI requires the PostgreSQL tests." >&2
  exit 1
else
  echo "NOTICE: PostgreSQL tests SKIPPED — no server reachable at $pg_host." | tee "$LOG_DIR/postgres.log"
fi

step "browser tests (release build, Chromium, JavaScript on and off)"
scripts/build-site.sh
(cd end2end && PORTAL_BIN="$(cd .. && realpath "$TARGET_DIR/release/portal")" npx playwright test) 2>&1 | tee "$LOG_DIR/browser.log"

sqlite=$(passed "$LOG_DIR/sqlite.log")
postgres=$(passed "$LOG_DIR/postgres.log")
browser=$(passed "$LOG_DIR/browser.log")
step "summary"
echo "SQLite (unit + integration): $sqlite passed"
echo "PostgreSQL (integration):    $postgres passed"
echo "Browser (Chromium):          $browser passed"
echo "total: $((sqlite + postgres + browser)) passed, 0 failed"
