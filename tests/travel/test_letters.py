"""Issue 24, visa invitation letters: travel.letters' services. Every refusal with its code, field
and status, nothing saved or emailed after one; the approval's reference and verification code;
the public check's four answers; passport data encrypted at rest and erased 30 days after the
edition ends (the beat task); one email per event; two simultaneous requests make one letter
(PostgreSQL)."""
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection
from django.test import override_settings

from registration.models import Registration
from tests.concurrency import at_once
from tests.conftest import requires_postgres
from tests.factories import EditionFactory
from travel import letters, tasks
from travel.models import VisaLetter
from wic.models import Edition, OutgoingEmail

from .support import (  # noqa: F401
    END,
    YEAR,
    approved,
    edition,
    guest,
    letter,
    maria,
    organizer,
    refused,
    request_data,
)

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
LIVE_LETTER = letters.live_letter


def raw(letter) -> tuple[str, str]:
    """The passport number's and date of birth's columns as stored, past the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT passport_number, date_of_birth FROM travel_visaletter WHERE id = %s", [letter.pk])
        return cursor.fetchone()


def travel_emails() -> list[tuple]:
    return list(OutgoingEmail.objects.filter(key__startswith="travel.").order_by("pk").values_list("key", "event", "to", "language"))


# -- the request's refusals ---------------------------------------------------------------------------

REFUSALS = {
    # case: (the request's overrides, (code, field, status))
    "no name": ({"passport_name": "   "}, ("required", "passport_name", 400)),
    "name too long": ({"passport_name": "A" * 201}, ("too_long", "passport_name", 400)),
    "no nationality": ({"nationality": ""}, ("required", "nationality", 400)),
    "unknown country": ({"nationality": "XX"}, ("invalid_country", "nationality", 400)),
    "no passport number": ({"passport_number": " - "}, ("required", "passport_number", 400)),
    "number too short": ({"passport_number": "AB12"}, ("invalid_passport_number", "passport_number", 400)),
    "number not Latin": ({"passport_number": "ＦＡ123456"}, ("invalid_passport_number", "passport_number", 400)),
    "no date of birth": ({"date_of_birth": ""}, ("required", "date_of_birth", 400)),
    "Unicode digits": ({"date_of_birth": "１９８０-04-02"}, ("invalid_date", "date_of_birth", 400)),
    "NUL byte": ({"date_of_birth": "1980-04-0\x00"}, ("invalid_date", "date_of_birth", 400)),
    "not a date": ({"date_of_birth": "1980-02-30"}, ("invalid_date", "date_of_birth", 400)),
    "born in the future": ({"date_of_birth": "2080-01-01"}, ("born_in_future", "date_of_birth", 400)),
    "born before 1900": ({"date_of_birth": "1899-12-31"}, ("born_in_future", "date_of_birth", 400)),
    "expiry Unicode digits": ({"passport_expires_on": "２０８０-01-01"}, ("invalid_date", "passport_expires_on", 400)),
    "no embassy": ({"apply_at": ""}, ("required", "apply_at", 400)),
    "no arrival": ({"stay_from": ""}, ("required", "stay_from", 400)),
    "leaves before arriving": ({"stay_from": f"{YEAR}-11-13", "stay_until": f"{YEAR}-11-09"}, ("stay_out_of_order", "stay_until", 400)),
    "leaves before the summit": ({"stay_from": f"{YEAR}-11-01", "stay_until": f"{YEAR}-11-09"}, ("stay_out_of_range", "stay_from", 400)),
    "arrives after the summit": ({"stay_from": f"{YEAR}-11-13", "stay_until": f"{YEAR}-11-20"}, ("stay_out_of_range", "stay_from", 400)),
    "91 days": ({"stay_from": f"{YEAR}-09-01", "stay_until": f"{YEAR}-11-30"}, ("stay_out_of_range", "stay_from", 400)),
    "expires the day of departure": ({"passport_expires_on": f"{YEAR}-11-13"}, ("passport_expires_too_soon", "passport_expires_on", 400)),
}


def test_each_refusal_of_a_request_names_its_field_and_saves_nothing(maria):
    found = {case: refused(lambda o=overrides: letters.letter_request(maria, data=request_data(**o))) for case, (overrides, _expected) in REFUSALS.items()}
    assert found == {case: expected for case, (_overrides, expected) in REFUSALS.items()}
    assert (VisaLetter.objects.count(), travel_emails()) == (0, [])
    # The edges that pass: a stay of exactly 90 days, a passport valid one day past the departure.
    assert letters.clean(request_data(stay_from=f"{YEAR}-09-02", stay_until=f"{YEAR}-11-30", passport_expires_on=f"{YEAR}-12-01"), edition=maria.edition)["stay_from"] == date(YEAR, 9, 2)
    assert letters.clean(request_data(passport_expires_on=f"{YEAR}-11-14"), edition=maria.edition)["passport_expires_on"] == date(YEAR, 11, 14)


def test_only_an_approved_guest_of_an_edition_with_dates_may_ask_and_only_once(edition, maria):
    pending = guest(edition, "pending@example.org", name="Pending Person", status="pending")
    assert refused(lambda: letters.letter_request(pending, data=request_data())) == ("not_eligible", "registration", 409)
    with override_settings(TRAVEL_LETTERS_FOR_PENDING=True):
        assert letters.letter_request(pending, data=request_data()).status == "requested"
    undated = Edition(year=YEAR + 1, start_date=None, end_date=None)
    assert refused(lambda: letters.clean(request_data(), edition=undated)) == ("edition_has_no_dates", "stay_from", 409)
    first = letters.letter_request(maria, data=request_data(passport_number="fa 123-456", nationality="br"), language="zh-hans")
    assert (first.passport_number, first.nationality.code, first.language, first.date_of_birth) == ("FA123456", "BR", "zh-hans", "1980-04-02")
    assert refused(lambda: letters.letter_request(maria, data=request_data())) == ("already_requested", "registration", 409)
    assert VisaLetter.objects.filter(registration=maria).count() == 1


# -- decisions ------------------------------------------------------------------------------------------

def test_approval_gives_a_reference_and_a_verification_code_and_each_event_one_email(maria, letter, organizer):
    approved = letters.letter_decide(letter, approve=True, actor=organizer)
    assert (approved.status, approved.reference, approved.decided_by) == ("approved", f"WIC{YEAR}-VL-{letter.pk:05d}", organizer)
    assert len(approved.verify_code) == 12 and set(approved.verify_code) <= set(letters.CODE_ALPHABET)
    assert refused(lambda: letters.letter_decide(approved, approve=True, actor=organizer)) == ("not_requested", "status", 409)
    assert refused(lambda: letters.letter_revoke(approved, actor=organizer, reason=" ")) == ("reason_required", "reason", 400)
    revoked = letters.letter_revoke(approved, actor=organizer, reason="The guest's trip was cancelled.")
    assert (revoked.status, revoked.revoke_reason, revoked.revoked_at is not None) == ("revoked", "The guest's trip was cancelled.", True)
    assert refused(lambda: letters.letter_revoke(revoked, actor=organizer, reason="again")) == ("not_approved", "status", 409)
    # Revoked, the guest may ask again; that one is refused, with its reason.
    second = letters.letter_request(maria, data=request_data())
    assert refused(lambda: letters.letter_decide(second, approve=False, actor=organizer, reason="")) == ("reason_required", "reason", 400)
    assert refused(lambda: letters.letter_revoke(second, actor=organizer, reason="Not approved yet.")) == ("not_approved", "status", 409)
    no = letters.letter_decide(second, approve=False, actor=organizer, reason="The registration's name differs from the passport's.")
    assert (no.status, no.reference, no.verify_code, no.refusal_reason) == ("refused", "", "", "The registration's name differs from the passport's.")
    to = [maria.email]
    assert travel_emails() == [
        (f"travel.letter:{letter.pk}:requested", "travel.letter-requested", to, "en"),
        (f"travel.letter:{letter.pk}:approved", "travel.letter-approved", to, "en"),
        (f"travel.letter:{letter.pk}:revoked", "travel.letter-revoked", to, "en"),
        (f"travel.letter:{second.pk}:requested", "travel.letter-requested", to, "en"),
        (f"travel.letter:{second.pk}:refused", "travel.letter-refused", to, "en"),
    ]
    assert approved.reference in OutgoingEmail.objects.get(key=f"travel.letter:{letter.pk}:approved").subject


def test_the_public_check_answers_valid_expired_revoked_or_unknown(approved, organizer):
    code = approved.verify_code
    assert letters.verification(code, today=date(YEAR, 11, 13)) == (approved, "valid")  # the last day of the stay
    assert letters.verification(f" {code.lower()} ", today=date(YEAR, 11, 13))[1] == "valid"
    assert letters.verification(code, today=date(YEAR, 11, 14)) == (approved, "expired")
    assert [letters.verification(c) for c in ("", "NOSUCHCODE12", "ＡＢＣ", "A" * 33, code + "\x00")] == [(None, "unknown")] * 5
    letters.letter_revoke(approved, actor=organizer, reason="Cancelled.")
    assert letters.verification(code, today=date(YEAR, 11, 10))[1] == "revoked"


# -- passport data at rest --------------------------------------------------------------------------------

def test_passport_data_is_encrypted_at_rest_and_erased_31_days_after_the_edition(maria, letter):
    number, born = raw(letter)
    assert number.startswith("gAAAA") and born.startswith("gAAAA") and "FA123456" not in number and "1980" not in born
    assert (VisaLetter.objects.get(pk=letter.pk).passport_number, VisaLetter.objects.get(pk=letter.pk).date_of_birth) == ("FA123456", "1980-04-02")
    later = EditionFactory(year=YEAR + 1, start_date=date(YEAR + 1, 11, 10), end_date=date(YEAR + 1, 11, 12))
    other = letters.letter_request(guest(later, "li@example.org", name="Li Lei"), data=request_data(stay_from=f"{YEAR + 1}-11-10", stay_until=f"{YEAR + 1}-11-12"))
    assert END == date(YEAR, 11, 12)
    with time_machine.travel(datetime(YEAR, 12, 12, 23, 59, tzinfo=BEIJING), tick=False):  # 30 days after END: still kept
        assert tasks.erase_passport_data.delay().get() == 0
    assert raw(letter) == (number, born)
    when = datetime(YEAR, 12, 13, 3, 15, tzinfo=BEIJING)  # 31 days after END, the beat task's hour
    with time_machine.travel(when, tick=False):
        assert tasks.erase_passport_data.delay().get() == 1
        assert tasks.erase_passport_data.delay().get() == 0  # once
    letter.refresh_from_db()
    assert (raw(letter), letter.passport_number, letter.date_of_birth, letter.passport_erased_at) == (("", ""), "", "", when)
    assert (letter.passport_name, letter.status) == ("SILVA MARIA", "requested")  # the rest of the letter stays
    assert raw(other)[0].startswith("gAAAA")  # the later edition's letter is kept


# -- the race (PostgreSQL) --------------------------------------------------------------------------------

def _race(monkeypatch, registration) -> list[str]:
    """Two threads send the same guest's request at the same moment (one connection each,
    released together). Each has read "no letter yet" before the other writes when nothing locks
    them apart (the window is widened). Returns the answers: "ok", a refusal's code, or the
    exception's class name."""
    found_none = LIVE_LETTER

    def slow_live_letter(reg):
        answer = found_none(reg)
        time.sleep(0.3)
        return answer

    monkeypatch.setattr(letters, "live_letter", slow_live_letter)

    def request():
        letters.letter_request(Registration.objects.get(pk=registration.pk), data=request_data())

    return sorted(at_once([request, request], expected=(IntegrityError,)))


class _NoLock:
    """Registration.objects without select_for_update's lock: the negative control's."""

    class objects:  # noqa: N801 - stands in for the manager
        @staticmethod
        def select_for_update():
            return Registration.objects.all()  # the same rows, read without the lock


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_make_one_letter_and_the_negative_control(monkeypatch, edition, maria):
    assert _race(monkeypatch, maria) == ["already_requested", "ok"]
    assert VisaLetter.objects.filter(registration=maria).count() == 1
    # Negative control (in the same test: a transactional test's teardown reseeds the database):
    # without the registration's lock, the assertion above fails. The constraint still keeps one
    # letter, but the second guest is not told `already_requested`: the request crashes.
    li = guest(edition, "li@example.org", name="Li Lei")
    monkeypatch.setattr(letters, "Registration", _NoLock)
    assert _race(monkeypatch, li) == ["IntegrityError", "ok"]
    assert VisaLetter.objects.filter(registration=li).count() == 1
