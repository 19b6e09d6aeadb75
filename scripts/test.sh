#!/usr/bin/env bash
# Runs the checks and tests of Community Portal.
#
#   scripts/test.sh                  everything, as CI does: formatting, the
#                                    layering of app/src, clippy on the three
#                                    builds, the Rust tests on SQLite and on
#                                    PostgreSQL (migrations up -> down -> up
#                                    included), the browser tests (Chromium,
#                                    JavaScript on and off, axe scans)
#   scripts/test.sh forum [jobs ...] only these features: their Rust tests on
#                                    both back ends and their browser specs in
#                                    both modes (scripts/test.sh --list names them)
#   scripts/test.sh --no-browser ... without the browser tests
#
# A feature's tests are app/src/<feature>/** (unit tests), server/tests/api/<feature>/
# and end2end/tests/<feature>/; `platform` is everything the features stand on.
#
# PostgreSQL: PORTAL_TEST_POSTGRES_URL, or a server at 127.0.0.1:5432 that
# lets `postgres` in, or else a throwaway cluster that scripts/setup.sh
# starts for this run (installing Debian's postgresql if needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The features are the test modules with a folder (server/tests/api/<feature>.rs
# and <feature>/) and the folders of browser specs: a new one is found by itself.
mapfile -t FEATURES < <( (for module in server/tests/api/*.rs; do
  [ -d "${module%.rs}" ] && basename "${module%.rs}"; done
  find end2end/tests -mindepth 1 -maxdepth 1 -type d -printf '%f\n') | sort -u)
browser=true
selected=()
for arg in "$@"; do
  case "$arg" in
    --no-browser) browser=false ;;
    --list) printf '%s\n' "${FEATURES[@]}"; exit 0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
    *)
      if [[ ! " ${FEATURES[*]} " == *" $arg "* ]]; then
        echo "unknown feature: $arg (one of: ${FEATURES[*]})" >&2
        exit 2
      fi
      selected+=("$arg")
      ;;
  esac
done

source scripts/setup.sh --test

LOG_DIR="$(mktemp -d)"
at_exit "rm -rf '$LOG_DIR'"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

# Runs a named group of commands and writes down how long it took.
group() { # name, command...
  local name="$1" start=$SECONDS
  shift
  step "$name"
  "$@"
  printf '%-36s %4d s\n' "$name" $((SECONDS - start)) >>"$LOG_DIR/times"
}

# Sums the "N passed" counts of nextest / playwright output in a log.
passed() { { grep -oE '([0-9]+) (tests? )?passed' "$1" || true; } | awk '{s += $1} END {print s + 0}'; }

# The nextest filter for the selected features (empty: every test).
rust_filter() {
  [ ${#selected[@]} -eq 0 ] && return
  local named=() feature others
  for feature in "${FEATURES[@]}"; do [ "$feature" != platform ] && named+=("$feature"); done
  others="$(IFS='|'; echo "${named[*]}")"
  local parts=()
  for feature in "${selected[@]}"; do
    if [ "$feature" = platform ]; then
      parts+=("(package(app) & !test(/^($others)::/))" "package(migrations)"
        "(package(server) & !binary_id(server::api))" "(binary_id(server::api) & test(/^platform::/))")
    else
      parts+=("((package(app) | binary_id(server::api)) & test(/^$feature::/))")
    fi
  done
  (IFS='|'; echo "${parts[*]}")
}

static_checks() {
  cargo fmt --all --check
  leptosfmt --check app/src
  python3 scripts/check-layers.py
  cargo clippy -p app --features ssr --all-targets -- -D warnings
  cargo clippy -p server -p migrations --all-targets -- -D warnings
}

wasm_clippy() { # in the browser build's target folder, beside the server-side lane
  cargo clippy -p app --features hydrate --target wasm32-unknown-unknown \
    --target-dir "$TARGET_DIR/front" -- -D warnings
}

rust_tests() { # backend, log
  local filter
  filter="$(rust_filter)"
  local args=(--profile ci)
  if [ "$1" = postgres ]; then
    # The app's unit tests use no database server.
    args+=(-E "binary_id(server::api)${filter:+ & ($filter)}")
    PORTAL_TEST_BACKEND=postgres cargo nextest run -p server "${args[@]}" 2>&1 | tee "$2"
  else
    [ -n "$filter" ] && args+=(-E "$filter")
    PORTAL_TEST_BACKEND=sqlite cargo nextest run -p app --features ssr -p server -p migrations \
      "${args[@]}" 2>&1 | tee "$2"
  fi
  return "${PIPESTATUS[0]}"
}

browser_tests() { # log
  local specs=() feature
  for feature in "${selected[@]}"; do
    [ -d "end2end/tests/$feature" ] && specs+=("tests/$feature/")
  done
  if [ ${#selected[@]} -gt 0 ] && [ ${#specs[@]} -eq 0 ]; then
    echo "no browser specs for ${selected[*]}" | tee "$1"
    return 0
  fi
  scripts/build-site.sh --test
  (cd end2end && PORTAL_BIN="$(cd .. && realpath "$TARGET_DIR/e2e-build/e2e/portal")" \
    E2E_SITE_ROOT="$TARGET_DIR/site-test" npx playwright test "${specs[@]}") 2>&1 | tee "$1"
  return "${PIPESTATUS[0]}"
}

# Two lanes side by side: the Rust checks and tests in target/, the browser
# build and tests in target/front and target/e2e-build, so neither waits for
# the other's cargo lock and a core is rarely idle. (Each lane is a process
# of its own, so that a failing step stops its lane.)
rust_lane() {
  if [ ${#selected[@]} -eq 0 ]; then
    group "formatting, layering, clippy" static_checks
  fi
  group "Rust tests on SQLite" rust_tests sqlite "$LOG_DIR/sqlite.log"
  group "Rust tests on PostgreSQL" rust_tests postgres "$LOG_DIR/postgres.log"
}

browser_lane() {
  if [ ${#selected[@]} -eq 0 ]; then
    group "clippy (WebAssembly)" wasm_clippy
  fi
  group "browser tests (Chromium)" browser_tests "$LOG_DIR/browser.log"
}

started=$SECONDS
if $browser; then
  step "the browser lane runs in the background (its output follows at the end)"
  browser_lane >"$LOG_DIR/browser-lane.log" 2>&1 &
  browser_pid=$!
else
  echo "browser tests skipped (--no-browser)" >"$LOG_DIR/browser.log"
fi
rust_lane &
rust_status=0
wait $! || rust_status=$?
browser_status=0
if $browser; then
  wait "$browser_pid" || browser_status=$?
  step "browser lane"
  cat "$LOG_DIR/browser-lane.log"
fi
if [ $rust_status -ne 0 ] || [ $browser_status -ne 0 ]; then
  echo "FAILED:$([ $rust_status -ne 0 ] && echo " the Rust lane")$([ $browser_status -ne 0 ] && echo " the browser lane")" >&2
  exit 1
fi

sqlite=$(passed "$LOG_DIR/sqlite.log")
postgres=$(passed "$LOG_DIR/postgres.log")
browser_count=$(passed "$LOG_DIR/browser.log")
step "summary${selected:+ (${selected[*]})}"
cat "$LOG_DIR/times"
printf '%-36s %4d s\n' "whole run" $((SECONDS - started))
echo "SQLite (unit + integration): $sqlite passed"
echo "PostgreSQL (integration):    $postgres passed"
echo "Browser (Chromium):          $browser_count passed"
echo "total: $((sqlite + postgres + browser_count)) passed, 0 failed"
