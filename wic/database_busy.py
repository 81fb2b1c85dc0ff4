"""A write that cannot get the database's lock in time answers 503 `database_busy` with
`Retry-After`, never a 500: JSON `{"code", "message", "detail"}` under /api/, a short page in the
page's language elsewhere. So does a database that cannot be reached at all (503
`database_unavailable`): PostgreSQL or the pooler in front of it restarting, a connection dropped
mid-request (SQLSTATE class 08, 57P01-57P03, or psycopg's connection errors, which carry no
SQLSTATE); the cluster rehearsal's PgBouncer restart answered scans 500 before (2026-12-07).

SQLite (the embedded default) has one writer at a time; writers wait for the lock up to the busy
timeout (`DATABASE_SQLITE_TIMEOUT`, wic/settings.py) and then fail with "database is locked".
PostgreSQL's equivalent is SQLSTATE 55P03 (`lock_not_available`: a `lock_timeout` set on the role
or a `NOWAIT`). The failed write's transaction was rolled back, so the client may send the request
again (the check-in page queues the scan and resends it, like a scan made offline). Any other
database error stays a 500.

`DatabaseBusyMiddleware` answers for errors raised in views (API views too: DRF hands exceptions
it has no answer for back to Django); wic.views.server_error answers for the rest (a middleware
writing after the view), through the same `database_busy_response`."""
import logging
import sqlite3

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CODE = "database_busy"
RETRY_AFTER_SECONDS = 2
# SQLite's primary result codes for "another connection holds the lock" (SQLITE_LOCKED: a table
# locked by a connection sharing the cache, as the in-memory test database does).
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
SQLITE_MESSAGES = ("database is locked", "database table is locked", "database is busy")
POSTGRES_LOCK_NOT_AVAILABLE = "55P03"
UNAVAILABLE = "database_unavailable"
# admin_shutdown, crash_shutdown, cannot_connect_now: the server going away or not yet back.
POSTGRES_GOING_AWAY = ("57P01", "57P02", "57P03")


def is_database_busy(error: BaseException | None) -> bool:
    """True for a lock wait that ran out (SQLite busy or locked, PostgreSQL 55P03), in Django's
    wrapper (django.db.OperationalError, the driver's error as its cause) or the driver's own."""
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, sqlite3.OperationalError):
            code = getattr(candidate, "sqlite_errorcode", None)
            if code is not None:
                return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
            return str(candidate).strip().lower() in SQLITE_MESSAGES
        if getattr(candidate, "sqlstate", None) == POSTGRES_LOCK_NOT_AVAILABLE:  # psycopg's LockNotAvailable
            return True
    # Django's wrapper without a cause (raised by hand): only its words tell.
    return isinstance(error, OperationalError) and str(error).strip().lower() in SQLITE_MESSAGES


def is_database_unavailable(error: BaseException | None) -> bool:
    """True for a database that cannot be reached: a connection refused, dropped or shut down
    (psycopg's OperationalError without an SQLSTATE, or SQLSTATE class 08 or 57P01-57P03), in
    Django's wrapper (OperationalError or InterfaceError) or the driver's own. A query error
    (a syntax error, a timeout, a constraint) is not."""
    try:
        import psycopg
    except ImportError:  # SQLite only: a file cannot go away like a server
        return False
    for candidate in (error, getattr(error, "__cause__", None)):
        if isinstance(candidate, psycopg.OperationalError | psycopg.InterfaceError):
            state = getattr(candidate, "sqlstate", None)
            return state is None or state.startswith("08") or state in POSTGRES_GOING_AWAY
    return False


def database_busy_response(request, code: str = CODE) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the 503 page elsewhere."""
    if code == UNAVAILABLE:
        message = _("The database cannot be reached just now. Please try again in a few seconds.")
    else:
        message = _("The database is busy with other changes. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": code, "message": message, "detail": message}, status=503)
    else:
        try:
            response = render(request, "503.html", {"message": message, "code": code}, status=503)
        except Exception:  # the page's frame reads the database too; the answer must not become a 500
            logger.exception("the 503 page could not be rendered; answering in plain text")
            response = HttpResponse(f"{message} [{code}]", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    """Turns a view's lock timeout into the 503 answer (one place for every view and the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            logger.warning("database busy: %s %s answered 503 (%s)", request.method, request.path, exception)
            return database_busy_response(request)
        if is_database_unavailable(exception):
            logger.error("database unavailable: %s %s answered 503 (%s)", request.method, request.path, exception)
            return database_busy_response(request, UNAVAILABLE)
        return None
