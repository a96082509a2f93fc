#!/usr/bin/env bash
# Install headless Chromium from Debian's packages for the browser tests (tests/webchat/),
# only when it is missing. Never downloads a browser build of its own: Playwright launches
# this system Chromium through `executable_path="/usr/bin/chromium"`.
# Runs as root (CI and the development machines are root); uses sudo otherwise when present.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ] && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-browser.sh: Chromium is missing and this user is not root; run it as root." >&2
    exit 1
  fi
fi

echo "Installing chromium and chromium-driver from Debian packages..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null

if ! [ -x "$CHROMIUM" ]; then
  echo "install-browser.sh: $CHROMIUM is still missing after apt-get install." >&2
  exit 1
fi
"$CHROMIUM" --version
