"""Issue 25, the installable offline app in Debian's headless Chromium with the network switched
off (context.set_offline): the demo edition's agenda (a day opened, the others fetched along),
a session, a person, the expo directory and zone map, the venue map, "My agenda" and the demo
guest's own page with its QR open from the service worker's cache with "offline · saved at
HH:MM" (Beijing time); a page never opened answers with the offline page; back online the page
reloads from the network. An edit made in the admin shows at the next visit online and then
offline. Signing out (and a session that ends) empties the private cache. Screenshots at
1366x900 and 390x844 in both languages in <project>/screenshots/.

The server is the e2e fixture's runserver on http://127.0.0.1:<port>, a secure context for
Chromium, so the worker registers without HTTPS."""
import re
import sqlite3
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, SERVER, chromium_available, sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
BEIJING = ZoneInfo("Asia/Shanghai")
# Where a copy of a page is, if anywhere (the worker's cache names, static/pwa/sw.js).
WHERE_SAVED = """async (url) => {
  for (const name of ["wic-private", "wic-pages"]) {
    if (await (await caches.open(name)).match(url, { ignoreVary: true })) return name;
  }
  return null;
}"""
SAVED_TEXT = """async ([url, text]) => {
  const found = await caches.match(url, { ignoreVary: true });
  return !!found && (await found.text()).includes(text);
}"""


def until(page, script: str, arg=None, expected=True, timeout: float = 15.0):
    """Polls `script` with page.evaluate until it returns `expected` (page.wait_for_function
    evaluates a string, which the site's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value == expected:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{script[:60]}... gave {value!r}, not {expected!r}")
        time.sleep(0.1)


def controlled(page) -> None:
    until(page, "() => navigator.serviceWorker.controller !== null")


def absolute(page, path: str) -> str:
    return re.match(r"^https?://[^/]+", page.url).group(0) + path


def saved_in(page, path: str) -> str | None:
    return page.evaluate(WHERE_SAVED, absolute(page, path))


def wait_saved(page, path: str, cache: str = "wic-pages") -> None:
    until(page, WHERE_SAVED, absolute(page, path), expected=cache)


def demo() -> dict:
    """The demo edition's year, its guest's page, and a few of its ids, from the server's database."""
    with sqlite3.connect(SERVER["db"]) as db:
        (year,) = db.execute("SELECT year FROM wic_edition WHERE is_demo = 1 ORDER BY year DESC").fetchone()
        (token,) = db.execute("SELECT token FROM registration_registration WHERE email = 'guest1@demo.wic-summit.example'").fetchone()
        sessions = dict(db.execute(
            "SELECT s.title_en, s.id FROM agenda_session s JOIN wic_edition e ON e.id = s.edition_id WHERE e.year = ? AND s.is_published = 1", (year,)
        ).fetchall())
        (person,) = db.execute("SELECT person_id FROM people_appearance WHERE session_id = ?", (sessions["Main forum (demo)"],)).fetchone()
    return {"year": year, "guest": f"/editions/{year}/registration/{token}/", "sessions": sessions, "person": person}


def beijing_text(ms: int) -> str:
    then, now = datetime.fromtimestamp(ms / 1000, BEIJING), datetime.now(BEIJING)
    return then.strftime("%H:%M") if then.date() == now.date() else then.strftime("%Y-%m-%d %H:%M")


def line(lang: str) -> str:
    from django.utils import translation

    with translation.override(lang):
        return translation.gettext("offline · saved at")


def expect_offline_copy(page, lang: str = "en") -> None:
    """The page came from the worker's cache, and says so with the time it was saved."""
    status = page.locator("#pwa-status")
    expect(status).to_be_visible()
    saved_at = int(status.get_attribute("data-pwa-saved-at"))
    expect(status).to_have_text(f"{line(lang)} {beijing_text(saved_at)}")


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth") == width


def test_the_edition_s_pages_open_offline_with_the_saved_at_line_then_refresh_online(new_page, screenshot):
    d = demo()
    year = d["year"]
    agenda, forum, closing = f"/editions/{year}/agenda/", d["sessions"]["Main forum (demo)"], d["sessions"]["Closing ceremony (demo)"]
    page = new_page("en")
    problems = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.goto(f"{agenda}?day={year}-11-17")
    controlled(page)
    # Every day of the agenda is saved, not only the one opened.
    days = [a.get_attribute("href") for a in page.locator("nav.day-tabs a").all()]
    assert days == [f"?day={year}-11-{day}" for day in (16, 17, 18, 19)]
    for day in days:
        wait_saved(page, agenda + day)
    opened = [
        f"/editions/{year}/sessions/{forum}/",
        f"/people/{d['person']}/",
        f"/editions/{year}/expo/",
        f"/editions/{year}/expo/map/",
        f"/editions/{year}/map/",
        f"/editions/{year}/my-agenda/?s={forum},{closing}",
        d["guest"],
    ]
    for path in opened:
        assert page.goto(path).status == 200, path
    for path in opened:
        wait_saved(page, path, "wic-private" if "/my-agenda/" in path or "/registration/" in path else "wic-pages")
    assert problems == []  # online: no console error or warning (the manifest's included), nothing refused by the CSP

    page.context.set_offline(True)
    # A day never opened, fetched along with the first.
    response = page.goto(f"{agenda}?day={year}-11-19")
    assert response.from_service_worker
    expect_offline_copy(page)
    expect(page.locator("#day-title")).to_contain_text(f"{year}-11-19")
    expect(page.get_by_role("heading", name="Closing ceremony (demo)", exact=True)).to_be_visible()
    screenshot(page, "agenda-offline")
    page.goto(opened[0])
    expect_offline_copy(page)
    expect(page.locator("h1")).to_have_text("Main forum (demo)")
    page.goto(opened[1])
    expect_offline_copy(page)
    for path in opened[2:5]:
        page.goto(path)
        expect_offline_copy(page)
    page.goto(opened[5])
    expect_offline_copy(page)
    expect(page.locator("h1")).to_contain_text("My agenda")
    expect(page.get_by_role("heading", name="Closing ceremony (demo)", exact=True)).to_be_visible()
    # Stars changed since, in the address: the last "My agenda" saved answers.
    page.goto(f"/editions/{year}/my-agenda/?s={forum}")
    expect_offline_copy(page)
    page.goto(d["guest"])
    expect_offline_copy(page)
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot(page, "guest-offline")

    # Never opened: the offline page, listing what is saved.
    page.goto(f"/editions/{year}/expo/openings/")
    expect(page.locator("h1")).to_have_text("You are offline")
    expect(page.locator("#pwa-status")).to_be_hidden()
    saved = page.locator("#pwa-saved-pages li")
    expect(saved).to_have_count(len(days) + len(opened))  # the agenda's four days, the pages opened
    expect(saved.filter(has_text="My registration")).to_have_count(1)
    screenshot(page, "offline-page")

    # Back online, a saved page reloads from the network: no line any more.
    page.goto(f"{agenda}?day={year}-11-18")
    expect_offline_copy(page)
    page.context.set_offline(False)
    expect(page.locator("#pwa-status")).to_be_hidden(timeout=10_000)
    assert page.locator("#pwa-status").get_attribute("data-pwa-saved-at") == ""


def test_an_edit_shows_at_the_next_visit_online_and_then_offline(new_page):
    d = demo()
    year, closing = d["year"], d["sessions"]["Closing ceremony (demo)"]
    day = f"/editions/{year}/agenda/?day={year}-11-19"
    page = new_page("en")
    page.goto(day)
    controlled(page)
    wait_saved(page, day)
    expect(page.get_by_role("heading", name="Closing ceremony (demo)", exact=True)).to_be_visible()

    organizer = new_page("en")
    sign_in(organizer, "organizer", "/admin/")

    def retitle(title: str) -> None:
        organizer.goto(f"/admin/agenda/session/{closing}/change/")
        organizer.fill("#id_title_en", title)
        organizer.locator("input[name=_save]").click()
        expect(organizer.locator("ul.messagelist")).to_be_visible()

    retitle("Closing ceremony (demo, moved)")
    try:
        page.reload()  # online: the worker asks the server, whose agenda has a new version
        expect(page.get_by_role("heading", name="Closing ceremony (demo, moved)", exact=True)).to_be_visible()
        expect(page.locator("#pwa-status")).to_be_hidden()
        until(page, SAVED_TEXT, [absolute(page, day), "Closing ceremony (demo, moved)"])

        page.context.set_offline(True)
        page.goto(f"/editions/{year}/agenda/?day={year}-11-18")
        page.goto(day)
        expect_offline_copy(page)
        expect(page.get_by_role("heading", name="Closing ceremony (demo, moved)", exact=True)).to_be_visible()
    finally:
        retitle("Closing ceremony (demo)")


def test_signing_out_or_an_ended_session_empties_the_private_cache(new_page):
    d = demo()
    year = d["year"]
    agenda, my_agenda = f"/editions/{year}/agenda/", f"/editions/{year}/my-agenda/"
    page = new_page("en")
    page.goto(d["guest"])  # the guest's page, by its link: private, but nobody's account
    controlled(page)
    wait_saved(page, d["guest"], "wic-private")

    sign_in(page, "attendee", my_agenda)
    # Signing in empties the private cache (another person's pages may be in it).
    until(page, WHERE_SAVED, absolute(page, d["guest"]), expected=None)
    wait_saved(page, my_agenda, "wic-private")

    # The session ends without a sign-out: a page seen signed out drops the pages rendered for the
    # account; the guest's page opened by its link, signed out, stays.
    page.context.clear_cookies()
    page.goto(agenda)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    until(page, WHERE_SAVED, absolute(page, my_agenda), expected=None)
    wait_saved(page, agenda)
    page.goto(d["guest"])
    wait_saved(page, d["guest"], "wic-private")
    page.goto(agenda)
    page.wait_for_timeout(1000)  # the worker has heard "signed out" again
    assert saved_in(page, d["guest"]) == "wic-private"

    # Signed in again, then out: nothing private is left. The sign-out is posted by a script, so
    # that no page is loaded after it (a page seen signed out would empty the cache too): what
    # empties it is the worker seeing the POST to /accounts/logout/ go by, as the header's form's.
    sign_in(page, "attendee", my_agenda)
    wait_saved(page, my_agenda, "wic-private")
    page.goto(d["guest"])
    wait_saved(page, d["guest"], "wic-private")
    signed_out = page.evaluate("""async () => {
      const token = document.querySelector('meta[name="csrf-token"]').content;
      const response = await fetch("/accounts/logout/", { method: "POST", headers: { "X-CSRFToken": token }, redirect: "manual" });
      return response.type;
    }""")
    assert signed_out == "opaqueredirect"  # Django's logout answers with a redirect to the home page
    until(page, "async () => (await (await caches.open('wic-private')).keys()).length", expected=0)
    page.goto(agenda)
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.context.set_offline(True)
    for path in (my_agenda, d["guest"]):
        page.goto(path)
        expect(page.locator("h1")).to_have_text("You are offline")
        expect(page.locator(".qr svg")).to_have_count(0)
    page.goto(agenda)  # public, saved while signed out: still there
    expect_offline_copy(page)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_screenshots_of_pages_offline_at_both_sizes(new_page, screenshot, lang):
    d = demo()
    day = f"/editions/{d['year']}/agenda/?day={d['year']}-11-17"
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_page(lang, viewport=viewport)
        page.goto(day)
        controlled(page)
        page.goto(d["guest"])
        wait_saved(page, day)
        wait_saved(page, d["guest"], "wic-private")
        page.context.set_offline(True)
        for path, name in ((day, "agenda"), (d["guest"], "guest")):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect_offline_copy(page, lang)
            fits(page, viewport["width"])
            screenshot(page, f"{name}-{label}")


def test_chromium_finds_the_app_installable_and_a_page_without_the_manifest_not(browser, e2e_server, tmp_path):
    """Chromium's own installability check (the DevTools protocol's Page.getInstallabilityErrors,
    what the browser's install prompt asks) in a profile on disk: an incognito context answers
    "in-incognito" whatever the site does. The admin's login page, which links no manifest, is
    the negative control."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, base_url=e2e_server,
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        page.goto("/")
        controlled(page)
        manifest = cdp.send("Page.getAppManifest")
        assert (manifest["url"], manifest["errors"]) == (f"{e2e_server}/manifest.webmanifest", [])
        assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        page.goto("/admin/login/")
        assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": [{"errorId": "no-manifest", "errorArguments": []}]}
    finally:
        context.close()
