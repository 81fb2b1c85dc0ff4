"""The demo volunteer signs in on a phone-sized screen, checks in on the demo shift that starts
about half an hour after seeding (check-in opens an hour before), then checks out; the team
leader's page shows the live board. In Debian's Chromium."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available, sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}


def test_demo_volunteer_checks_in_and_out_on_a_phone(new_page, screenshot):
    page = new_page("en", viewport=PHONE)
    sign_in(page, "volunteer", "/volunteer/")
    expect(page.locator("h1")).to_have_text("Demo Volunteer 000 (account volunteer)")
    expect(page.locator(".vol-qr svg")).to_be_visible()
    card = page.locator(".shift-card", has=page.locator("button", has_text="Check in"))
    expect(card).to_have_count(1)
    expect(card.locator("h3")).to_have_text("Today's demo post (try the check-in)")
    # The demo shift starts ~30 min after seeding: after 23:30 Beijing time that is tomorrow's date,
    # so the leader's board is opened on the shift's own day.
    shift_day = card.get_attribute("data-day")
    screenshot(page, "before")

    card.locator("button", has_text="Check in").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Checked in at")
    expect(page.locator(".messages .message.success")).to_contain_text("(Early)")
    checked = page.locator(".shift-card.now")
    expect(checked.locator(".state-chip.early")).to_contain_text("Checked in")
    screenshot(page, "checked-in")

    checked.locator("button", has_text="Check out").click()
    expect(page.locator(".messages .message.success")).to_contain_text("Checked out at")
    expect(page.locator(".shift-card.now .state-chip", has_text="Checked out")).to_contain_text("Left early")
    expect(page.locator("button", has_text="Check in")).to_have_count(0)
    expect(page.locator("button", has_text="Check out")).to_have_count(0)
    screenshot(page, "checked-out")

    lead = new_page("en", viewport=PHONE)
    sign_in(lead, "volunteer-lead", "/volunteer/lead/")
    lead.goto(f"/volunteer/lead/?day={shift_day}")
    row = lead.locator(".board-row", has_text="Today's demo post")
    expect(row.locator("[data-stat=checked_in]")).to_have_text("1")
    expect(lead.locator(".member", has_text="Demo Volunteer 000")).to_contain_text("Checked out")
    screenshot(lead, "lead")
