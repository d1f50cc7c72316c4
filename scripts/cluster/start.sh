#!/usr/bin/env bash
# Starts the scale-out cluster on this machine and returns once it answers at its public address:
# PostgreSQL, Redis, two Rasa servers, two action servers, two entry points and nginx, all under one supervisord
# (bot/ops/cluster.py explains the layout), every port on 127.0.0.1 from CLUSTER_BASE_PORT (default 18400), all
# data under CLUSTER_DIR (default build/cluster). Stop it with scripts/cluster/stop.sh (make cluster-stop).
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

export MODEL="${MODEL:-models/assistant.tar.gz}"
bash scripts/cluster/ensure-packages.sh
[ -x "$PYTHON" ] || die "no Python at $PYTHON (run make setup)"
[ -f "$MODEL" ] || die "no trained model at $MODEL (make train)"
[ -f widget/build/widget.js ] || die "the widget is not built (make widget)"
supervisor_running && die "a cluster is already running in $CLUSTER_DIR; stop it first (make cluster-stop)"
PG_BIN="$(find_pg_bin)" || die "PostgreSQL's initdb/postgres not found"
export PG_BIN
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi

"$PYTHON" -m bot.ops.cluster configure
set -a
. "$CLUSTER_DIR/cluster.env"
. "$CLUSTER_DIR/secrets.env"
set +a
for port in $CLUSTER_PORTS; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use; set CLUSTER_BASE_PORT to another base (ports base..base+41 are used)"
  fi
done

# PostgreSQL: a throw-away cluster, the superuser only through a unix socket in a directory nobody else can
# enter; the two roles Rasa and the action servers use log in over TCP on 127.0.0.1 with a password.
mkdir -p "$(dirname "$PG_DATA")" "$PG_SOCKET_DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$(dirname "$PG_DATA")" "$PG_SOCKET_DIR"; fi
chmod 700 "$(dirname "$PG_DATA")" "$PG_SOCKET_DIR"
if [ ! -f "$PG_DATA/PG_VERSION" ]; then
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
    --locale=C >"$CLUSTER_DIR/logs/initdb.log" 2>&1 || { cat "$CLUSTER_DIR/logs/initdb.log" >&2; die "initdb failed"; }
fi

export BOT_ENV=production RASA_TELEMETRY_ENABLED=false PYTHONUNBUFFERED=1
export DATABASE_URL="postgresql+psycopg2://referrals:${REFERRALS_DB_PASSWORD}@127.0.0.1:${PG_PORT}/referrals"
# CTA_CLUSTER_DIR marks every process this supervisord starts, so stop.sh can find any that outlived it.
CTA_CLUSTER_DIR="$CLUSTER_DIR" "$PYTHON" -m supervisor.supervisord -c "$SUPERVISOR_CONF"
ctl() { "$SUPERVISORCTL" -c "$SUPERVISOR_CONF" "$@"; }

wait_until() {  # wait_until SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    supervisor_running || die "supervisord stopped; see $CLUSTER_DIR/logs"
    sleep 1
  done
  die "$what did not come up within $seconds s; see $CLUSTER_DIR/logs"
}
wait_until 60 PostgreSQL "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT"
redis_ping() { [ "$(REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping)" = PONG ]; }
wait_until 30 Redis redis_ping

psql_super() { "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
# Passwords go through stdin, never a command line.
psql_super -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rasa') THEN CREATE ROLE rasa LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'referrals') THEN CREATE ROLE referrals LOGIN; END IF;
END \$\$;
ALTER ROLE rasa PASSWORD '${TRACKER_DB_PASSWORD}';
ALTER ROLE referrals PASSWORD '${REFERRALS_DB_PASSWORD}';
SQL
for db in rasa referrals; do
  if [ -z "$(psql_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_super -d postgres -c "CREATE DATABASE $db OWNER $db"
  fi
done
echo "== referral directory: migrations and seed data into PostgreSQL"
"$PYTHON" -m bot referrals import >"$CLUSTER_DIR/logs/referrals-import.log" \
  || { cat "$CLUSTER_DIR/logs/referrals-import.log" >&2; die "the referral import failed"; }
head -n 1 "$CLUSTER_DIR/logs/referrals-import.log"

echo "== starting 2 x (action server, Rasa, entry point), nginx and the health watch (Rasa loads its model: a minute or two)"
programs=$(for name in $CLUSTER_NAMES; do echo "actions-$name rasa-$name edge-$name"; done)
ctl start $programs nginx healthwatch >/dev/null || die "a program did not start; see $CLUSTER_DIR/logs"
ready() { curl -sf "$1" >/dev/null; }
for name in $CLUSTER_NAMES; do
  upper=$(echo "$name" | tr a-z A-Z)
  rasa_var="RASA_${upper}_URL"; actions_var="ACTIONS_${upper}_URL"
  wait_until 600 "rasa-$name" ready "${!rasa_var}/webhooks/socketio/ready"
  wait_until 120 "actions-$name" ready "${!actions_var}/health"
done
wait_until 60 "the public address" ready "$PUBLIC_URL/readyz"
cat <<MSG

The cluster is running ($CLUSTER_REPLICAS Rasa replicas). Public address: $PUBLIC_URL/
  curl -s $PUBLIC_URL/webhooks/rest/webhook -d '{"sender":"me","message":"hola","message_id":"m1"}'
Processes: $SUPERVISORCTL -c $SUPERVISOR_CONF status
Stop everything: make cluster-stop
MSG
