"""The awards panel of the organizers' edition dashboard (wic.dashboard lays the
panels out; this app contributes its own through awards/contrib.py)."""
from dataclasses import dataclass

from django.db.models import Count, Q

from wic.dashboard import Tally, tallies
from wic.enums import MemberTier
from wic.i18n import pick
from wic.models import Edition, Member

from .enums import NominationState, ProgrammeKind
from .models import AwardCategory, AwardProgramme, Recommendation, RecommendationQuota


@dataclass(frozen=True)
class ProgrammeRow:
    key: str
    label: str
    kind: str
    entries: int  # submitted and not withdrawn: every state but draft and withdrawn
    drafts: int
    shortlisted: int
    winners: int


@dataclass(frozen=True)
class CategoryGroup:
    programme: str
    categories: list[Tally]


@dataclass(frozen=True)
class TierRow:
    tier: str
    label: str
    quota: int  # recommendations each member of the tier may make
    members: int  # members of the tier now (membership is not per edition)
    recommending: int  # members with at least one active recommendation
    used: int  # active recommendations

    @property
    def places(self) -> int:
        return self.quota * self.members


@dataclass(frozen=True)
class TierGroup:
    programme: str
    tiers: list[TierRow]


@dataclass(frozen=True)
class AwardsPanel:
    programmes: list[ProgrammeRow]
    by_state: list[Tally]
    categories: list[CategoryGroup]
    recommendations: list[TierGroup]


def awards_panel(edition: Edition) -> AwardsPanel:
    """Entries per programme and per category, and recommendations used per member tier. Five
    queries."""

    entered = ~Q(nominations__state__in=(NominationState.DRAFT, NominationState.WITHDRAWN))
    programmes = list(
        AwardProgramme.objects.filter(edition=edition)
        .annotate(**{f"state_{s}": Count("nominations", filter=Q(nominations__state=s)) for s in NominationState.values})
        .order_by("closes_at", "id")
    )
    categories = list(
        AwardCategory.objects.filter(programme__edition=edition)
        .annotate(entries=Count("nominations", filter=entered))
        .order_by("programme__closes_at", "programme_id", "sort_order", "id")
    )
    quotas = list(RecommendationQuota.objects.filter(programme__edition=edition).order_by("programme__closes_at", "programme_id", "-quota", "tier"))
    used = {
        (r["programme_id"], r["member__tier"]): r
        for r in Recommendation.objects.filter(programme__edition=edition, withdrawn_at__isnull=True)
        .order_by()
        .values("programme_id", "member__tier")
        .annotate(used=Count("pk"), recommending=Count("member", distinct=True))
    }
    members = dict(Member.objects.order_by().values_list("tier").annotate(n=Count("pk")))

    names = {p.pk: pick(p, "name") for p in programmes}
    rows = [
        ProgrammeRow(
            p.key,
            names[p.pk],
            ProgrammeKind(p.kind).label if p.kind in ProgrammeKind.values else p.kind,
            entries=sum(getattr(p, f"state_{s}") for s in NominationState.values if s not in (NominationState.DRAFT, NominationState.WITHDRAWN)),
            drafts=getattr(p, f"state_{NominationState.DRAFT}"),
            shortlisted=getattr(p, f"state_{NominationState.SHORTLISTED}"),
            winners=getattr(p, f"state_{NominationState.WINNER}"),
        )
        for p in programmes
    ]
    by_state = tallies(NominationState.choices, {s: sum(getattr(p, f"state_{s}") for p in programmes) for s in NominationState.values})
    # Grouped by programme id (two programmes may share a name); rows arrive ordered by programme.
    category_groups: dict[int, CategoryGroup] = {}
    for category in categories:
        group = category_groups.setdefault(category.programme_id, CategoryGroup(names[category.programme_id], []))
        group.categories.append(Tally(category.key, pick(category, "name"), category.entries))
    tier_groups: dict[int, TierGroup] = {}
    tier_labels = dict(MemberTier.choices)
    for quota in quotas:
        group = tier_groups.setdefault(quota.programme_id, TierGroup(names[quota.programme_id], []))
        row = used.get((quota.programme_id, quota.tier), {})
        group.tiers.append(
            TierRow(
                quota.tier, str(tier_labels.get(quota.tier, quota.tier)), quota.quota,
                members=members.get(quota.tier, 0), recommending=row.get("recommending", 0), used=row.get("used", 0),
            )
        )
    return AwardsPanel(programmes=rows, by_state=by_state, categories=list(category_groups.values()), recommendations=list(tier_groups.values()))
