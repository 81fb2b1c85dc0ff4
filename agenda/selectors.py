"""Reads of the agenda, each owning its joins so no caller queries per row."""
from django.db.models import Count, Prefetch, Q, QuerySet

from wic.models import Edition, EditionOrganization

from .models import Board, Hall, Outcome, Session, SessionOrganization


def sessions_for_listing() -> QuerySet[Session]:
    """Published sessions with everything a list shows: hall and venue, board, organizations, outcomes."""
    return (
        Session.objects.filter(is_published=True, edition__is_published=True)
        .select_related("edition", "hall__venue", "board")
        .prefetch_related(
            Prefetch(
                "organization_roles",
                queryset=SessionOrganization.objects.select_related("organization").order_by("sort_order", "id"),
            ),
            Prefetch("outcomes", queryset=Outcome.objects.order_by("sort_order", "id")),
        )
        .order_by("date", "sort_key", "sort_order", "id")
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


def agenda_days(edition) -> list:
    """Every day of the edition, plus any day a session falls on outside it (an expo opening the day before)."""
    from datetime import timedelta

    days = {edition.start_date + timedelta(days=n) for n in range((edition.end_date - edition.start_date).days + 1)}
    days |= set(Session.objects.filter(edition=edition, is_published=True).values_list("date", flat=True).distinct())
    return sorted(days)


def sessions_for_agenda(edition):
    """The edition's published sessions with what the agenda shows (hall, venue, board, organizations)."""
    return (
        Session.objects.filter(edition=edition, is_published=True)
        .select_related("hall__venue", "board")
        .prefetch_related(
            Prefetch(
                "organization_roles",
                queryset=SessionOrganization.objects.select_related("organization").order_by("sort_order", "id"),
            )
        )
        .order_by("date", "sort_key", "sort_order", "id")
    )


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
        )
        .annotate(session_count=Count("sessions", filter=Q(sessions__is_published=True), distinct=True))
        .order_by("-year")
    )
