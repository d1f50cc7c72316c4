#!/usr/bin/env bash
# Starts the assistant under supervisord (bot/ops/supervisor.py): the public entry point (widget files, REST and
# socket.io; the only port reachable from outside), the Rasa server and the action server on 127.0.0.1, a health
# watch, and the Telegram gateway when TELEGRAM_BOT_TOKEN is set. A crashed process is restarted with backoff while
# the others keep running. Ctrl-C (or SIGTERM) stops everything.
#
# Settings come from the environment; the defaults are a local run. Production: docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export BOT_ENV="${BOT_ENV:-production}"          # no message text in logs unless BOT_ENV=development
export RASA_TELEMETRY_ENABLED=false
export PUBLIC_HOST="${PUBLIC_HOST:-127.0.0.1}"    # 0.0.0.0 to open the entry point to the network
export PUBLIC_PORT="${PUBLIC_PORT:-5005}"
export RASA_PORT="${RASA_PORT:-5006}"
export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export PUBLIC_URL="${PUBLIC_URL:-http://localhost:$PUBLIC_PORT}"
export RASA_INTERNAL_URL="http://127.0.0.1:$RASA_PORT"
export RASA_URL="$RASA_INTERNAL_URL"              # the Telegram gateway talks to Rasa from inside
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_PORT/webhook"
RUN_DIR="${RUN_DIR:-build/run}"
mkdir -p build "$RUN_DIR" && chmod 700 "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
export TRACKER_DB_DIALECT="${TRACKER_DB_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-build/tracker.sqlite}"
export TRACKER_DB_HOST="${TRACKER_DB_HOST:-}" TRACKER_DB_PORT="${TRACKER_DB_PORT:-}"
export TRACKER_DB_USER="${TRACKER_DB_USER:-}" TRACKER_DB_PASSWORD="${TRACKER_DB_PASSWORD:-}"
export PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
# Every process runs this checkout's code (bot/, actions/), even with a virtualenv installed from another one.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

# The widget's session-signing key: from the environment in production; for a local run, made once and kept in
# build/ (git-ignored, readable by this user only) so sessions survive a restart.
if [ -z "${WIDGET_SESSION_KEY:-}" ]; then
  secrets_file=build/local-secrets.env
  if [ ! -f "$secrets_file" ]; then
    (umask 077; echo "WIDGET_SESSION_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')" > "$secrets_file")
    echo "== made a widget session key for this machine in $secrets_file (set WIDGET_SESSION_KEY in production)"
  fi
  set -a; . "$secrets_file"; set +a
fi

"$PYTHON" -m bot referrals import >/dev/null
"$PYTHON" -m bot.ops.supervisor "$RUN_DIR/supervisord.conf"

"$PYTHON" -m supervisor.supervisord -c "$RUN_DIR/supervisord.conf" &
supervisor_pid=$!
stop() {
  trap - INT TERM
  echo; echo "Stopping..."
  kill -TERM "$supervisor_pid" 2>/dev/null || true
  wait "$supervisor_pid" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PUBLIC_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$supervisor_pid" 2>/dev/null || { echo "error: supervisord stopped; see the messages above"; exit 1; }
  sleep 1
done
cat <<MSG

The assistant is running. Talk to it:
  REST:      curl -s localhost:$PUBLIC_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"hola"}'
  Widget:    $PUBLIC_URL/  (demo page with the chat widget)
  Telegram:  $([ -n "${TELEGRAM_BOT_TOKEN:-}" ] && echo "gateway running" || echo "set TELEGRAM_BOT_TOKEN and TELEGRAM_SENDER_KEY to start the gateway")
Only $PUBLIC_HOST:$PUBLIC_PORT is reachable from outside; Rasa (:$RASA_PORT) and actions (:$ACTIONS_PORT) are on 127.0.0.1.
Processes: $PWD/.venv/bin/supervisorctl -c $RUN_DIR/supervisord.conf status. Press Ctrl-C to stop everything.
MSG
wait "$supervisor_pid"
