#!/usr/bin/env bash
# `make demo`'s last step: the web server and the task worker (imports, exports, e-mails, the nightly
# retention), on SQLite alone, stopped together (Ctrl-C stops the server; the trap stops the worker).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
PORT="${PORT:-8000}"
export DEBUG="${DEBUG:-1}"
# Links in the e-mails (export ready) point at this server.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"

"$BIN/python" manage.py run_huey &
worker=$!
stop_worker() {
  trap - EXIT INT TERM
  # SIGINT lets huey finish the task it is running (an import is one transaction: cut, it writes nothing).
  kill -INT "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT INT TERM
echo "Serveur de tâches lancé (processus $worker) ; il s'arrête avec le serveur web."
"$BIN/python" manage.py runserver "127.0.0.1:$PORT"
