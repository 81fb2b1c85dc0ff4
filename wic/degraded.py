"""What degraded in this process: counters, one warning now and then, and a way to ask whether
the cache failed during a piece of code (STYLE habit 11: a part that degrades is logged and
counted, and the request still succeeds).

The counters are process-local: each gunicorn worker (and each Celery worker) counts its own
since it started, and `/healthz` shows the counters of the worker that answered it, with the
time that worker started (docs/deploy.md, "When the cache is down"). They are meant to show that
something degraded and how much, not to be summed exactly across a deployment.

Kinds counted:
- `cache_errors`: cache operations that failed (Redis refused, timed out or answered an error);
- `cache_skipped`: operations not even tried because the cache failed a moment ago
  (wic.cache's breaker: no request waits for a connect timeout again and again);
- `rate_limits_open`: throttles and rate limits that let a request through because the cache
  could not count it (registration, scans, public forms, password reset, failed scans);
- `agenda_uncached`: public agenda pages and exports rendered without the cache;
- `tasks_not_queued`: Celery tasks that could not be handed to the broker (wic.queueing; an
  email's outbox row stays queued for the sweep);
- `tasks_deferred`: tasks run eagerly (no Redis) that asked to be retried, such as an email the
  mail server refused;
- `replica_fallbacks`: requests the read replica should have served that read from the primary
  because the replica failed (or failed less than 30 s before: wic.db_router). Only with a
  replica configured (`DATABASE_REPLICA_URL`) is it among the counters `snapshot()` gives.
"""
import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger("wic.degraded")

KINDS = ("cache_errors", "cache_skipped", "rate_limits_open", "agenda_uncached", "tasks_not_queued", "tasks_deferred")
REPLICA_KINDS = ("replica_fallbacks",)  # in snapshot() when the "replica" database is configured
WARN_EVERY = 60.0  # seconds: at most one warning per kind and process in this time

_counts: Counter = Counter()
_last_warned: dict[str, float] = {}
_unwarned: Counter = Counter()  # occurrences since the last warning of the kind
_lock = threading.Lock()
_started = time.time()
# Inside `cache_watch()`: the list every cache failure of this thread (or task) is appended to.
_watching: ContextVar[list | None] = ContextVar("wic_cache_watch", default=None)


def record(kind: str, detail: str = "", *, warn: bool = True) -> None:
    """Count one occurrence of `kind`; log a warning (no traceback) for the first one and then at
    most once per WARN_EVERY seconds, saying how many happened in between."""
    now = time.monotonic()
    detail = detail[:300].encode("unicode_escape").decode("ascii")  # one line, whatever a request put in it
    with _lock:
        _counts[kind] += 1
        _unwarned[kind] += 1
        due = warn and now - _last_warned.get(kind, -WARN_EVERY) >= WARN_EVERY
        if due:
            _last_warned[kind] = now
            times, total, _unwarned[kind] = _unwarned[kind], _counts[kind], 0
    if due:
        logger.warning("degraded: %s (%d since the last warning, %d since the process started)%s", kind, times, total, f": {detail}" if detail else "")


def cache_failed(kind: str, detail: str = "", *, warn: bool = True) -> None:
    """A cache operation failed or was skipped (kind `cache_errors` or `cache_skipped`): counted,
    and noted for the enclosing `cache_watch()`, if any."""
    record(kind, detail, warn=warn)
    watching = _watching.get()
    if watching is not None:
        watching.append(kind)


@contextmanager
def cache_watch():
    """`with cache_watch() as failed: ...`; afterwards `failed()` is True when a cache operation
    of the block failed or was skipped, i.e. its answer was a default rather than the cache's."""
    failures: list = []
    token = _watching.set(failures)
    try:
        yield lambda: bool(failures)
    finally:
        _watching.reset(token)


def snapshot() -> dict:
    """The counters of this process, for /healthz: every kind (0 when nothing happened), the
    process id and when the process started counting."""
    import os
    from datetime import UTC, datetime

    from django.conf import settings
    from django.utils import timezone

    kinds = KINDS + (REPLICA_KINDS if "replica" in settings.DATABASES else ())
    with _lock:
        counts = {kind: _counts[kind] for kind in kinds}
    since = timezone.localtime(datetime.fromtimestamp(_started, tz=UTC)).isoformat(timespec="seconds")
    return {**counts, "process": os.getpid(), "since": since}


def reset() -> None:
    """Tests only: forget every count and warning."""
    with _lock:
        _counts.clear()
        _unwarned.clear()
        _last_warned.clear()
