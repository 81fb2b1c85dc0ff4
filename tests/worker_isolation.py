"""Each pytest-xdist worker gets its own Redis database (loaded with `-p` from pytest.ini, so
before Django reads its settings).

The suite runs on two workers (`-n 2` in pytest.ini). On PostgreSQL, pytest-django already gives
each worker its own test database (test_test_gw0, test_test_gw1). Redis is shared, though: the
cache and the Celery broker live in the database that REDIS_URL names. Without this, one worker's
`cache.clear()` (FLUSHDB) would drop the tasks queued by the other worker's real Celery worker,
and a Celery worker started by one test would take the tasks of another.

So worker gwN uses database base + 1 + N of the same server: with REDIS_URL=redis://host:6379/0,
gw0 uses /1 and gw1 uses /2. The processes the tests start (gunicorn, celery workers) inherit
the rewritten variables. Without xdist (`-n 0`) nothing changes."""
import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw"):
    for _name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        _url = os.environ.get(_name, "")
        if _url.startswith(("redis://", "rediss://")):
            _match = re.search(r"/(\d+)$", _url)
            _base = int(_match.group(1)) if _match else 0
            _prefix = _url[: _match.start()] if _match else _url.rstrip("/")
            os.environ[_name] = f"{_prefix}/{_base + 1 + int(_worker[2:])}"
