#!/usr/bin/env bash
# Builds the served widget into widget/build/ (git-ignored):
#   widget.js  = socket.io browser client + widget/i18n.json + widget/src/widget.js, in one closure
#   widget.css = widget/src/widget.css
# The socket.io client comes from the npm registry at build time (version pinned in package-lock.json), so
# the browser never asks a third party for anything. Safe to run again: npm runs only when the installed
# client is missing or differs from the lock file; the output is rewritten only when it changes.
set -euo pipefail
cd "$(dirname "$0")"

CLIENT=node_modules/socket.io-client/dist/socket.io.min.js
want=$(node -e 'console.log(require("./package-lock.json").packages["node_modules/socket.io-client"].version)')
have=$(node -e 'try{console.log(require("./node_modules/socket.io-client/package.json").version)}catch(e){}')
if [ ! -f "$CLIENT" ] || [ "$want" != "$have" ]; then
  echo "== widget: installing socket.io-client $want from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
fi

node -e 'JSON.parse(require("fs").readFileSync("i18n.json", "utf8"))' || { echo "error: widget/i18n.json is not valid JSON"; exit 1; }

mkdir -p build
tmp=$(mktemp build/.widget.js.XXXXXX)
trap 'rm -f "$tmp"' EXIT
{
  echo "/*! Counter-trafficking assistant chat widget. Apache-2.0. Includes socket.io-client $want (MIT). */"
  echo "(function () {"
  echo "\"use strict\";"
  # The client's UMD header sees `module`, so it hands itself over instead of setting window.io or
  # calling a host page's AMD `define`.
  echo "var io = (function () { var module = { exports: {} }, exports = module.exports, define;"
  sed -e '/^\/\/# sourceMappingURL=/d' "$CLIENT"
  echo ""
  echo "return module.exports; })();"
  printf 'var I18N = '
  cat i18n.json
  echo ";"
  cat src/widget.js
  echo "})();"
} > "$tmp"

changed=0
if ! cmp -s "$tmp" build/widget.js; then chmod 644 "$tmp"; mv "$tmp" build/widget.js; changed=1; fi
if ! cmp -s src/widget.css build/widget.css; then cp src/widget.css build/widget.css; changed=1; fi

js=$(gzip -9c build/widget.js | wc -c)
css=$(gzip -9c build/widget.css | wc -c)
if [ "$changed" = 1 ]; then
  echo "== widget: built widget/build (gzip: widget.js ${js} B + widget.css ${css} B = $((js + css)) B)"
fi
