"""Prepared statements for the few statements a hot path sends on every request.

Django's PostgreSQL cursors bind values on the client: each statement reaches PostgreSQL as text
with its values written in, so PostgreSQL plans it anew every time. For a gate's scan that
planning cost more than running the statements: 0.95 ms of PostgreSQL's CPU per scan for the
token and credential reads planned each time, 0.15 ms once prepared (measured on this machine,
3,000 of each). `prepared_cursor()` gives Django's cursor (query logging, error wrapping and the
connection health check included) over a psycopg cursor that binds on the server and prepares
each statement on the connection the first time it runs it; later runs reuse the plan.

Only for statements whose text is fixed (written once per process, values as parameters), so the
connection's prepared statements stay few (psycopg keeps at most 100 per connection, LRU). A
connection pooler in transaction mode must keep prepared statements per client connection
(PgBouncer 1.21+ with max_prepared_statements), or be left out; see docs/deploy.md.

The statements name their columns (no `SELECT *`), so a migration that adds columns leaves them
valid: PostgreSQL replans a prepared statement when a table it reads changes. One that changes the
type of a column they return would fail them until the workers reload, as the release steps in
docs/deploy.md do right after `migrate`.

On other databases (SQLite), the usual cursor.
"""
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections


@cache
def _postgresql():
    """The prepared cursor class and what Django's create_cursor() uses to set a cursor's time
    zone (imported on first use: psycopg is only there with PostgreSQL)."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, ServerBindingCursor
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    def set_timezone(db, cursor):
        if db.timezone != cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(db.timezone, cursor)

    return PreparedCursor, set_timezone


def prepared_cursor():
    """A cursor (use it as a context manager) whose statements PostgreSQL prepares once per
    connection; the usual cursor on other databases."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    if db.vendor != "postgresql":
        return db.cursor()
    cursor_class, set_timezone = _postgresql()
    # What db.cursor() does, with another psycopg cursor class.
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        raw = cursor_class(db.connection)
    set_timezone(db, raw)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
