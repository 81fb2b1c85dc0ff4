"""A visitor finds an exhibitor in the demo expo directory (filter by field, search in Chinese),
opens its page; the demo attendee asks it for a meeting and the demo exhibitor accepts it on its
meetings page. In Debian's Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available, sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")



def demo_year(page) -> int:
    editions = page.request.get("/api/v1/editions/").json()["results"]
    return next(e["year"] for e in editions if e["name_en"].endswith("(demo)"))


def test_directory_filter_search_and_a_meeting_accepted(new_page, screenshot):
    page = new_page("en")
    year = demo_year(page)
    page.goto(f"/editions/{year}/expo/")
    expect(page.locator("#list-title")).to_have_text("292 exhibitors")
    page.select_option("select[name=field]", "robotics")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#list-title")).not_to_have_text("292 exhibitors")
    count = int(re.search(r"(\d+) exhibitors", page.locator("#list-title").inner_text()).group(1))
    assert 0 < count < 292
    cards = page.locator(".exhibitor-grid > li")
    expect(cards).to_have_count(min(count, 60))
    assert cards.filter(has_text="Robotics").count() == cards.count()
    screenshot(page, "robotics")

    page.goto(f"/editions/{year}/expo/?q=演示参展商002")
    expect(page.locator("#list-title")).to_have_text("1 exhibitor")
    page.get_by_role("link", name="Demo Exhibitor 002").click()
    expect(page.locator("h1")).to_have_text("Demo Exhibitor 002")
    expect(page.locator("#booths")).to_contain_text("A002")

    guest = new_page("zh-hans")
    sign_in(guest, "attendee", f"/editions/{year}/expo/")
    guest.get_by_role("link", name="演示参展商002").first.click()
    guest.fill("input[name=start]", f"{year}-11-17T11:00")
    guest.select_option("select[name=minutes]", "30")
    guest.fill("textarea[name=message]", "想了解演示产品")
    guest.locator("form button.primary").click()
    expect(guest.locator(".messages .message.success")).to_contain_text("演示参展商002")
    screenshot(guest, "asked-zh")

    exhibitor = new_page("zh-hans")
    sign_in(exhibitor, "exhibitor", f"/editions/{year}/expo/meetings/")
    row = exhibitor.locator("#received tr", has_text="想了解演示产品")
    expect(row).to_have_count(0)  # asked Demo Exhibitor 002; the demo account represents 001
    demo_row = exhibitor.locator("#received tr", has_text="demo request")
    expect(demo_row).to_have_count(1)
    demo_row.get_by_role("button", name="接受").click()
    expect(exhibitor.locator("#received tr", has_text="demo request")).to_contain_text("已接受")
    screenshot(exhibitor, "accepted-zh")
