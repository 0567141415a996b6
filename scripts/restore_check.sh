#!/usr/bin/env bash
# `make restore-check`: a backup is only as good as its restore. Dumps a database (pg_dump, custom
# format, as docs/operations.md § Backups says) and, when given, the media folder (tar); restores both
# into a fresh database and folder; checks that the schema is complete (manage.py migrate --check)
# and that the rows and files are all there. Removes what it created.
#   scripts/restore_check.sh postgres://user@host:5432/source [MEDIA_ROOT]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
SOURCE="${1:?usage : restore_check.sh URL_BASE_SOURCE [DOSSIER_MEDIA]}"
MEDIA="${2:-}"
SERVER="${SOURCE%/*}"
TARGET_DB="relogement_restore_$(date +%s)_$$"
TARGET="$SERVER/$TARGET_DB"
WORK="$(mktemp -d /tmp/relogement-restore-XXXXXX)"
cleanup() {
  psql "$SERVER/postgres" -q -c "DROP DATABASE IF EXISTS $TARGET_DB WITH (FORCE)" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

pg_dump --format=custom --file="$WORK/relogement.dump" "$SOURCE"
[ -z "$MEDIA" ] || tar -czf "$WORK/media.tar.gz" -C "$MEDIA" .
echo "Sauvegarde : base $(du -h "$WORK/relogement.dump" | cut -f1)${MEDIA:+, fichiers $(du -h "$WORK/media.tar.gz" | cut -f1)}"

psql "$SERVER/postgres" -q -c "CREATE DATABASE $TARGET_DB"
pg_restore --no-owner --exit-on-error --dbname="$TARGET" "$WORK/relogement.dump"
if [ -n "$MEDIA" ]; then
  mkdir "$WORK/media"
  tar -xzf "$WORK/media.tar.gz" -C "$WORK/media"
  diff -r "$MEDIA" "$WORK/media" >/dev/null || { echo "Fichiers restaurés différents de l'original" >&2; exit 1; }
fi

# The restored database has every migration of this code, and the same rows as its source.
DATABASE_URL="$TARGET" "$BIN/python" manage.py migrate --check >/dev/null \
  || { echo "Base restaurée : migrations manquantes" >&2; exit 1; }
count() {
  psql "$1" -At -c "SELECT (SELECT count(*) FROM households_household), (SELECT count(*) FROM accounts_user),
    (SELECT count(*) FROM offers_proposal), (SELECT count(*) FROM exchange_exportjob),
    (SELECT count(*) FROM django_migrations)"
}
before="$(count "$SOURCE")"
after="$(count "$TARGET")"
[ "$before" = "$after" ] || { echo "Comptes différents : source $before, restaurée $after" >&2; exit 1; }
echo "Restauration vérifiée : ménages|comptes|propositions|exports|migrations = $after${MEDIA:+, fichiers identiques}"
