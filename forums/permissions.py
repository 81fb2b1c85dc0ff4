"""Who may do what with sub-forum applications.

| who                      | may                                                                          |
|--------------------------|------------------------------------------------------------------------------|
| a signed-in user         | draft an application for an open call, edit and submit their own draft,     |
|                          | withdraw their own application, follow it                                    |
| a reviewer of the edition| read the submitted applications of that edition (never a draft: 404) and     |
|                          | review them, except those their own organization hosts (`conflict_of_interest`)|
| organizers               | read every application (not edit an applicant's text), decide, place on the  |
|                          | agenda (admin)                                                               |

Organizers are `wic.roles.is_organizer`. Each row is a row of tests/wic/test_permission_matrix.py.
"""
from django.db.models import Q, QuerySet

from wic.roles import is_organizer


def applications_visible_to(user, queryset: QuerySet, *, listing: bool = False) -> QuerySet:
    """Organizers see every application; others their own, and reviewers (not in lists) the
    submitted applications of the editions they review."""
    from .models import Reviewer

    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_organizer(user):
        return queryset
    if listing:
        return queryset.filter(applicant=user)
    reviewed_editions = Reviewer.objects.filter(user=user).values("edition_id")
    return queryset.filter(Q(applicant=user) | Q(call__edition_id__in=reviewed_editions, submitted_at__isnull=False))
