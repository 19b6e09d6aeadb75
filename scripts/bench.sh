#!/usr/bin/env bash
# Benchmarks the portal at size: seeds a database (or reuses one), starts
# the release build, and drives every hot page with wrk against a bare
# axum ceiling. Arguments go to scripts/bench.py, e.g.
#
#   scripts/bench.sh --posts 1000000 --backend postgres
#
# Results: target/bench/<backend>-<posts>.md and .json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

if ! command -v wrk >/dev/null 2>&1; then
  apt_install wrk
fi
if ! command -v psql >/dev/null 2>&1; then
  apt_install postgresql-client
fi

step "building the release portal"
scripts/build-site.sh

step "benchmark"
exec python3 scripts/bench.py "$@"
