"""Issue 24, the organizers' side of visa letters beyond the admin: the dashboard panel (counts
by status and the passport data not yet erased, one query, on the edition dashboard), one
person's letters in the personal-data export and erasure (wic.personal_data), and the demo's
letters (one per state, twice the same rows)."""
from datetime import date, datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone, translation

from protocol.demo import _guests as protocol_demo_guests
from tests.factories import EditionFactory
from travel import letters
from travel.dashboard import letters_panel
from travel.demo import seed_demo_letters
from travel.models import VisaLetter
from wic.display import BEIJING
from wic.models import OutgoingEmail
from wic.personal_data import personal_data_erase, personal_data_export

from .support import (  # noqa: F401
    YEAR,
    approved,
    edition,
    guest,
    letter,
    maria,
    organizer,
    request_data,
)

pytestmark = pytest.mark.django_db


def letters_in_each_state(edition, maria, organizer) -> dict:
    """Maria: a letter revoked, then one approved; Li: refused, then one requested; Ana: approved,
    her passport data already erased."""
    li = guest(edition, "li@example.org", name="Li Lei")
    ana = guest(edition, "ana@example.org", name="Ana Costa")
    made = {}
    made["revoked"] = letters.letter_revoke(letters.letter_decide(letters.letter_request(maria, data=request_data()), approve=True, actor=organizer), actor=organizer, reason="Re-issue.")
    made["approved"] = letters.letter_decide(letters.letter_request(maria, data=request_data()), approve=True, actor=organizer)
    made["refused"] = letters.letter_decide(letters.letter_request(li, data=request_data(passport_name="LI LEI")), approve=False, actor=organizer, reason="No.")
    made["requested"] = letters.letter_request(li, data=request_data(passport_name="LI LEI"))
    made["erased"] = letters.letter_decide(letters.letter_request(ana, data=request_data(passport_name="COSTA ANA")), approve=True, actor=organizer)
    VisaLetter.objects.filter(pk=made["erased"].pk).update(passport_number="", date_of_birth="", passport_erased_at=timezone.now())
    return made


# -- the dashboard panel ------------------------------------------------------------------------------

def test_the_panel_counts_the_editions_letters_in_one_query(client, edition, maria, organizer, django_assert_num_queries):
    letters_in_each_state(edition, maria, organizer)
    other = EditionFactory(year=YEAR + 1, start_date=date(YEAR + 1, 11, 10), end_date=date(YEAR + 1, 11, 12))
    letters.letter_request(guest(other, "zoe@example.org", name="Zoe"), data=request_data(stay_from=f"{YEAR + 1}-11-10", stay_until=f"{YEAR + 1}-11-12"))
    with django_assert_num_queries(1):
        panel = letters_panel(edition, now=datetime(YEAR, 11, 1, tzinfo=BEIJING))
    assert (panel.requested, panel.approved, panel.refused, panel.revoked, panel.passport_data_held) == (1, 2, 1, 1, 4)
    assert (panel.erase_on, panel.erase_overdue) == (date(YEAR, 12, 13), False)  # END + 31 days: letters.erase_passport_data's first day
    assert letters_panel(edition, now=datetime(YEAR, 12, 14, tzinfo=BEIJING)).erase_overdue is True  # the beat task should have run
    client.force_login(organizer)
    with translation.override("en"):
        body = client.get(f"/admin/dashboard/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="panel-visa-letters"' in body and 'data-figure="letters-requested">1<' in body and 'data-figure="letters-passport-data">4<' in body
    assert f'/admin/travel/visaletter/?status__exact=requested&amp;registration__edition__id__exact={edition.pk}' in body
    assert f"Passport numbers and dates of birth are erased on {YEAR}-12-13" in body


# -- personal data ----------------------------------------------------------------------------------------

def test_a_persons_letters_are_exported_whole_and_erased_before_their_registrations(edition, maria, organizer):
    made = letters_in_each_state(edition, maria, organizer)
    export = personal_data_export(email="Maria@Example.org")
    assert [(row["reference"], row["status"], row["passport_number"], row["date_of_birth"]) for row in export["visa_letters"]] == [
        (made["revoked"].reference, "revoked", "FA123456", "1980-04-02"), (made["approved"].reference, "approved", "FA123456", "1980-04-02"),
    ]
    row = export["visa_letters"][1]
    assert (row["registration"], row["nationality"], row["apply_at"], row["stay_from"], row["stay_until"], row["passport_expires_on"]) == (
        maria.reference, "BR", "Consulate-General of China in São Paulo", f"{YEAR}-11-09", f"{YEAR}-11-13", "2095-01-31",
    )
    assert row["requested_at"].endswith("+08:00") and "verify_code" not in row  # a key to a page, like the other secrets
    assert list(export).index("registrations") < list(export).index("visa_letters")

    erasure = personal_data_erase(email="maria@example.org")
    # Counted before registration's handler deletes the registration (its cascade would take them uncounted).
    assert (erasure.counts["travel.VisaLetter"], erasure.counts["registration.Registration"]) == ({"deleted": 2}, {"deleted": 1})
    assert sorted(VisaLetter.objects.values_list("passport_name", flat=True)) == ["COSTA ANA", "LI LEI", "LI LEI"]  # nobody else's
    assert not OutgoingEmail.objects.filter(key__startswith=f"travel.letter:{made['approved'].pk}:").exists()
    assert not LogEntry.objects.filter(object_repr__contains="SILVA MARIA").exists()  # the trail keeps the entries, the name scrubbed
    assert letters.verification(made["approved"].verify_code) == (None, "unknown")


# -- the demo -----------------------------------------------------------------------------------------------

def test_the_demo_makes_one_letter_per_state_once(db):
    demo = EditionFactory(year=YEAR + 2, start_date=date(YEAR + 2, 11, 16), end_date=date(YEAR + 2, 11, 19), is_demo=True)
    protocol_demo_guests(demo)  # the protocol demo's approved guests, whom the letters are for
    seed_demo_letters(demo, password="unused")
    rows = sorted(VisaLetter.objects.values_list("status", "passport_name", "passport_number", "registration__email", "stay_from", "stay_until", "reference"))
    seed_demo_letters(demo, password="unused")
    assert sorted(VisaLetter.objects.values_list("status", "passport_name", "passport_number", "registration__email", "stay_from", "stay_until", "reference")) == rows
    assert [(status, name, number, email) for status, name, number, email, *_rest in rows] == [
        ("approved", "DEMO ALBA", "DEMO00001", "protocol-gov-head@demo.wic-summit.example"),
        ("refused", "DEMO DARIO", "DEMO00004", "protocol-gov-adviser@demo.wic-summit.example"),
        ("requested", "DEMO BRIO", "DEMO00002", "protocol-gov-deputy@demo.wic-summit.example"),
        ("revoked", "DEMO GIL", "DEMO00007", "protocol-org-officer@demo.wic-summit.example"),
    ]
    assert {(stay_from, stay_until) for *_head, stay_from, stay_until, _reference in rows} == {(demo.start_date, demo.end_date)}
    assert [bool(reference) for *_head, reference in rows] == [True, False, False, True]
    assert letters.verification(VisaLetter.objects.get(status="approved").verify_code, today=demo.start_date)[1] == "valid"


def test_the_demo_travels_from_every_hub_plans_the_pickups_and_fills_two_hotels_once(db):
    from travel.demo import seed_demo_travel
    from travel.models import PickupRun, RoomStay, TravelLeg

    demo = EditionFactory(year=YEAR + 2, start_date=date(YEAR + 2, 11, 16), end_date=date(YEAR + 2, 11, 19), is_demo=True)
    protocol_demo_guests(demo)
    seed_demo_travel(demo, password="unused")

    def state():
        return (
            sorted(set(TravelLeg.objects.filter(direction="arrival").values_list("hub", flat=True))),
            sorted(PickupRun.objects.values_list("number", "hub", "vehicle", "vip")),
            sorted(RoomStay.objects.values_list("block__hotel__name_en", "room_number", "registration__email")),
        )

    first = state()
    seed_demo_travel(demo, password="unused")
    assert state() == first  # idempotent
    hubs, runs, stays = first
    # protocol's 7 delegates (here without their delegations, so nobody rides as a head): the
    # government's four on one flight share a van; guest1 of the full demo (Jiaxing South) is not made here
    assert hubs == ["hangzhou_xiaoshan", "shanghai_hongqiao_airport", "shanghai_hongqiao_station", "tongxiang_station"]
    assert runs == [
        (1, "hangzhou_xiaoshan", "van", False), (2, "shanghai_hongqiao_airport", "car", False),
        (3, "shanghai_hongqiao_station", "car", False), (4, "tongxiang_station", "car", False),
    ]
    assert [(hotel, room) for hotel, room, _email in stays] == [
        ("Demo Wuzhen Conference Hotel", 1), ("Demo Wuzhen Conference Hotel", 2),
        ("Demo Xizha Guesthouse", 1), ("Demo Xizha Guesthouse", 1), ("Demo Xizha Guesthouse", 2), ("Demo Xizha Guesthouse", 3),
    ]
