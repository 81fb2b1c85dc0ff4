#!/usr/bin/env bash
# Serve the app with the past editions and the demo data on http://127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")"
bash bin/setup.sh
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
PORT="${PORT:-8000}"
# Links in the emails the demo writes (and every email after) point at this server, whatever its port.
export PORT SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed --demo
echo
echo "== serving on http://127.0.0.1:${PORT}/  (admin: /admin/, API: /api/v1/, docs: /api/docs/)"
if [ "$DJANGO_DEBUG" = "1" ]; then
  exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
else
  .venv/bin/python manage.py collectstatic --noinput -v0
  exec .venv/bin/gunicorn wic.wsgi --bind "127.0.0.1:${PORT}" --workers 2
fi
