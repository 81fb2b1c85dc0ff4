"""Reads of people: the protocol order of a session's people, an edition's directory."""
from django.db.models import Prefetch, QuerySet

from .enums import ROLE_ORDER, AppearanceStatus
from .models import Appearance, Person
from .search import person_search_q

SHOWN = (AppearanceStatus.CONFIRMED, AppearanceStatus.APPEARED)


def protocol_key(appearance: Appearance) -> tuple:
    """Role by role in protocol order, then by the person's precedence, then as entered."""
    return (ROLE_ORDER.get(appearance.role, len(ROLE_ORDER)), appearance.person.precedence, appearance.sort_order, appearance.pk)


def in_protocol_order(appearances) -> list[Appearance]:
    return sorted(appearances, key=protocol_key)


def public_appearances() -> QuerySet[Appearance]:
    """What the public sees: confirmed and past appearances, with their person (one query)."""
    return Appearance.objects.filter(status__in=SHOWN).select_related("person")


def published_appearances() -> QuerySet[Appearance]:
    """Public appearances in published agenda items of published editions, with the person, the
    item and its edition (one query): what a person page and the people API list."""
    return public_appearances().filter(session__is_published=True, session__edition__is_published=True).select_related("session__edition")


def person_for_page(pk: int) -> Person | None:
    """The person with at least one published appearance, their appearances newest edition first
    (within an edition by day, then by the agenda's order), or None (2 queries)."""
    from django.db.models import F

    appearances = published_appearances().filter(person_id=pk).order_by(
        "-session__edition__year", F("session__date").desc(nulls_last=True), "-session__sort_key", "session__sort_order", "session_id", "sort_order", "pk"
    )
    person = Person.objects.filter(pk=pk).prefetch_related(Prefetch("appearances", queryset=appearances, to_attr="shown_appearances")).first()
    if person is None or not person.shown_appearances:
        return None
    return person


def edition_people_facets(edition) -> tuple[list[str], list[str]]:
    """The roles (in protocol order) and country codes of the edition's people: the directory's
    filter choices (one query)."""
    rows = set(
        Appearance.objects.filter(session__edition=edition, session__is_published=True, status__in=SHOWN)
        .values_list("role", "person__country").distinct().order_by()
    )
    roles = sorted({role for role, _country in rows}, key=lambda r: ROLE_ORDER.get(r, len(ROLE_ORDER)))
    return roles, sorted({country for _role, country in rows if country})


def edition_appearances_prefetch(edition) -> Prefetch:
    """For a queryset of people: their public appearances in the edition's published items, with
    the item, as `edition_appearances` (one query whatever the rows)."""
    queryset = public_appearances().filter(session__edition=edition, session__is_published=True).select_related("session")
    return Prefetch("appearances", queryset=queryset.order_by("session__date", "session__sort_key", "session_id", "sort_order", "pk"), to_attr="edition_appearances")


def appearances_prefetch(lookup: str = "appearances") -> Prefetch:
    """For a queryset of sessions: their public appearances (one query whatever the rows); order
    them with `in_protocol_order`."""
    return Prefetch(lookup, queryset=public_appearances(), to_attr="public_appearances")


def people_of_edition(edition, *, query: str = "", role: str = "", country: str = "") -> QuerySet[Person]:
    """The people who appear in the edition's agenda, filtered by a search, a role, a country."""
    appearances = Appearance.objects.filter(session__edition=edition, session__is_published=True, status__in=SHOWN)
    if role:
        appearances = appearances.filter(role=role)
    people = Person.objects.filter(pk__in=appearances.values("person_id"))
    if query:
        people = people.filter(person_search_q(query))
    if country:
        people = people.filter(country=country)
    return people.order_by("precedence", "sort_name", "pk")
