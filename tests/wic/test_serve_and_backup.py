"""Production readiness (docs/deploy.md): the backup and restore scripts on PostgreSQL, `manage.py
serve` (gunicorn with gunicorn.conf.py) under production settings, and the Celery queues."""
import http.client
import json
import os
import re
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.conftest import requires_postgres, requires_redis
from wic.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def production_env(tmp_path: Path, **overrides) -> dict:
    """The documented production variables, with SQLite in tmp_path and plain http on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


# -- gunicorn.conf.py -------------------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, **env) -> dict:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_conf_defaults_size_gthread_workers_from_the_cpus(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    cores = len(os.sched_getaffinity(0))
    assert (conf["wsgi_app"], conf["worker_class"], conf["bind"]) == ("wic.wsgi:application", "gthread", ["127.0.0.1:8000"])
    assert (conf["workers"], conf["threads"]) == (min(2 * cores + 1, 12), 2)
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"]) == (30, 30, 5)
    assert (conf["accesslog"], conf["errorlog"]) == ("-", "-")


def test_gunicorn_conf_takes_every_value_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_THREADS="8", GUNICORN_BIND="0.0.0.0:9000, unix:/run/wic.sock",
        GUNICORN_TIMEOUT="90", GUNICORN_GRACEFUL_TIMEOUT="45", GUNICORN_KEEPALIVE="20", GUNICORN_MAX_REQUESTS="0",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.5", GUNICORN_ACCESS_LOG="/var/log/wic/access.log",
    )
    assert (conf["workers"], conf["threads"], conf["bind"]) == (3, 8, ["0.0.0.0:9000", "unix:/run/wic.sock"])
    assert (conf["timeout"], conf["graceful_timeout"], conf["keepalive"], conf["max_requests"]) == (90, 45, 20, 0)
    assert (conf["forwarded_allow_ips"], conf["accesslog"]) == ("10.0.0.5", "/var/log/wic/access.log")


def test_gunicorn_conf_refuses_a_number_that_is_not_one(monkeypatch):
    with pytest.raises(SystemExit) as exit_info:
        load_gunicorn_conf(monkeypatch, GUNICORN_THREADS="four")
    assert str(exit_info.value) == "error: GUNICORN_THREADS must be a whole number, not 'four'"


# -- manage.py serve --------------------------------------------------------------------------------


def test_serve_refuses_without_a_secret_key_in_one_clean_line(tmp_path):
    result = manage("serve", env=production_env(tmp_path, DJANGO_SECRET_KEY=""))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.\n")


def test_serve_refuses_debug_mode(tmp_path):
    result = manage("serve", env=production_env(tmp_path, DJANGO_DEBUG="1"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "CommandError: DJANGO_DEBUG is on: `manage.py serve` is the production server. Set DJANGO_DEBUG=0 and DJANGO_SECRET_KEY "
        "(docs/deploy.md), or use `manage.py runserver` for development.\n"
    )


def test_serve_refuses_before_collectstatic(tmp_path):
    result = manage("serve", env=production_env(tmp_path))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"CommandError: No static files manifest at {tmp_path / 'static' / 'staticfiles.json'}: "
        "run `python manage.py collectstatic --noinput` first.\n"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def first_answer(proc: subprocess.Popen, port: int, path: str, log: Path, seconds: float = 60) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            return get(port, path)
        except OSError:  # not listening yet
            time.sleep(0.1)
    raise AssertionError(f"no answer on {path} (exit {proc.poll()}):\n{log.read_text()}")


def test_serve_runs_gunicorn_with_production_settings_and_stops_on_sigterm(tmp_path):
    # gunicorn's system checks read the SQLite file while migrate writes it: on a loaded machine
    # migrate holds the write lock longer than the default 10 s busy timeout, and Django's JSON
    # support probe then reads the lock error as "SQLite does not support JSONFields".
    env = production_env(tmp_path, DATABASE_SQLITE_TIMEOUT="120")
    manage_py = [sys.executable, str(ROOT / "manage.py")]
    # migrate (about 10 s of CPU on SQLite) runs while collectstatic runs, gunicorn starts and
    # serves the static files (no database); /healthz and the home page are asked after it.
    migrate = subprocess.Popen([*manage_py, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc = None
    try:
        collect = subprocess.run([*manage_py, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert collect.returncode == 0, collect.stdout + collect.stderr
        manifest = (tmp_path / "static" / "staticfiles.json").read_text()
        hashed = re.search(r'"css/site\.css": "(css/site\.[0-9a-f]{12}\.css)"', manifest).group(1)

        port, log = free_port(), tmp_path / "serve.log"
        with open(log, "wb") as sink:  # cwd elsewhere: serve names gunicorn.conf.py itself
            proc = subprocess.Popen(
                [*manage_py, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )
        status, headers, body = first_answer(proc, port, f"/static/{hashed}", log)
        assert (status, headers["cache-control"]) == (200, "max-age=315360000, public, immutable")
        assert body == (tmp_path / "static" / hashed).read_bytes()
        status, headers, _body = get(port, "/static/css/site.css")  # the unhashed name: short cache
        assert (status, headers["cache-control"]) == (200, "max-age=60, public")

        output = migrate.communicate(timeout=120)[0]
        assert migrate.returncode == 0, output
        status, _headers, body = get(port, "/healthz")
        health = json.loads(body)
        assert (status, health["status"], health["checks"]) == (200, "ok", {"database": "ok"})
        assert {k: v for k, v in health["degraded"].items() if k not in ("process", "since")} == {
            "cache_errors": 0, "cache_skipped": 0, "rate_limits_open": 0, "agenda_uncached": 0, "tasks_not_queued": 0, "tasks_deferred": 0,
        }
        status, _headers, page = get(port, "/", **{"Accept-Language": "en"})
        assert status == 200
        assert f'href="/static/{hashed}"'.encode() in page  # the templates name the hashed file
    finally:
        if migrate.poll() is None:
            migrate.kill()
            migrate.wait()
        if proc is not None:
            proc.send_signal(signal.SIGTERM)  # serve became gunicorn's arbiter: SIGTERM is a graceful stop
            try:
                returncode = proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise
    output = log.read_text()
    assert returncode == 0, output
    assert "Using worker: gthread" in output
    assert len(re.findall(r"Booting worker with pid", output)) == 1  # --workers 1 overrides the CPU-based default
    assert f'"GET /static/{hashed} HTTP/1.1" 200' in output  # the access log goes to stdout
    assert output.rstrip().endswith("Shutting down: Master")


def test_template_loader_is_the_cached_one():
    from django.template import engines

    assert [type(loader).__module__ + "." + type(loader).__name__ for loader in engines["django"].engine.template_loaders] == [
        "django.template.loaders.cached.Loader"
    ]


# -- Celery queues ----------------------------------------------------------------------------------

EXPECTED_ROUTES = {
    "wic.send_email": "mail",
    "wic.deliver_email": "mail",
    "registration.send_decision": "notifications",
    "registration.send_link": "notifications",
    "forums.send_decision_email": "notifications",
    "expo.send_exhibitor_decision": "notifications",
    "expo.send_meeting_requested": "notifications",
    "expo.send_meeting_decision": "notifications",
    "volunteers.send_decision": "notifications",
    "volunteers.send_standby_offer": "notifications",
    "volunteers.mark_no_shows": "notifications",
    "registration.render_badge": "default",
}


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_tasks_are_routed_to_the_mail_notifications_and_default_queues():
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():  # what the worker's autodiscovery imports
        if (Path(config.path) / "tasks.py").exists():
            importlib.import_module(f"{config.name}.tasks")
    assert {name: queue_of(name) for name in EXPECTED_ROUTES} == EXPECTED_ROUTES
    ours = [name for name in celery_app.tasks if not name.startswith("celery.")]
    assert {queue_of(name) for name in ours} <= {"mail", "notifications", "default"}
    assert list(celery_app.amqp.queues) == ["mail", "notifications", "default"]


from tests.wic.test_celery_worker import worker  # noqa: E402,F401  (the fixture)


@requires_redis
@pytest.mark.real_celery
@pytest.mark.django_db
def test_a_worker_consumes_all_three_queues_and_runs_a_task_from_each(worker, mailoutbox):  # noqa: F811
    from celery import signals

    from registration.tasks import render_badge
    from volunteers.tasks import mark_no_shows
    from wic.tasks import send_email

    seen = {}

    def record(task=None, **_kwargs):
        seen[task.name] = task.request.delivery_info.get("routing_key")

    signals.task_prerun.connect(record, weak=False)
    try:  # each asks for its result: no task keeps one otherwise (CELERY_TASK_IGNORE_RESULT)
        assert {queue.name for queue in worker.consumer.task_consumer.queues} == {"mail", "notifications", "default"}
        assert send_email.apply_async(kwargs={"subject": "队列 Queue", "body": "body", "to": ["a@example.org"]}, ignore_result=False).get(timeout=20) == 1
        assert mark_no_shows.apply_async(ignore_result=False).get(timeout=20) == {"no_shows": 0, "offers": 0}
        assert render_badge.apply_async((0,), ignore_result=False).get(timeout=20) is False  # no such credential
    finally:
        signals.task_prerun.disconnect(record)
    assert seen == {"wic.send_email": "mail", "volunteers.mark_no_shows": "notifications", "registration.render_badge": "default"}
    assert [m.subject for m in mailoutbox] == ["队列 Queue"]


# -- backups ----------------------------------------------------------------------------------------


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(["bash", str(ROOT / "bin" / "backup.sh"), str(tmp_path / "backups")], env=env, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: DATABASE_URL is not a PostgreSQL URL (postgres://user@host:5432/name)\n"
    assert not (tmp_path / "backups").exists()


def test_restore_refuses_a_damaged_backup(tmp_path):
    backup = tmp_path / "wic-20261123T020000Z"
    backup.mkdir()
    (backup / "db.dump").write_bytes(b"dump")
    (backup / "media.tar.gz").write_bytes(b"media")
    sums = subprocess.run(["sha256sum", "db.dump", "media.tar.gz"], cwd=backup, capture_output=True, text=True, check=True).stdout
    (backup / "SHA256SUMS").write_text(sums)
    (backup / "media.tar.gz").write_bytes(b"media, changed")
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(["bash", str(ROOT / "bin" / "restore.sh"), str(backup)], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.endswith(f"error: checksums do not match: {backup} is damaged\n")
    assert not (tmp_path / "media").exists()


def pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def snapshot(url: str) -> dict:
    """Every table's row count and a digest of its rows, and every sequence's position."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        counts, digests = {}, {}
        for table in tables:
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} t")
            counts[table], digests[table] = conn.execute(query.format(sql.Identifier(table))).fetchone()
        sequences = dict(conn.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").fetchall())
    return {"counts": counts, "digests": digests, "sequences": sequences}


def pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(pg_url("postgres").replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(statement)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql(tmp_path, settings):
    import psycopg

    from agenda.models import Session
    from expo.models import Exhibitor
    from forums.models import ForumApplication
    from registration.models import Credential
    from volunteers.models import Volunteer
    from wic.demo import seed_demo

    ORM_COUNTS = {
        "agenda_session": Session, "expo_exhibitor": Exhibitor, "forums_forumapplication": ForumApplication,
        "registration_credential": Credential, "volunteers_volunteer": Volunteer,
    }

    from wic.seeding import seed_past_editions

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 13 demo accounts, quickly
    # An earlier transactional test may have flushed the seeded editions: seed them (idempotent),
    # so the database holds exactly the six past editions and the demo one.
    seed_past_editions()
    seed_demo(password="a-long-demo-password-1")  # committed: pg_dump, another process, sees it
    badges = sorted(Credential.objects.exclude(badge="").values_list("badge", flat=True))
    # The two approved demo guests and protocol's seven delegates (protocol/demo.py); their PDFs are in MEDIA_ROOT
    assert len(badges) == 2 + 7
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored_{secrets.token_hex(4)}"
    media = Path(settings.MEDIA_ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_MEDIA_ROOT")}

    backup = subprocess.run(
        ["bash", str(ROOT / "bin" / "backup.sh"), str(tmp_path / "backups")],
        env={**env, "DATABASE_URL": pg_url(source), "DJANGO_MEDIA_ROOT": str(media)}, capture_output=True, text=True, timeout=120,
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"wic-\d{8}T\d{6}Z", folder.name) and folder.parent == tmp_path / "backups"
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz"]
    assert (folder / "db.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    pg_admin(f'CREATE DATABASE "{restored}"')
    try:
        target_env = {**env, "DATABASE_URL": pg_url(restored), "DJANGO_MEDIA_ROOT": str(tmp_path / "restored-media")}
        restore = subprocess.run(["bash", str(ROOT / "bin" / "restore.sh"), str(folder)], env=target_env, capture_output=True, text=True, timeout=120)
        assert restore.returncode == 0, restore.stderr
        assert restore.stdout == f"restored {folder} into the database of DATABASE_URL and {tmp_path / 'restored-media'}\n"

        before, after = snapshot(pg_url(source)), snapshot(pg_url(restored))
        assert after == before  # every table: same rows, and sequences continue where they were
        assert (after["counts"]["wic_edition"], after["counts"]["registration_registration"], after["counts"]["auth_user"]) == (7, 3 + 7, 13 + 2)  # six past editions (2015-2024) and the demo one; 3 demo guests and 7 delegates
        assert {table: after["counts"][table] for table in ORM_COUNTS} == {table: model.objects.count() for table, model in ORM_COUNTS.items()}
        assert min(after["counts"][table] for table in ORM_COUNTS) > 0
        with psycopg.connect(pg_url(restored).replace("postgres://", "postgresql://", 1)) as conn:
            name_zh = conn.execute("SELECT name_zh FROM registration_registration WHERE email = 'guest1@demo.wic-summit.example'").fetchone()[0]
            start = conn.execute(
                "SELECT s.start FROM agenda_session s JOIN wic_edition e ON e.id = s.edition_id WHERE e.year = 2017 AND s.key = 'opening-ceremony'"
            ).fetchone()[0]
        assert name_zh == "演示嘉宾一"
        assert start == datetime(2017, 12, 3, 10, 30, tzinfo=SHANGHAI) and start.utcoffset() is not None

        for badge in badges:  # the media files came back, byte for byte
            assert (tmp_path / "restored-media" / badge).read_bytes() == (media / badge).read_bytes()

        again = subprocess.run(["bash", str(ROOT / "bin" / "restore.sh"), str(folder)], env={**target_env, "DJANGO_MEDIA_ROOT": str(tmp_path / "other")},
                               capture_output=True, text=True, timeout=60)
        tables = len(after["counts"])
        assert (again.returncode, again.stderr) == (1, f"error: the database of DATABASE_URL already has {tables} tables: restore into a new, empty database\n")
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
