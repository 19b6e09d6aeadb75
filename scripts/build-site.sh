#!/usr/bin/env bash
# Builds the portal with plain cargo, the wasm-bindgen CLI, wasm-opt and
# esbuild — what `cargo leptos build --release` makes, without compiling a
# build tool first:
#
#   scripts/build-site.sh          the release build, for serving:
#                                    target/release/portal   the server
#                                    target/site/            its site root
#   scripts/build-site.sh --test   the browser tests' build, quick to rebuild
#                                  after a change (profiles e2e and wasm-e2e
#                                  in Cargo.toml; no wasm-opt):
#                                    target/e2e-build/e2e/portal
#                                    target/site-test/
#
# A site root holds public/ and pkg/portal.<digest>.{wasm,js,css}, each with
# a .gz and a .br that the server sends to browsers that accept them, and
# pkg/assets.txt, which names them for the server (see server/src/assets.rs). The
# browser's WebAssembly and the server build at the same time, in separate
# target folders, so neither core waits; the WebAssembly's post-processing
# is skipped when its inputs have not changed. cargo-leptos stays the
# developers' `watch` loop; both read the same settings from Cargo.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
NAME="portal"
if [ "${1:-}" = "--test" ]; then
  # A target folder of its own, so it builds while the test suite's other
  # lane holds target/ (scripts/test.sh).
  SERVER_PROFILE=e2e SERVER_TARGET_DIR="$TARGET_DIR/e2e-build"
  WASM_PROFILE=wasm-e2e SITE="$TARGET_DIR/site-test" OPTIMISE=false
else
  SERVER_PROFILE=release SERVER_TARGET_DIR="$TARGET_DIR"
  WASM_PROFILE=wasm-release SITE="target/site" OPTIMISE=true
fi
PKG="$SITE/pkg"

# The same settings cargo-leptos gives both builds (the server reads
# LEPTOS_OUTPUT_NAME when it is compiled, to name the files it links).
export LEPTOS_OUTPUT_NAME="$NAME" LEPTOS_SITE_ROOT="$SITE" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=false

# The browser's side: the WebAssembly (and, on a new machine, the
# wasm-bindgen CLI meanwhile), then its post-processing — all while the
# server compiles.
post_process() {
  # The post-processing's inputs: the WebAssembly, the style sheet, the
  # public files and the tools' versions. Unchanged, the site stays as it is.
  local wasm inputs quality staging
  wasm="$TARGET_DIR/front/wasm32-unknown-unknown/$WASM_PROFILE/app.wasm"
  inputs="$( (sha256sum "$wasm" style/main.css public/*; wasm-bindgen --version; esbuild --version
    if $OPTIMISE; then wasm-opt --version; fi) | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$SITE/.inputs" 2>/dev/null)" = "$inputs" ]; then
    step "site unchanged: wasm-bindgen, wasm-opt and esbuild skipped"
  else
    step "wasm-bindgen$($OPTIMISE && echo ", wasm-opt"), esbuild"
    # Beside the site, not a temporary folder: this runs in a subshell,
    # whose exit handlers would be copies of the whole script's.
    staging="$SITE.staging"
    rm -rf "$staging"
    mkdir -p "$staging"
    wasm-bindgen --target=web --out-name="$NAME" --out-dir="$staging" --no-typescript "$wasm"
    if $OPTIMISE; then
      wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        "$staging/${NAME}_bg.wasm" -o "$staging/$NAME.wasm"
    else
      mv "$staging/${NAME}_bg.wasm" "$staging/$NAME.wasm"
    fi
    esbuild --minify --log-level=warning "$staging/$NAME.js" --outfile="$staging/$NAME.min.js"
    esbuild --minify --log-level=warning --target=chrome100,firefox100,safari15 \
      style/main.css --outfile="$staging/$NAME.css"

    rm -f "$SITE/.inputs"
    mkdir -p "$PKG"
    cp public/* "$SITE/"
    # The three files share a name with a digest of their contents, which
    # the server reads from pkg/assets.txt and serves with a year's caching.
    # The build before stays beside it, for pages loaded before a restart.
    local digest build previous
    digest="$(cat "$staging/$NAME.wasm" "$staging/$NAME.min.js" "$staging/$NAME.css" |
      sha256sum | cut -c1-16)"
    build="$NAME.$digest"
    previous="$(cat "$PKG/assets.txt" 2>/dev/null || true)"
    find "$PKG" -maxdepth 1 -type f ! -name "$build.*" ${previous:+! -name "$previous.*"} -delete
    cp "$staging/$NAME.wasm" "$PKG/$build.wasm"
    cp "$staging/$NAME.min.js" "$PKG/$build.js"
    cp "$staging/$NAME.css" "$PKG/$build.css"
    # Brotli at its best for what is served; quicker settings for the tests.
    quality=$($OPTIMISE && echo 11 || echo 5)
    for file in "$PKG/$build.wasm" "$PKG/$build.js" "$PKG/$build.css"; do
      gzip -9 -k -f -n "$file"
      node -e '
        const fs = require("fs"), zlib = require("zlib");
        const input = fs.readFileSync(process.argv[1]);
        fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(input, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: Number(process.argv[2]),
                    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length },
        }));' "$file" "$quality"
    done
    echo "$build" >"$PKG/assets.txt"
    echo "$inputs" >"$SITE/.inputs"
    rm -rf "$staging"
  fi
}

site_lane() {
  local bindgen_log
  bindgen_log="$(mktemp)"
  install_wasm_bindgen >"$bindgen_log" 2>&1 &
  local bindgen_install=$!
  cargo build --package=app --lib --target-dir="$TARGET_DIR/front" --target=wasm32-unknown-unknown \
    --no-default-features --features=hydrate --profile="$WASM_PROFILE"
  if ! wait "$bindgen_install"; then
    cat "$bindgen_log"
    return 1
  fi
  rm -f "$bindgen_log"
  post_process
}

step "building the browser's WebAssembly ($WASM_PROFILE) and the server ($SERVER_PROFILE) side by side"
site_log="$(mktemp)"
at_exit "rm -f '$site_log'"
site_lane >"$site_log" 2>&1 &
site_pid=$!
if ! cargo build --package=server --bin=portal --profile="$SERVER_PROFILE" --target-dir="$SERVER_TARGET_DIR"; then
  kill "$site_pid" 2>/dev/null || true
  exit 1
fi
if ! wait "$site_pid"; then
  cat "$site_log" >&2
  exit 1
fi
grep -vE '^\s*(Compiling|Downloaded|Downloading|Blocking|Updating|Locking|Adding)\b' "$site_log" || true

BUILD="$PKG/$(cat "$PKG/assets.txt")"
printf 'WebAssembly %s bytes (%s gzip, %s brotli); JavaScript %s bytes; CSS %s bytes\n' \
  "$(stat -c %s "$BUILD.wasm")" "$(stat -c %s "$BUILD.wasm.gz")" \
  "$(stat -c %s "$BUILD.wasm.br")" "$(stat -c %s "$BUILD.js")" "$(stat -c %s "$BUILD.css")"
