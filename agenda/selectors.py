"""Reads of the agenda, each owning its joins so no caller queries per row."""
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, prefetch_related_objects

from people.selectors import appearances_prefetch, in_protocol_order, public_appearances
from wic.models import Edition, EditionOrganization

from .models import Board, Hall, Outcome, Session, SessionOrganization

# By day (an item without a day, whose scope is the whole edition, after the days), then time.
SESSION_ORDER = (F("date").asc(nulls_last=True), "sort_key", "sort_order", "id")


def sessions_for_listing() -> QuerySet[Session]:
    """Published sessions with everything a list shows: hall and venue, board, organizations,
    outcomes, and their people's public appearances (`public_appearances`; one query)."""
    return (
        Session.objects.filter(is_published=True, edition__is_published=True)
        .select_related("edition", "hall__venue", "board")
        .prefetch_related(
            Prefetch(
                "organization_roles",
                queryset=SessionOrganization.objects.select_related("organization").order_by("sort_order", "id"),
            ),
            Prefetch("outcomes", queryset=Outcome.objects.order_by("sort_order", "id")),
            appearances_prefetch(),
        )
        .order_by(*SESSION_ORDER)
    )


def halls_for_listing() -> QuerySet[Hall]:
    return Hall.objects.select_related("venue").order_by("venue__name_zh", "sort_order", "name_zh")


def edition_by_year(year: str):
    """The published edition of `year` (a string from the URL), or None for a year that is not
    1 to 4 ASCII digits (wic.inputs.year_or_none) or has no published edition."""
    from wic.inputs import year_or_none
    from wic.models import Edition

    number = year_or_none(year)
    if number is None:
        return None
    return Edition.objects.filter(year=number, is_published=True).select_related("main_venue").first()


def agenda_options(edition):
    """Halls, boards and host organizations that the edition's sessions use: the filter choices."""
    from wic.enums import OrganizationRole
    from wic.models import Organization

    from .models import Board

    halls = list(
        Hall.objects.filter(sessions__edition=edition, sessions__is_published=True)
        .select_related("venue")
        .distinct()
        .order_by("venue__name_zh", "sort_order", "name_zh")
    )
    boards = list(Board.objects.filter(edition=edition).order_by("number", "key"))
    hosts = list(
        Organization.objects.filter(
            session_roles__session__edition=edition, session_roles__role=OrganizationRole.HOST
        ).distinct().order_by("name_zh")
    )
    return halls, boards, hosts


@dataclass
class AgendaDays:
    """The agenda's day tabs: every day of the edition, any other day a session falls on (the expo
    opening the day before), the days of items before the summit (`pre_event`, listed apart),
    and whether some items have no day at all (their scope is the edition: a tab of their own)."""

    days: list  # every dated day, in order
    pre_event: set = field(default_factory=set)  # days that only pre-event items fall on
    undated: bool = False

    def __iter__(self):
        return iter(self.days)

    def __contains__(self, day) -> bool:
        return day in self.days or (day == UNDATED and self.undated)

    @property
    def summit_days(self) -> list:
        return [d for d in self.days if d not in self.pre_event]


UNDATED = "undated"  # the `day` of the tab of items without a day


def agenda_days(edition) -> AgendaDays:
    """The edition's day tabs (one query)."""
    rows = set(Session.objects.filter(edition=edition, is_published=True).values_list("date", "pre_event").distinct().order_by())
    return _days_of(edition, rows)


def _days_of(edition, rows: set) -> AgendaDays:
    """The tabs from the edition's days and the (date, pre_event) pairs of its published sessions."""
    main = set(edition.days)  # [] for an edition whose dates the texts do not give
    dated = {day for day, _pre in rows if day is not None}
    summit = main | {day for day, pre in rows if day is not None and not pre}
    return AgendaDays(days=sorted(main | dated), pre_event=dated - summit, undated=any(day is None for day, _pre in rows))


def agenda_day_counts(edition, matching: QuerySet[Session] | None = None) -> tuple[AgendaDays, dict]:
    """The edition's day tabs (as `agenda_days`) and how many sessions each day shows, UNDATED for
    the items without a day: all published ones, or those of `matching` (the filtered agenda) when
    given. One grouped query (date, pre_event → count), whatever the number of sessions."""
    rows = Session.objects.filter(edition=edition, is_published=True).values("date", "pre_event").order_by()
    if matching is None:
        rows = rows.annotate(n=Count("pk"))
    else:
        rows = rows.annotate(n=Count("pk", filter=Q(pk__in=matching.values("pk"))))
    counts: dict = {}
    pairs = set()
    for row in rows:
        pairs.add((row["date"], row["pre_event"]))
        if row["n"]:
            key = UNDATED if row["date"] is None else row["date"]
            counts[key] = counts.get(key, 0) + row["n"]
    return _days_of(edition, pairs), counts


def sessions_of_day(sessions: QuerySet[Session], day) -> QuerySet[Session]:
    """The sessions (from sessions_for_agenda, filtered or not) of one day tab: a date, or UNDATED."""
    return sessions.filter(date__isnull=True) if day == UNDATED else sessions.filter(date=day)


def sessions_for_agenda(edition):
    """The edition's published sessions with hall, venue and board (one query). What only a card
    shows (organizations, people) is fetched by `for_cards` for the sessions on screen: the agenda
    counts its day tabs with `agenda_day_counts` and loads one day's (`sessions_of_day`)."""
    return (
        Session.objects.filter(edition=edition, is_published=True)
        .select_related("hall__venue", "board")
        .order_by(*SESSION_ORDER)
    )


def for_cards(sessions: list) -> list:
    """Give the sessions (from sessions_for_agenda) what their cards show: `card_roles`, their
    organizations' roles, and `public_appearances`, their people's public appearances (one query
    each, whatever the rows), then `with_speakers`. (The agenda page reads the same as rows,
    `card_details`, and makes instances only for the cards it renders: `with_card_details`.)"""
    prefetch_related_objects(
        sessions,
        Prefetch(
            "organization_roles",
            queryset=SessionOrganization.objects.select_related("organization").order_by("sort_order", "id"),
            to_attr="card_roles",
        ),
        appearances_prefetch(),
    )
    return with_speakers(sessions)


# What a card shows of a session's organizations and people, as the rows `card_details` reads.
CARD_ROLE_ROW = ("session_id", "id", "role", "sort_order", "organization_id", "organization__name_zh", "organization__name_en", "organization__translation_provenance")
CARD_APPEARANCE_ROW = ("session_id", "id", "role", "sort_order", "status", "person_id", "person__name_zh", "person__name_en", "person__translation_provenance", "person__precedence")


def card_details(sessions: list) -> dict[int, tuple[list, list]]:
    """What the cards of `sessions` show of their organizations (in their order) and their people
    (public appearances), as plain rows, no model instance: {session id: (role rows, appearance
    rows)}, two queries whatever the rows. The agenda keys its cached cards by them
    (agenda.cache.card_key) and makes instances (`with_card_details`) only for the cards it renders."""
    details: dict[int, tuple[list, list]] = {s.pk: ([], []) for s in sessions}
    if not details:
        return details
    roles = SessionOrganization.objects.filter(session_id__in=list(details)).order_by("sort_order", "id")
    for row in roles.values_list(*CARD_ROLE_ROW):
        details[row[0]][0].append(row)
    for row in public_appearances().filter(session_id__in=list(details)).order_by("sort_order", "id").values_list(*CARD_APPEARANCE_ROW):
        details[row[0]][1].append(row)
    return details


def with_card_details(sessions: list, details: dict) -> list:
    """Give the sessions `card_roles` and `public_appearances` from their `card_details` rows, as
    `for_cards` does from its queries: unsaved instances holding what a card shows (no query),
    then `with_speakers`."""
    from people.models import Appearance, Person
    from wic.models import Organization

    for session in sessions:
        roles, appearances = details.get(session.pk, ((), ()))
        session.card_roles = [
            SessionOrganization(
                id=pk, session_id=session_id, role=role, sort_order=order,
                organization=Organization(id=org_id, name_zh=zh, name_en=en, translation_provenance=provenance),
            )
            for session_id, pk, role, order, org_id, zh, en, provenance in roles
        ]
        session.public_appearances = [
            Appearance(
                id=pk, session_id=session_id, role=role, sort_order=order, status=status,
                person=Person(id=person_id, name_zh=zh, name_en=en, translation_provenance=provenance, precedence=precedence),
            )
            for session_id, pk, role, order, status, person_id, zh, en, provenance, precedence in appearances
        ]
    return with_speakers(sessions)


KEY_SPEAKERS = 3  # the agenda's cards name at most this many people, then "+N"


def with_speakers(sessions, limit: int = KEY_SPEAKERS):
    """Give each session (from sessions_for_agenda or sessions_for_listing, appearances prefetched)
    `speakers`: its people in protocol order, each person once; `key_speakers`, the first `limit`;
    and `more_speakers`, how many more. No query."""
    for session in sessions:
        seen, people = set(), []
        for appearance in in_protocol_order(getattr(session, "public_appearances", ())):
            if appearance.person_id not in seen:
                seen.add(appearance.person_id)
                people.append(appearance)
        session.speakers = people
        session.key_speakers = people[:limit]
        session.more_speakers = max(len(people) - limit, 0)
    return sessions


def speakers_by_role(session) -> list[tuple[str, str, list]]:
    """A session's public appearances in protocol order, grouped by role: [(role, label, [appearance])]."""
    groups: list[tuple[str, str, list]] = []
    for appearance in in_protocol_order(getattr(session, "public_appearances", ())):
        if not groups or groups[-1][0] != appearance.role:
            groups.append((appearance.role, appearance.get_role_display(), []))
        groups[-1][2].append(appearance)
    return groups


def session_neighbours(session):
    """The previous and next session in the same hall of the same edition."""
    if session.hall_id is None:
        return None, None
    from django.db.models import Q

    same_hall = Session.objects.filter(edition_id=session.edition_id, hall_id=session.hall_id, is_published=True)
    k, o, pk = session.sort_key, session.sort_order, session.pk
    before = Q(sort_key__lt=k) | Q(sort_key=k, sort_order__lt=o) | Q(sort_key=k, sort_order=o, id__lt=pk)
    after = Q(sort_key__gt=k) | Q(sort_key=k, sort_order__gt=o) | Q(sort_key=k, sort_order=o, id__gt=pk)
    previous = same_hall.filter(before).order_by("-sort_key", "-sort_order", "-id").first()
    following = same_hall.filter(after).order_by("sort_key", "sort_order", "id").first()
    return previous, following


def starred_ids(user, edition) -> set[int]:
    from .models import Star

    if not user.is_authenticated:
        return set()
    return set(Star.objects.filter(user=user, session__edition=edition).values_list("session_id", flat=True))


def editions_for_api() -> QuerySet[Edition]:
    return (
        Edition.objects.filter(is_published=True)
        .select_related("main_venue")
        .prefetch_related(
            "figures",
            Prefetch("organization_roles", queryset=EditionOrganization.objects.select_related("organization")),
            Prefetch("boards", queryset=Board.objects.order_by("number", "key")),
            "milestones",
            "described_items",
        )
        .annotate(session_count=Count("sessions", filter=Q(sessions__is_published=True), distinct=True))
        .order_by("-year")
    )
