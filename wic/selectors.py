"""Reads of the summit-wide records, each owning its joins so no caller queries per row."""
from django.db.models import QuerySet

from .models import Organization


def organizations_for_api() -> QuerySet[Organization]:
    """The public list: confirmed organizations only (one an applicant or a member named stays out
    until an organizer confirms it)."""
    return Organization.objects.filter(verified_at__isnull=False).order_by("name_zh")


def current_of(editions: list, today, *, start=lambda e: e.start_date, end=lambda e: e.end_date):
    """The edition the site opens on, of `editions` ordered newest first: the earliest not yet over
    (today in Beijing), else the newest; None if there are none. Shared by the home page and the
    organizers' dashboard. An edition whose dates are not known (None) is never the one not yet over."""
    upcoming = [e for e in editions if end(e) is not None and end(e) >= today]
    if upcoming:
        return min(upcoming, key=start)
    return editions[0] if editions else None
