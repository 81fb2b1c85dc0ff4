"""Reads of the summit-wide records, each owning its joins so no caller queries per row."""
from django.db.models import Count, Prefetch, Q, QuerySet

from agenda.models import Board

from .models import Edition, EditionOrganization, Organization


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


def organizations_for_api() -> QuerySet[Organization]:
    return Organization.objects.order_by("name_zh")


def current_of(editions: list, today, *, start=lambda e: e.start_date, end=lambda e: e.end_date):
    """The edition the site opens on, of `editions` ordered newest first: the earliest not yet over
    (today in Beijing), else the newest; None if there are none. Shared by the home page and the
    organizers' dashboard."""
    upcoming = [e for e in editions if end(e) >= today]
    if upcoming:
        return min(upcoming, key=start)
    return editions[0] if editions else None
