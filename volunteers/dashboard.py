"""The volunteers panel of the organizers' edition dashboard (wic.dashboard lays the
panels out; this app contributes its own through volunteers/contrib.py)."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from wic.dashboard import Tally, tallies
from wic.i18n import pick
from wic.models import Edition

from .enums import AssignmentStatus, VolunteerStatus
from .models import (
    Assignment,
    Interview,
    Post,
    Programme,
    TrainingAttendance,
    Volunteer,
)


@dataclass(frozen=True)
class PostCoverage:
    label: str
    kind: str
    shifts: int
    needed: int
    filled: int

    @property
    def open(self) -> int:
        return max(0, self.needed - self.filled)

    @property
    def percent(self) -> int | None:
        return round(100 * self.filled / self.needed) if self.needed else None


@dataclass(frozen=True)
class VolunteersPanel:
    programme: str  # the programme's name, "" when the edition has none
    modules: int
    stages: list[Tally] = field(default_factory=list)
    by_status: list[Tally] = field(default_factory=list)
    coverage: list[PostCoverage] = field(default_factory=list)

    @property
    def coverage_total(self) -> PostCoverage:
        return PostCoverage(
            _("All posts"), "", sum(p.shifts for p in self.coverage), sum(p.needed for p in self.coverage), sum(p.filled for p in self.coverage)
        )


def volunteers_panel(edition: Edition, *, now: datetime | None = None) -> VolunteersPanel:
    """Volunteers by stage and by decision, and shift coverage per post. Three queries (one when
    the edition has no volunteer programme).

    The stages, each counted on its own: applied (every application), interviewed (at least one
    interview recorded), accepted (the decision now), trained (attended every training module of
    the programme; not counted when the programme has no modules), rostered (holds at least one
    active assignment), checked in now (checked in on a shift and not out, and the shift's
    check-out window, the programme's setting, not yet over)."""

    now = now or timezone.now()
    programme = Programme.objects.filter(edition=edition).annotate(n_modules=Count("modules")).first()
    if programme is None:
        return VolunteersPanel(programme="", modules=0)
    active = Assignment.objects.filter(volunteer=OuterRef("pk"), status=AssignmentStatus.ASSIGNED)
    on_duty = active.filter(
        checked_in_at__isnull=False,
        checked_in_at__lte=now,
        checked_out_at__isnull=True,
        shift__ends_at__gte=now - timedelta(minutes=programme.checkout_closes_minutes),
    )
    modules_done = (
        TrainingAttendance.objects.filter(volunteer=OuterRef("pk"), module__programme=programme)
        .order_by()
        .values("volunteer")
        .annotate(n=Count("module", distinct=True))
        .values("n")
    )
    counts = (
        Volunteer.objects.filter(programme=programme)
        .alias(
            # Named unlike the aggregates below: an aggregate of an alias's own name replaces it.
            has_interview=Exists(Interview.objects.filter(volunteer=OuterRef("pk"))),
            has_shift=Exists(active),
            on_duty=Exists(on_duty),
            modules_done=Coalesce(Subquery(modules_done, output_field=IntegerField()), Value(0)),
        )
        .aggregate(
            applied=Count("pk"),
            interviewed=Count("pk", filter=Q(has_interview=True)),
            trained=Count("pk", filter=Q(modules_done__gte=max(programme.n_modules, 1))),
            rostered=Count("pk", filter=Q(has_shift=True)),
            checked_in_now=Count("pk", filter=Q(on_duty=True)),
            **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in VolunteerStatus.values},
        )
    )
    stages = [
        Tally("applied", _("Applied"), counts["applied"]),
        Tally("interviewed", _("Interviewed"), counts["interviewed"]),
        Tally("accepted", _("Accepted"), counts[f"status_{VolunteerStatus.ACCEPTED}"]),
    ]
    if programme.n_modules:
        stages.append(Tally("trained", _("Trained (every module)"), counts["trained"]))
    stages += [Tally("rostered", _("Rostered"), counts["rostered"]), Tally("checked_in_now", _("Checked in now"), counts["checked_in_now"])]
    posts = (
        Post.objects.filter(programme=programme)
        .annotate(n_shifts=Count("shifts"), n_needed=Coalesce(Sum("shifts__needed"), 0), n_filled=Coalesce(Sum("shifts__filled"), 0))
        .order_by("sort_order", "id")
    )
    return VolunteersPanel(
        programme=pick(programme, "name"),
        modules=programme.n_modules,
        stages=stages,
        by_status=tallies(VolunteerStatus.choices, {s: counts[f"status_{s}"] for s in VolunteerStatus.values}),
        coverage=[PostCoverage(pick(p, "name"), p.get_kind_display(), p.n_shifts, p.n_needed, p.n_filled) for p in posts],
    )


def history_counts() -> dict[int, dict[str, int]]:
    """Accepted volunteers per edition, for "Editions compared". One query."""
    rows = Volunteer.objects.filter(status=VolunteerStatus.ACCEPTED).order_by().values_list("programme__edition_id").annotate(n=Count("pk"))
    return {edition_id: {"volunteers": n} for edition_id, n in rows}
