"""Who may do what in the award programmes.

| who                            | may                                                                     |
|--------------------------------|-------------------------------------------------------------------------|
| anyone                         | read the programmes, published results and figures                      |
| a member's representatives     | recommend enterprises within the member's quota for the programme, and  |
|                                | withdraw their own recommendations (`not_your_recommendation`); nominate |
|                                | individuals for the member; see the member's recommendations and the     |
|                                | nominations they made                                                    |
| an enterprise's representatives| (members' own organizations, or granted by an organizer) draft, submit   |
| (EnterpriseRepresentative)     | and withdraw the enterprise's application, and see it                    |
| an expert reviewer of the      | read the programme's nominations once submitted (never a draft) and     |
| programme (AwardReviewer)      | score them (POST /api/v1/nominations/<id>/score/)                       |
| organizers                     | everything: nominate individuals without a member, screen, shortlist,   |
|                                | mark winners, release results, grant enterprise representatives (admin)  |

Organizers are `wic.roles.is_organizer`. Each row is a row of tests/wic/test_permission_matrix.py.
"""
from django.db.models import Q, QuerySet

from wic.roles import is_organizer


def recommendations_visible(user, queryset: QuerySet) -> QuerySet:
    """Organizers see every recommendation; a member's representatives those of their members."""
    if is_organizer(user):
        return queryset
    return queryset.filter(member__representatives=user)


def nominations_visible(user, queryset: QuerySet) -> QuerySet:
    """Organizers see every nomination; others those they created, those of enterprises they
    represent, those their members nominated, and, as an expert reviewer of the programme, its
    submitted ones."""
    from .enums import NominationState

    if is_organizer(user):
        return queryset
    return queryset.filter(
        Q(created_by=user)
        | Q(organization__membership__representatives=user)
        | Q(organization__award_representatives__user=user)
        | Q(nominated_by_member__representatives=user)
        | (Q(programme__reviewers__user=user) & ~Q(state=NominationState.DRAFT))
    ).distinct()
