#!/usr/bin/env bash
# Production smoke test without containers (docs/operations.md § Smoke test): a fresh PostgreSQL
# database, Redis, TWO gunicorn instances and ONE task worker, as several servers would run them.
# A user logs in through instance 1, starts an export large enough to be a background task, follows
# it and downloads the file through instance 2 (same cookies); /sante/ answers on both; the worker
# e-mails the author through a local SMTP sink (checked: received, French, no household data); the
# database and the files are backed up and restored (make restore-check). Everything started here is
# stopped on exit.
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379 (.ci/run
# starts them). Two-factor authentication is switched off explicitly (RELOGEMENT_2FA_REQUIRED=false):
# the demo logins have no device; tests/accounts cover the second factor.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
PG="postgres://postgres@127.0.0.1:5432"
DB=relogement_smoke
REDIS_DB="${SMOKE_REDIS_DB:-13}"
WORK="$(mktemp -d /tmp/relogement-smoke-XXXXXX)"
pids=()

stop_all() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "== Échec du test de fumée ; journaux :"
    for log in "$WORK"/*.log; do echo "--- $log"; tail -n 40 "$log"; done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap stop_all EXIT INT TERM

free_port() { "$BIN/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
PORT1=$(free_port); PORT2=$(free_port); SMTP_PORT=$(free_port)

export DEBUG=false
export SECRET_KEY="smoke-$(date +%s)-$RANDOM-not-a-production-key-0123456789abcdefghijklmnop"
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export MEDIA_ROOT="$WORK/media"          # the volume every instance and the worker share
export STATIC_ROOT="$WORK/static"        # collected as the image does at build
export TASKS_SQLITE_PATH="$WORK/unused-tasks.sqlite3"
export RELOGEMENT_2FA_REQUIRED=false      # see above
export EXCHANGE_EXPORT_INLINE_MAX=50      # 200 households: the export becomes a background task
export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$SMTP_PORT"
export SITE_URL="http://127.0.0.1:$PORT1"
# Plain HTTP on loopback: no HTTPS redirect, cookies not limited to HTTPS.
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export MATCHING_WARM_UP_ENGINE=false WEB_CONCURRENCY=2
export PGOPTIONS="-c client_min_messages=warning"

echo "== Base PostgreSQL neuve ($DB), Redis base $REDIS_DB"
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
"$BIN/python" manage.py collectstatic --no-input -v0
"$BIN/python" manage.py migrate --no-input -v0
"$BIN/python" manage.py load_referential >/dev/null
"$BIN/python" manage.py load_demo --households 200 >/dev/null

export LOG_LEVEL=INFO  # the servers' JSON logs, read back by the client
echo "== Puits SMTP sur 127.0.0.1:$SMTP_PORT, serveur de tâches, deux instances gunicorn ($PORT1, $PORT2)"
"$BIN/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/mail" \
  >"$WORK/smtp.log" 2>&1 &
pids+=($!)
"$BIN/python" manage.py run_huey >"$WORK/worker.log" 2>&1 &
pids+=($!)
PORT=$PORT1 "$BIN/gunicorn" --config config/gunicorn.conf.py config.wsgi >"$WORK/web1.log" 2>&1 &
pids+=($!)
PORT=$PORT2 "$BIN/gunicorn" --config config/gunicorn.conf.py config.wsgi >"$WORK/web2.log" 2>&1 &
pids+=($!)

"$BIN/python" scripts/smoke_prod_client.py \
  --web1 "http://127.0.0.1:$PORT1" --web2 "http://127.0.0.1:$PORT2" \
  --maildir "$WORK/mail" --logs "$WORK/web1.log" "$WORK/web2.log"

echo "== Sauvegarde et restauration (make restore-check)"
make --no-print-directory restore-check RESTORE_SOURCE="$DATABASE_URL" RESTORE_MEDIA="$MEDIA_ROOT" BIN="$BIN"
echo "== Test de fumée réussi"
