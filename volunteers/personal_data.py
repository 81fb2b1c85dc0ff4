"""A volunteer's records in one person's data (wic.personal_data runs this handler, contributed
through volunteers/contrib.py).

Erasure, model by model:
- volunteers.Volunteer: anonymized, not deleted, so rosters, shift head-counts (`Shift.filled`) and
  the programme's hours stay true: name "[erased]", email `erased-<id>@erased.invalid` (one per
  programme is a constraint), phone, student number and motivation blanked, the account unlinked,
  the QR code and the calendar secret replaced. Its languages, training attendance, shifts and
  shift check-ins are kept (they name nobody once the volunteer is anonymous); the free text about
  the person is blanked: volunteers.Interview notes and volunteers.ChangeRequest reasons.
- volunteers.Team: the leader's phone blanked on the teams the person leads.
- volunteers.ShiftNotice (the notices of changed shifts): deleted; the change-alert emails
  (keys `volunteers.shift_alert:<alert>:<volunteer>`) are the person's own, deleted with the
  core's emails.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wic.personal_data import ERASED, PersonalDataHandler, deleted, iso

from .models import Assignment, ChangeRequest, Interview, ShiftNotice, StandbyOffer, Team, Volunteer, new_token, new_volunteer_code


@dataclass
class Part:
    volunteers: QuerySet
    teams_led: QuerySet


class VolunteersPersonalData(PersonalDataHandler):
    counts = (
        ("volunteers.Volunteer", "anonymized"),
        ("volunteers.Interview", "anonymized"),
        ("volunteers.ChangeRequest", "anonymized"),
        ("volunteers.Team", "anonymized"),
        ("volunteers.ShiftNotice", "deleted"),
    )

    def find(self, *, email, account_ids):
        return Part(
            volunteers=Volunteer.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids)),
            teams_led=Team.objects.filter(leader_id__in=account_ids),
        )

    def addresses(self, part):
        return part.volunteers.values_list("email", flat=True)

    def values(self, part):
        found = [value for row in part.volunteers.values_list("name", "phone") for value in row]
        return found + list(part.teams_led.values_list("leader_phone", flat=True))

    def holds(self, part):
        return part.volunteers.exists()

    def export(self, part, person):
        volunteers = part.volunteers.select_related("programme__edition", "team").prefetch_related(
            "languages", "interviews", "attendances__module", "assignments__shift__post", "assignments__checks",
            "assignments__change_requests", "standby_offers__shift__post", "shift_notices").order_by("created", "pk")
        teams = part.teams_led.select_related("programme").order_by("pk")
        return [
            (20, "volunteers", [_volunteer(v) for v in volunteers]),
            (70, "teams_led", [{"team": t.name_zh, "programme": t.programme.name_zh, "leader_phone": t.leader_phone} for t in teams]),
        ]

    def own_email_keys(self, part):
        keys = Q()
        for pk in part.volunteers.values_list("pk", flat=True):
            keys |= Q(key__startswith=f"volunteers.decision:{pk}:")
        for pk in StandbyOffer.objects.filter(volunteer__in=part.volunteers).values_list("pk", flat=True):
            keys |= Q(key=f"volunteers.standby_offer:{pk}")
        for pk in part.volunteers.values_list("pk", flat=True):
            keys |= Q(key__startswith="volunteers.shift_alert:", key__endswith=f":{pk}")
        return keys

    def objects(self, part):
        return [
            (Volunteer, list(part.volunteers.values_list("pk", flat=True))),
            (Assignment, list(Assignment.objects.filter(volunteer__in=part.volunteers).values_list("pk", flat=True))),
        ]

    def erase(self, part, person, counts):
        # Anonymized in place (rosters, head-counts and hours stay true).
        volunteer_ids = list(part.volunteers.values_list("pk", flat=True))
        counts["volunteers.Interview"]["anonymized"] = Interview.objects.filter(volunteer_id__in=volunteer_ids).exclude(note="").update(note="")
        counts["volunteers.ChangeRequest"]["anonymized"] = (
            ChangeRequest.objects.filter(assignment__volunteer_id__in=volunteer_ids).exclude(reason="").update(reason="")
        )
        for volunteer in Volunteer.objects.filter(pk__in=volunteer_ids):
            volunteer.name, volunteer.email, volunteer.phone = ERASED, f"erased-{volunteer.pk}@erased.invalid", ""
            volunteer.student_number, volunteer.motivation, volunteer.user = "", "", None
            volunteer.code, volunteer.feed_token = new_volunteer_code(), new_token()
            volunteer.save(update_fields=["name", "email", "phone", "student_number", "motivation", "user", "code", "feed_token"])
        counts["volunteers.Volunteer"]["anonymized"] = len(volunteer_ids)
        counts["volunteers.Team"]["anonymized"] = part.teams_led.exclude(leader_phone="").update(leader_phone="")
        counts["volunteers.ShiftNotice"]["deleted"] = deleted(ShiftNotice.objects.filter(volunteer_id__in=volunteer_ids))



def _volunteer(v: Volunteer) -> dict:
    return {
        "edition": v.programme.edition.year, "programme": v.programme.name_zh, "name": v.name, "university": v.university,
        "is_local": v.is_local, "student_number": v.student_number, "phone": v.phone, "email": v.email,
        "available_days": v.available_days, "preferred_post_kinds": v.preferred_post_kinds, "motivation": v.motivation,
        "status": v.status, "team": v.team.name_zh if v.team_id else None, "language": v.language,
        "decided_at": iso(v.decided_at), "applied_at": iso(v.created),
        "languages": [{"language": lang.language, "level": lang.level} for lang in v.languages.all()],
        "interviews": [{"round": i.round, "score": i.score, "note": i.note, "recorded_at": iso(i.created)} for i in v.interviews.all()],
        "training": [{"module": a.module.name_zh, "recorded_at": iso(a.recorded_at)} for a in sorted(v.attendances.all(), key=lambda a: a.pk)],
        "shifts": [
            {
                "post": a.shift.post.name_zh, "starts_at": iso(a.shift.starts_at), "ends_at": iso(a.shift.ends_at), "status": a.status,
                "checked_in_at": iso(a.checked_in_at), "arrival": a.arrival, "checked_out_at": iso(a.checked_out_at), "departure": a.departure,
                "checks": [{"kind": c.kind, "at": iso(c.at), "via": c.via} for c in sorted(a.checks.all(), key=lambda c: (c.at, c.pk))],
                "change_requests": [
                    {"kind": r.kind, "reason": r.reason, "status": r.status, "asked_at": iso(r.created)}
                    for r in sorted(a.change_requests.all(), key=lambda r: r.pk)
                ],
            }
            for a in sorted(v.assignments.all(), key=lambda a: (a.shift.starts_at, a.pk))
        ],
        "standby_offers": [
            {"post": o.shift.post.name_zh, "starts_at": iso(o.shift.starts_at), "status": o.status, "offered_at": iso(o.created)}
            for o in sorted(v.standby_offers.all(), key=lambda o: o.pk)
        ],
        "shift_change_notices": [
            {"before": n.before, "after": n.after, "created_at": iso(n.created_at), "dismissed_at": iso(n.read_at)}
            for n in sorted(v.shift_notices.all(), key=lambda n: (n.created_at, n.pk))
        ],
    }
