"""Reads of guest registration used by more than one page."""
from django.db.models import Prefetch

from .models import Checkin, Credential


def credentials_with_scans(registration) -> list[Credential]:
    """The registration's credentials, newest first, each with `scans` (its scans, newest first,
    with their list and gate staff): two queries however many scans there are."""
    scans = Checkin.objects.select_related("checkin_list", "user").order_by("-scanned_at", "-pk")
    return list(
        Credential.objects.filter(registration=registration).select_related("revoked_by").order_by("-issued_at", "-pk")
        .prefetch_related(Prefetch("checkins", queryset=scans, to_attr="scans"))
    )
