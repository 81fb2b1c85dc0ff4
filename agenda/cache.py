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

The agenda day page's uncached render (issue 26) is made of parts cached by a digest of what
they show, never by the edition's version (every edit changes that, and every part would be
rendered again), so a render after an edit (a page miss) renders what the edit changed only:

- the session cards, one by one (`day_cards`): a card's key is a digest of its session's rows as
  agenda.day_rows reads them (title, kind, access, times, hall and venue, board, organizations,
  people, their translations and provenance), the card templates' source, the compiled
  translations and the page's code (`_card_templates_digest`: a release that changes them
  changes every key), the language and the time zone. A card is rendered from those same rows, in instances that can
  show nothing else (agenda.day_rows.card_sessions). What differs per visitor or per page stays
  out of the fragment: the star's state (`aria-pressed`) and the card's place in the day's grid
  are written into it at each render (agenda.templatetags.agenda_cards.card_html). Cards live in
  `card_store()`.
- the frame, the page but for its cards (`framed`): keyed by a digest of everything else the page
  shows (its address, which the language links hold; the edition; the filter choices; the day
  tabs and their counts; the day's timetable: its halls, rows and time labels; the language and
  the time zone) and of the release (`_frame_release_digest`: the page's templates, the
  translations, Django and the static files' manifest). Anonymous pages only: a signed-in
  visitor's page names them and is rendered whole (its cards still from the card store).
- the filter form (`fragment`), which most pages of an edition share, for frames rendered anew.
Frames and forms live in the default cache, beside the pages. The agenda page's entry itself is
also keyed by the release digest: a release that changes its templates is served at once.

With the cache down, cards and frames are rendered and not stored. The setting
AGENDA_CARD_CACHE = False turns all of this off: the page then loads every session of the
edition and renders every card, as before issue 26 (kept for bench/agenda_cold.py's side-by-side
comparison).
"""
import functools
import hashlib
import threading
from itertools import chain
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils.safestring import SafeData, mark_safe

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
    """The cache key of a page, or None when the versions cannot be read (render it uncached). The
    agenda page's key also names the release its frame and cards come from (`_frame_release_digest`):
    a release that changes its templates or translations is served at once."""
    version = agenda_version(year)
    if version is None:
        return None
    digest = hashlib.sha1(query.encode()).hexdigest()[:16]
    release = f":{_frame_release_digest()}" if kind == "agenda" else ""
    return f"agenda:{kind}:{year}:{language}:{version}{release}:{digest}"


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


def _marker(name: str):
    """A fixed HTML comment (`name` is one of this module's constants) marking where a part of a
    page goes: escaped text cannot contain "<", so nothing else in a render can be taken for it."""
    return mark_safe(f"<!--{name}-->")


CARD_TEMPLATE = "agenda/includes/session_card.html"
CARD_TEMPLATES = (CARD_TEMPLATE, "agenda/includes/when.html")  # the card and what it includes
# Where the per-visitor and per-page parts go: the card template writes this instead of its place
# in the grid and of its star's state when given `card_slots`. Escaped text cannot contain "<".
CARD_SLOT = _marker("card-slot")
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


# The code that shapes what the agenda page's cards and frame show (choice labels, the bilingual
# tags, the filter's fields, the grid's layout), beside its templates: part of the release digests.
PAGE_CODE = (
    "agenda.day_rows", "agenda.enums", "agenda.filters", "agenda.models", "agenda.timetable", "agenda.views",
    "agenda.templatetags.agenda_cards", "wic.context_processors", "wic.i18n", "wic.templatetags.wic_bilingual",
    "wic.templatetags.wic_tags",
)


@functools.cache
def _card_templates_digest() -> str:
    """The card templates' source, the compiled translations and the source of the page's code
    (PAGE_CODE): a release that changes any of them changes every card's key, so no card of the
    release before is served after it."""
    from importlib.util import find_spec
    from pathlib import Path

    from django.template.loader import get_template

    digest = hashlib.blake2b(digest_size=8)
    digest.update("\0".join(get_template(name).template.source for name in CARD_TEMPLATES).encode())
    for path in sorted(Path(p) for p in settings.LOCALE_PATHS):
        for mo in sorted(path.glob("*/LC_MESSAGES/django.mo")):
            digest.update(mo.read_bytes())
    for module in PAGE_CODE:
        digest.update(Path(find_spec(module).origin).read_bytes())
    return digest.hexdigest()


def card_key(row, year, language: str, zone: str, roles: list, appearances: list) -> str:
    """The key of a card: a digest of everything it shows of its session, as read by
    agenda.day_rows (its DayRow, with hall, venue and board, and the rows of its organizations'
    roles and its people's appearances, as the driver gives them), the edition's year (in its
    links), with the card templates' and translations' digest, the language and the time zone.
    A card is rendered from those same rows (agenda.day_rows.card_sessions, in FETCH_RAISE mode:
    it can show nothing they do not hold)."""
    shown = (_card_templates_digest(), language, zone, year, tuple(row), roles, appearances)
    return f"agenda:card:{row[0]}:{hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()}"


def render_card(session, edition) -> tuple[str, str, str]:
    """The card of `session` in the active language, cut where the visitor's and the page's parts
    go: (up to its place in the grid, up to its star's state, the rest)."""
    from django.template.loader import get_template

    html = get_template(CARD_TEMPLATE).render({"s": session, "edition": edition, "card_slots": CARD_SLOT})
    head, middle, tail = html.split(CARD_SLOT)
    return head, middle, tail


def day_cards(rows, roles, appearances, edition, language: str) -> dict[int, tuple[str, str, str]]:
    """The cards (see render_card) of the day's sessions, {session id: card}: `rows` are their
    agenda.day_rows.day_rows, `roles` and `appearances` their agenda.day_rows.card_detail_rows.
    Cards are read from the card store in one round trip; the missing ones are rendered (instances
    made for them alone, from the rows) and stored in one more. With the cache down, every card is
    rendered and none stored."""
    from django.utils import timezone

    from .day_rows import card_sessions

    if not rows:
        return {}
    zone = timezone.get_current_timezone_name()
    shown = {row[0]: ([], []) for row in rows}
    for row in roles:
        shown[row[0]][0].append(row)
    for row in appearances:
        shown[row[0]][1].append(row)
    keys = {row[0]: card_key(row, edition.year, language, zone, *shown[row[0]]) for row in rows}
    store = card_store()
    with cache_watch() as failed:
        found = store.get_many(list(keys.values()))
    missing = [row for row in rows if keys[row[0]] not in found]
    fresh = {keys[session.pk]: render_card(session, edition) for session in card_sessions(rows, missing, roles, appearances)}
    if fresh and not failed():
        store.set_many(fresh, TTL)
    return {pk: found.get(key) or fresh[key] for pk, key in keys.items()}


# --- the page frame (issue 26) ----------------------------------------------------------------------

# Where the cards go in a frame: the frame is the page rendered with this in place of the grid's
# cards and of each period's list. Escaped text cannot contain "<".
FRAME_SLOT = _marker("agenda-cards")
FILTERS_TEMPLATE = "agenda/includes/agenda_filters.html"
FRAME_TEMPLATES = ("agenda/agenda.html", FILTERS_TEMPLATE, "base.html")


@functools.cache
def _frame_release_digest() -> str:
    """What a release may change in a frame besides its inputs: the page's templates, the compiled
    translations and the page's code (as the cards': `_card_templates_digest`), Django (its form
    widgets' templates) and the static files' manifest (the frame holds their hashed URLs)."""
    import django
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.template.loader import get_template

    digest = hashlib.blake2b(digest_size=8)
    digest.update("\0".join(get_template(name).template.source for name in FRAME_TEMPLATES).encode())
    digest.update(f"{_card_templates_digest()}:{django.get_version()}:{getattr(staticfiles_storage, 'manifest_hash', '')}".encode())
    return digest.hexdigest()


def frame_key(kind: str, language: str, inputs: tuple) -> str:
    """The key of a page frame: a digest of everything the page shows outside its cards (`inputs`,
    the caller's), the release's (`_frame_release_digest`) and the language."""
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"agenda:frame:{kind}:{language}:{_frame_release_digest()}:{digest}"


def fragment(kind: str, language: str, inputs: tuple, render) -> str:
    """A part of a page keyed, as a frame, by a digest of everything it shows (`inputs`): from the
    cache, else `render()`, stored (the agenda's filter form, whose choices and values most of an
    edition's pages share: a frame rendered after a change elsewhere reuses it)."""
    key = frame_key(kind, language, inputs)
    with cache_watch() as failed:
        html = cache.get(key)
    if not isinstance(html, SafeData):  # a template's render, kept as such (pickled with its class)
        html = render()
        if not failed():
            with cache_watch():
                cache.set(key, html, TTL)
    return html


def framed(key: str, render, slots: list[list]) -> str:
    """The page whose frame is keyed `key`, with its `slots` (lists of cards' HTML, in the page's
    order) written into it. The frame is read from the cache; where it is missing,
    `render(fillers)` renders the page with [FRAME_SLOT] as each slot's cards, and the frame is cut
    there and stored. Frames live in the default cache, beside the pages (one per page, as the
    pages)."""
    with cache_watch() as failed:
        parts = cache.get(key)
    if not isinstance(parts, list) or len(parts) != len(slots) + 1:
        parts = render([[FRAME_SLOT]] * len(slots)).split(FRAME_SLOT)
        if len(parts) != len(slots) + 1:  # a slot the template did not write: no frame
            return render(slots)
        if not failed():
            with cache_watch():
                cache.set(key, parts, TTL)
    return "".join(chain.from_iterable(zip(parts, ["".join(cards) for cards in slots] + [""])))
