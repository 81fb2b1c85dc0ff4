"""Reads that may go to the PostgreSQL streaming replica, and everything that may not (issue 26).

Only with `DATABASE_REPLICA_URL` set (wic/settings.py adds the `replica` alias, this router and
`ReplicaMiddleware`); without it nothing here runs and every query goes to `default`.

A read goes to the replica only when all of these hold, and otherwise to `default`:

1. it runs inside a request that `ReplicaMiddleware.process_view` marked replica-safe: a GET or
   HEAD whose URL name is in `ANONYMOUS_PAGES` (public pages that show a signed-in visitor their
   own stars and links, so only for anonymous visitors) or in `ANY_USER_VIEWS` (exports and the
   API's list endpoints of read-only viewsets: no per-user data, so for any user). Nothing else
   is ever marked: not the gate's scan, check-in pages, registrations, quotas, nominations,
   forums, "My agenda", stars, the assistant, sign-in or the admin. Celery tasks and management
   commands run outside requests: always `default`;
2. no write was routed in the same request (sticky: after the request's first `db_for_write`,
   even a `get_or_create` that only read, its later reads see what it wrote; a raw cursor's
   writes go to `default` unseen by the router, and none of the marked views makes one);
3. `default` is not inside a transaction (`atomic()` other than a test case's own, or autocommit
   switched off): a read in a transaction is part of it;
4. the model is not one whose staleness is a security or sign-in matter (`PRIMARY_ONLY_APPS`,
   `PRIMARY_ONLY_MODELS`: users, groups and permissions, sessions, API tokens, login lockouts,
   the admin's log): a token just made or revoked, a password just changed, must count at once;
5. no `primary()` block is open;
6. the replica is not marked unhealthy in this process (see below).

Writes always go to `default`; relations between `default` and `replica` objects are allowed (the
same rows); migrations run on `default` only (the replica follows by streaming replication).

Replication lag: a page read from the replica may be a fraction of a second behind an edit. A
visitor's own writes are never read from it (rule 2, and signed-in pages are not marked), but an
anonymous page rendered from the replica right after an edit can still be the previous version,
and the agenda caches such a page under the edition's new version until the next edit, unless
it renders the pages it caches inside `primary()` (docs/deploy.md, "A read replica").

When the replica fails, the request does not:
- the router makes sure the replica's connection is up at the request's first read for it
  (Django's health check on a kept connection, a new connection otherwise, `connect_timeout` 2 s
  on PostgreSQL; a page served from the cache never connects); a failure marks the replica
  unhealthy in this process for `UNHEALTHY_SECONDS` (30) and the request reads from `default`.
  While unhealthy, replica-safe requests read from `default` without trying; after it, the next
  one tries again.
- A query that fails on the replica after that (the replica went away mid-request, a hot
  standby's recovery conflict cancelled it) is noted by an execute wrapper; the view's exception
  reaches `process_exception`, which marks the replica unhealthy and runs the view again on
  `default`, provided nothing was written (a GET of a read-only view: running it again is safe).
Each request served from `default` for one of these reasons counts as `replica_fallbacks` in
wic.degraded (logged at most once a minute).

The allow-lists name URL names as strings: the core imports no app (.importlinter).
"""
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, Error, InterfaceError, OperationalError, connections

from . import degraded

REPLICA = "replica"
UNHEALTHY_SECONDS = 30.0
FALLBACK_KIND = "replica_fallbacks"

# Public pages: for anonymous visitors only (a signed-in visitor's page carries their stars).
ANONYMOUS_PAGES = frozenset({
    "agenda:editions",  # the editions' timeline
    "agenda:edition",
    "agenda:agenda",
    "agenda:session",
    "people:directory",
    "people:person",
    "expo:directory",
})
# The same for everyone, signed in or not: the schedule exports and the API's list endpoints of
# read-only viewsets (public fields only). Router names: `<basename>-list` (wic/urls.py).
ANY_USER_VIEWS = frozenset({
    "agenda:ics",
    "agenda:schedule-json",
    "agenda:schedule-xml",
    "edition-list",
    "session-list",
    "hall-list",
    "person-list",
    "organization-list",
    "award-programme-list",
})
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Always read from `default`, whatever the request: who is signed in and what they may do.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "axes", "admin"})
PRIMARY_ONLY_MODELS = frozenset({"wic.apitoken"})


@dataclass
class RequestState:
    replica: bool = False  # marked replica-safe by the middleware
    request: str = ""  # "GET /path", for the degraded log
    checked: bool = False  # the replica's connection was checked (or found unhealthy) in this request
    wrote: bool = False  # a write was routed in this request: read from default from now on
    used_replica: bool = False  # a read was routed to the replica
    replica_failed: bool = False  # a query failed on the replica (connection or server, not SQL)
    watching: bool = False  # _watch is among the replica connection's execute wrappers


# One per request (ReplicaMiddleware.__call__ sets it and resets it at the end). A mutable object,
# so what process_view and the router change is seen by the whole request even where asgiref
# runs a part of it in another thread with a copy of the context.
_state: ContextVar[RequestState | None] = ContextVar("wic_replica_request", default=None)
_primary_only: ContextVar[bool] = ContextVar("wic_replica_primary_only", default=False)

_unhealthy_until = 0.0  # time.monotonic() before which this process does not use the replica
_health_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_unhealthy() -> bool:
    return time.monotonic() < _unhealthy_until


def mark_unhealthy() -> None:
    """Use `default` only, in this process, for the next UNHEALTHY_SECONDS."""
    global _unhealthy_until
    with _health_lock:
        _unhealthy_until = time.monotonic() + UNHEALTHY_SECONDS


def reset_health() -> None:
    """Tests only: forget that the replica failed."""
    global _unhealthy_until
    with _health_lock:
        _unhealthy_until = 0.0


@contextmanager
def primary():
    """Every read of the block from `default`, even in a replica-safe request (for a page about to
    be cached under a new version, say)."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


def in_transaction(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """True inside `atomic()` on `alias` (not counting the blocks a test case opens around each
    test) or with autocommit switched off."""
    connection = connections[alias]
    if connection.in_atomic_block:
        return any(not block._from_testcase for block in connection.atomic_blocks)
    return connection.connection is not None and not connection.autocommit


class ReplicaRouter:
    """DATABASE_ROUTERS entry (only with a replica configured): the rules of the module docstring."""

    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.replica or state.wrote or _primary_only.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return None
        if in_transaction() or not self._replica_up(state):
            return None
        state.used_replica = True
        return REPLICA

    @staticmethod
    def _replica_up(state: RequestState) -> bool:
        """Checked once per request, at its first read for the replica (a page served from the
        cache never connects): False, counted, when the replica failed a moment ago or fails now."""
        if state.checked:
            return state.replica
        state.checked = True
        if replica_unhealthy():
            state.replica = False
            degraded.record(FALLBACK_KIND, f"{state.request}: the replica failed less than {UNHEALTHY_SECONDS:.0f} s ago", warn=False)
            return False
        reason = _replica_answers()
        if reason:
            state.replica = False
            mark_unhealthy()
            degraded.record(FALLBACK_KIND, f"{state.request}: the replica does not answer ({reason})")
            return False
        return True

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _replica_answers() -> str:
    """'' when the replica's connection is up (checked as Django checks a kept connection, opened
    when there is none), else the reason it is not."""
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Error as error:
        return str(error) or error.__class__.__name__
    return ""


class ReplicaMiddleware:
    """Marks the replica-safe requests (after AuthenticationMiddleware: it asks whether the visitor
    is signed in), and serves a request whose replica read failed from `default`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = RequestState()
        token = _state.set(state)
        try:
            return self.get_response(request)
        finally:
            if state.watching:
                self._unwatch(state)
            _state.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        if state is None or not self.replica_safe(request):
            return None
        state.replica = True
        state.request = f"{request.method} {request.path}"
        request._replica_view = (view_func, view_args, view_kwargs)
        # First in the list: the outermost wrapper, which sees a failure from any other.
        connections[REPLICA].execute_wrappers.insert(0, self._watch)
        state.watching = True
        return None

    def process_exception(self, request, exception):
        state = _state.get()
        if state is None or not state.replica_failed or not isinstance(exception, Error):
            return None
        state.replica = False  # whatever happens next, this request reads from default
        self._unwatch(state)
        mark_unhealthy()
        degraded.record(FALLBACK_KIND, f"{state.request}: a query failed on the replica ({exception})")
        if state.wrote:  # the view wrote before it failed: running it again could write twice
            return None
        view_func, view_args, view_kwargs = request._replica_view
        return view_func(request, *view_args, **view_kwargs)

    @staticmethod
    def replica_safe(request) -> bool:
        if request.method not in SAFE_METHODS or not replica_configured():
            return False
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in ANY_USER_VIEWS:
            return True
        return name in ANONYMOUS_PAGES and not request.user.is_authenticated

    @staticmethod
    def _watch(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError):
            state = _state.get()
            if state is not None:
                state.replica_failed = True
            raise

    def _unwatch(self, state: RequestState) -> None:
        wrappers = connections[REPLICA].execute_wrappers
        if self._watch in wrappers:
            wrappers.remove(self._watch)
        state.watching = False
