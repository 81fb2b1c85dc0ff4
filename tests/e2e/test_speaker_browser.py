"""Issue 22, the speaker's side, as the people concerned meet it: the demo organizer sends an
invitation from the admin's appearance list, the speaker opens the emailed private link on a
phone (390x844) and confirms, and the session page then lists them. In Debian's Chromium;
screenshots in screenshots/."""
import re
import sqlite3
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, SERVER, _server_env, chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PASSWORD = "wic-demo-2026"
PHONE = {"width": 390, "height": 844}
EMAIL = "e2e.speaker@example.org"

SETUP = """
from people import services
from wic.models import Edition
edition = Edition.objects.filter(is_demo=True).order_by("-year").first()
session = edition.sessions.exclude(start=None).order_by("start", "pk").first()
person = services.person_upsert(key="e2e-speaker", name_zh="测试演讲人", name_en="Test Speaker", email="e2e.speaker@example.org")
appearance = services.appearance_upsert(person=person, session=session, role="keynote", title_zh="测试研究院院长", language="en")
print(appearance.pk, session.pk, edition.year)
"""


def server_shell(code: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=_server_env(SERVER["db"]),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def emailed_link() -> str:
    with sqlite3.connect(SERVER["db"]) as db:
        rows = db.execute('SELECT body_text, "to" FROM wic_outgoingemail ORDER BY id DESC LIMIT 50').fetchall()
    body = next(text for text, to in rows if EMAIL in to)
    return re.search(r"https?://[^\s]+(/speakers/[^\s]+/)", body).group(1)


def test_an_organizer_invites_and_the_speaker_confirms_on_a_phone(new_page, screenshot):
    appearance_pk, session_pk, year = server_shell(SETUP).split()

    # The organizer sends the invitation from the appearances' list.
    admin = new_page("en")
    admin.goto("/admin/login/?next=/admin/people/appearance/")
    admin.fill("#id_username", "organizer")
    admin.fill("#id_password", PASSWORD)
    admin.locator("form input[type=submit], form button[type=submit]").last.click()
    expect(admin).to_have_url(re.compile(r"/admin/people/appearance/"))
    admin.goto("/admin/people/appearance/?q=测试演讲人")
    admin.locator(f"input.action-select[value='{appearance_pk}']").check()
    admin.select_option("select[name=action]", label="Send the invitation")
    admin.locator("button[name=index], button.button[type=submit]").first.click()
    expect(admin.locator("ul.messagelist")).to_contain_text("invitation")
    screenshot(admin, "admin-sent")

    # The speaker opens the emailed link on a phone and confirms.
    link = emailed_link()
    phone = new_page("en", viewport=PHONE)
    phone.goto(link)
    expect(phone.locator("h1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_label(re.compile("I confirm")).check()
    phone.get_by_label("On site").check()
    screenshot(phone, "speaker-page")
    phone.locator("form button[type=submit]").last.click()
    expect(phone.locator("main")).to_contain_text("Thank you")
    screenshot(phone, "speaker-confirmed")

    # The link is used up; the session page lists the speaker.
    again = phone.goto(link)
    assert again.status == 410
    page = new_page("en")
    page.goto(f"/editions/{year}/sessions/{session_pk}/")
    expect(page.locator("main")).to_contain_text("Test Speaker")
    expect(page.locator("main")).to_contain_text("Keynote")
