# Shared by scripts/cluster/*.sh: where the cluster lives, and how to run a command as the PostgreSQL user.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CLUSTER_DIR="${CLUSTER_DIR:-$REPO_ROOT/build/cluster}"
export PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
SUPERVISORCTL="$(dirname "$PYTHON")/supervisorctl"

die() { echo "cluster: $*" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, its server and tools run as `postgres` (created if missing).
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0; fi
  return 1
}

supervisor_running() {
  local pidfile="$CLUSTER_DIR/run/supervisord.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}
