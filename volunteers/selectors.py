"""Reads of the volunteer programme used by the pages, the CSV export and the admin; each owns
its joins so no page queries per row."""
import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .enums import AssignmentStatus, ChangeStatus, OfferStatus
from .models import Assignment, ChangeRequest, Post, Shift, StandbyOffer, Team, TrainingAttendance, Volunteer, VolunteerLanguage


def volunteer_for_user(user) -> Volunteer | None:
    """The signed-in person's volunteer record in the most recent programme, with team and leader."""
    if not user.is_authenticated:
        return None
    return (
        Volunteer.objects.filter(user=user)
        .select_related("programme__edition", "team__leader", "team__post__hall__venue")
        .prefetch_related("languages")
        .order_by("-programme__edition__year")
        .first()
    )


def assignments_of(volunteer: Volunteer) -> QuerySet[Assignment]:
    """A volunteer's shifts (held, no-show, dropped), with post, hall and pending requests."""
    return (
        Assignment.objects.filter(volunteer=volunteer)
        .exclude(status=AssignmentStatus.DROPPED)
        .select_related("shift__post__hall__venue")
        .prefetch_related(Prefetch("change_requests", queryset=ChangeRequest.objects.filter(status=ChangeStatus.PENDING).select_related("colleague"), to_attr="pending"))
        .order_by("shift__starts_at", "id")
    )


def teams_led_by(user) -> list[Team]:
    return list(Team.objects.filter(leader=user).select_related("programme__edition", "post").order_by("-programme__edition__year", "name_zh"))


def team_members(teams) -> list[Volunteer]:
    """The teams' volunteers with languages and attended modules."""
    return list(
        Volunteer.objects.filter(team__in=teams)
        .select_related("team")
        .prefetch_related(
            Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("language")),
            Prefetch("attendances", queryset=TrainingAttendance.objects.only("id", "module_id", "volunteer_id")),
        )
        .order_by("team__name_zh", "name", "id")
    )


def current_assignments(volunteers, at: datetime, window: timedelta = timedelta(hours=12)) -> dict[int, Assignment]:
    """For each volunteer, the held shift nearest to `at` (running now, else the next one within `window`)."""
    rows = (
        Assignment.objects.filter(volunteer__in=volunteers, status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.NO_SHOW], shift__ends_at__gte=at - timedelta(hours=1), shift__starts_at__lte=at + window)
        .select_related("shift__post")
        .order_by("shift__starts_at", "id")
    )
    nearest: dict[int, Assignment] = {}
    for assignment in rows:
        nearest.setdefault(assignment.volunteer_id, assignment)
    return nearest


def pending_requests(teams) -> list[ChangeRequest]:
    return list(
        ChangeRequest.objects.filter(status=ChangeStatus.PENDING, assignment__volunteer__team__in=teams)
        .select_related("assignment__volunteer", "assignment__shift__post", "colleague")
        .order_by("assignment__shift__starts_at", "id")
    )


@dataclass
class BoardRow:
    shift: Shift
    needed: int
    assigned: int
    checked_in: int
    late: int
    no_show: int
    standby_called: int
    standby_accepted: int

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.checked_in)


def live_board(posts, day) -> list[BoardRow]:
    """Per shift of the posts on `day` (Beijing): needed, assigned, checked in, late, no-show,
    standby called and standby who took a place. One query."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    shifts = (
        Shift.objects.filter(post__in=posts, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("post")
        .annotate(
            n_assigned=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED), distinct=True),
            n_in=Count("assignments", filter=Q(assignments__checked_in_at__isnull=False), distinct=True),
            n_late=Count("assignments", filter=Q(assignments__arrival="late"), distinct=True),
            n_no_show=Count("assignments", filter=Q(assignments__status=AssignmentStatus.NO_SHOW), distinct=True),
            n_called=Count("standby_offers", distinct=True),
            n_taken=Count("standby_offers", filter=Q(standby_offers__status=OfferStatus.ACCEPTED), distinct=True),
        )
        .order_by("post__sort_order", "post__name_zh", "starts_at")
    )
    return [BoardRow(s, s.needed, s.n_assigned, s.n_in, s.n_late, s.n_no_show, s.n_called, s.n_taken) for s in shifts]


@dataclass
class HoursRow:
    volunteer: Volunteer
    hours: float
    shifts_worked: int
    late: int
    no_shows: int


def worked_hours(volunteers: QuerySet[Volunteer]) -> list[HoursRow]:
    """Worked hours per volunteer from check-in to check-out (two queries, however many rows)."""
    people = list(volunteers.select_related("team").order_by("name", "id"))
    totals = defaultdict(float)
    worked = defaultdict(int)
    late = defaultdict(int)
    no_shows = defaultdict(int)
    rows = Assignment.objects.filter(volunteer__in=[v.pk for v in people]).values_list("volunteer_id", "status", "checked_in_at", "checked_out_at", "arrival")
    for vid, status, checked_in, checked_out, arrival in rows:
        if checked_in and checked_out:
            totals[vid] += (checked_out - checked_in).total_seconds() / 3600
            worked[vid] += 1
        if arrival == "late":
            late[vid] += 1
        if status == AssignmentStatus.NO_SHOW:
            no_shows[vid] += 1
    return [HoursRow(v, round(totals[v.pk], 2), worked[v.pk], late[v.pk], no_shows[v.pk]) for v in people]


def _cell(value) -> str:
    """Neutralize spreadsheet formulas in text typed by applicants (CSV injection): the one rule of
    wic.admin_export."""
    from wic.admin_export import formula_safe

    return formula_safe(value)


def worked_hours_csv(rows: list[HoursRow]) -> str:
    """The CSV for certificates: one line per volunteer (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["name", "university", "student_number", "email", "team", "hours", "shifts_worked", "late_arrivals", "no_shows"])
    for r in rows:
        v = r.volunteer
        writer.writerow([
            _cell(v.name), "local" if v.is_local else _cell(v.university), _cell(v.student_number), _cell(v.email),
            _cell(v.team.name_zh) if v.team else "", f"{r.hours:.2f}", r.shifts_worked, r.late, r.no_shows,
        ])
    return out.getvalue()


def open_offers_for(volunteer: Volunteer) -> list[StandbyOffer]:
    return list(
        StandbyOffer.objects.filter(volunteer=volunteer, status=OfferStatus.OFFERED, shift__ends_at__gt=timezone.now())
        .select_related("shift__post")
        .order_by("shift__starts_at")
    )


def posts_of(teams) -> list[Post]:
    """The posts the teams serve, and any post where a member of the teams holds a shift."""
    return list(
        Post.objects.filter(Q(teams__in=teams) | Q(shifts__assignments__volunteer__team__in=teams, shifts__assignments__status=AssignmentStatus.ASSIGNED))
        .distinct().order_by("sort_order", "name_zh")
    )
