#!/usr/bin/env bash
# Run the referral-directory tests against a throwaway local PostgreSQL.
#
#   scripts/postgres-test.sh [extra pytest arguments]
#
# Starts a temporary cluster in a temp dir on 127.0.0.1:${PGTEST_PORT:-55432} (trust auth, never exposed),
# runs `pytest tests/referrals` with DATABASE_URL pointing at it, then stops the cluster and deletes it, also on
# failure or Ctrl-C. Installs PostgreSQL with apt-get only if initdb/pg_ctl cannot be found. As root, the server
# runs as the `postgres` user (created if missing), because PostgreSQL refuses to run as root.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PGTEST_PORT:-55432}"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
DB_NAME="referrals_test"

die() { echo "postgres-test: $*" >&2; exit 1; }

find_bin_dir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    # /usr/local/bin may hold only symlinks to initdb/pg_ctl: use the real directory, which has createdb too.
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

BIN_DIR="$(find_bin_dir || true)"
if [[ -z "$BIN_DIR" ]]; then
  [[ "$(id -u)" -eq 0 ]] || die "initdb/pg_ctl not found; install PostgreSQL (e.g. sudo apt-get install postgresql)"
  echo "postgres-test: installing PostgreSQL with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN_DIR="$(find_bin_dir)" || die "PostgreSQL installed but initdb/pg_ctl still not found"
fi
[[ -x "$PYTHON" ]] || die "no Python at $PYTHON (run make setup, or set PYTHON=...)"

# PostgreSQL will not run as root: run the server as an unprivileged user.
if [[ "$(id -u)" -eq 0 ]]; then
  RUN_USER="postgres"
  id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
  as_server() { runuser -u "$RUN_USER" -- "$@"; }
else
  RUN_USER="$(id -un)"
  as_server() { "$@"; }
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  die "port $PORT is already in use; set PGTEST_PORT to a free port"
fi

WORK_DIR="$(mktemp -d -t referrals-pg.XXXXXX)"
chown "$RUN_USER" "$WORK_DIR"
chmod 700 "$WORK_DIR"

cleanup() {
  local status=$?
  if [[ -f "$WORK_DIR/data/postmaster.pid" ]]; then
    as_server "$BIN_DIR/pg_ctl" -D "$WORK_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "postgres-test: starting $("$BIN_DIR/pg_ctl" --version | sed 's/^pg_ctl (PostgreSQL) /PostgreSQL /') on 127.0.0.1:$PORT"
as_server "$BIN_DIR/initdb" -D "$WORK_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >"$WORK_DIR/initdb.log" 2>&1 \
  || { cat "$WORK_DIR/initdb.log" >&2; die "initdb failed"; }
as_server "$BIN_DIR/pg_ctl" -D "$WORK_DIR/data" -l "$WORK_DIR/server.log" -w \
  -o "-p $PORT -k $WORK_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
  || { cat "$WORK_DIR/server.log" >&2; die "the server did not start"; }
as_server "$BIN_DIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"

export DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:$PORT/$DB_NAME"
echo "postgres-test: DATABASE_URL=$DATABASE_URL"
cd "$REPO_ROOT"
"$PYTHON" -m pytest tests/referrals -q "$@"
