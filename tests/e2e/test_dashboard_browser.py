"""The demo organizer signs in to the admin, opens the edition dashboard from the admin index's
"Dashboards" module, reads its figures, switches to a past edition, and sees it all in Chinese
too. Screenshots in screenshots/. In Debian's Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PASSWORD = "wic-demo-2026"


def sign_in_to_admin(page, username="organizer"):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_demo_organizer_opens_the_edition_dashboard(new_page, screenshot):
    page = new_page("en")
    sign_in_to_admin(page)
    module = page.locator("#wic-dashboards-module")
    expect(module.locator("caption")).to_have_text("Dashboards")
    expect(module.locator("th a", has_text="2024 World Internet Conference Wuzhen Summit")).to_be_visible()
    screenshot(page, "admin-index")

    module.locator("th a", has_text="(demo)").click()
    expect(page).to_have_url(re.compile(r"/admin/dashboard/\d{4}/$"))
    expect(page.locator("h1")).to_contain_text("Dashboard:")
    expect(page.locator(".wic-editions a[aria-current=page]")).to_contain_text("(demo)")
    # Other browser tests share this server and may add guests or applications to the demo, so
    # the dashboard is compared with what the API counts for the organizer at the same moment.
    year = re.search(r"/admin/dashboard/(\d{4})/$", page.url).group(1)

    def api_count(path):
        response = page.request.get(path)
        assert response.status == 200, path
        return str(response.json()["count"])

    expect(page.locator("[data-figure=registrations-total]")).to_have_text(api_count(f"/api/v1/registrations/?edition={year}"))
    expect(page.locator("[data-figure=registrations-approved]")).to_have_text(api_count(f"/api/v1/registrations/?edition={year}&status=approved"))
    expect(page.locator("[data-figure=forums-total]")).to_have_text(api_count(f"/api/v1/forum-applications/?edition={year}"))
    # The demo expo (expo/demo.py): 300 exhibitors, 8 of them pending, all 292 approved on a booth of 320.
    expect(page.locator("[data-figure=expo-approved]")).to_have_text("292")
    expect(page.locator("[data-figure=expo-pending]")).to_have_text("8")
    expect(page.locator("[data-figure=expo-booths-free]")).to_have_text("28 / 320")
    # Charts are server-rendered SVG with a readable summary and the numbers beside the bars.
    status_chart = page.locator("#panel-registrations svg[role=img]").first
    counts = [api_count(f"/api/v1/registrations/?edition={year}&status={s}") for s in ("pending", "approved", "waitlisted", "rejected")]
    expect(status_chart).to_have_attribute(
        "aria-label", "Registrations by status: Pending {}; Approved {}; Waitlisted {}; Rejected {}".format(*counts)
    )
    # The history: the texts' figures next to the system's, per edition.
    row_2024 = page.locator(".wic-history-table tbody tr", has=page.locator("th a", has_text="2024"))
    expect(row_2024.locator("[data-metric=exhibitors-reported]")).to_have_text("665")
    row_2017 = page.locator(".wic-history-table tbody tr", has=page.locator("th a", has_text="2017"))
    expect(row_2017.locator("[data-metric=guests-reported]")).to_contain_text("1,500+")
    expect(page.locator(".wic-multiples svg")).to_have_count(5)
    screenshot(page, "demo")
    page.set_viewport_size({"width": 820, "height": 1100})  # a tablet: the panels stack
    screenshot(page, "demo-narrow")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator(".wic-editions a", has_text="2024").click()
    expect(page).to_have_url(re.compile(r"/admin/dashboard/2024/$"))
    expect(page.locator(".wic-editions a[aria-current=page]")).to_have_text("2024")
    expect(page.locator("h1")).to_have_text("Dashboard: 2024 World Internet Conference Wuzhen Summit")
    expect(page.locator("ol.breadcrumbs li[aria-current=page]")).to_have_text("2024")
    screenshot(page, "2024")


def test_dashboard_in_chinese(new_page, screenshot):
    page = new_page("zh-hans")
    sign_in_to_admin(page)
    page.goto("/admin/dashboard/")
    expect(page).to_have_url(re.compile(r"/admin/dashboard/\d{4}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("[data-figure=expo-booths-free]")).to_have_text("28 / 320")
    screenshot(page, "demo")


def test_dashboard_is_refused_to_staff_who_are_not_organizers(new_page):
    """The demo's only staff account is the organizer; a non-staff account is sent to the admin login."""
    page = new_page("en")
    page.goto("/accounts/login/?next=/")
    page.fill("#id_username", "volunteer-lead")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto("/admin/dashboard/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/dashboard/$"))
