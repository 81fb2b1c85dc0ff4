"""Issue 24, the guest's "my trip" card and the shuttle timetable as a guest meets them on a phone
(390x844): the demo edition's head of the government delegation (an approved letter, a pickup run,
a suite in the demo conference hotel, the venue loop at that hotel) opens their registration page;
the card shows the run, the hotel and the loop's first bus, links down to the sections and to the
public timetable, which lists both demo loops with their stops. Neither page scrolls sideways. In
Debian's Chromium; screenshots at 390x844 and 1366x900, in Chinese and English, in
/tmp/trip-shots/."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, chromium_available
from tests.e2e.test_speaker_browser import server_shell

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/trip-shots")

SETUP = """
from registration.models import Registration
from wic.models import Edition
edition = Edition.objects.filter(is_demo=True).order_by("-year").first()
registration = Registration.objects.get(edition=edition, email="protocol-gov-head@demo.wic-summit.example")
print(edition.year, registration.token)
"""


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth") == width


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_guest_reads_their_trip_and_the_shuttle_timetable_on_a_phone(new_page):
    year, token = server_shell(SETUP).split()
    home = f"/editions/{year}/registration/{token}/"
    timetable = f"/editions/{year}/shuttles/"

    phone = new_page("en", viewport=PHONE)
    phone.goto(home)
    card = phone.locator("section.trip-card")
    expect(card.locator('[data-part="letter"] [data-status="approved"]')).to_have_text("Approved")
    expect(card.locator('[data-part="letter"]').get_by_role("link", name="Download the letter (PDF)")).to_be_visible()
    expect(card.locator('[data-part="pickup"][data-pickup="planned"] [data-run]')).to_have_text(re.compile(r"^Run \d+$"))
    expect(card.locator('[data-part="pickup"]')).to_contain_text("Hangzhou Xiaoshan International Airport")
    expect(card.locator('[data-part="hotel"]')).to_contain_text("Demo Wuzhen Conference Hotel · Executive suite")
    expect(card.locator('[data-part="shuttle"]').first).to_contain_text("Venue loop (demo) · from Demo Wuzhen Conference Hotel")
    expect(card.locator('[data-part="shuttle"]').first).to_contain_text("First bus 07:00, last 22:00, every 15 minutes")
    fits(phone, PHONE["width"])
    shoot(phone, "e2e-guest-en-phone")

    # "Details" goes down to the hotel's section; the timetable link to the public page.
    card.locator('[data-part="hotel"]').get_by_role("link", name="Details").click()
    expect(phone).to_have_url(re.compile(re.escape(home) + "#hotel-title$"))
    card.get_by_role("link", name="Full shuttle timetable").click()
    expect(phone).to_have_url(re.compile(re.escape(timetable) + "$"))
    loops = phone.locator("section.shuttle-loop")
    expect(loops).to_have_count(2)
    venue_loop = loops.filter(has_text="Venue loop (demo)")
    expect(venue_loop.locator("ol.shuttle-stops li")).to_have_count(3)
    expect(venue_loop.get_by_role("region")).to_have_attribute("tabindex", "0")
    expect(venue_loop.locator("tbody tr").first).to_have_text(re.compile(r"07:00\s*07:10\s*07:20"))
    expect(venue_loop.locator("tbody tr").last).to_have_text(re.compile(r"22:00\s*22:10\s*22:20"))
    fits(phone, PHONE["width"])
    shoot(phone, "e2e-shuttles-en-phone")

    for lang, viewport, label in (("zh-hans", PHONE, "phone"), ("en", DESKTOP, "desktop"), ("zh-hans", DESKTOP, "desktop")):
        page = new_page(lang, viewport=viewport)
        for path, name in ((home, "guest"), (timetable, "shuttles")):
            page.goto(path)
            fits(page, viewport["width"])
            shoot(page, f"e2e-{name}-{lang}-{label}")
        if lang == "zh-hans":
            expect(page.locator("section.shuttle-loop").first).to_contain_text("会场环线（演示）")
