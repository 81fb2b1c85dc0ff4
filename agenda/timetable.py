"""Lay one day's sessions out as a timetable: halls as columns, five-minute rows, parallel sessions
side by side. Sessions the texts give no clock time keep their day and period and are listed
apart, never placed at a made-up time."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .enums import Period
from .models import Hall, Session

BEIJING = ZoneInfo("Asia/Shanghai")
SLOT_MINUTES = 5
LABEL_MINUTES = 30  # a time label every half hour
PERIOD_ORDER = {"all_day": 0, "": 1, "morning": 2, "noon": 3, "afternoon": 4, "evening": 5}


@dataclass
class Placed:
    session: Session
    column: int  # 1-based grid column (column 1 holds the times)
    row_start: int
    row_end: int  # the template writes these as data-grid-* attributes; static/js/agenda.js places the card


@dataclass
class Timetable:
    day: date
    columns: list  # Hall or None (sessions with no hall)
    placed: list[Placed] = field(default_factory=list)
    untimed: list[tuple[str, list[Session]]] = field(default_factory=list)
    time_labels: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0

    @property
    def has_grid(self) -> bool:
        return bool(self.placed)

    @property
    def label_span(self) -> int:
        """Rows a time label covers, so the sticky time column has no gaps for cards to show through."""
        return LABEL_MINUTES // SLOT_MINUTES

    @property
    def session_count(self) -> int:
        """Every session the day shows: placed in the grid or listed by period (the day tab's count)."""
        return len(self.placed) + sum(len(items) for _period, items in self.untimed)


def _floor_half_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0 if moment.minute < 30 else 30, second=0, microsecond=0)


def _row(day_start: datetime, moment: datetime) -> int:
    return int((moment - day_start).total_seconds() // (SLOT_MINUTES * 60)) + 2  # row 1 is the hall header


def build_timetable(day: date, sessions: list[Session]) -> Timetable:
    timed = [s for s in sessions if s.start is not None]
    untimed = [s for s in sessions if s.start is None]
    halls: list[Hall | None] = []
    for s in sorted(timed, key=lambda s: (s.hall is None, s.hall.venue.name_zh if s.hall else "", s.hall.sort_order if s.hall else 0)):
        if s.hall not in halls:
            halls.append(s.hall)
    table = Timetable(day=day, columns=halls)
    if timed:
        first = _floor_half_hour(min(s.start for s in timed).astimezone(BEIJING))
        last = max(s.end for s in timed).astimezone(BEIJING)
        table.rows = _row(first, last) + (1 if (last - first).total_seconds() % (SLOT_MINUTES * 60) else 0)
        for s in timed:
            table.placed.append(
                Placed(
                    session=s,
                    column=halls.index(s.hall) + 2,
                    row_start=_row(first, s.start.astimezone(BEIJING)),
                    row_end=max(_row(first, s.end.astimezone(BEIJING)), _row(first, s.start.astimezone(BEIJING)) + 1),
                )
            )
        moment = first
        while moment < last:
            table.time_labels.append((_row(first, moment), moment.strftime("%H:%M")))
            moment += timedelta(minutes=LABEL_MINUTES)
    groups: dict[str, list[Session]] = {}
    for s in sorted(untimed, key=lambda s: (PERIOD_ORDER.get(s.period, 1), s.sort_order)):
        groups.setdefault(s.period, []).append(s)
    table.untimed = [(period, items) for period, items in groups.items()]
    return table


def period_label(period: str) -> str:
    return Period(period).label if period else ""


@dataclass
class Overlap:
    first: Session
    second: Session
    certain: bool  # False: same day and half-day, but the texts give no clock time


def find_overlaps(sessions: list[Session]) -> list[Overlap]:
    """Pairs of sessions that overlap in time. Two timed sessions overlap when their intervals
    intersect; two untimed ones on the same day and period may overlap (reported as uncertain)."""
    found = []
    ordered = sorted(sessions, key=lambda s: (s.date is None, s.date or date.min, s.sort_key))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.date != a.date:
                break
            if a.start is not None and b.start is not None:
                if a.start < b.end and b.start < a.end:
                    found.append(Overlap(a, b, True))
            elif a.start is None and b.start is None and a.period and a.period == b.period:
                found.append(Overlap(a, b, False))
    return found
