#!/usr/bin/env bash
# Build the web chat widget into channels/webchat/dist/ from the repository's own files:
#   dist/widget.js   = pinned socket.io-client (from package-lock.json) + src/widget.js, in one IIFE
#   dist/widget.css  = src/widget.css
#   dist/THIRD_PARTY_LICENSES.txt
# Runs `npm ci` only when node_modules is missing or older than package-lock.json. Nothing is
# fetched at run time: the browser loads only dist/widget.js and dist/widget.css.
# Usage: bash channels/webchat/build.sh   (from anywhere)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm is missing. Install Node.js 18+ (e.g. 'apt-get install -y nodejs npm')." >&2
  exit 1
fi

SIO="node_modules/socket.io-client/dist/socket.io.min.js"
if [ ! -f "$SIO" ] || [ ! -f node_modules/axe-core/axe.min.js ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

version="$(node -p "require('./package.json').version")"
sio_version="$(node -p "require('./node_modules/socket.io-client/package.json').version")"
pinned="$(node -p "require('./package.json').dependencies['socket.io-client']")"
if [ "$sio_version" != "$pinned" ]; then
  echo "build.sh: node_modules has socket.io-client $sio_version, package.json pins $pinned;" \
    "run 'rm -rf channels/webchat/node_modules' and build again." >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
{
  printf '/*! dvc-webchat %s | MIT | includes Socket.IO client %s (MIT), see THIRD_PARTY_LICENSES.txt */\n' \
    "$version" "$sio_version"
  printf '(function () {\n"use strict";\n'
  # socket.io's UMD wrapper sees a CommonJS `module` here, so it sets no global `io`.
  printf 'var io = (function () {\nvar module = { exports: {} };\nvar exports = module.exports;\n'
  grep -v '^//# sourceMappingURL=' "$SIO"
  printf '\nreturn module.exports;\n})();\n'
  cat src/widget.js
  printf '\n})();\n'
} >"$tmp/widget.js"

{
  echo "dvc-webchat bundles the following third-party software."
  echo
  echo "socket.io-client $sio_version"
  echo "--------------------------------"
  cat node_modules/socket.io-client/LICENSE
} >"$tmp/THIRD_PARTY_LICENSES.txt"

# Syntax check before replacing the previous build.
node --check "$tmp/widget.js"

mkdir -p dist
cp "$tmp/widget.js" dist/widget.js
cp src/widget.css dist/widget.css
cp "$tmp/THIRD_PARTY_LICENSES.txt" dist/THIRD_PARTY_LICENSES.txt
echo "Built $HERE/dist/widget.js ($(wc -c <dist/widget.js) bytes), widget.css, THIRD_PARTY_LICENSES.txt"
