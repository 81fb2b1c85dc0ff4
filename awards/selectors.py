"""Reads of the awards, each owning its joins so no page or API list queries per row."""
from dataclasses import dataclass

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from wic.enums import MemberTier
from wic.models import Member

from .enums import Direction, NominationState
from .models import AwardCategory, AwardProgramme, Nomination, ProgrammeFigure, Recommendation, RecommendationQuota
from .permissions import nominations_visible, recommendations_visible


# Member tiers in the order the texts list them (council first, non-profit last).
TIER_RANK = Case(*[When(tier=tier, then=Value(rank)) for rank, tier in enumerate(MemberTier.values)], default=Value(99))


def programmes_for_api() -> QuerySet[AwardProgramme]:
    return (
        AwardProgramme.objects.select_related("edition")
        .prefetch_related(
            Prefetch("categories", queryset=AwardCategory.objects.order_by("sort_order", "id")),
            "further_conditions",
            Prefetch("quotas", queryset=RecommendationQuota.objects.annotate(tier_rank=TIER_RANK).order_by("tier_rank")),
            Prefetch("figures", queryset=ProgrammeFigure.objects.order_by("sort_order", "key")),
        )
        .order_by("-edition__year", "closes_at", "id")
    )


def programmes_open(now=None) -> QuerySet[AwardProgramme]:
    now = now or timezone.now()
    return programmes_for_api().filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), closes_at__gt=now)


def recommendations_for_api() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("programme__edition", "member__organization", "enterprise", "recommended_by").order_by(
        "-recommended_at", "-id"
    )


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    return recommendations_visible(user, recommendations_for_api())


def nominations_for_api() -> QuerySet[Nomination]:
    return (
        Nomination.objects.select_related("programme__edition", "organization", "nominated_by_member__organization", "won_category")
        .prefetch_related(
            Prefetch("categories", queryset=AwardCategory.objects.order_by("sort_order", "id")),
            "further_conditions",
            "log",
        )
        .annotate(
            recommendation_count=Count(
                "organization__award_recommendations",
                filter=Q(
                    organization__award_recommendations__withdrawn_at__isnull=True,
                    organization__award_recommendations__programme_id=F("programme_id"),
                ),
                distinct=True,
            ),
        )
        .order_by("-created", "-id")
    )


def nominations_visible_to(user) -> QuerySet[Nomination]:
    return nominations_visible(user, nominations_for_api())


@dataclass
class QuotaLine:
    """One member's use of its quota for one programme: "3 of 5 used"."""

    member: Member
    programme: AwardProgramme
    used: int
    quota: int
    recommendations: list[Recommendation]

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def quota_lines(*, members: list[Member], programmes: list[AwardProgramme]) -> list[QuotaLine]:
    """For each member and programme (with an enterprise direction), the quota, the places used
    and the recommendations (active first, then withdrawn). Three queries whatever the numbers."""
    programmes = [p for p in programmes if p.has_enterprise_direction]
    if not members or not programmes:
        return []
    quotas = {(q.programme_id, q.tier): q.quota for q in RecommendationQuota.objects.filter(programme__in=programmes)}
    recs: dict[tuple[int, int], list[Recommendation]] = {}
    for rec in (
        Recommendation.objects.filter(programme__in=programmes, member__in=members)
        .select_related("enterprise")
        .order_by("withdrawn_at", "slot", "-recommended_at")
    ):
        recs.setdefault((rec.member_id, rec.programme_id), []).append(rec)
    lines = []
    for programme in programmes:
        for member in members:
            mine = recs.get((member.pk, programme.pk), [])
            lines.append(
                QuotaLine(
                    member=member,
                    programme=programme,
                    used=sum(1 for r in mine if r.withdrawn_at is None),
                    quota=quotas.get((programme.pk, member.tier), 0),
                    recommendations=mine,
                )
            )
    return lines


def programmes_of_edition(edition) -> list[AwardProgramme]:
    """The edition's programmes with their categories and figures, and their winners where the
    results are released (three further queries)."""
    programmes = list(programmes_for_api().filter(edition=edition).order_by(F("closes_at").desc(nulls_last=True), "id"))
    released = [p.pk for p in programmes if p.results_released_at is not None]
    winners: dict[int, list[Nomination]] = {}
    if released:
        for nomination in (
            Nomination.objects.filter(programme_id__in=released, state=NominationState.WINNER)
            .select_related("organization", "won_category")
            .order_by("direction", "won_category__sort_order", "organization__name_zh", "person_name")
        ):
            winners.setdefault(nomination.programme_id, []).append(nomination)
    for programme in programmes:
        programme.winner_list = winners.get(programme.pk, [])
        programme.enterprise_winners = [n for n in programme.winner_list if n.direction == Direction.ENTERPRISE]
        programme.individual_winners = [n for n in programme.winner_list if n.direction == Direction.INDIVIDUAL]
    return programmes
