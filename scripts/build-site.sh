#!/usr/bin/env bash
# Builds the release portal without a build tool of its own, with plain
# cargo, the wasm-bindgen CLI, wasm-opt and esbuild (which scripts/setup.sh
# installs in minutes, where compiling cargo-leptos took a quarter of an
# hour). The result is what `cargo leptos build --release` makes:
#
#   target/release/portal            the server
#   target/site/pkg/portal.wasm      the browser's WebAssembly (size-optimised)
#   target/site/pkg/portal.js        its JavaScript glue (minified)
#   target/site/pkg/portal.css       the style sheet (minified)
#   target/site/*                    the files of public/
#
# plus a .gz and a .br beside each of the pkg files, which the server sends
# to browsers that accept them. cargo-leptos stays the developers' `watch`
# loop; both read the same settings from Cargo.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
SITE="target/site"
PKG="$SITE/pkg"
NAME="portal"

# The same settings cargo-leptos gives both builds (the server reads
# LEPTOS_OUTPUT_NAME when it is compiled, to name the files it links).
export LEPTOS_OUTPUT_NAME="$NAME" LEPTOS_SITE_ROOT="$SITE" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=app \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=false

step "building the browser's WebAssembly (app, hydrate)"
cargo build --package=app --lib --target-dir="$TARGET_DIR/front" --target=wasm32-unknown-unknown \
  --no-default-features --features=hydrate --profile=wasm-release

step "wasm-bindgen, wasm-opt, esbuild"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
wasm-bindgen --target=web --out-name="$NAME" --out-dir="$staging" --no-typescript \
  "$TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/app.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$staging/${NAME}_bg.wasm" -o "$staging/$NAME.wasm"
esbuild --minify --log-level=warning "$staging/$NAME.js" --outfile="$staging/$NAME.min.js"
esbuild --minify --log-level=warning --target=chrome100,firefox100,safari15 \
  style/main.css --outfile="$staging/$NAME.css"

mkdir -p "$PKG"
cp public/* "$SITE/"
cp "$staging/$NAME.wasm" "$PKG/$NAME.wasm"
cp "$staging/$NAME.min.js" "$PKG/$NAME.js"
cp "$staging/$NAME.css" "$PKG/$NAME.css"
for file in "$PKG/$NAME.wasm" "$PKG/$NAME.js" "$PKG/$NAME.css"; do
  gzip -9 -k -f -n "$file"
  node -e '
    const fs = require("fs"), zlib = require("zlib");
    const input = fs.readFileSync(process.argv[1]);
    fs.writeFileSync(process.argv[1] + ".br", zlib.brotliCompressSync(input, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length },
    }));' "$file"
done

step "building the server (release)"
cargo build --package=server --bin=portal --release

printf 'WebAssembly %s bytes (%s gzip, %s brotli); JavaScript %s bytes; CSS %s bytes\n' \
  "$(stat -c %s "$PKG/$NAME.wasm")" "$(stat -c %s "$PKG/$NAME.wasm.gz")" \
  "$(stat -c %s "$PKG/$NAME.wasm.br")" "$(stat -c %s "$PKG/$NAME.js")" "$(stat -c %s "$PKG/$NAME.css")"
