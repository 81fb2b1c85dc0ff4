"""Issue 25, the venue map in Debian's Chromium with the demo data (./run.sh's seed): the map page at
1366x900 and 390x844, in English and in Chinese, without sideways scrolling and without a serious
or critical axe finding; a service point reached with the keyboard alone (Tab) and opened (Enter),
its page giving its details the focus; the kind filter applied at once by static/companion/map.js
(the address follows); the session page's "On the map" link opening the hall highlighted; the
organizer's change form of a service point, where a click on the plan sets left (x) and top (y).
Screenshots of each in /tmp/map-shots/."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, chromium_available, sign_in
from tests.e2e.test_agenda_browser import describe, run_axe
from tests.e2e.test_speaker_browser import server_shell

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp/map-shots")

SETUP = """
from agenda.models import Session
from companion.models import ServicePoint
from wic.models import Edition
edition = Edition.objects.filter(is_demo=True).order_by("-year").first()
point = ServicePoint.objects.get(edition=edition, kind="medical", name_zh__endswith="（演示）")
session = Session.objects.filter(edition=edition, hall__isnull=False).order_by("sort_key").first()
print(edition.year, point.pk, session.pk, session.hall_id)
"""


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e-{name}.png"), full_page=True)


def no_serious_axe(page) -> None:
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {page.url}:\n{describe(serious)}"


def test_the_venue_map_on_a_desktop_and_a_phone_in_both_languages(new_page):
    year, point, session, hall = server_shell(SETUP).split()
    url = f"/editions/{year}/map/"

    for lang in ("en", "zh-hans"):
        for viewport, size in ((DESKTOP, "1366"), (PHONE, "390")):
            page = new_page(lang, viewport)
            page.goto(url)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("svg.venue-plan a.plan-point")).to_have_count(9)
            expect(page.locator(".point-list li")).to_have_count(9)
            fits(page, viewport["width"])
            no_serious_axe(page)
            shoot(page, f"map-{lang}-{size}")

            # The hall of a session, from its page.
            page.goto(f"/editions/{year}/sessions/{session}/")
            page.locator("a.session-link").click()
            expect(page).to_have_url(re.compile(rf"/editions/{year}/map/hall/{hall}/$"))
            expect(page.locator(f'svg a.plan-item.hall[data-hall="{hall}"]')).to_have_attribute("aria-current", "true")
            expect(page.locator("#map-focus")).to_be_focused()
            fits(page, viewport["width"])
            no_serious_axe(page)
            shoot(page, f"hall-{lang}-{size}")

    # With the keyboard alone: Tab through the page to the first service point on the plan, Enter.
    page = new_page("en", DESKTOP)
    page.goto(url)
    for _press in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('plan-point')"):
            break
    else:
        pytest.fail("no service point on the plan was reached with Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("1. Information desk: Information desk (demo)")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/editions/{year}/map/point/\d+/$"))
    expect(page.locator("#map-focus")).to_be_focused()
    expect(page.locator("#focus-title")).to_have_text("Information desk (demo)")

    # The filter, at once: medical points off the plan and the list; the address follows.
    page.goto(url)
    expect(page.locator(".map-filters button[type=submit]")).to_be_hidden()
    page.locator('.map-filters input[value="medical"]').uncheck()
    expect(page.locator('svg a.plan-point[data-kind="medical"]')).to_be_hidden()
    expect(page.locator('.point-list li[data-kind="medical"]')).to_be_hidden()
    expect(page.locator('svg a.plan-point[data-kind="restroom"]')).to_be_visible()
    assert "kind=information" in page.url and "kind=medical" not in page.url
    page.reload()  # the address gives the same map, from the server
    expect(page.locator('svg a.plan-point[data-kind="medical"]')).to_be_hidden()
    expect(page.locator('.map-filters input[value="medical"]')).not_to_be_checked()

    # The organizer's form: a click on the plan sets the point's position.
    for lang, viewport, size in (("en", DESKTOP, "1366"), ("zh-hans", PHONE, "390")):
        admin = new_page(lang, viewport)
        change = f"/admin/companion/servicepoint/{point}/change/"
        sign_in(admin, "organizer", change)
        plan = admin.locator("svg.venue-plan.editable")
        expect(plan).to_be_visible()
        expect(admin.locator("#id_x")).to_have_value("975")
        box = plan.bounding_box()
        # The plan spans viewBox -30..1030: its middle is plan unit 500.
        plan.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
        x, y = int(admin.locator("#id_x").input_value()), int(admin.locator("#id_y").input_value())
        assert abs(x - 500) <= 3 and abs(y - 500) <= 3, (x, y)
        expect(admin.locator("#plan-current")).to_have_attribute("transform", f"translate({x} {y})")
        fits(admin, viewport["width"])
        shoot(admin, f"admin-point-{lang}-{size}")
