"""Versioned caching of the public agenda, the pretalx way.

Every cached agenda page or export is keyed by the edition's agenda version and a global
version. Any change to a session, board or outcome of an edition gives that edition a new
version; a change to a hall, venue, organization or edition gives everything a new version. So
an edit shows at once, and stale entries simply age out. Reading the versions is one cache
round trip and no SQL.

When the cache is down, pages are rendered for each request and not cached (counted as
`agenda_uncached`, wic.degraded), and a version that could not be bumped is bumped when the cache
answers again.
"""
import hashlib
import threading
from uuid import uuid4

from django.core.cache import cache

from wic.degraded import cache_watch

GLOBAL = "agenda-version:global"
TTL = 24 * 3600

# Version keys this process failed to bump (the cache was down during an edit). Each is bumped as
# soon as the cache answers again here, or the pages cached before the outage, still in a Redis
# that kept its data, would be served as current. Process-local: see docs/deploy.md.
_pending: set[str] = set()
_pending_lock = threading.Lock()


def _edition_key(year) -> str:
    return f"agenda-version:{year}"


def _bump(key: str) -> None:
    with cache_watch() as failed:
        cache.set(key, uuid4().hex[:12], None)
    with _pending_lock:
        (_pending.add if failed() else _pending.discard)(key)


def _bump_pending() -> None:
    if _pending:
        for key in list(_pending):
            _bump(key)


def agenda_version(year) -> str | None:
    """The edition's and the global version, or None when the cache cannot give them (it is
    down): the caller then renders without the cache and stores nothing."""
    _bump_pending()
    keys = [_edition_key(year), GLOBAL]
    with cache_watch() as failed:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                found[key] = uuid4().hex[:12]
                if not cache.add(key, found[key], None):
                    found[key] = cache.get(key) or found[key]
    if failed():
        return None
    return f"{found[keys[0]]}.{found[GLOBAL]}"


def bump_edition(year) -> None:
    _bump(_edition_key(year))


def bump_all() -> None:
    _bump(GLOBAL)


def page_key(kind: str, year, language: str, query: str) -> str | None:
    """The cache key of a page, or None when the versions cannot be read (render it uncached)."""
    version = agenda_version(year)
    if version is None:
        return None
    digest = hashlib.sha1(query.encode()).hexdigest()[:16]
    return f"agenda:{kind}:{year}:{language}:{version}:{digest}"


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'
