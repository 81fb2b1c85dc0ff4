"""The Content-Security-Policy breaks nothing a browser runs: on the agenda (the grid placed by
agenda.js), the gate's check-in page (a scan sent with fetch), the organizers' dashboard and the
API docs (Swagger UI), Chromium reports no `securitypolicyviolation` event and no console error.
A script injected inline on purpose is reported, so the recorder is seen to work."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available, sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

# Every violation the page sees, recorded from before its first script runs (an init script is
# injected by the browser itself, not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile || ""}:${e.lineNumber || ""})`);
});
"""


class Recorder:
    """Console errors and warnings, page errors, and CSP violations of one page."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def violations(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations || []")

    def assert_clean(self):
        assert self.violations() == []
        assert self.console == []


def demo_year(page) -> int:
    return page.request.get("/api/v1/editions/?is_demo=true").json()["results"][0]["year"]


def test_recorder_reports_an_inline_script(new_page):
    page = new_page("en")
    recorder = Recorder(page)
    page.goto("/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ranInline = 1'; document.body.appendChild(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ranInline") is None
    assert [v.split(" blocked ")[0] for v in recorder.violations()] == ["script-src-elem"]
    assert any("Content Security Policy" in line for line in recorder.console), recorder.console


def test_agenda_runs_under_the_policy(new_page, screenshot):
    page = new_page("en")
    recorder = Recorder(page)
    page.goto("/editions/2017/agenda/?day=2017-12-04")
    expect(page.locator(".timetable.placed")).to_have_count(1)
    # The cards are in their halls' columns and time rows (set through the CSSOM by agenda.js).
    first = page.locator(".timetable article.session").first
    assert first.evaluate("e => getComputedStyle(e).gridRowStart") not in ("auto", "")
    heads = page.locator(".timetable .hall-head")
    assert heads.first.bounding_box()["x"] < heads.nth(1).bounding_box()["x"]
    page.locator("button.star[data-session]").first.click()  # stars: localStorage, no request
    expect(page.locator("button.star[data-session]").first).to_have_attribute("aria-pressed", "true")
    screenshot(page)
    recorder.assert_clean()


def test_checkin_page_runs_under_the_policy(new_page):
    page = new_page("en")
    recorder = Recorder(page)
    sign_in(page, "gate", "/checkin/")
    expect(page.locator("#scan-form")).to_be_visible()
    page.fill("#checkin-secret", "NOT-A-REAL-CODE")
    page.locator("#scan-form button[type=submit]").click()
    expect(page.locator("#scan-result")).to_be_visible()  # the scan went out with fetch and came back
    recorder.assert_clean()


def test_admin_dashboard_runs_under_the_policy(new_page):
    page = new_page("en")
    recorder = Recorder(page)
    year = demo_year(page)
    page.goto(f"/admin/login/?next=/admin/dashboard/{year}/")
    page.fill("#id_username", "organizer")
    page.fill("#id_password", "wic-demo-2026")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/admin/dashboard/{year}/$"))
    expect(page.locator("h1")).to_contain_text("Dashboard:")
    page.goto("/admin/agenda/session/add/")  # the admin's own scripts: autocomplete, calendar
    expect(page.locator(".select2-container").first).to_be_visible()
    recorder.assert_clean()


def test_api_docs_run_under_the_policy(new_page):
    page = new_page("en")
    recorder = Recorder(page)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("WIC Summit Manager API")
    expect(page.locator(".opblock").first).to_be_visible()
    recorder.assert_clean()
