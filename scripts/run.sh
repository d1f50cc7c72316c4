#!/usr/bin/env bash
# Starts the assistant: action server, Rasa server (REST + socket.io), the web widget's demo page, and the
# Telegram gateway when TELEGRAM_BOT_TOKEN is set. Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://localhost:5055/webhook}"
export TRACKER_DB_DIALECT="${TRACKER_DB_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-build/tracker.sqlite}"
export TRACKER_DB_HOST="${TRACKER_DB_HOST:-}" TRACKER_DB_PORT="${TRACKER_DB_PORT:-}"
export TRACKER_DB_USER="${TRACKER_DB_USER:-}" TRACKER_DB_PASSWORD="${TRACKER_DB_PASSWORD:-}"
RASA_PORT="${RASA_PORT:-5005}"
export RASA_URL="${RASA_URL:-http://localhost:$RASA_PORT}"
# development: Rasa's usual logs; production: no log line carries message text (bot/logging_setup.py).
export BOT_ENV="${BOT_ENV:-development}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
WIDGET_PORT="${WIDGET_PORT:-8080}"
mkdir -p build

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

.venv/bin/python -m bot referrals import >/dev/null
.venv/bin/rasa run actions --port "$ACTIONS_PORT" --actions actions &
pids+=($!)
.venv/bin/rasa run --enable-api --cors "*" --port "$RASA_PORT" -m models/assistant.tar.gz \
  --credentials credentials.yml --endpoints endpoints.yml &
pids+=($!)
if [ -f bot/channels/widget/__main__.py ]; then
  WIDGET_PORT="$WIDGET_PORT" RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://localhost:$RASA_PORT}" \
    .venv/bin/python -m bot.channels.widget &
  pids+=($!)
fi
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  .venv/bin/python -m bot.channels.telegram &
  pids+=($!)
fi

for _ in $(seq 1 180); do
  curl -sf "http://localhost:$RASA_PORT/status" >/dev/null 2>&1 && break
  sleep 1
done
cat <<MSG

The assistant is running. Talk to it:
  REST:      curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"hola"}'
  Widget:    http://localhost:$WIDGET_PORT/  (demo page with the chat widget)
  Telegram:  $([ -n "${TELEGRAM_BOT_TOKEN:-}" ] && echo "gateway running (polling)" || echo "set TELEGRAM_BOT_TOKEN to start the gateway")
Actions on :$ACTIONS_PORT, Rasa on :$RASA_PORT. Press Ctrl-C to stop everything.
MSG
wait -n "${pids[@]}"
