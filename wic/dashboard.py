"""The organizers' edition dashboard: the figures they watch, one selector per panel.

Every selector makes a fixed number of queries whatever the number of rows (grouped counts with
`aggregate`/`values().annotate()` and `Count(filter=Q(...))`, never a query per row), and returns
plain dataclasses the template only reads. The query counts, per panel:

    registrations 3 · forums 2 · volunteers 3 (1 when the edition has no programme)
    awards 5 · expo 3 · history 6

"Today" and "now" are Beijing time (Asia/Shanghai), whatever the active time zone.

Where the models hold no source for a figure the issue asks for, the dashboard leaves it out
rather than inventing it (see the report of issue 9).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from wic.display import BEIJING
from wic.enums import MemberTier, Qualifier
from wic.i18n import pick
from wic.models import Edition, EditionFigure, Member
from wic.selectors import current_of

# Countries listed one by one; the rest are summed into one row.
TOP_COUNTRIES = 12


@dataclass(frozen=True)
class Tally:
    """One labelled count: a status, a category, a stage."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    total: int
    approved: int


@dataclass(frozen=True)
class CountryRest:
    """The countries after the first TOP_COUNTRIES, summed."""

    countries: int
    total: int
    approved: int


def _tallies(choices, counts: dict) -> list[Tally]:
    """A Tally per choice, in the enum's order, zeros included."""
    return [Tally(str(value), str(label), counts.get(str(value), 0) or 0) for value, label in choices]


def _country_rows(rows: list[dict], blank_label: str) -> tuple[list[CountryRow], CountryRest | None]:
    """`rows` are {"country", "total", "approved"} dicts; the largest first, then by name."""
    named = [
        CountryRow(r["country"] or "", (countries.name(r["country"]) or r["country"]) if r["country"] else blank_label, r["total"], r["approved"])
        for r in rows
    ]
    named.sort(key=lambda r: (-r.total, r.code == "", r.name))
    head, tail = named[:TOP_COUNTRIES], named[TOP_COUNTRIES:]
    rest = CountryRest(len(tail), sum(r.total for r in tail), sum(r.approved for r in tail)) if tail else None
    return head, rest


def beijing_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=BEIJING)
    return start, start + timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Registrations


@dataclass(frozen=True)
class RegistrationsPanel:
    total: int
    by_status: list[Tally]
    by_category: list[Tally]
    by_country: list[CountryRow]
    country_rest: CountryRest | None
    countries: int
    checked_in_today: int
    today: date

    @property
    def approved(self) -> int:
        return next((t.value for t in self.by_status if t.key == "approved"), 0)


def registrations_panel(edition: Edition, *, now: datetime | None = None) -> RegistrationsPanel:
    """Registrations by status, category and country, and the guests admitted today (Beijing).
    Three queries."""
    from registration.enums import GuestCategory, RegistrationStatus
    from registration.models import Checkin, Registration

    now = now or timezone.now()
    today = timezone.localdate(now, BEIJING)
    registrations = Registration.objects.filter(edition=edition)
    counts = registrations.aggregate(
        total=Count("pk"),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in RegistrationStatus.values},
        **{f"category_{c}": Count("pk", filter=Q(category=c)) for c in GuestCategory.values},
    )
    per_country = list(
        registrations.order_by()
        .values("country")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(status=RegistrationStatus.APPROVED)))
    )
    start, end = beijing_day_bounds(today)
    # A guest admitted on any of the edition's lists today counts once.
    checked_in = Checkin.objects.filter(
        checkin_list__edition=edition, result="ok", type=Checkin.ENTRY, scanned_at__gte=start, scanned_at__lt=end
    ).aggregate(n=Count("credential__registration", distinct=True))["n"]
    head, rest = _country_rows(per_country, _("Not stated"))
    return RegistrationsPanel(
        total=counts["total"],
        by_status=_tallies(RegistrationStatus.choices, {s: counts[f"status_{s}"] for s in RegistrationStatus.values}),
        by_category=_tallies(GuestCategory.choices, {c: counts[f"category_{c}"] for c in GuestCategory.values}),
        by_country=head,
        country_rest=rest,
        countries=len([r for r in per_country if r["country"]]),
        checked_in_today=checked_in,
        today=today,
    )


# ---------------------------------------------------------------------------------------------
# Sub-forum applications


@dataclass(frozen=True)
class BoardRow:
    key: str  # the board's key, "" for applications that chose none
    label: str
    submitted: int  # every application past its draft, withdrawn ones included
    accepted: int


@dataclass(frozen=True)
class ForumsPanel:
    total: int
    by_state: list[Tally]
    by_board: list[BoardRow]

    @property
    def submitted(self) -> int:
        return sum(t.value for t in self.by_state if t.key != "draft")


def forums_panel(edition: Edition) -> ForumsPanel:
    """Sub-forum applications to the edition's calls by state and by board. Two queries."""
    from agenda.models import Board
    from forums.enums import ApplicationState
    from forums.models import ForumApplication

    grouped = list(
        ForumApplication.objects.filter(call__edition=edition).order_by().values("board_id", "state").annotate(n=Count("pk"))
    )
    boards = list(Board.objects.filter(edition=edition).order_by("number", "key"))
    states: dict[str, int] = {}
    submitted: dict[int | None, int] = {}
    accepted: dict[int | None, int] = {}
    for row in grouped:
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
        if row["state"] != ApplicationState.DRAFT:
            submitted[row["board_id"]] = submitted.get(row["board_id"], 0) + row["n"]
        if row["state"] == ApplicationState.ACCEPTED:
            accepted[row["board_id"]] = accepted.get(row["board_id"], 0) + row["n"]
    by_board = [BoardRow(b.key, pick(b, "name"), submitted.get(b.pk, 0), accepted.get(b.pk, 0)) for b in boards]
    if submitted.get(None) or accepted.get(None):
        by_board.append(BoardRow("", _("No board chosen"), submitted.get(None, 0), accepted.get(None, 0)))
    return ForumsPanel(total=sum(states.values()), by_state=_tallies(ApplicationState.choices, states), by_board=by_board)


# ---------------------------------------------------------------------------------------------
# Volunteers


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
    from volunteers.enums import AssignmentStatus, VolunteerStatus
    from volunteers.models import Assignment, Interview, Post, Programme, TrainingAttendance, Volunteer

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
        by_status=_tallies(VolunteerStatus.choices, {s: counts[f"status_{s}"] for s in VolunteerStatus.values}),
        coverage=[PostCoverage(pick(p, "name"), p.get_kind_display(), p.n_shifts, p.n_needed, p.n_filled) for p in posts],
    )


# ---------------------------------------------------------------------------------------------
# Awards


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
    from awards.enums import NominationState, ProgrammeKind
    from awards.models import AwardCategory, AwardProgramme, Recommendation, RecommendationQuota

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
    by_state = _tallies(NominationState.choices, {s: sum(getattr(p, f"state_{s}") for p in programmes) for s in NominationState.values})
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


# ---------------------------------------------------------------------------------------------
# Expo


@dataclass(frozen=True)
class ZoneRow:
    key: str
    label: str
    booths: int
    taken: int  # booths with a current (unreleased) allotment
    exhibitors: int  # exhibitors holding a current booth in the zone

    @property
    def free(self) -> int:
        return self.booths - self.taken


@dataclass(frozen=True)
class ExpoPanel:
    total: int
    by_status: list[Tally]
    countries: int  # countries and regions of approved exhibitors (where stated)
    without_booth: int  # approved exhibitors holding no current booth
    zones: list[ZoneRow]
    by_country: list[CountryRow]
    country_rest: CountryRest | None

    @property
    def approved(self) -> int:
        return next((t.value for t in self.by_status if t.key == "approved"), 0)

    @property
    def booths(self) -> int:
        return sum(z.booths for z in self.zones)

    @property
    def booths_free(self) -> int:
        return sum(z.free for z in self.zones)


def expo_panel(edition: Edition) -> ExpoPanel:
    """Exhibitors by status, zone and country; booths taken and free. Three queries."""
    from expo.enums import ExhibitorStatus
    from expo.models import BoothAllotment, Exhibitor, Zone

    exhibitors = Exhibitor.objects.filter(edition=edition)
    approved = Q(status=ExhibitorStatus.APPROVED)
    counts = exhibitors.alias(
        has_booth=Exists(BoothAllotment.objects.filter(exhibitor=OuterRef("pk"), released_at__isnull=True))
    ).aggregate(
        total=Count("pk"),
        countries=Count("country", filter=approved & ~Q(country=""), distinct=True),
        without_booth=Count("pk", filter=approved & Q(has_booth=False)),
        **{f"status_{s}": Count("pk", filter=Q(status=s)) for s in ExhibitorStatus.values},
    )
    current = Q(booths__allotments__released_at__isnull=True, booths__allotments__isnull=False)
    zones = (
        Zone.objects.filter(edition=edition)
        .annotate(
            n_booths=Count("booths", distinct=True),
            n_taken=Count("booths", filter=current, distinct=True),
            n_exhibitors=Count("booths__allotments__exhibitor", filter=current, distinct=True),
        )
        .order_by("sort_order", "key")
    )
    per_country = list(exhibitors.order_by().values("country").annotate(total=Count("pk"), approved=Count("pk", filter=approved)))
    head, rest = _country_rows(per_country, _("Not stated"))
    return ExpoPanel(
        total=counts["total"],
        by_status=_tallies(ExhibitorStatus.choices, {s: counts[f"status_{s}"] for s in ExhibitorStatus.values}),
        countries=counts["countries"],
        without_booth=counts["without_booth"],
        zones=[ZoneRow(z.key, pick(z, "name"), z.n_booths, z.n_taken, z.n_exhibitors) for z in zones],
        by_country=head,
        country_rest=rest,
    )


# ---------------------------------------------------------------------------------------------
# History: what the texts report next to what the system holds, per edition


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    system_label: str  # what "in the system" counts
    figure_keys: tuple[str, ...]  # the EditionFigure keys that report it, first found wins


def history_metrics() -> list[Metric]:
    return [
        Metric("guests", _("Guests"), _("approved registrations"), ("guests_on_site", "guests_total")),
        Metric("countries", _("Countries and regions"), _("countries of approved registrations"), ("countries_regions",)),
        Metric("sub_forums", _("Sub-forums"), _("sub-forums on the agenda"), ("sub_forums",)),
        Metric("volunteers", _("Volunteers"), _("accepted volunteers"), ("volunteers",)),
        Metric("exhibitors", _("Exhibitors"), _("approved exhibitors"), ("exhibitors",)),
    ]


@dataclass(frozen=True)
class Reported:
    value: int
    qualifier: str
    label: str
    quote: str
    source: str

    @property
    def qualifier_label(self) -> str:
        return str(Qualifier(self.qualifier).label) if self.qualifier in Qualifier.values else ""


@dataclass(frozen=True)
class HistoryCell:
    metric: str
    reported: Reported | None
    system: int


@dataclass(frozen=True)
class HistoryRow:
    year: int
    name: str
    is_demo: bool
    cells: list[HistoryCell]


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    is_demo: bool
    reported: Reported | None
    system: int


@dataclass(frozen=True)
class MetricSeries:
    metric: Metric
    points: list[SeriesPoint]


@dataclass(frozen=True)
class HistoryPanel:
    metrics: list[Metric]
    rows: list[HistoryRow]

    @property
    def series(self) -> list[MetricSeries]:
        """Per metric, the editions oldest first: for the small-multiples chart."""
        return [
            MetricSeries(m, [SeriesPoint(r.year, r.is_demo, r.cells[i].reported, r.cells[i].system) for r in self.rows])
            for i, m in enumerate(self.metrics)
        ]


def history_panel() -> HistoryPanel:
    """Every edition, oldest first: the figures the texts report (guests, countries, sub-forums,
    volunteers, exhibitors) next to what the database counts. Six queries, however many editions."""
    from agenda.enums import SessionKind
    from agenda.models import Session
    from expo.enums import ExhibitorStatus
    from expo.models import Exhibitor
    from registration.enums import RegistrationStatus
    from registration.models import Registration
    from volunteers.enums import VolunteerStatus
    from volunteers.models import Volunteer

    metrics = history_metrics()
    editions = list(Edition.objects.order_by("year"))
    keys = [k for m in metrics for k in m.figure_keys]
    figures = {(f.edition_id, f.key): f for f in EditionFigure.objects.filter(key__in=keys)}
    approved = Q(status=RegistrationStatus.APPROVED)
    guests = {
        r["edition_id"]: r
        for r in Registration.objects.order_by()
        .values("edition_id")
        .annotate(guests=Count("pk", filter=approved), countries=Count("country", filter=approved, distinct=True))
    }
    sub_forums = dict(Session.objects.filter(kind=SessionKind.SUB_FORUM).order_by().values_list("edition_id").annotate(n=Count("pk")))
    volunteers = dict(
        Volunteer.objects.filter(status=VolunteerStatus.ACCEPTED).order_by().values_list("programme__edition_id").annotate(n=Count("pk"))
    )
    exhibitors = dict(Exhibitor.objects.filter(status=ExhibitorStatus.APPROVED).order_by().values_list("edition_id").annotate(n=Count("pk")))

    def reported(edition_id: int, metric: Metric) -> Reported | None:
        for key in metric.figure_keys:
            f = figures.get((edition_id, key))
            if f is not None:
                return Reported(f.value, f.qualifier, pick(f, "label"), f.quote_zh, f.source)
        return None

    rows = []
    for e in editions:
        system = {
            "guests": guests.get(e.pk, {}).get("guests", 0),
            "countries": guests.get(e.pk, {}).get("countries", 0),
            "sub_forums": sub_forums.get(e.pk, 0),
            "volunteers": volunteers.get(e.pk, 0),
            "exhibitors": exhibitors.get(e.pk, 0),
        }
        rows.append(HistoryRow(e.year, pick(e, "name"), e.is_demo, [HistoryCell(m.key, reported(e.pk, m), system[m.key]) for m in metrics]))
    return HistoryPanel(metrics=metrics, rows=rows)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionDashboard:
    edition: Edition
    now: datetime  # Beijing time
    registrations: RegistrationsPanel
    forums: ForumsPanel
    volunteers: VolunteersPanel
    awards: AwardsPanel
    expo: ExpoPanel
    history: HistoryPanel


def edition_dashboard(edition: Edition, *, now: datetime | None = None) -> EditionDashboard:
    """Every panel of the edition's dashboard: 22 queries (20 when it has no volunteer programme)."""
    now = now or timezone.now()
    return EditionDashboard(
        edition=edition,
        now=timezone.localtime(now, BEIJING),
        registrations=registrations_panel(edition, now=now),
        forums=forums_panel(edition),
        volunteers=volunteers_panel(edition, now=now),
        awards=awards_panel(edition),
        expo=expo_panel(edition),
        history=history_panel(),
    )


def current_edition_year(*, today: date | None = None) -> int | None:
    """The year the dashboard opens on: as the home page chooses (wic.views.home), the earliest
    edition not yet over, else the latest; over every edition, published or not, since organizers
    prepare unpublished ones. One query."""
    today = today or timezone.localdate(timezone.now(), BEIJING)
    editions = list(Edition.objects.order_by("-year").values_list("year", "start_date", "end_date"))
    current = current_of(editions, today, start=lambda e: e[1], end=lambda e: e[2])
    return current[0] if current else None
