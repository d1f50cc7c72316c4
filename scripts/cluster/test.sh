#!/usr/bin/env bash
# make cluster-test: start the scale-out cluster from scratch, run its tests (tests/cluster) and the load test
# with a crash (bench/cluster.py), print the figures, and stop everything whatever happens (also on Ctrl-C).
#
#   CLUSTER_LOAD_SECONDS=60 make cluster-test   # a shorter load test while developing (default 180)
#   CLUSTER_USERS=20                            # simulated people (default 20)
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

finish() {
  local status=$?
  trap - EXIT INT TERM
  bash scripts/cluster/stop.sh || status=1
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

bash scripts/cluster/stop.sh >/dev/null  # a cluster left from an earlier run
rm -rf "$CLUSTER_DIR"
bash scripts/cluster/start.sh || exit 1

status=0
echo "== cluster tests (tests/cluster)"
"$PYTHON" -m pytest -q -p no:cacheprovider tests/cluster || status=1
echo "== load test"
"$PYTHON" -m bench.cluster --users "${CLUSTER_USERS:-20}" --duration "${CLUSTER_LOAD_SECONDS:-180}" \
  --report "$CLUSTER_DIR/load-report.json" || status=1
[ "$status" -eq 0 ] && echo "== make cluster-test passed" || echo "== make cluster-test FAILED"
exit "$status"
