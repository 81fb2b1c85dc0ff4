#!/usr/bin/env bash
# Restore a folder written by bin/backup.sh into a NEW, empty database and an empty media folder:
#
#   createdb -h HOST -U postgres -O wic wic_restored          # the new database, first
#   DATABASE_URL=postgres://wic@HOST:5432/wic_restored DJANGO_MEDIA_ROOT=/var/lib/wic/media-restored \
#     bin/restore.sh backups/wic-20261123T020000Z
#
# Verifies the checksums, refuses a database that already has tables in the public schema or a
# media folder that is not empty (never restore over live data), then runs
# `pg_restore --no-owner --no-privileges --exit-on-error --single-transaction` (objects belong to
# the user of DATABASE_URL; any error rolls the whole restore back) and unpacks the media files.
# Afterwards: `python manage.py migrate` if the code is newer than the backup, then point the
# app's DATABASE_URL and DJANGO_MEDIA_ROOT at the restored copies (docs/deploy.md, "Backups").
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: bin/restore.sh BACKUP_FOLDER  (with DATABASE_URL and DJANGO_MEDIA_ROOT naming the empty targets)"
backup=$(cd "$1" 2>/dev/null && pwd) || die "no backup folder at $1"
[ -f "$backup/db.dump" ] && [ -f "$backup/media.tar.gz" ] && [ -f "$backup/SHA256SUMS" ] \
  || die "$backup is not a backup folder (db.dump, media.tar.gz, SHA256SUMS)"
url="${DATABASE_URL:-}"
case "$url" in
  postgres://*|postgresql://*) ;;
  *) die "DATABASE_URL must name the new, empty PostgreSQL database (postgres://user@host:5432/name)" ;;
esac
media="${DJANGO_MEDIA_ROOT:-}"
[ -n "$media" ] || die "DJANGO_MEDIA_ROOT must name the folder to restore the media files into (empty or missing)"
for tool in pg_restore psql; do command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"; done

(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || die "checksums do not match: $backup is damaged"
tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$url" \
  --command="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')") \
  || die "cannot connect to the database of DATABASE_URL (create it first: createdb -O <user> <name>)"
[ "$tables" = "0" ] || die "the database of DATABASE_URL already has $tables tables: restore into a new, empty database"
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  die "$media is not empty: restore the media files into a new folder"
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$backup/db.dump"
mkdir -p "$media"
tar -xzf "$backup/media.tar.gz" -C "$media"
echo "restored $backup into the database of DATABASE_URL and $media"
