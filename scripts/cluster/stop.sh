#!/usr/bin/env bash
# Stops the scale-out cluster (make cluster-stop) and checks that none of its processes is left: supervisord
# stops every program (nginx first, PostgreSQL and Redis last); anything that outlived it is found by its mark
# (CTA_CLUSTER_DIR in its environment) or by the servers' pid files, and ended by its pid.
# The data stays in CLUSTER_DIR for a look afterwards; the next `make cluster-test` starts from scratch.
set -uo pipefail
. "$(dirname "$0")/common.sh"

pidfile="$CLUSTER_DIR/run/supervisord.pid"
if supervisor_running; then
  echo "== stopping the cluster in $CLUSTER_DIR"
  "$SUPERVISORCTL" -c "$CLUSTER_DIR/run/supervisord.conf" shutdown >/dev/null 2>&1 || kill -TERM "$(cat "$pidfile")" 2>/dev/null
  for _ in $(seq 1 120); do supervisor_running || break; sleep 1; done
  if supervisor_running; then kill -KILL "$(cat "$pidfile")" 2>/dev/null; fi
fi

# Processes this cluster started that are still there: marked ones, and servers by their pid files.
leftovers() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$pid" = "$$" ] && continue
    if { tr '\0' '\n' <"$dir/environ"; } 2>/dev/null | grep -qxF "CTA_CLUSTER_DIR=$CLUSTER_DIR"; then echo "$pid"; fi
  done
  for file in "$CLUSTER_DIR/pg/data/postmaster.pid" "$CLUSTER_DIR/redis/redis.pid" "$CLUSTER_DIR/nginx/nginx.pid"; do
    [ -f "$file" ] || continue
    pid=$(head -n 1 "$file" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      # Only if it really is that server (a stale pid file may name someone else's process by now).
      case "$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" in
        *postgres*|*redis-server*|*nginx*) echo "$pid" ;;
      esac
    fi
  done
}

left=$(leftovers | sort -u)
if [ -n "$left" ]; then
  echo "== ending processes left behind: $(echo $left)"
  kill -TERM $left 2>/dev/null
  for _ in $(seq 1 30); do
    left=$(for pid in $left; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done)
    [ -z "$left" ] && break
    sleep 1
  done
  [ -n "$left" ] && kill -KILL $left 2>/dev/null
  sleep 1
fi
left=$(leftovers | sort -u)
if [ -n "$left" ]; then
  echo "cluster: processes still running after stop: $(echo $left)" >&2
  exit 1
fi
echo "== cluster stopped; none of its processes is running"
