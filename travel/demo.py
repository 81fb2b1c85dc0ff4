"""The travel app's part of the demo (`seed --demo`, contributed through travel/contrib_organizers.py),
on the demo edition: a visa invitation letter in each state (requested, approved, refused,
revoked) for four of the protocol demo's approved guests, made through travel.letters as a guest
and an organizer would. Every passport name and number starts with DEMO, the stays are the
edition's own days, the reasons say 演示 / Demo.

Idempotent: a guest who already has a letter (any state) is left alone, so a second run adds
nothing. A guest the earlier demos did not make (or did not approve), or an edition without dates,
is skipped without an error."""
from datetime import date

DOMAIN = "demo.wic-summit.example"
# (the protocol demo's guest, the letter's state, passport name, passport number, date of birth)
LETTERS = (
    ("protocol-gov-deputy", "requested", "DEMO BRIO", "DEMO00002", "1972-08-21"),
    ("protocol-gov-head", "approved", "DEMO ALBA", "DEMO00001", "1968-03-14"),
    ("protocol-gov-adviser", "refused", "DEMO DARIO", "DEMO00004", "1985-01-30"),
    ("protocol-org-officer", "revoked", "DEMO GIL", "DEMO00007", "1990-06-05"),
)
REFUSAL = "演示：护照复印件无法辨认。Demo: the passport copy could not be read."
REVOCATION = "演示：嘉宾取消了行程。Demo: the guest cancelled the trip."
APPLY_AT = "演示：中国驻马德里大使馆 Demo: Embassy of China in Madrid"


def seed_demo_letters(edition, *, password=None) -> None:
    from registration.models import Registration

    from . import letters
    from .models import VisaLetter

    if not edition.has_dates:
        return
    actor = None  # as the other apps' demos: no organizer is the audit trail's actor of seeded rows
    emails = {f"{key}@{DOMAIN}": rest for key, *rest in LETTERS}
    guests = Registration.objects.filter(edition=edition, email__in=list(emails), status="approved")
    having = set(VisaLetter.objects.filter(registration__in=guests).values_list("registration_id", flat=True))
    for registration in guests.order_by("pk"):
        if registration.pk in having:
            continue
        state, name, number, born = emails[registration.email]
        letter = letters.letter_request(registration, language="en", data={
            "passport_name": name, "nationality": registration.country.code or "ES", "passport_number": number, "date_of_birth": born,
            "passport_expires_on": date(edition.end_date.year + 6, 1, 31), "apply_at": APPLY_AT,
            "stay_from": edition.start_date, "stay_until": edition.end_date,
        })
        if state in ("approved", "revoked"):
            letter = letters.letter_decide(letter, approve=True, actor=actor)
        if state == "refused":
            letters.letter_decide(letter, approve=False, actor=actor, reason=REFUSAL)
        if state == "revoked":
            letters.letter_revoke(letter, actor=actor, reason=REVOCATION)
