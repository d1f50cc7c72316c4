#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL, Redis and nginx are installed for `make cluster-test` (like
# scripts/ensure-chromium.sh does for Chromium). Does nothing when they are already there; otherwise runs
# `apt-get update` once and `apt-get install -y postgresql redis-server nginx`. Needs root or sudo for apt-get.
# The packages' own system services are not used: the cluster starts its own throwaway servers under build/.
set -euo pipefail

missing=()
pg_found() {
  command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
pg_found || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "error: ${missing[*]} missing and apt-get needs root: run 'sudo apt-get install -y postgresql redis-server nginx'" >&2
  exit 1
fi

echo "== installing Debian's ${missing[*]} for the cluster test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q postgresql redis-server nginx
