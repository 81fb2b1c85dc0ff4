#!/usr/bin/env bash
# Back up the PostgreSQL database and the media files (guests' badge PDFs) into one new folder:
#
#   bin/backup.sh [BACKUP_ROOT]        (default: $WIC_BACKUP_DIR, else ./backups)
#
# Reads the app's own variables: DATABASE_URL (postgres://...) and DJANGO_MEDIA_ROOT (default:
# media/ in the project). Writes BACKUP_ROOT/wic-<UTC time>/ with
#   db.dump       pg_dump -Fc (custom format: compressed; pg_restore can restore it into any database)
#   media.tar.gz  the media folder
#   SHA256SUMS    checksums that bin/restore.sh verifies
# and prints that folder's path as its last line. The folder appears only when both are complete.
# The database is dumped first: files are only ever added, so every file the dump refers to is in
# the archive. Copy the folder off the machine (docs/deploy.md, "Backups").
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "error: $*" >&2; exit 1; }

url="${DATABASE_URL:-}"
case "$url" in
  postgres://*|postgresql://*) ;;
  "") die "DATABASE_URL is not set (this script backs up PostgreSQL; for the SQLite default, copy db.sqlite3 with: sqlite3 db.sqlite3 '.backup backup.sqlite3')" ;;
  *) die "DATABASE_URL is not a PostgreSQL URL (postgres://user@host:5432/name)" ;;
esac
command -v pg_dump >/dev/null || die "pg_dump not found (apt-get install postgresql-client; its version must be at least the server's)"

media="${DJANGO_MEDIA_ROOT:-$PWD/media}"
root="${1:-${WIC_BACKUP_DIR:-$PWD/backups}}"
mkdir -p "$root"
name="wic-$(date -u +%Y%m%dT%H%M%SZ)"
final="$root/$name"
[ ! -e "$final" ] || die "$final already exists"
work=$(mktemp -d "$root/.$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

pg_dump --format=custom --file="$work/db.dump" --dbname="$url"
if [ -d "$media" ]; then
  tar -czf "$work/media.tar.gz" -C "$media" .
else
  echo "note: no media folder at $media; the archive is empty" >&2
  tar -czf "$work/media.tar.gz" -T /dev/null
fi
(cd "$work" && sha256sum db.dump media.tar.gz > SHA256SUMS)
chmod 700 "$work"  # personal data: readable by the owner only
mv "$work" "$final"
trap - EXIT
echo "$final"
