"""What the agenda counts for the organizers' dashboard ("Editions compared"), contributed
through agenda/contrib.py."""
from django.db.models import Count

from .enums import SessionKind
from .models import Session


def history_counts() -> dict[int, dict[str, int]]:
    """Sub-forums on the agenda per edition. One query."""
    rows = Session.objects.filter(kind=SessionKind.SUB_FORUM).order_by().values_list("edition_id").annotate(n=Count("pk"))
    return {edition_id: {"sub_forums": n} for edition_id, n in rows}
