"""Reads of the agenda, each owning its joins so no caller queries per row."""
from django.db.models import Prefetch, QuerySet

from .models import Hall, Outcome, Session, SessionOrganization


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
