"""A write that cannot get the database's lock within the busy timeout answers 503
`database_busy` with Retry-After (wic.database_busy), on the API and on pages; any other database
error stays a 500. And the SQLite options the settings give every SQLite DATABASE_URL."""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from tests.conftest import requires_postgres
from tests.factories import EditionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

ROOT = Path(__file__).resolve().parents[2]
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 10.0, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
BUSY_EN = "The database is busy with other changes. Please try again in a few seconds."
BUSY_ZH = "数据库正忙于处理其他更改，请几秒钟后重试。"


@pytest.fixture
def locked_write(tmp_path):
    """A function that writes to a SQLite file through Django's SQLite backend (the app's options,
    a 50 ms busy timeout) while another connection holds the file's write lock (BEGIN IMMEDIATE):
    it raises the real "database is locked" error, as Django wraps it."""
    from django.db.utils import ConnectionHandler

    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (0)")
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": {**SQLITE_OPTIONS, "timeout": 0.05}}})
    waiter = handler["default"]  # a handler of its own: not django.db.connections' default

    def write(**_kwargs):
        with waiter.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")

    yield write
    waiter.close()
    holder.execute("ROLLBACK")
    holder.close()


def body(**extra):
    return {
        "edition": 2099, "name": "Ada Lovelace", "email": "ada@example.org", "organization_name": "Analytical Engines",
        "country": "GB", "category": "academia", "participation": "on_site", "consent": True, **extra,
    }


def test_locked_write_raises_the_real_sqlite_busy_error(locked_write):
    with pytest.raises(OperationalError) as raised:
        locked_write()
    assert str(raised.value) == "database is locked"
    assert (type(raised.value.__cause__), raised.value.__cause__.sqlite_errorcode) == (sqlite3.OperationalError, sqlite3.SQLITE_BUSY)


def test_api_write_answers_503_database_busy_with_retry_after(api_client, locked_write, monkeypatch):
    from registration import services
    from registration.models import Registration

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", locked_write)
    response = api_client.post("/api/v1/registrations/", body(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Retry-After"], response["Content-Type"]) == (503, "2", "application/json")
    assert response.json() == {"code": "database_busy", "message": BUSY_EN, "detail": BUSY_EN}
    assert Registration.objects.count() == 0


def test_api_busy_message_follows_accept_language(api_client, locked_write, monkeypatch):
    from registration import services

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", locked_write)
    response = api_client.post("/api/v1/registrations/", body(), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (503, "database_busy", BUSY_ZH)


@pytest.mark.parametrize(("language", "message"), [("en", BUSY_EN), ("zh-hans", BUSY_ZH)])
def test_page_write_answers_503_page_in_the_page_language_with_the_code(client, locked_write, monkeypatch, language, message):
    from registration import services

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", locked_write)
    form = {key: value for key, value in body().items() if key != "edition"}
    response = client.post("/editions/2099/register/", form, HTTP_ACCEPT_LANGUAGE=language)
    assert (response.status_code, response["Retry-After"], response["Cache-Control"]) == (503, "2", "no-store")
    assert response.templates[0].name == "503.html"
    assert f'<p class="error" role="alert" data-code="database_busy">{message}</p>' in response.content.decode()


def test_postgresql_lock_not_available_answers_503(api_client, monkeypatch):
    """PostgreSQL's 55P03 (a lock_timeout or NOWAIT ran out), as Django wraps psycopg's error."""
    import psycopg.errors

    from registration import services

    def lock_timeout(**_kwargs):
        try:
            raise psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
        except psycopg.errors.LockNotAvailable as error:
            raise OperationalError(*error.args) from error

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", lock_timeout)
    response = api_client.post("/api/v1/registrations/", body(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (503, "database_busy", "2")


@requires_postgres
def test_postgresql_lock_timeout_answers_503_for_real(api_client):
    """Another connection holds the registrations table while the request's transaction has a
    100 ms lock_timeout: the insert gives up with 55P03, the answer is 503 database_busy."""
    import psycopg
    from django.db import connection

    from registration.models import Registration

    EditionFactory(year=2099)
    config = connection.settings_dict
    holder = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None, dbname=config["NAME"])
    try:
        holder.execute(f"LOCK TABLE {Registration._meta.db_table} IN EXCLUSIVE MODE")  # reads pass, writes wait
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '100ms'")  # until the test's transaction ends
        response = api_client.post("/api/v1/registrations/", body(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        holder.rollback()
        holder.close()
    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (503, "database_busy", "2")


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("no such table: registration_registration"),
        OperationalError("disk I/O error"),
        RuntimeError("database is locked"),  # the words alone, not a database error
    ],
    ids=["no-such-table", "disk-io", "not-a-database-error"],
)
def test_other_errors_stay_500(monkeypatch, error):
    from registration import services

    def fail(**_kwargs):
        raise error

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", fail)
    response = Client(raise_request_exception=False).post("/api/v1/registrations/", body(), content_type="application/json")
    assert (response.status_code, response.json()["code"], response.has_header("Retry-After")) == (500, "server_error", False)


def test_postgresql_deadlock_stays_500():
    import psycopg.errors

    from wic.database_busy import is_database_busy

    assert is_database_busy(psycopg.errors.LockNotAvailable("lock timeout")) is True
    assert is_database_busy(psycopg.errors.DeadlockDetected("deadlock detected")) is False


def test_lock_timeout_outside_a_view_answers_503_through_the_500_handler(rf, locked_write):
    """A middleware writing after the view (no process_exception for it) ends in handler500, which
    answers 503 for a lock timeout too."""
    from wic.views import server_error

    request = rf.post("/api/v1/registrations/")
    try:
        locked_write()
    except OperationalError:
        response = server_error(request)
    assert (response.status_code, response["Retry-After"], json.loads(response.content)["code"]) == (503, "2", "database_busy")
    try:
        raise OperationalError("disk I/O error")
    except OperationalError:
        response = server_error(request)
    assert (response.status_code, json.loads(response.content)["code"]) == (500, "server_error")


def test_checkin_page_queues_a_busy_scan_and_names_it(client):
    """The check-in page's script treats a 503 like a scan made offline (queued, sent again after
    Retry-After); the page gives it its own words. The browser test of the retry is
    tests/e2e/test_checkin_browser.py."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from wic import roles

    gate = get_user_model().objects.create_user("gate-busy-test")
    gate.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    client.force_login(gate)
    page = client.get("/checkin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-busy="服务器繁忙：已保存，几秒钟后重新发送"' in page
    script = (ROOT / "static" / "js" / "checkin.js").read_text()
    assert 'r.status === 503' in script and 'r.headers.get("Retry-After")' in script


# -- the SQLite options of the settings -------------------------------------------------------------


def settings_in_subprocess(tmp_path: Path, database_url: str, code: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_SETTINGS"))}
    environment.update(DJANGO_DEBUG="1", DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="wic.settings", **env)
    # Settings and a connection only: no django.setup(), so no app is imported.
    prelude = "import json; from django.conf import settings; from django.db import connection\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], env=environment, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_every_sqlite_database_url_gets_wal_normal_sync_immediate_and_a_busy_timeout(tmp_path):
    code = (
        "cursor = connection.cursor()\n"
        "pragmas = {p: cursor.execute(f'PRAGMA {p}').fetchone()[0] for p in ('journal_mode', 'synchronous', 'busy_timeout')}\n"
        "print(json.dumps([settings.DATABASES['default']['OPTIONS'], connection.transaction_mode, pragmas]))"
    )
    options, mode, pragmas = json.loads(settings_in_subprocess(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}", code))
    assert (options, mode) == (SQLITE_OPTIONS, "IMMEDIATE")
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 10000}  # synchronous 1: NORMAL


def test_sqlite_busy_timeout_comes_from_the_environment(tmp_path):
    code = "print(json.dumps(settings.DATABASES['default']['OPTIONS']['timeout']))"
    assert settings_in_subprocess(tmp_path, f"sqlite:///{tmp_path / 'app.sqlite3'}", code, DATABASE_SQLITE_TIMEOUT="2.5") == "2.5"


def test_postgresql_gets_no_sqlite_options(tmp_path):
    code = "print(json.dumps(sorted(settings.DATABASES['default'].get('OPTIONS', {}))))"
    assert settings_in_subprocess(tmp_path, "postgres://postgres@127.0.0.1:5432/none", code) == '["prepare_threshold"]'


# -- a database that cannot be reached: 503 database_unavailable ------------------------------------

def _psycopg_error(cls, message, sqlstate=None):
    error = cls(message)
    if sqlstate is not None:  # psycopg's sqlstate comes from the server's diagnostics; set it as the server would
        error.sqlstate = sqlstate
    return error


@pytest.mark.parametrize(
    ("make", "unavailable"),
    [
        (lambda p: _psycopg_error(p.OperationalError, "connection failed: connection refused"), True),  # no SQLSTATE: the client's own
        (lambda p: _psycopg_error(p.OperationalError, "server closed the connection unexpectedly"), True),
        (lambda p: p.errors.AdminShutdown("terminating connection due to administrator command"), True),  # 57P01
        (lambda p: p.errors.CannotConnectNow("the database system is starting up"), True),  # 57P03
        (lambda p: p.errors.ConnectionFailure("pgbouncer cannot connect to server"), True),  # 08006
        (lambda p: p.errors.QueryCanceled("canceling statement due to statement timeout"), False),  # 57014: a query's, not the server's
        (lambda p: p.errors.LockNotAvailable("lock timeout"), False),  # busy, not unavailable
        (lambda p: p.errors.UndefinedTable("relation does not exist"), False),
    ],
    ids=["refused", "closed", "admin-shutdown", "starting-up", "connection-failure", "statement-timeout", "lock-timeout", "undefined-table"],
)
def test_which_errors_mean_the_database_is_unavailable(make, unavailable):
    import psycopg
    import psycopg.errors  # noqa: F401

    from wic.database_busy import is_database_unavailable

    error = make(psycopg)
    assert is_database_unavailable(error) is unavailable
    try:  # as Django wraps it
        raise OperationalError(*error.args) from error
    except OperationalError as wrapped:
        assert is_database_unavailable(wrapped) is unavailable
    assert is_database_unavailable(OperationalError("disk I/O error")) is False  # SQLite's own: no server to wait for


def test_a_dropped_connection_in_a_view_answers_503_database_unavailable(api_client, monkeypatch):
    import psycopg

    from registration import services

    def dropped(**_kwargs):
        try:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        except psycopg.OperationalError as error:
            raise OperationalError(*error.args) from error

    EditionFactory(year=2099)
    monkeypatch.setattr(services, "registration_create", dropped)
    response = api_client.post("/api/v1/registrations/", body(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Retry-After"]) == (503, "2")
    assert response.json() == {
        "code": "database_unavailable", "message": "The database cannot be reached just now. Please try again in a few seconds.",
        "detail": "The database cannot be reached just now. Please try again in a few seconds.",
    }


@requires_postgres
def test_a_connection_terminated_by_the_server_answers_503_for_real(api_client):
    """PostgreSQL ends the request's connection (pg_terminate_backend, as a restart or a pooler's
    does): the next statement fails with 57P01 or a closed connection, and the answer is 503
    database_unavailable, not 500."""
    import psycopg
    from django.db import connection

    EditionFactory(year=2099)
    config = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    killer = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
                             dbname=config["NAME"], autocommit=True)
    try:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    response = Client(raise_request_exception=False).post("/api/v1/registrations/", body(), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    connection.close()  # the test's own connection is gone too; pytest-django's teardown opens a new one
    assert (response.status_code, response.json()["code"]) == (503, "database_unavailable")
