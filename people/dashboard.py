"""The speakers panel of the organizers' edition dashboard (issue 22, "The speaker's side"):
the edition's appearances by status, and the agenda items starting within three days that still
have an unconfirmed (invited) speaker. wic.dashboard lays the panels out; this app contributes
its own through people/contrib.py. Two queries, whatever the number of rows.

When an agenda item "starts" (here and in the reminders, people/tasks.py): at its clock time
where it has one; an item with a date but no clock time starts on that day (Beijing), whatever
its part of the day; an item without a date has no known start."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from wic.dashboard import Tally, tallies
from wic.display import BEIJING
from wic.i18n import pick

from .enums import AppearanceStatus
from .models import Appearance

SOON = timedelta(days=3)  # "sessions starting within 3 days with an unconfirmed speaker"


def starts_between_q(start: datetime, end: datetime, prefix: str = "session__") -> Q:
    """Agenda items (through `prefix`) that start from `start` to `end`, both included: a clock
    time in that span, or, without one, a date from `start`'s day to `end`'s day in Beijing."""
    first, last = timezone.localtime(start, BEIJING).date(), timezone.localtime(end, BEIJING).date()
    return Q(**{f"{prefix}start__isnull": False, f"{prefix}start__gte": start, f"{prefix}start__lte": end}) | Q(
        **{f"{prefix}start__isnull": True, f"{prefix}date__gte": first, f"{prefix}date__lte": last}
    )


def not_started_q(now: datetime, prefix: str = "session__") -> Q:
    """Agenda items not known to have started at `now`: a clock time after it, a day from today
    on (Beijing) without one, or no date at all."""
    today = timezone.localtime(now, BEIJING).date()
    return (
        Q(**{f"{prefix}start__gt": now})
        | Q(**{f"{prefix}start__isnull": True, f"{prefix}date__gte": today})
        | Q(**{f"{prefix}date__isnull": True})
    )


@dataclass(frozen=True)
class UnconfirmedPerson:
    name: str
    role: str  # the role's label


@dataclass(frozen=True)
class UnconfirmedSession:
    """An agenda item starting soon with at least one speaker still invited."""

    session_id: int
    title: str
    day: date
    time: str  # "09:30–10:30" in Beijing, or the part of the day ("Morning"), or ""
    people: list[UnconfirmedPerson] = field(default_factory=list)  # in protocol order


@dataclass(frozen=True)
class SpeakersPanel:
    total: int
    by_status: list[Tally]
    soon: list[UnconfirmedSession]

    @property
    def counts(self) -> dict[str, int]:
        return {t.key: t.value for t in self.by_status}


def _time_text(session) -> str:
    if session.start is not None:
        start, end = timezone.localtime(session.start, BEIJING), timezone.localtime(session.end, BEIJING)
        return f"{start:%H:%M}–{end:%H:%M}"
    return str(session.get_period_display()) if session.period else ""


def speakers_panel(edition, *, now: datetime | None = None) -> SpeakersPanel:
    """The edition's appearances by status (invited, confirmed, declined, cancelled, appeared),
    and its agenda items starting from `now` to three days later with a speaker still invited,
    soonest first, each with those speakers in protocol order. Two queries."""
    from .selectors import in_protocol_order

    now = now or timezone.now()
    counts = Appearance.objects.filter(session__edition=edition).aggregate(
        total=Count("pk"), **{s: Count("pk", filter=Q(status=s)) for s in AppearanceStatus.values}
    )
    unconfirmed = (
        Appearance.objects.filter(session__edition=edition, status=AppearanceStatus.INVITED)
        .filter(starts_between_q(now, now + SOON), not_started_q(now))
        .select_related("person", "session")
        .order_by("session__sort_key", "session__sort_order", "session_id", "pk")
    )
    grouped: dict[int, list[Appearance]] = {}
    for appearance in unconfirmed:
        grouped.setdefault(appearance.session_id, []).append(appearance)
    soon = []
    for appearances in grouped.values():
        session = appearances[0].session
        people = [UnconfirmedPerson(pick(a.person, "name"), str(a.get_role_display())) for a in in_protocol_order(appearances)]
        soon.append(UnconfirmedSession(session.pk, pick(session, "title"), session.date, _time_text(session), people))
    return SpeakersPanel(total=counts["total"], by_status=tallies(AppearanceStatus.choices, counts), soon=soon)
