#!/usr/bin/env bash
# Benchmarks the portal at size: seeds a database (or reuses one), starts
# the release build, and drives every hot page with wrk against a bare
# axum ceiling. Arguments go to scripts/bench.py, e.g.
#
#   scripts/bench.sh --posts 1000000 --backend postgres
#
# Results: target/bench/<backend>-<posts>.md and .json. PostgreSQL: see
# scripts/postgres.sh (no server of your own needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

if ! command -v wrk >/dev/null 2>&1; then
  apt_install wrk
fi
if [[ " $* " == *" --backend postgres "* || " $* " == *" --backend=postgres "* ]]; then
  # The test suite's helper: your server if PORTAL_TEST_POSTGRES_URL names
  # one, else a cluster of the benchmark's own, kept in target/bench/ (so a
  # seeded million posts survives) and stopped when the benchmark ends.
  use_test_postgres "$PWD/target/bench/postgres"
fi

step "building the release portal"
scripts/build-site.sh

step "benchmark"
# Not exec: the exit handlers stop the cluster afterwards.
python3 scripts/bench.py "$@"
