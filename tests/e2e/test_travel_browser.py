"""Issue 24, the guest's side of visa invitation letters as the people concerned meet it: an approved
guest of the demo edition opens their registration page on a phone (390x844), requests a letter
through the form (a passport that expires too soon is refused beside its field first), the
secretariat approves it, the page then offers the PDF, and a consulate's phone opens the
verification page, which confirms the letter valid. No page scrolls sideways. In Debian's
Chromium; screenshots of each page at 390x844 and 1366x900, in Chinese and English, in
/tmp/travel-shots/."""
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, chromium_available
from tests.e2e.test_speaker_browser import server_shell

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/travel-shots")

SETUP = """
from registration import services
from registration.models import Registration
from travel.models import VisaLetter
from wic.models import Edition
edition = Edition.objects.filter(is_demo=True).order_by("-year").first()
email = "e2e.visa.guest@example.org"
VisaLetter.objects.filter(registration__email=email).delete()  # a second run starts again
registration = Registration.objects.filter(edition=edition, email=email).first()
if registration is None:
    registration = services.registration_create(edition=edition, language="en", data={
        "name": "Visa Guest", "name_zh": "", "email": email, "organization_name": "Ministry of Communications", "title": "Director",
        "country": "BR", "category": "government", "participation": "on_site", "consent": True})
    registration = services.registration_decide(registration=registration, status="approved", actor=None)
print(edition.year, registration.token, edition.start_date.isoformat(), edition.end_date.isoformat())
"""

APPROVE = """
from django.contrib.auth import get_user_model
from travel import letters
from travel.models import VisaLetter
letter = VisaLetter.objects.get(registration__email="e2e.visa.guest@example.org", status="requested")
letter = letters.letter_decide(letter, approve=True, actor=get_user_model().objects.get(username="organizer"))
print(letter.verify_code, letter.reference)
"""


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_guest_requests_a_letter_on_a_phone_and_a_consulate_verifies_it(new_page):
    year, token, start, end = server_shell(SETUP).split()
    home = f"/editions/{year}/registration/{token}/"
    request_path = f"{home}visa-letter/"

    # The guest opens their page on a phone and follows the section's link to the form.
    phone = new_page("en", viewport=PHONE)
    phone.goto(home)
    section = phone.locator("section.visa-letter")
    expect(section).to_contain_text("Request a visa invitation letter")
    for lang, viewport, label in (("en", PHONE, "phone"), ("zh-hans", PHONE, "phone"), ("en", DESKTOP, "desktop"), ("zh-hans", DESKTOP, "desktop")):
        page = phone if (lang, label) == ("en", "phone") else new_page(lang, viewport=viewport)
        for path, name in ((request_path, "request"), (home, "section-eligible")):
            page.goto(path)
            fits(page, viewport["width"])
            shoot(page, f"{name}-{lang}-{label}")
    phone.goto(home)
    section.get_by_role("link", name="Request a visa invitation letter").click()
    expect(phone).to_have_url(re.compile(re.escape(request_path) + "$"))

    # A passport that expires before the stay ends is refused beside its field; what was typed stays.
    stay_until = date.fromisoformat(end) + timedelta(days=1)
    phone.fill("#id_passport_name", "GUEST VISA")
    phone.select_option("#id_nationality", "BR")
    phone.fill("#id_passport_number", "fa123456")
    phone.fill("#id_date_of_birth", "1980-04-02")
    phone.fill("#id_passport_expires_on", stay_until.isoformat())
    phone.fill("#id_apply_at", "Consulate-General of China in São Paulo")
    phone.fill("#id_stay_from", (date.fromisoformat(start) - timedelta(days=1)).isoformat())
    phone.fill("#id_stay_until", stay_until.isoformat())
    phone.get_by_role("button", name="Send the request").click()
    expect(phone.locator('[data-code="passport_expires_too_soon"]')).to_be_visible()
    expect(phone.locator("#id_passport_number")).to_have_value("fa123456")
    fits(phone, PHONE["width"])
    shoot(phone, "request-refused-en-phone")
    phone.fill("#id_passport_expires_on", "2099-01-31")
    phone.get_by_role("button", name="Send the request").click()
    expect(phone).to_have_url(re.compile(re.escape(home) + "$"))
    expect(section.locator('[data-status="requested"]')).to_be_visible()
    shoot(phone, "section-requested-en-phone")

    # The secretariat approves; the guest's page offers the PDF.
    code, reference = server_shell(APPROVE).split()
    phone.reload()
    download = section.get_by_role("link", name="Download the letter (PDF)")
    expect(download).to_be_visible()
    expect(section).to_contain_text(reference)
    fits(phone, PHONE["width"])
    pdf = phone.request.get(download.get_attribute("href"))
    assert (pdf.status, pdf.headers["content-type"], pdf.body()[:5]) == (200, "application/pdf", b"%PDF-")
    for lang, viewport, label in (("en", PHONE, "phone"), ("zh-hans", PHONE, "phone"), ("en", DESKTOP, "desktop"), ("zh-hans", DESKTOP, "desktop")):
        page = new_page(lang, viewport=viewport)
        page.goto(home)
        fits(page, viewport["width"])
        shoot(page, f"section-approved-{lang}-{label}")

    # A consulate's phone types the code (in lower case) and reads that the letter is valid.
    consulate = new_page("en", viewport=PHONE)
    consulate.goto("/verify/visa-letter/")
    consulate.fill("#verify-code", code.lower())
    consulate.get_by_role("button", name="Check").click()
    expect(consulate).to_have_url(re.compile(f"/verify/visa-letter/{code}/$"))
    expect(consulate.locator('[data-state="valid"]')).to_contain_text("This visa invitation letter is genuine and valid.")
    expect(consulate.locator("main")).to_contain_text("GUEST VISA")
    expect(consulate.locator("main")).not_to_contain_text("FA123456")
    fits(consulate, PHONE["width"])
    for lang, viewport, label in (("en", PHONE, "phone"), ("zh-hans", PHONE, "phone"), ("en", DESKTOP, "desktop"), ("zh-hans", DESKTOP, "desktop")):
        page = consulate if (lang, label) == ("en", "phone") else new_page(lang, viewport=viewport)
        page.goto(f"/verify/visa-letter/{code}/")
        fits(page, viewport["width"])
        shoot(page, f"verify-{lang}-{label}")
