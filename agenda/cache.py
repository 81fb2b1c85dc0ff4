"""Versioned caching of the public agenda, the pretalx way.

Every cached agenda page or export is keyed by the edition's agenda version and a global
version. Any change to a session, board or outcome of an edition gives that edition a new
version; a change to a hall, venue, organization or edition gives everything a new version. So
an edit shows at once, and stale entries simply age out. Reading the versions is one cache
round trip and no SQL.
"""
import hashlib
from uuid import uuid4

from django.core.cache import cache

GLOBAL = "agenda-version:global"
TTL = 24 * 3600


def _edition_key(year) -> str:
    return f"agenda-version:{year}"


def agenda_version(year) -> str:
    keys = [_edition_key(year), GLOBAL]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            found[key] = uuid4().hex[:12]
            if not cache.add(key, found[key], None):
                found[key] = cache.get(key) or found[key]
    return f"{found[keys[0]]}.{found[GLOBAL]}"


def bump_edition(year) -> None:
    cache.set(_edition_key(year), uuid4().hex[:12], None)


def bump_all() -> None:
    cache.set(GLOBAL, uuid4().hex[:12], None)


def page_key(kind: str, year, language: str, query: str) -> str:
    digest = hashlib.sha1(query.encode()).hexdigest()[:16]
    return f"agenda:{kind}:{year}:{language}:{agenda_version(year)}:{digest}"


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'
