"""`python manage.py serve`: the production server, gunicorn with the project's gunicorn.conf.py.

It checks what would otherwise fail on the first request (debug mode on, static files not
collected), runs Django's deployment checks (their warnings are printed, errors stop it), then
replaces itself with gunicorn: the process a supervisor (systemd) started is gunicorn's arbiter,
so SIGTERM stops it gracefully and SIGHUP reloads the workers. See docs/deploy.md.
"""
import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import ERROR
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def positive(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is below 1")
    return number


class Command(BaseCommand):
    help = (
        "Serve the app in production: gunicorn with gunicorn.conf.py (gthread workers; GUNICORN_* variables). "
        "Needs DJANGO_DEBUG=0, DJANGO_SECRET_KEY and collected static files."
    )
    requires_system_checks = []  # run below, with the deployment checks

    def add_arguments(self, parser):
        parser.add_argument("--bind", action="append", metavar="ADDRESS", help="host:port or unix:/path to listen on; repeat for several (default: GUNICORN_BIND or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=positive, help="worker processes (default: GUNICORN_WORKERS or 2 x CPUs + 1, at most 12)")
        parser.add_argument("--threads", type=positive, help="threads per worker (default: GUNICORN_THREADS or 2)")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError(
                "DJANGO_DEBUG is on: `manage.py serve` is the production server. Set DJANGO_DEBUG=0 and DJANGO_SECRET_KEY "
                "(docs/deploy.md), or use `manage.py runserver` for development."
            )
        storage = storages["staticfiles"]
        if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
            raise CommandError(
                f"No static files manifest at {Path(settings.STATIC_ROOT) / storage.manifest_name}: "
                "run `python manage.py collectstatic --noinput` first."
            )
        self.check(include_deployment_checks=True, fail_level=ERROR)
        if not settings.REDIS_URL:
            self.stderr.write(
                "warning: REDIS_URL is not set: each worker process has its own cache (an edit may show late on another "
                "worker's pages) and Celery tasks run inside the web requests. Set REDIS_URL in production (docs/deploy.md)."
            )

        argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "--chdir", str(settings.BASE_DIR)]
        for address in options["bind"] or []:
            argv += ["--bind", address]
        if options["workers"]:
            argv += ["--workers", str(options["workers"])]
        if options["threads"]:
            argv += ["--threads", str(options["threads"])]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
