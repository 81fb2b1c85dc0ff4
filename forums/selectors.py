"""Reads of the sub-forum process, each owning its joins so no caller queries per row."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, FloatField, Max, Min, Q, QuerySet

from agenda.enums import VenueKind
from agenda.models import BEIJING, Hall, Session, Venue

from .enums import ApplicationState, HalfDay
from .models import ForumApplication

# The half-day slots the placement screen offers, Beijing wall-clock time.
MORNING_SLOT = (time(9, 0), time(12, 0))
AFTERNOON_SLOT = (time(14, 0), time(17, 30))
PLACEMENT_SLOTS: dict[str, tuple[time, time]] = {
    HalfDay.MORNING: MORNING_SLOT,
    HalfDay.AFTERNOON: AFTERNOON_SLOT,
}
# Only to prefill the form of a forum that asked for an evening; never offered as a free slot.
EVENING_PREFILL = (time(19, 0), time(21, 0))

# Highest mean score first, unreviewed applications last, then the most recently submitted.
RANKED_ORDERING = [
    F("mean_score").desc(nulls_last=True),
    F("submitted_at").desc(nulls_last=True),
    "-pk",
]


def applications_ranked(queryset: QuerySet[ForumApplication] | None = None) -> QuerySet[ForumApplication]:
    """Applications with their review figures, ranked by mean score (highest first, nulls last).

    Annotations: `mean_score` (mean of every score given, float or None), `min_score`,
    `max_score`, `spread` (max - min, None without reviews), `reviewer_count` (distinct
    reviewers) and `edition_year`. Only one to-many relation (reviews) is joined, so the
    aggregates are not multiplied by other joins.
    """
    queryset = ForumApplication.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("call__edition", "board__edition", "applicant")
        .annotate(
            mean_score=Avg("reviews__score", output_field=FloatField()),
            min_score=Min("reviews__score"),
            max_score=Max("reviews__score"),
            spread=Max("reviews__score") - Min("reviews__score"),
            reviewer_count=Count("reviews__reviewer", distinct=True),
            edition_year=F("call__edition__year"),
        )
        .order_by(*RANKED_ORDERING)
    )


def applications_to_place(edition) -> list[ForumApplication]:
    """The edition's accepted applications whose agenda session has no clock time yet."""
    return list(
        ForumApplication.objects.filter(
            call__edition=edition, state=ApplicationState.ACCEPTED, session__isnull=False, session__start__isnull=True
        )
        .select_related("session", "board", "call")
        .order_by("preferred_date", "preferred_half_day", "decided_at", "pk")
    )


def edition_days(edition) -> list[date]:
    return edition.days


def placement_venues(edition) -> list[Venue]:
    """The venues whose halls a forum of the edition may be placed in: the edition's main venue
    and every venue its sessions already use; failing both, the convention centers."""
    wanted = Q(halls__sessions__edition=edition)
    if edition.main_venue_id:
        wanted |= Q(pk=edition.main_venue_id)
    venues = list(Venue.objects.filter(wanted).distinct().order_by("name_zh"))
    if not venues:
        venues = list(Venue.objects.filter(kind=VenueKind.CONVENTION_CENTER).order_by("name_zh"))
    return venues


def placement_halls(edition, venue: Venue | None = None) -> list[Hall]:
    """The halls of `venue`, or of the edition's placement venues."""
    venues = [venue] if venue is not None else placement_venues(edition)
    return list(
        Hall.objects.filter(venue__in=venues).select_related("venue").order_by("venue__name_zh", "sort_order", "name_zh")
    )


@dataclass
class SlotCell:
    day: date
    half_day: str
    start: time
    end: time
    busy: list[Session] = field(default_factory=list)

    @property
    def free(self) -> bool:
        return not self.busy


@dataclass
class HallRow:
    hall: Hall
    cells: list[SlotCell]

    @property
    def free_cells(self) -> list[SlotCell]:
        return [cell for cell in self.cells if cell.free]


def hall_slots(edition, halls: list[Hall]) -> list[HallRow]:
    """For each hall, each day of the edition and each half-day slot, the sessions (of any
    edition) in that hall overlapping it; a slot is free when there are none. Touching
    sessions (one ending at 12:00) do not take a slot starting then. One query."""
    days = edition_days(edition)
    window_start = datetime.combine(days[0], time(0, 0), tzinfo=BEIJING)
    window_end = datetime.combine(days[-1] + timedelta(days=1), time(0, 0), tzinfo=BEIJING)
    by_hall: dict[int, list[Session]] = {hall.pk: [] for hall in halls}
    sessions = (
        Session.objects.filter(hall__in=[hall.pk for hall in halls], start__lt=window_end, end__gt=window_start)
        .only("pk", "title_zh", "hall_id", "date", "start", "end", "edition_id")
        .order_by("start", "pk")
    )
    for session in sessions:
        by_hall[session.hall_id].append(session)
    rows = []
    for hall in halls:
        cells = []
        for day in days:
            for half_day, (slot_start, slot_end) in PLACEMENT_SLOTS.items():
                start = datetime.combine(day, slot_start, tzinfo=BEIJING)
                end = datetime.combine(day, slot_end, tzinfo=BEIJING)
                busy = [s for s in by_hall[hall.pk] if s.start < end and s.end > start]
                cells.append(SlotCell(day=day, half_day=half_day, start=slot_start, end=slot_end, busy=busy))
        rows.append(HallRow(hall=hall, cells=cells))
    return rows


def preferred_times(application: ForumApplication) -> tuple[time, time]:
    """The clock times to prefill for the application's preferred half-day (morning if none)."""
    if application.preferred_half_day == HalfDay.EVENING:
        return EVENING_PREFILL
    return PLACEMENT_SLOTS.get(application.preferred_half_day, MORNING_SLOT)


def placement_suggestion(application: ForumApplication, rows: list[HallRow], days: list[date]) -> dict:
    """What to prefill in an application's placement form: its preferred day (else the session's
    day, else the first), its preferred half-day's times, and the first hall free then."""
    day = application.preferred_date or application.session.date
    if day not in days:
        day = days[0]
    start, end = preferred_times(application)
    hall = None
    for row in rows:
        if all(cell.free for cell in row.cells if cell.day == day and cell.start < end and cell.end > start):
            hall = row.hall
            break
    if hall is None and rows:
        hall = rows[0].hall
    return {"application": application, "hall": hall, "day": day, "start": start, "end": end}
