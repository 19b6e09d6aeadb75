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
# A site root holds public/ and pkg/portal.{wasm,js,css}, each with a .gz
# and a .br that the server sends to browsers that accept them. The
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

step "building the browser's WebAssembly ($WASM_PROFILE) and the server ($SERVER_PROFILE) side by side"
wasm_log="$(mktemp)" bindgen_log="$(mktemp)"
at_exit "rm -f '$wasm_log' '$bindgen_log'"
# On a new machine the wasm-bindgen CLI compiles meanwhile too.
install_wasm_bindgen >"$bindgen_log" 2>&1 &
bindgen_install=$!
cargo build --package=app --lib --target-dir="$TARGET_DIR/front" --target=wasm32-unknown-unknown \
  --no-default-features --features=hydrate --profile="$WASM_PROFILE" >"$wasm_log" 2>&1 &
wasm_build=$!
if ! cargo build --package=server --bin=portal --profile="$SERVER_PROFILE" --target-dir="$SERVER_TARGET_DIR"; then
  kill "$wasm_build" 2>/dev/null || true
  exit 1
fi
if ! wait "$wasm_build"; then
  cat "$wasm_log" >&2
  exit 1
fi
grep -E '^\s*(Finished|warning)' "$wasm_log" || true
if ! wait "$bindgen_install"; then
  cat "$bindgen_log" >&2
  exit 1
fi

# The post-processing's inputs: the WebAssembly, the style sheet, the
# public files and the tools' versions. Unchanged, the site stays as it is.
wasm="$TARGET_DIR/front/wasm32-unknown-unknown/$WASM_PROFILE/app.wasm"
inputs="$( (sha256sum "$wasm" style/main.css public/*; wasm-bindgen --version; esbuild --version
  if $OPTIMISE; then wasm-opt --version; fi) | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$SITE/.inputs" 2>/dev/null)" = "$inputs" ]; then
  step "site unchanged: wasm-bindgen, wasm-opt and esbuild skipped"
else
  step "wasm-bindgen$($OPTIMISE && echo ", wasm-opt"), esbuild"
  staging="$(mktemp -d)"
  at_exit "rm -rf '$staging'"
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
  cp "$staging/$NAME.wasm" "$PKG/$NAME.wasm"
  cp "$staging/$NAME.min.js" "$PKG/$NAME.js"
  cp "$staging/$NAME.css" "$PKG/$NAME.css"
  # Brotli at its best for what is served; quicker settings for the tests.
  quality=$($OPTIMISE && echo 11 || echo 5)
  for file in "$PKG/$NAME.wasm" "$PKG/$NAME.js" "$PKG/$NAME.css"; do
    gzip -9 -k -f -n "$file"
    node -e '
      const fs = require("fs"), zlib = require("zlib");
      const input = fs.readFileSync(process.argv[1]);
      fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(input, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: Number(process.argv[2]),
                  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length },
      }));' "$file" "$quality"
  done
  echo "$inputs" >"$SITE/.inputs"
fi

printf 'WebAssembly %s bytes (%s gzip, %s brotli); JavaScript %s bytes; CSS %s bytes\n' \
  "$(stat -c %s "$PKG/$NAME.wasm")" "$(stat -c %s "$PKG/$NAME.wasm.gz")" \
  "$(stat -c %s "$PKG/$NAME.wasm.br")" "$(stat -c %s "$PKG/$NAME.js")" "$(stat -c %s "$PKG/$NAME.css")"
