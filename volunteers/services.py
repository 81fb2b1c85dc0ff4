"""The volunteer programme's business rules: applications, interviews and decisions, training,
teams, the roster (manual; the auto-roster is in `roster.py`), shift check-in/out, swap and drop
requests, no-shows and the standby backfill.

Anything countable is decided under a row lock (`select_for_update` inside `atomic()`): a shift's
headcount under the shift row's lock (backed by the `filled <= needed` check constraint), a
volunteer's overlapping shifts under the volunteer row's lock, a team's size under the team row's
lock. Lock order, everywhere: offer, shift, volunteer. Emails are Celery tasks enqueued on commit,
given ids only.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import webhooks
from wic.display import beijing_text
from wic.errors import ConflictError, DomainError

from . import webhook_events
from .enums import (
    DECISIONS,
    SERVICE_LEVELS,
    Arrival,
    AssignmentSource,
    AssignmentStatus,
    ChangeKind,
    ChangeStatus,
    CheckVia,
    Departure,
    Language,
    LanguageLevel,
    OfferStatus,
    PostKind,
    VolunteerStatus,
)
from .models import (
    Assignment,
    ChangeRequest,
    Interview,
    Programme,
    Shift,
    ShiftCheck,
    StandbyOffer,
    Team,
    TrainingAttendance,
    TrainingModule,
    Volunteer,
    VolunteerLanguage,
)
from .permissions import lead_can_manage

# Switched off only by the concurrency test's negative control, to show the test sees the race.
LOCK_SHIFT = True


def _local(moment: datetime) -> str:
    return beijing_text(moment)


def _language_names(codes) -> str:
    return ", ".join(str(Language(code).label) if code in Language.values else code for code in codes)


# -- applications ------------------------------------------------------------------------------

APPLICATION_FIELDS = (
    "name", "university", "is_local", "student_number", "phone", "email", "available_days", "preferred_post_kinds", "motivation",
)


def programme_days(programme: Programme) -> list[date]:
    """The days a volunteer may offer: from two days before the edition (set-up) to its last day;
    none where the edition's dates are not known."""
    if not programme.edition.has_dates:
        return []
    first = programme.edition.start_date - timedelta(days=2)
    return [first + timedelta(days=n) for n in range((programme.edition.end_date - first).days + 1)]


def application_submit(
    *, programme: Programme, data: dict, languages: dict[str, str] | None = None, user=None, language: str = "zh-hans", now: datetime | None = None
) -> Volunteer:
    """Apply to a programme. Refused before the programme opens (`applications_not_open`), after
    its deadline or once the edition is over (`applications_closed`), without a university or
    "local" (`university_required`), with an unknown language, level, day or post kind
    (`invalid`), or when the email has already applied (`duplicate_application`; a database
    constraint backs it against simultaneous requests)."""
    now = now or timezone.now()
    if programme.applications_open_at and now < programme.applications_open_at:
        raise DomainError("applications_not_open", _("Applications open on %(when)s.") % {"when": _local(programme.applications_open_at)})
    if programme.applications_close_at and now >= programme.applications_close_at:
        raise DomainError("applications_closed", _("The application deadline was %(when)s.") % {"when": _local(programme.applications_close_at)})
    if programme.edition.has_ended(timezone.localdate(now)):
        raise DomainError("applications_closed", _("Edition %(year)s is over; applications are closed.") % {"year": programme.edition.year})
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise DomainError("invalid", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    data = {**data, "email": (data.get("email") or "").strip(), "university": (data.get("university") or "").strip()}
    if not data.get("is_local") and not data["university"]:
        raise DomainError("university_required", _("Name your university, or say you apply as a local volunteer."), field="university")
    days = {d.isoformat() for d in programme_days(programme)}
    bad_days = [d for d in data.get("available_days") or [] if str(d) not in days]
    if bad_days:
        raise DomainError("invalid", _("These days are outside the programme: %(days)s.") % {"days": ", ".join(map(str, bad_days))}, field="available_days")
    bad_kinds = [k for k in data.get("preferred_post_kinds") or [] if k not in PostKind.values]
    if bad_kinds:
        raise DomainError("invalid", _("Unknown posts: %(posts)s.") % {"posts": ", ".join(bad_kinds)}, field="preferred_post_kinds")
    languages = dict(languages or {})
    bad_languages = [f"{c}:{l}" for c, l in languages.items() if c not in Language.values or l not in LanguageLevel.values]
    if bad_languages:
        raise DomainError("invalid", _("Unknown languages or levels: %(items)s.") % {"items": ", ".join(bad_languages)}, field="languages")
    existing = Volunteer.objects.filter(programme=programme, email__iexact=data["email"]).first()
    if existing:
        raise ConflictError("duplicate_application", _("%(email)s has already applied to this programme.") % {"email": data["email"]}, field="email")
    volunteer = Volunteer(
        programme=programme, user=user if user is not None and user.is_authenticated else None, language=language,
        **{**data, "available_days": sorted(str(d) for d in data.get("available_days") or []), "preferred_post_kinds": list(data.get("preferred_post_kinds") or [])},
    )
    try:
        volunteer.clean_fields(exclude=["code", "feed_token", "team", "user", "decided_by", "programme"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid", f"{field}: {' '.join(messages)}", field=field) from None
    try:
        with transaction.atomic():
            volunteer.save()
            VolunteerLanguage.objects.bulk_create(
                [VolunteerLanguage(volunteer=volunteer, language=code, level=level) for code, level in sorted(languages.items())]
            )
    except IntegrityError:
        raise ConflictError("duplicate_application", _("%(email)s has already applied to this programme.") % {"email": data["email"]}, field="email") from None
    return volunteer


# -- interviews and decisions --------------------------------------------------------------------

@transaction.atomic
def interview_record(*, volunteer: Volunteer, round: int, score: int, note: str = "", interviewer=None) -> Interview:
    """Record (or correct) one interview round's score (0 to 100) and note. Refused once the
    application is decided (`already_decided`), for a round the programme does not hold
    (`invalid_round`), before the previous round is recorded (`previous_round_missing`) or for a
    score outside 0 to 100 (`invalid_score`)."""
    volunteer = Volunteer.objects.select_for_update().select_related("programme").get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.APPLIED:
        raise ConflictError("already_decided", _("%(name)s's application is already decided (%(status)s).") % {"name": volunteer.name, "status": volunteer.get_status_display()})
    rounds = volunteer.programme.interview_rounds
    if not 1 <= int(round) <= rounds:
        raise DomainError("invalid_round", _("The programme holds interview rounds 1 to %(rounds)s, not %(round)s.") % {"rounds": rounds, "round": round})
    if int(round) > 1 and not volunteer.interviews.filter(round=int(round) - 1).exists():
        raise DomainError("previous_round_missing", _("Round %(previous)s is not recorded yet for %(name)s.") % {"previous": int(round) - 1, "name": volunteer.name})
    if not 0 <= int(score) <= 100:
        raise DomainError("invalid_score", _("A score is 0 to 100, not %(score)s.") % {"score": score})
    interview, _created = Interview.objects.update_or_create(
        volunteer=volunteer, round=int(round), defaults={"score": int(score), "note": note, "interviewer": interviewer}
    )
    return interview


@transaction.atomic
def volunteer_decide(*, volunteer: Volunteer, status: str, actor) -> Volunteer:
    """Accept, put on standby or decline (`invalid_transition` otherwise). Accepting needs every
    interview round recorded (`interviews_incomplete`); leaving "accepted" is refused while the
    volunteer still holds shifts (`has_shifts`). The volunteer's email is recorded in the same
    transaction, once per decision, and sent once it commits."""
    volunteer = Volunteer.objects.select_for_update().select_related("programme").get(pk=volunteer.pk)
    if status not in DECISIONS.get(volunteer.status, ()):
        label = VolunteerStatus(status).label if status in VolunteerStatus.values else status
        raise ConflictError("invalid_transition", _("An application that is %(from)s cannot become %(to)s.") % {"from": volunteer.get_status_display(), "to": label})
    if status == VolunteerStatus.ACCEPTED:
        done = set(volunteer.interviews.values_list("round", flat=True))
        missing = [r for r in range(1, volunteer.programme.interview_rounds + 1) if r not in done]
        if missing:
            raise DomainError("interviews_incomplete", _("%(name)s still needs interview round(s) %(rounds)s.") % {"name": volunteer.name, "rounds": ", ".join(map(str, missing))})
    if volunteer.status == VolunteerStatus.ACCEPTED:
        held = volunteer.assignments.filter(status=AssignmentStatus.ASSIGNED).count()
        if held:
            raise ConflictError("has_shifts", _("%(name)s still holds %(count)s shift(s); drop them first.") % {"name": volunteer.name, "count": held})
    volunteer.status = status
    volunteer.decided_at = timezone.now()
    volunteer.decided_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    volunteer.save(update_fields=["status", "decided_at", "decided_by"])
    from .notifications import volunteer_decision_announce

    volunteer_decision_announce(volunteer_id=volunteer.pk, status=status)
    return volunteer


def volunteers_decide(*, volunteers, status: str, actor) -> tuple[list, list]:
    """Decide each application in its own transaction; returns (changed, [(volunteer, error)])."""
    changed, refused = [], []
    for volunteer in volunteers:
        try:
            changed.append(volunteer_decide(volunteer=volunteer, status=status, actor=actor))
        except DomainError as error:
            refused.append((volunteer, error))
    return changed, refused


# -- training and teams -------------------------------------------------------------------------

def attendance_record(*, module: TrainingModule, volunteer: Volunteer, actor, present: bool = True) -> bool:
    """Mark a volunteer present at (or absent from) a module. Returns whether anything changed.
    Refused for a volunteer of another programme (`wrong_programme`)."""
    if volunteer.programme_id != module.programme_id:
        raise DomainError("wrong_programme", _("%(name)s is not in this module's programme.") % {"name": volunteer.name})
    if present:
        _obj, created = TrainingAttendance.objects.get_or_create(module=module, volunteer=volunteer, defaults={"recorded_by": actor})
        return created
    return TrainingAttendance.objects.filter(module=module, volunteer=volunteer).delete()[0] > 0


def attendance_record_by_code(*, module: TrainingModule, code: str, actor) -> Volunteer:
    """The lead scanned a volunteer's QR code at a module: mark them present. Refused for an
    unknown code (`unknown_code`) or someone outside the lead's teams (`not_your_team`)."""
    volunteer = Volunteer.objects.filter(programme_id=module.programme_id, code=(code or "").strip().upper()).first()
    if volunteer is None:
        raise DomainError("unknown_code", _("No volunteer of this programme has the code %(code)s.") % {"code": code})
    if actor is not None and not lead_can_manage(actor, volunteer):
        raise DomainError("not_your_team", _("%(name)s is not in a team you lead.") % {"name": volunteer.name}, status=403)
    attendance_record(module=module, volunteer=volunteer, actor=actor)
    return volunteer


@transaction.atomic
def attendance_set(*, module: TrainingModule, volunteers, present_ids: set[int], actor) -> tuple[int, int]:
    """The lead's attendance list: of the `volunteers` shown, those in `present_ids` attended and
    the others did not. Returns (added, removed)."""
    shown = {v.pk: v for v in volunteers}
    wrong = [v.name for v in shown.values() if v.programme_id != module.programme_id]
    if wrong:
        raise DomainError("wrong_programme", _("Not in this module's programme: %(names)s.") % {"names": ", ".join(wrong)})
    had = set(TrainingAttendance.objects.filter(module=module, volunteer_id__in=shown).values_list("volunteer_id", flat=True))
    present = set(present_ids) & set(shown)
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(module=module, volunteer_id=pk, recorded_by=actor) for pk in sorted(present - had)], ignore_conflicts=True
    )
    removed = TrainingAttendance.objects.filter(module=module, volunteer_id__in=had - present).delete()[0]
    return len(present - had), removed


@transaction.atomic
def team_add_member(*, team: Team, volunteer: Volunteer) -> Volunteer:
    """Put an accepted volunteer in a team. Refused when the team has the programme's largest
    size already (`team_full`), for another programme (`wrong_programme`) or an unaccepted
    volunteer (`not_accepted`)."""
    team = Team.objects.select_for_update().select_related("programme").get(pk=team.pk)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.programme_id != team.programme_id:
        raise DomainError("wrong_programme", _("%(name)s is not in this team's programme.") % {"name": volunteer.name})
    if volunteer.status not in (VolunteerStatus.ACCEPTED, VolunteerStatus.STANDBY):
        raise DomainError("not_accepted", _("%(name)s is not accepted (%(status)s).") % {"name": volunteer.name, "status": volunteer.get_status_display()})
    if volunteer.team_id == team.pk:
        return volunteer
    size = team.members.count()
    if size >= team.programme.team_size_max:
        raise ConflictError("team_full", _("%(team)s already has %(size)s members, the largest team size.") % {"team": team.name_zh, "size": size})
    volunteer.team = team
    volunteer.save(update_fields=["team"])
    return volunteer


# -- the roster ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def spoken_languages(levels: dict[str, str]) -> set[str]:
    """The languages a volunteer can serve in: working level or better."""
    return {code for code, level in levels.items() if level in SERVICE_LEVELS}


def roster_refusal(
    *, shift_name: str, needed: int, filled: int, required_modules: dict[int, str], attended: set[int], required_languages, spoken: set[str],
    busy: list[tuple[datetime, datetime, str]], starts_at: datetime, ends_at: datetime,
) -> Refusal | None:
    """The one statement of the four roster rules, on plain data (the manual service and the
    standby backfill call it; the auto-roster applies the same rules in bulk): training done for
    the post, every required language spoken, no overlapping shift, a free place."""
    missing = [name for pk, name in required_modules.items() if pk not in attended]
    if missing:
        return Refusal("training_incomplete", _("Training not done for %(shift)s: %(modules)s.") % {"shift": shift_name, "modules": ", ".join(missing)})
    lacking = [code for code in required_languages if code not in spoken]
    if lacking:
        return Refusal("language_required", _("%(shift)s needs %(languages)s.") % {"shift": shift_name, "languages": _language_names(lacking)})
    for start, end, other in busy:
        if start < ends_at and end > starts_at:
            return Refusal("shift_overlap", _("Overlaps %(other)s.") % {"other": other})
    if filled >= needed:
        return Refusal("shift_full", _("%(shift)s has %(filled)s of %(needed)s places filled.") % {"shift": shift_name, "filled": filled, "needed": needed})
    return None


def _busy(volunteer: Volunteer, exclude_shift_id: int | None = None) -> list[tuple[datetime, datetime, str]]:
    rows = Assignment.objects.filter(volunteer=volunteer, status=AssignmentStatus.ASSIGNED).select_related("shift__post")
    return [(a.shift.starts_at, a.shift.ends_at, str(a.shift)) for a in rows if a.shift_id != exclude_shift_id]


def _assign_locked(*, shift: Shift, volunteer: Volunteer, actor, source: str, allowed=(VolunteerStatus.ACCEPTED,)) -> Assignment:
    """Assign with the shift and the volunteer rows already locked by the caller."""
    if volunteer.programme_id != shift.post.programme_id:
        raise DomainError("wrong_programme", _("%(name)s is not in this shift's programme.") % {"name": volunteer.name})
    if volunteer.status not in allowed:
        raise DomainError("not_accepted", _("%(name)s is not accepted (%(status)s).") % {"name": volunteer.name, "status": volunteer.get_status_display()})
    if Assignment.objects.filter(shift=shift, volunteer=volunteer, status=AssignmentStatus.ASSIGNED).exists():
        raise ConflictError("already_assigned", _("%(name)s is already on %(shift)s.") % {"name": volunteer.name, "shift": str(shift)})
    refusal = roster_refusal(
        shift_name=str(shift), needed=shift.needed, filled=shift.filled,
        required_modules=dict(shift.post.required_modules.values_list("pk", "name_zh")),
        attended=set(volunteer.attendances.values_list("module_id", flat=True)),
        required_languages=shift.required_languages,
        spoken=spoken_languages(dict(volunteer.languages.values_list("language", "level"))),
        busy=_busy(volunteer), starts_at=shift.starts_at, ends_at=shift.ends_at,
    )
    if refusal is not None:
        error_class = ConflictError if refusal.code in ("shift_full", "shift_overlap") else DomainError
        raise error_class(refusal.code, refusal.message)
    try:
        with transaction.atomic():
            Shift.objects.filter(pk=shift.pk).update(filled=F("filled") + 1)
            assignment = Assignment.objects.create(shift=shift, volunteer=volunteer, source=source, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:  # the filled <= needed or once-per-shift constraint: a race the lock did not stop
        raise ConflictError("shift_full", _("%(shift)s has %(filled)s of %(needed)s places filled.") % {"shift": str(shift), "filled": shift.needed, "needed": shift.needed}) from None
    shift.filled += 1
    # issue 28: every way onto a shift (an organizer or a lead, a standby place, a swap) tells the
    # integrations; the auto-roster's bulk insert emits in volunteers.roster.
    webhooks.emit("volunteer.assigned", lambda: webhook_events.volunteer_assigned(assignment))
    return assignment


def _lock_shift(shift_id: int) -> Shift:
    shifts = Shift.objects.select_related("post__programme")
    if LOCK_SHIFT:
        shifts = shifts.select_for_update(of=("self",))
    return shifts.get(pk=shift_id)


@transaction.atomic
def shift_assign(*, shift: Shift, volunteer: Volunteer, actor=None, source: str = AssignmentSource.MANUAL) -> Assignment:
    """Roster a volunteer on a shift. Refused with `training_incomplete` (naming the modules not
    done), `language_required` (naming the languages), `shift_overlap` (naming the other shift),
    `shift_full` (naming the count), `not_accepted`, `already_assigned` or `wrong_programme`."""
    shift = _lock_shift(shift.pk)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    return _assign_locked(shift=shift, volunteer=volunteer, actor=actor, source=source)


@transaction.atomic
def assignment_drop(*, assignment: Assignment, actor=None) -> Assignment:
    """Take a volunteer off a shift (the place opens again). Refused once checked in (`already_checked_in`)."""
    shift = _lock_shift(assignment.shift_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ConflictError("not_assigned", _("This assignment is %(status)s.") % {"status": assignment.get_status_display()})
    if assignment.checked_in_at:
        raise ConflictError("already_checked_in", _("%(name)s has already checked in.") % {"name": assignment.volunteer.name})
    assignment.status = AssignmentStatus.DROPPED
    assignment.save(update_fields=["status"])
    Shift.objects.filter(pk=shift.pk).update(filled=F("filled") - 1)
    return assignment


# -- shift check-in / check-out -------------------------------------------------------------------

def checkin_window(shift: Shift, programme: Programme) -> tuple[datetime, datetime]:
    return (
        shift.starts_at - timedelta(minutes=programme.checkin_opens_minutes),
        shift.starts_at + timedelta(minutes=programme.checkin_closes_minutes),
    )


def _locked_assignment(assignment_id: int) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("shift__post__programme", "volunteer")
        .get(pk=assignment_id)
    )


@transaction.atomic
def assignment_check_in(*, assignment: Assignment, actor=None, via: str = CheckVia.SELF, at: datetime | None = None) -> Assignment:
    """Check a volunteer in on a shift, within the programme's window around the start: refused
    before it opens (`checkin_not_open`), after it closes (`checkin_closed`), twice
    (`already_checked_in`), after a no-show was marked (`marked_no_show`) or for a dropped shift
    (`not_assigned`). Records the arrival as early, on time or late (the programme's margin)."""
    at = at or timezone.now()
    assignment = _locked_assignment(assignment.pk)
    shift, programme = assignment.shift, assignment.shift.post.programme
    if assignment.status == AssignmentStatus.NO_SHOW:
        raise ConflictError("marked_no_show", _("%(name)s was marked a no-show for this shift; the place went to standby.") % {"name": assignment.volunteer.name})
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ConflictError("not_assigned", _("This assignment is %(status)s.") % {"status": assignment.get_status_display()})
    if assignment.checked_in_at:
        raise ConflictError("already_checked_in", _("Already checked in at %(when)s.") % {"when": _local(assignment.checked_in_at)})
    opens, closes = checkin_window(shift, programme)
    if at < opens:
        raise DomainError("checkin_not_open", _("Check-in for %(shift)s opens at %(when)s.") % {"shift": str(shift), "when": _local(opens)})
    if at > closes:
        raise DomainError("checkin_closed", _("Check-in for %(shift)s closed at %(when)s.") % {"shift": str(shift), "when": _local(closes)})
    margin = timedelta(minutes=programme.on_time_margin_minutes)
    assignment.arrival = Arrival.EARLY if at < shift.starts_at - margin else Arrival.LATE if at > shift.starts_at + margin else Arrival.ON_TIME
    assignment.checked_in_at = at
    assignment.save(update_fields=["checked_in_at", "arrival"])
    ShiftCheck.objects.create(assignment=assignment, kind=ShiftCheck.IN, at=at, via=via, by=actor if getattr(actor, "is_authenticated", False) else None)
    return assignment


@transaction.atomic
def assignment_check_out(*, assignment: Assignment, actor=None, via: str = CheckVia.SELF, at: datetime | None = None) -> Assignment:
    """Check a volunteer out: refused before checking in (`not_checked_in`), twice
    (`already_checked_out`) or after the programme's check-out window (`checkout_closed`).
    Records the departure as early, on time or late."""
    at = at or timezone.now()
    assignment = _locked_assignment(assignment.pk)
    shift, programme = assignment.shift, assignment.shift.post.programme
    if not assignment.checked_in_at:
        raise ConflictError("not_checked_in", _("%(name)s has not checked in on %(shift)s.") % {"name": assignment.volunteer.name, "shift": str(shift)})
    if assignment.checked_out_at:
        raise ConflictError("already_checked_out", _("Already checked out at %(when)s.") % {"when": _local(assignment.checked_out_at)})
    closes = shift.ends_at + timedelta(minutes=programme.checkout_closes_minutes)
    if at > closes:
        raise DomainError("checkout_closed", _("Check-out for %(shift)s closed at %(when)s.") % {"shift": str(shift), "when": _local(closes)})
    at = max(at, assignment.checked_in_at)
    margin = timedelta(minutes=programme.on_time_margin_minutes)
    assignment.departure = Departure.EARLY if at < shift.ends_at - margin else Departure.LATE if at > shift.ends_at + margin else Departure.ON_TIME
    assignment.checked_out_at = at
    assignment.save(update_fields=["checked_out_at", "departure"])
    ShiftCheck.objects.create(assignment=assignment, kind=ShiftCheck.OUT, at=at, via=via, by=actor if getattr(actor, "is_authenticated", False) else None)
    return assignment


def current_assignment(volunteer: Volunteer, at: datetime) -> Assignment | None:
    """The assignment a scan acts on now: the one checked in and not out, else the one whose
    check-in window contains `at`."""
    programme = volunteer.programme
    rows = list(
        Assignment.objects.filter(
            volunteer=volunteer, status=AssignmentStatus.ASSIGNED,
            shift__starts_at__lte=at + timedelta(minutes=programme.checkin_opens_minutes),
            shift__ends_at__gte=at - timedelta(minutes=programme.checkout_closes_minutes),
        ).select_related("shift__post__programme").order_by("shift__starts_at")
    )
    for assignment in rows:
        if assignment.checked_in_at and not assignment.checked_out_at:
            return assignment
    for assignment in rows:
        opens, closes = checkin_window(assignment.shift, programme)
        if not assignment.checked_in_at and opens <= at <= closes:
            return assignment
    return None


def lead_scan(*, lead, code: str, at: datetime | None = None, via: str = CheckVia.LEAD_SCAN) -> tuple[str, Assignment]:
    """A lead scans (or picks) a volunteer's QR code: checks them out of the shift they are on,
    else in on the shift starting now. Returns ("in"|"out", assignment). Refused for an unknown
    code (`unknown_code`), someone outside the lead's teams (`not_your_team`) or nobody's shift
    now (`no_shift_now`)."""
    at = at or timezone.now()
    volunteer = Volunteer.objects.select_related("programme").filter(code=(code or "").strip().upper()).first()
    if volunteer is None:
        raise DomainError("unknown_code", _("No volunteer has the code %(code)s.") % {"code": code})
    if not lead_can_manage(lead, volunteer):
        raise DomainError("not_your_team", _("%(name)s is not in a team you lead.") % {"name": volunteer.name}, status=403)
    assignment = current_assignment(volunteer, at)
    if assignment is None:
        raise DomainError("no_shift_now", _("%(name)s has no shift to check in or out of now.") % {"name": volunteer.name})
    if assignment.checked_in_at:
        return "out", assignment_check_out(assignment=assignment, actor=lead, via=via, at=at)
    return "in", assignment_check_in(assignment=assignment, actor=lead, via=via, at=at)


# -- swap and drop requests -----------------------------------------------------------------------

@transaction.atomic
def change_request_create(
    *, assignment: Assignment, kind: str, actor, colleague: Volunteer | None = None, reason: str = "", now: datetime | None = None
) -> ChangeRequest:
    """A volunteer asks to drop a shift or hand it to a colleague. Refused after the programme's
    cut-off (`swap_cutoff_passed`, naming it), with a request already pending
    (`request_pending`), for a shift not held (`not_assigned`), or a colleague who is not an
    accepted volunteer of the programme (`invalid_colleague`)."""
    now = now or timezone.now()
    assignment = _locked_assignment(assignment.pk)
    shift, programme = assignment.shift, assignment.shift.post.programme
    if assignment.status != AssignmentStatus.ASSIGNED or assignment.checked_in_at:
        raise ConflictError("not_assigned", _("You no longer hold %(shift)s as an open shift.") % {"shift": str(shift)})
    cutoff = shift.starts_at - timedelta(hours=programme.swap_cutoff_hours)
    if now > cutoff:
        raise DomainError(
            "swap_cutoff_passed",
            _("Swaps and drops close %(hours)s hours before the shift, at %(when)s.") % {"hours": programme.swap_cutoff_hours, "when": _local(cutoff)},
        )
    if kind not in ChangeKind.values:
        raise DomainError("invalid", _("Unknown request kind %(kind)s.") % {"kind": kind})
    if kind == ChangeKind.SWAP:
        if colleague is None or colleague.pk == assignment.volunteer_id or colleague.programme_id != programme.pk or colleague.status != VolunteerStatus.ACCEPTED:
            raise DomainError("invalid_colleague", _("Name an accepted colleague of the same programme to take the shift."), field="colleague")
    else:
        colleague = None
    if assignment.change_requests.filter(status=ChangeStatus.PENDING).exists():
        raise ConflictError("request_pending", _("A request for %(shift)s is already waiting for the lead.") % {"shift": str(shift)})
    return ChangeRequest.objects.create(assignment=assignment, kind=kind, colleague=colleague, reason=reason[:300])


@transaction.atomic
def change_request_decide(*, request: ChangeRequest, approve: bool, actor, now: datetime | None = None) -> ChangeRequest:
    """The lead (of the volunteer's team, or an organizer) approves or rejects a request.
    Approving a drop frees the place; approving a swap moves the shift to the colleague, who must
    pass every roster rule (the rule's own code otherwise, and nothing changes). Refused for a
    request already decided (`already_decided`), from outside the lead's teams (`not_your_team`)
    or once the shift has started (`shift_started`)."""
    now = now or timezone.now()
    request = ChangeRequest.objects.select_for_update().select_related("assignment__volunteer", "assignment__shift").get(pk=request.pk)
    if request.status != ChangeStatus.PENDING:
        raise ConflictError("already_decided", _("This request is already %(status)s.") % {"status": request.get_status_display()})
    if not lead_can_manage(actor, request.assignment.volunteer):
        raise DomainError("not_your_team", _("%(name)s is not in a team you lead.") % {"name": request.assignment.volunteer.name}, status=403)
    if now >= request.assignment.shift.starts_at:
        raise ConflictError("shift_started", _("%(shift)s has started.") % {"shift": str(request.assignment.shift)})
    request.decided_at, request.decided_by = now, actor
    if not approve:
        request.status = ChangeStatus.REJECTED
        request.save(update_fields=["status", "decided_at", "decided_by"])
        return request
    shift = _lock_shift(request.assignment.shift_id)
    assignment = Assignment.objects.select_for_update().get(pk=request.assignment_id)
    if assignment.status != AssignmentStatus.ASSIGNED or assignment.checked_in_at:
        raise ConflictError("not_assigned", _("The shift is no longer held open by this volunteer."))
    assignment.status = AssignmentStatus.DROPPED
    assignment.save(update_fields=["status"])
    Shift.objects.filter(pk=shift.pk).update(filled=F("filled") - 1)
    shift.filled -= 1
    if request.kind == ChangeKind.SWAP:
        colleague = Volunteer.objects.select_for_update().get(pk=request.colleague_id)
        _assign_locked(shift=shift, volunteer=colleague, actor=actor, source=AssignmentSource.SWAP)
    request.status = ChangeStatus.APPROVED
    request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


# -- no-shows and the standby backfill -------------------------------------------------------------

def no_shows_mark(*, now: datetime | None = None) -> dict:
    """Mark as no-shows the volunteers not checked in `no_show_after_minutes` (15 by default)
    after their shift started, for shifts still running; offer each freed place to standby
    volunteers. Returns {"no_shows": n, "offers": n}. Safe to run every minute and concurrently
    with check-ins: each shift is handled under its row lock, each assignment re-read locked."""
    now = now or timezone.now()
    due = (
        Assignment.objects.filter(status=AssignmentStatus.ASSIGNED, checked_in_at__isnull=True, shift__starts_at__lte=now, shift__ends_at__gt=now)
        .values_list("shift_id", "shift__starts_at", "shift__post__programme__no_show_after_minutes")
        .distinct()
    )
    shift_ids = sorted({sid for sid, start, after in due if start + timedelta(minutes=after) <= now})
    marked = offers = 0
    for shift_id in shift_ids:
        with transaction.atomic():
            shift = _lock_shift(shift_id)
            missing = list(Assignment.objects.select_for_update().filter(shift=shift, status=AssignmentStatus.ASSIGNED, checked_in_at__isnull=True))
            if not missing:
                continue
            for assignment in missing:  # one save each, so the audit trail records every no-show
                assignment.status = AssignmentStatus.NO_SHOW
                assignment.save(update_fields=["status"])
            Shift.objects.filter(pk=shift.pk).update(filled=F("filled") - len(missing), no_shows_checked_at=now)
            shift.filled -= len(missing)
            marked += len(missing)
            offers += len(standby_offers_create(shift=shift, places=len(missing)))
    return {"no_shows": marked, "offers": offers}


def standby_candidates(shift: Shift) -> list[Volunteer]:
    """Standby volunteers of the shift's programme who speak its languages, have the post's
    training and are free for its time, and were not asked for it yet; those with fewer hours
    rostered first."""
    programme = shift.post.programme
    required = set(shift.post.required_modules.values_list("pk", flat=True))
    pool = (
        Volunteer.objects.filter(programme=programme, status=VolunteerStatus.STANDBY)
        .exclude(standby_offers__shift=shift)
        .exclude(assignments__status=AssignmentStatus.ASSIGNED, assignments__shift__starts_at__lt=shift.ends_at, assignments__shift__ends_at__gt=shift.starts_at)
        .prefetch_related("languages", "attendances")
        .order_by("id")
    )
    chosen = []
    for volunteer in pool:
        spoken = spoken_languages({l.language: l.level for l in volunteer.languages.all()})
        if not set(shift.required_languages) <= spoken:
            continue
        if not required <= {a.module_id for a in volunteer.attendances.all()}:
            continue
        chosen.append(volunteer)
    return chosen


def standby_offers_create(*, shift: Shift, places: int) -> list[StandbyOffer]:
    """Offer `places` freed places on `shift` to up to `standby_offers_per_place` standby
    volunteers each, by email (recorded in the caller's transaction, sent once it commits)."""
    programme = shift.post.programme
    candidates = standby_candidates(shift)[: places * programme.standby_offers_per_place]
    offers = StandbyOffer.objects.bulk_create([StandbyOffer(shift=shift, volunteer=v) for v in candidates])
    from .notifications import standby_offer_announce

    for offer in offers:  # bulk_create sets primary keys on PostgreSQL and SQLite
        standby_offer_announce(offer_id=offer.pk)
    return offers


def standby_offer_accept(*, offer: StandbyOffer, now: datetime | None = None) -> Assignment:
    """A standby volunteer accepts an offered place. The first to accept takes it: the shift row
    is locked while deciding and `filled <= needed` backs it. Refused when the place is taken
    (`place_taken`; the offer is then closed), the offer is no longer open (`offer_closed`), the
    shift is over (`offer_expired`) or a roster rule fails (its code)."""
    now = now or timezone.now()
    taken = expired = False
    with transaction.atomic():
        offer = StandbyOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status == OfferStatus.TAKEN:
            taken = True
        elif offer.status != OfferStatus.OFFERED:
            raise ConflictError("offer_closed", _("This offer is %(status)s.") % {"status": offer.get_status_display()})
        else:
            shift = _lock_shift(offer.shift_id)
            if now >= shift.ends_at:
                offer.status, offer.responded_at = OfferStatus.EXPIRED, now
                offer.save(update_fields=["status", "responded_at"])
                expired = True
            else:
                if shift.filled >= shift.needed:
                    taken = True
                else:
                    volunteer = Volunteer.objects.select_for_update().get(pk=offer.volunteer_id)
                    try:
                        assignment = _assign_locked(
                            shift=shift, volunteer=volunteer, actor=None, source=AssignmentSource.STANDBY,
                            allowed=(VolunteerStatus.STANDBY, VolunteerStatus.ACCEPTED),
                        )
                    except ConflictError as error:
                        if error.code != "shift_full":
                            raise
                        taken = True
                    else:
                        offer.status, offer.responded_at = OfferStatus.ACCEPTED, now
                        offer.save(update_fields=["status", "responded_at"])
                        return assignment
            if taken:
                offer.status, offer.responded_at = OfferStatus.TAKEN, now
                offer.save(update_fields=["status", "responded_at"])
    if taken:
        raise ConflictError("place_taken", _("Thank you: another standby volunteer took this place first."))
    if expired:
        raise DomainError("offer_expired", _("This shift is over."))
    raise AssertionError("unreachable")


# -- programme set-up (seeding, demo) ---------------------------------------------------------------

def programme_upsert(*, edition, **fields) -> Programme:
    """Create or update an edition's programme (the seed and the demo call this)."""
    programme, _created = Programme.objects.update_or_create(edition=edition, defaults=fields)
    programme.full_clean(validate_unique=False)
    return programme


def module_upsert(*, programme: Programme, name_zh: str, **fields) -> TrainingModule:
    module, _created = TrainingModule.objects.update_or_create(programme=programme, name_zh=name_zh, defaults=fields)
    return module
