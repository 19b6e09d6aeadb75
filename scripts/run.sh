#!/usr/bin/env bash
# Builds Community Portal (release) and serves it at http://127.0.0.1:3000
# with SQLite at data/portal.db, created and migrated on first start.
# Any `portal` arguments may follow, e.g. `scripts/run.sh check-config`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/build-site.sh
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "$TARGET_DIR/release/portal" "$@"
