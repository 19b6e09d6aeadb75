#!/usr/bin/env bash
# Installs what building and testing Community Portal needs, and only what
# is missing: a second run takes about a second.
#
#   scripts/setup.sh          tools to build and run the portal
#   scripts/setup.sh --test   also the tools the test suite needs
#
# Sourced by scripts/run.sh and scripts/test.sh so that PATH changes stick.
# Sourced with --test, it also makes sure a PostgreSQL server answers for the
# tests and exports PORTAL_TEST_POSTGRES_URL (see scripts/postgres.sh): a
# throwaway cluster when none is there, stopped when the caller exits.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LEPTOSFMT_VERSION="0.1.33"
BINARYEN_VERSION="132.0.0"      # never Debian's binaryen: its old wasm-opt breaks hydration
ESBUILD_VERSION="0.28.2"       # minifies the JavaScript glue and the style sheet

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

have_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  step "installing $* (Debian packages)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Cleanup for the calling script: run at its exit, on failure and Ctrl-C too,
# the last one registered first.
EXIT_HANDLERS=()
run_exit_handlers() {
  local i
  for ((i = ${#EXIT_HANDLERS[@]} - 1; i >= 0; i--)); do eval "${EXIT_HANDLERS[i]}" || true; done
}
at_exit() {
  EXIT_HANDLERS+=("$1")
  trap run_exit_handlers EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

source "$ROOT/scripts/postgres.sh"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/.tools/node_modules/.bin:$PATH"

# The wasm-bindgen CLI, which must match the library version in Cargo.lock
# exactly. Compiling it takes minutes, so scripts/build-site.sh does it
# while the portal compiles.
install_wasm_bindgen() {
  local bindgen
  bindgen="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
  if ! have_version wasm-bindgen "$bindgen"; then
    step "installing wasm-bindgen-cli $bindgen"
    # Not --locked: its lock file names a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "$bindgen" --force --quiet
  fi
}

setup_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  if ! have_version wasm-opt "version ${BINARYEN_VERSION%%.*}"; then
    step "installing wasm-opt (binaryen $BINARYEN_VERSION) into .tools/"
    mkdir -p "$ROOT/.tools"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "binaryen@$BINARYEN_VERSION"
  fi
  if ! have_version esbuild "$ESBUILD_VERSION"; then
    step "installing esbuild $ESBUILD_VERSION into .tools/"
    mkdir -p "$ROOT/.tools"
    npm install --silent --no-audit --no-fund --prefix "$ROOT/.tools" "esbuild@$ESBUILD_VERSION"
  fi
}

setup_test_tools() {
  if ! have_version leptosfmt "$LEPTOSFMT_VERSION"; then
    step "installing leptosfmt $LEPTOSFMT_VERSION"
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
  fi
  if ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql-client
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] ||
     [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    step "installing the browser-test packages (end2end/)"
    (cd "$ROOT/end2end" && npm ci --silent --no-audit --no-fund)
  fi
}

setup_build_tools
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  install_wasm_bindgen # run directly: everything, e.g. for cargo-leptos
fi
if [ "${1:-}" = "--test" ]; then
  setup_test_tools
  # A server started here would stop as soon as a directly run setup.sh ends.
  if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    use_test_postgres
  fi
fi
