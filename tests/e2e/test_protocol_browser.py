"""Issue 23, as the people concerned meet it: a guest invited to the demo banquet by invitation
card opens the emailed RSVP link on a phone (390x844) and accepts; the organizer auto-seats the
banquet on the seating screen; gate staff scan the guest at the banquet's list and the answer
names the seat. In Debian's Chromium; screenshots in screenshots/."""
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SERVER, chromium_available, sign_in
from tests.e2e.test_speaker_browser import server_shell

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
EMAIL = "e2e.banquet.guest@example.org"

SETUP = """
from agenda.models import Session
from django.contrib.auth import get_user_model
from protocol.invitations import cards_send, item_for_session
from protocol.models import SeatingPlan
from registration import services
from registration.models import Registration
from wic.models import Edition
edition = Edition.objects.filter(is_demo=True).order_by("-year").first()
registration = Registration.objects.filter(edition=edition, email="e2e.banquet.guest@example.org").first()
if registration is None:
    registration = services.registration_create(edition=edition, language="en", data={
        "name": "Banquet Guest", "name_zh": "晚宴嘉宾", "email": "e2e.banquet.guest@example.org", "organization_name": "Test Ministry",
        "country": "BR", "category": "government", "participation": "on_site", "consent": True})
    registration = services.registration_decide(registration=registration, status="approved", actor=None)
item = item_for_session(Session.objects.get(edition=edition, key="demo-banquet"))
cards_send(item, registrations=[registration], actor=get_user_model().objects.get(username="organizer"), language="en")
plan = SeatingPlan.objects.get(item=item)
print(registration.credentials.get(revoked_at=None).secret, plan.pk, item.session.checkin_lists.get().pk)
"""


def emailed_link() -> str:
    with sqlite3.connect(SERVER["db"]) as db:
        rows = db.execute('SELECT body_text, "to" FROM wic_outgoingemail ORDER BY id DESC LIMIT 50').fetchall()
    body = next(text for text, to in rows if EMAIL in to)
    return re.search(r"https?://[^\s]+(/rsvp/[^\s]+/)", body).group(1)


def test_a_guest_accepts_on_a_phone_the_organizer_seats_and_the_gate_names_the_seat(new_page, screenshot):
    secret, plan_pk, list_pk = server_shell(SETUP).split()

    # Before replying, the banquet's list refuses the guest and says why.
    gate = new_page("en", viewport=PHONE)
    sign_in(gate, "gate", "/checkin/")
    gate.wait_for_load_state()
    gate.select_option("#checkin-list", list_pk)
    gate.fill("#checkin-secret", secret)
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.red")).to_contain_text("not accepted the invitation yet")
    screenshot(gate, "gate-no-answer")
    gate.locator("#scan-result").click()

    # The guest accepts from the emailed link on a phone.
    phone = new_page("en", viewport=PHONE)
    phone.goto(emailed_link())
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "rsvp-page")
    phone.locator("button[name=answer][value=accept]").click()
    expect(phone.locator("main")).to_contain_text("accepted")
    screenshot(phone, "rsvp-accepted")

    # The organizer auto-seats the banquet; the guest now has a seat on the plan.
    organizer = new_page("en")
    sign_in(organizer, "organizer", f"/protocol/plans/{plan_pk}/")
    organizer.locator("form button", has_text="Auto-seat").click()
    expect(organizer.locator("g.seat.taken", has_text="Banquet Guest")).to_have_count(1)
    expect(organizer.locator("ol.unseated", has_text="Banquet Guest")).to_have_count(0)
    screenshot(organizer, "plan-seated")

    # The gate admits the guest and names the seat.
    gate.fill("#checkin-secret", secret)
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.green")).to_contain_text("Banquet Guest")
    expect(gate.locator("#scan-result .seat")).to_have_text(re.compile(r"^Table \S+ · seat \d+$"))
    screenshot(gate, "gate-seat")
