#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the widget's browser tests (Playwright drives it through
# executable_path, because `playwright install` cannot download browsers here). Does nothing when it is
# already there. Needs root or sudo for apt-get; says what to do otherwise.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "error: $CHROMIUM is missing and apt-get needs root: run 'sudo apt-get install -y chromium'" >&2
  exit 1
fi

echo "== installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
"$CHROMIUM" --version
