"""Lay one day's sessions out as a timetable: halls as columns, five-minute rows, parallel sessions
side by side. Sessions the texts give no clock time keep their day and period and are listed
apart, never placed at a made-up time."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from .enums import Period
from .models import Session

BEIJING = ZoneInfo("Asia/Shanghai")
SLOT_MINUTES = 5
LABEL_MINUTES = 30  # a time label every half hour
PERIOD_ORDER = {"all_day": 0, "": 1, "morning": 2, "noon": 3, "afternoon": 4, "evening": 5}


@dataclass
class Placed:
    session: Session  # or, on the agenda page, its agenda.day_rows.DayRow
    column: int  # 1-based grid column (column 1 holds the times)
    row_start: int
    row_end: int  # the template writes these as data-grid-* attributes; static/js/agenda.js places the card


@dataclass
class Timetable:
    day: date
    make_columns: Callable[[], list] = list  # the columns' halls, made when `columns` is first read
    placed: list[Placed] = field(default_factory=list)
    untimed: list[tuple[str, list[Session]]] = field(default_factory=list)
    time_labels: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0
    column_firsts: list = field(default_factory=list)  # each column's first session (its hall's source)

    @cached_property
    def columns(self) -> list:
        """Hall or None (sessions with no hall), one per column after the times'."""
        return self.make_columns()

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
    """The timetable of `sessions` (instances with their hall and venue)."""
    return _layout(
        day,
        sessions,
        hall_of=lambda s: (s.hall_id, (s.hall is None, s.hall.venue.name_zh if s.hall else "", s.hall.sort_order if s.hall else 0)),
        times_of=lambda s: (s.start, s.end),
        columns_of=lambda firsts: [s.hall for s in firsts],
    )


def timetable_of_rows(day: date, rows, columns_of) -> Timetable:
    """The timetable of the day's agenda.day_rows.DayRow rows (the agenda page: no instance made),
    as `build_timetable` lays the same sessions out; `columns_of(rows)` gives the halls of the
    given rows (agenda.day_rows.column_halls), asked for only when the columns are read (a page
    whose frame is cached reads none)."""
    return _layout(
        day,
        rows,
        hall_of=lambda r: (r.hall_id, (r.hall_id is None, r.hall_venue_name_zh or "", r.hall_sort_order or 0)),
        times_of=lambda r: (r.start_utc, r.end_utc),
        columns_of=columns_of,
    )


def _layout(day, sessions, *, hall_of, times_of, columns_of) -> Timetable:
    """Halls as columns, in venue then hall order (a hall once, by its id), five-minute rows from
    the half hour before the first start; untimed sessions by period."""
    timed, untimed, halls = [], [], {}
    for s in sessions:
        start, end = times_of(s)
        if start is None:
            untimed.append(s)
        else:
            key, order = hall_of(s)
            timed.append((s, key, start.astimezone(BEIJING), end.astimezone(BEIJING)))
            halls.setdefault(key, (order, s))
    # By venue and order; halls that sort the same stay in the order of their first session.
    firsts = sorted(halls.items(), key=lambda item: item[1][0])
    column = {key: index + 2 for index, (key, _first) in enumerate(firsts)}  # column 1 holds the times
    column_firsts = [first for _key, (_order, first) in firsts]
    table = Timetable(day=day, make_columns=lambda: columns_of(column_firsts), column_firsts=column_firsts)
    if timed:
        first = _floor_half_hour(min(start for _s, _key, start, _end in timed))
        last = max(end for _s, _key, _start, end in timed)
        table.rows = _row(first, last) + (1 if (last - first).total_seconds() % (SLOT_MINUTES * 60) else 0)
        for s, key, start, end in timed:
            start_row = _row(first, start)
            table.placed.append(Placed(session=s, column=column[key], row_start=start_row, row_end=max(_row(first, end), start_row + 1)))
        moment = first
        while moment < last:
            table.time_labels.append((_row(first, moment), moment.strftime("%H:%M")))
            moment += timedelta(minutes=LABEL_MINUTES)
    groups: dict[str, list] = {}
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
