"""Versioned caching of the public agenda, the pretalx way.

Every cached agenda page or export is keyed by the edition's agenda version and a global
version. Any change to a session, board or outcome of an edition gives that edition a new
version; a change to a hall, venue, organization or edition gives everything a new version. So
an edit shows at once, and stale entries simply age out. Reading the versions is one cache
round trip and no SQL.

When the cache is down, pages are rendered for each request and not cached (counted as
`agenda_uncached`, wic.degraded), and a version that could not be bumped is bumped when the cache
answers again.

A page entry keeps its ETag, computed once when the entry is stored (`page_entry`).

The agenda page's session cards are cached one by one (issue 26, `attach_cards`), so a render
after an edit (a new edition version, so a page miss) re-renders the edited card only. A card's
key is a digest of everything the card shows of its session (title, kind, access, times, hall and
venue, board, organizations, key speakers, their translations and provenance), the card
templates' source, the language and the time zone: an edit gives the card a new key, and nothing
needs to be invalidated. The edition's version is not part of it: every edit changes that, and
every card would be re-rendered. What differs per visitor or per page stays out of the fragment:
the star's state (`aria-pressed`) and the card's place in the day's grid are written around it at
each render (agenda.templatetags.agenda_cards). With the cache down, cards are rendered and not
stored. The setting AGENDA_CARD_CACHE = False turns the card cache off, and with it the grouped
count of the day tabs: the page then loads every session of the edition as before issue 26
(kept for bench/agenda_cold.py's side-by-side comparison).
"""
import functools
import hashlib
import threading
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.safestring import mark_safe

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


def page_entry(content: bytes, content_type: str) -> dict:
    """What the cache keeps of a page: its body, type and ETag (hashed once, here, not per hit)."""
    return {"content": content, "type": content_type, "etag": etag_for(content)}


def entry_etag(entry: dict) -> str:
    """The ETag stored with a page entry (hashed from the body for an entry stored without one,
    by a process of the version before)."""
    return entry.get("etag") or etag_for(entry["content"])


# --- session cards (issue 26) ---------------------------------------------------------------------

CARD_TEMPLATE = "agenda/includes/session_card.html"
CARD_TEMPLATES = (CARD_TEMPLATE, "agenda/includes/when.html")  # the card and what it includes
# Where the per-visitor and per-page parts go: the card template writes this instead of its place
# in the grid and of its star's state when given `card_slots`. Escaped text cannot contain "<".
CARD_SLOT = mark_safe("<!--card-slot-->")
CARD_MAX_ENTRIES = 5000  # the local-memory card store: a few editions' cards in both languages


def cards_enabled() -> bool:
    """Whether the agenda page caches its cards and counts its tabs in one grouped query
    (setting AGENDA_CARD_CACHE, default True; False: the page as before issue 26)."""
    return getattr(settings, "AGENDA_CARD_CACHE", True)


def card_store():
    """Where cards are kept: the default cache (Redis, shared by the workers), except when that is
    Django's local-memory cache (no REDIS_URL), whose 300 entries the cards of one day in two
    languages would fill, pushing out pages, versions and rate-limit counters: then a local-memory
    cache of their own, per process."""
    default = caches["default"]
    if isinstance(default, LocMemCache):
        return _local_card_store()
    return default


@functools.cache
def _local_card_store() -> LocMemCache:
    return LocMemCache("wic-agenda-cards", {"TIMEOUT": TTL, "OPTIONS": {"MAX_ENTRIES": CARD_MAX_ENTRIES}})


@functools.cache
def _card_templates_digest() -> str:
    """The card templates' source and the compiled translations (a release that changes either
    changes every card's key, so no card of the release before is served after it)."""
    from pathlib import Path

    from django.template.loader import get_template

    digest = hashlib.blake2b(digest_size=8)
    digest.update("\0".join(get_template(name).template.source for name in CARD_TEMPLATES).encode())
    for path in sorted(Path(p) for p in settings.LOCALE_PATHS):
        for mo in sorted(path.glob("*/LC_MESSAGES/django.mo")):
            digest.update(mo.read_bytes())
    return digest.hexdigest()


def _names(obj, field: str = "name"):
    if obj is None:
        return None
    return (getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en"), obj.translation_provenance)


def card_inputs(session, year, details: tuple) -> tuple:
    """Everything the card of `session` (from sessions_for_agenda) shows, for its key: its own
    fields, hall, venue and board, and its `details` (agenda.selectors.card_details: the rows of
    its organizations and people). When the card template shows something new, add it here or
    to those rows (tests/agenda/test_agenda_fragments.py checks each edit)."""
    s, hall = session, session.hall
    return (
        year, s.pk, s.kind, s.access, s.closed_door, _names(s, "title"), s.start, s.end, s.period,
        hall and (_names(hall), hall.room, _names(hall.venue)),
        _names(s.board),
        details,
    )


def card_key(session, year, language: str, zone: str, details: tuple) -> str:
    digest = hashlib.blake2b(repr(card_inputs(session, year, details)).encode(), digest_size=12).hexdigest()
    return f"agenda:card:{language}:{session.pk}:{_card_templates_digest()}:{zone}:{digest}"


def render_card(session, edition) -> tuple[str, str, str]:
    """The card of `session` in the active language, cut where the visitor's and the page's parts
    go: (up to its place in the grid, up to its star's state, the rest)."""
    from django.template.loader import get_template

    html = get_template(CARD_TEMPLATE).render({"s": session, "edition": edition, "card_slots": CARD_SLOT})
    head, middle, tail = html.split(CARD_SLOT)
    return head, middle, tail


def attach_cards(sessions: list, edition, language: str, details: dict) -> list:
    """Give each session (from sessions_for_agenda) `card_parts`, its card (see render_card), from
    the card store where it is there, rendered and stored otherwise (one round trip to read them
    all, one to store the new ones). `details` are the sessions' agenda.selectors.card_details:
    only the sessions whose cards are rendered get instances made of them. Returns the keys of
    the cards it rendered. With the cache down, the cards are rendered and not stored."""
    from django.utils import timezone

    from .selectors import with_card_details

    if not sessions:
        return []
    zone = timezone.get_current_timezone_name()
    keys = [card_key(s, edition.year, language, zone, details[s.pk]) for s in sessions]
    store = card_store()
    with cache_watch() as failed:
        found = store.get_many(keys)
    missing = [(session, key) for session, key in zip(sessions, keys) if key not in found]
    with_card_details([session for session, _key in missing], details)
    fresh = {key: render_card(session, edition) for session, key in missing}
    for session, key in zip(sessions, keys):
        session.card_parts = found.get(key) or fresh[key]
    if fresh and not failed():
        store.set_many(fresh, TTL)
    return list(fresh)
