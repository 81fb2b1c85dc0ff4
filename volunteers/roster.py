"""The auto-roster: fill a programme's open shifts from its accepted, trained volunteers.

Everything happens in memory: a handful of bulk reads (shifts, the posts' required modules,
volunteers, their languages, training attendance, the assignments already made, teams), one
greedy pass, then one `bulk_create` of the new assignments and one `bulk_update` of the shifts'
`filled` counts, all in one transaction with the programme's shift and volunteer rows locked, so
manual rostering cannot interleave. The query count does not grow with the instance.

The rules are the ones `services.roster_refusal` states for a single assignment, applied in bulk:
training done for the post, every required language spoken (working level or better), no
overlapping shift, never more than `needed`; plus the volunteer's days available (empty = every
day). Among eligible volunteers the pass prefers, in one score: fewer hours rostered so far
(balance), the post their team serves, their preferred post kinds, and not spending a foreign
language speaker on a shift that needs none of their languages. Shifts with the fewest eligible
volunteers per open place are filled first, so scarce speakers go where only they can serve.
"""
import heapq
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import webhooks

from . import webhook_events
from .enums import SERVICE_LEVELS, AssignmentSource, AssignmentStatus, VolunteerStatus
from .models import Assignment, Post, Shift, Team, TrainingAttendance, Volunteer, VolunteerLanguage

TEAM_POST_BONUS_HOURS = 3.0
PREFERRED_KIND_BONUS_HOURS = 2.0
UNUSED_LANGUAGE_PENALTY_HOURS = 0.5


@dataclass
class Unfilled:
    shift_id: int
    shift: str
    needed: int
    filled: int
    reason: str
    eligible: int  # volunteers passing training, languages and day (before overlaps)

    @property
    def missing(self) -> int:
        return self.needed - self.filled

    def message(self) -> str:
        labels = {
            "no_trained_volunteer": _("nobody has the post's training"),
            "no_language_speaker": _("no trained volunteer speaks the required languages"),
            "nobody_available_that_day": _("no trained speaker is available that day"),
            "everyone_busy": _("every eligible volunteer is on an overlapping shift"),
        }
        return _("%(shift)s: %(missing)s of %(needed)s places open (%(reason)s)") % {
            "shift": self.shift, "missing": self.missing, "needed": self.needed, "reason": labels[self.reason],
        }


@dataclass
class RosterReport:
    shifts: int = 0
    places: int = 0  # places in all shifts
    open_before: int = 0
    assigned: int = 0
    volunteers: int = 0
    seconds: float = 0.0
    unfilled: list[Unfilled] = field(default_factory=list)

    @property
    def open_after(self) -> int:
        return self.open_before - self.assigned

    @property
    def fill_rate(self) -> float:
        """Share of all places filled after the run."""
        return 1.0 if not self.places else (self.places - self.open_after) / self.places


@dataclass
class _V:
    pk: int
    attended: frozenset
    spoken: frozenset
    days: frozenset | None
    kinds: frozenset
    team_post: int | None
    hours: float = 0.0
    busy: list = field(default_factory=list)  # (start, end, shift_id)

    def free(self, start: datetime, end: datetime) -> bool:
        for s, e, _sid in self.busy:
            if s < end and e > start:
                return False
        return True


def roster_auto(*, programme, actor=None) -> RosterReport:
    """Fill the programme's open shifts; returns what was filled and what could not be, with why."""
    started = time.perf_counter()
    report = RosterReport()
    with transaction.atomic():
        shifts = list(
            Shift.objects.select_for_update(of=("self",)).filter(post__programme=programme).select_related("post").order_by("starts_at", "id")
        )
        volunteer_rows = list(
            Volunteer.objects.select_for_update().filter(programme=programme, status=VolunteerStatus.ACCEPTED)
            .values_list("pk", "available_days", "preferred_post_kinds", "team_id")
        )
        required: dict[int, set] = defaultdict(set)
        for post_id, module_id in Post.required_modules.through.objects.filter(post__programme=programme).values_list("post_id", "trainingmodule_id"):
            required[post_id].add(module_id)
        team_posts = dict(Team.objects.filter(programme=programme).values_list("pk", "post_id"))
        attended: dict[int, set] = defaultdict(set)
        for vid, mid in TrainingAttendance.objects.filter(module__programme=programme).values_list("volunteer_id", "module_id"):
            attended[vid].add(mid)
        spoken: dict[int, set] = defaultdict(set)
        for vid, code, level in VolunteerLanguage.objects.filter(volunteer__programme=programme, volunteer__status=VolunteerStatus.ACCEPTED).values_list("volunteer_id", "language", "level"):
            if level in SERVICE_LEVELS:
                spoken[vid].add(code)
        existing = list(
            Assignment.objects.filter(shift__post__programme=programme, status=AssignmentStatus.ASSIGNED).values_list("volunteer_id", "shift_id")
        )

        volunteers = {
            pk: _V(
                pk=pk, attended=frozenset(attended.get(pk, ())), spoken=frozenset(spoken.get(pk, ())),
                days=frozenset(days) if days else None, kinds=frozenset(kinds or ()), team_post=team_posts.get(team_id),
            )
            for pk, days, kinds, team_id in volunteer_rows
        }
        by_id = {s.pk: s for s in shifts}
        on_shift: dict[int, set] = defaultdict(set)
        for vid, sid in existing:
            on_shift[sid].add(vid)
            v, s = volunteers.get(vid), by_id[sid]
            if v is not None:
                v.busy.append((s.starts_at, s.ends_at, sid))
                v.hours += (s.ends_at - s.starts_at).total_seconds() / 3600

        report.volunteers = len(volunteers)
        report.shifts = len(shifts)
        report.places = sum(s.needed for s in shifts)
        open_shifts = [s for s in shifts if s.filled < s.needed]
        report.open_before = sum(s.needed - s.filled for s in open_shifts)

        trained: dict[int, list[_V]] = {}
        for post_id in {s.post_id for s in open_shifts}:
            need = required.get(post_id, set())
            trained[post_id] = [v for v in volunteers.values() if need <= v.attended]
        speakers: dict[tuple, list[_V]] = {}
        pools: dict[int, list[_V]] = {}
        day_of = {}
        for s in open_shifts:
            langs = frozenset(s.required_languages or ())
            key = (s.post_id, langs)
            if key not in speakers:
                speakers[key] = [v for v in trained[s.post_id] if langs <= v.spoken]
            day = timezone.localtime(s.starts_at).date().isoformat()
            day_of[s.pk] = day
            pools[s.pk] = [v for v in speakers[key] if v.days is None or day in v.days]

        new: list[Assignment] = []
        changed: list[Shift] = []
        order = sorted(open_shifts, key=lambda s: (len(pools[s.pk]) / (s.needed - s.filled), s.starts_at, s.pk))
        actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
        for s in order:
            open_places = s.needed - s.filled
            langs = frozenset(s.required_languages or ())
            kind = s.post.kind
            taken = on_shift[s.pk]
            start, end = s.starts_at, s.ends_at

            def scored():
                for v in pools[s.pk]:
                    if v.pk in taken or not v.free(start, end):
                        continue
                    score = v.hours
                    if v.team_post == s.post_id:
                        score -= TEAM_POST_BONUS_HOURS
                    if kind in v.kinds:
                        score -= PREFERRED_KIND_BONUS_HOURS
                    score += UNUSED_LANGUAGE_PENALTY_HOURS * len(v.spoken - langs)
                    yield (score, v.pk, v)

            chosen = heapq.nsmallest(open_places, scored())
            hours = (end - start).total_seconds() / 3600
            for _score, _pk, v in chosen:
                v.busy.append((start, end, s.pk))
                v.hours += hours
                taken.add(v.pk)
                new.append(Assignment(shift_id=s.pk, volunteer_id=v.pk, source=AssignmentSource.AUTO, created_by_id=actor_id))
            if chosen:
                s.filled += len(chosen)
                changed.append(s)
            if s.filled < s.needed:
                report.unfilled.append(_why_unfilled(s, trained, speakers, pools))
        Assignment.objects.bulk_create(new, batch_size=2000)
        Shift.objects.bulk_update(changed, ["filled"], batch_size=1000)
        report.assigned = len(new)
        if new and webhooks.listeners("volunteer.assigned"):  # issue 28: one query when nobody listens
            for assignment in Assignment.objects.filter(pk__in=[a.pk for a in new]).select_related("shift__post__programme__edition", "volunteer"):
                webhooks.emit("volunteer.assigned", lambda a=assignment: webhook_events.volunteer_assigned(a))
    report.unfilled.sort(key=lambda u: (by_id[u.shift_id].starts_at, u.shift_id))
    report.seconds = time.perf_counter() - started
    return report


def _why_unfilled(s: Shift, trained, speakers, pools) -> Unfilled:
    langs = frozenset(s.required_languages or ())
    if not trained[s.post_id]:
        reason = "no_trained_volunteer"
    elif not speakers[(s.post_id, langs)]:
        reason = "no_language_speaker"
    elif not pools[s.pk]:
        reason = "nobody_available_that_day"
    else:
        reason = "everyone_busy"
    local = timezone.localtime(s.starts_at)
    name = f"{s.post.name_zh} {local:%Y-%m-%d %H:%M}–{timezone.localtime(s.ends_at):%H:%M}"
    return Unfilled(shift_id=s.pk, shift=name, needed=s.needed, filled=s.filled, reason=reason, eligible=len(pools[s.pk]))


def roster_violations(programme) -> list[str]:
    """Every broken roster rule in the programme's active assignments, checked independently of
    the auto-roster's own bookkeeping (used by the property test and the benchmark): overlaps,
    over-filled shifts (and `filled` disagreeing with the count), untrained volunteers, missing
    languages, volunteers not accepted (standby volunteers may hold places they took as backfill)."""
    problems = []
    shifts = {s.pk: s for s in Shift.objects.filter(post__programme=programme)}
    required: dict[int, set] = defaultdict(set)
    for post_id, module_id in Post.required_modules.through.objects.filter(post__programme=programme).values_list("post_id", "trainingmodule_id"):
        required[post_id].add(module_id)
    attended: dict[int, set] = defaultdict(set)
    for vid, mid in TrainingAttendance.objects.filter(module__programme=programme).values_list("volunteer_id", "module_id"):
        attended[vid].add(mid)
    spoken: dict[int, set] = defaultdict(set)
    for vid, code, level in VolunteerLanguage.objects.filter(volunteer__programme=programme).values_list("volunteer_id", "language", "level"):
        if level in SERVICE_LEVELS:
            spoken[vid].add(code)
    status = dict(Volunteer.objects.filter(programme=programme).values_list("pk", "status"))
    rows = list(Assignment.objects.filter(shift__post__programme=programme, status=AssignmentStatus.ASSIGNED).values_list("volunteer_id", "shift_id", "source"))
    per_shift: dict[int, int] = defaultdict(int)
    per_volunteer: dict[int, list] = defaultdict(list)
    for vid, sid, source in rows:
        s = shifts[sid]
        per_shift[sid] += 1
        per_volunteer[vid].append(s)
        if not required[s.post_id] <= attended[vid]:
            problems.append(f"untrained: volunteer {vid} on shift {sid}")
        if not set(s.required_languages or ()) <= spoken[vid]:
            problems.append(f"language: volunteer {vid} on shift {sid}")
        if status[vid] != VolunteerStatus.ACCEPTED and not (source == AssignmentSource.STANDBY and status[vid] == VolunteerStatus.STANDBY):
            problems.append(f"not accepted: volunteer {vid} on shift {sid}")
    for sid, s in shifts.items():
        if per_shift[sid] > s.needed:
            problems.append(f"over-filled: shift {sid} has {per_shift[sid]} of {s.needed}")
        if per_shift[sid] != s.filled:
            problems.append(f"count: shift {sid} says {s.filled}, has {per_shift[sid]}")
    for vid, held in per_volunteer.items():
        held.sort(key=lambda s: s.starts_at)
        for a, b in zip(held, held[1:]):
            if b.starts_at < a.ends_at:
                problems.append(f"overlap: volunteer {vid} on shifts {a.pk} and {b.pk}")
    return problems
