"""The agenda's busiest day in a real browser (issue 20, points 2 and 6): every hall of 2017-12-04
is reachable, the cue says how many are off-screen, the time column and the hall header stay in
view while the grid scrolls inside its box, the page never scrolls sideways, and on a phone the
filters are folded so the first session shows in the first screen.

Runs against the `e2e_server` fixture (see conftest.py); screenshots go to <project>/screenshots/.
"""
import re

import pytest

from .conftest import SKIP_REASON, chromium_available

if not chromium_available():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright", reason="needs the playwright package (requirements.txt)")

from playwright.sync_api import Page, expect  # noqa: E402

BUSY_DAY = "/editions/2017/agenda/?day=2017-12-04"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
HALLS = 10  # halls with a timed session on 2017-12-04 (seed data)
ITEMS = 19  # 18 in the grid, one listed under "noon"
LANGS = ["en", "zh-hans"]

# Where each hall header sits relative to the grid's visible area (between the sticky time column
# and the box's right edge), measured by the test itself rather than taken from the page's script.
MEASURE = """() => {
  const grid = document.querySelector('.timetable');
  const box = grid.getBoundingClientRect();
  const left = grid.querySelector('.grid-corner').getBoundingClientRect().right;
  const right = box.left + grid.clientLeft + grid.clientWidth;
  return [...grid.querySelectorAll('.hall-head')].map(h => {
    const r = h.getBoundingClientRect();
    return {column: h.dataset.gridColumn, inView: r.left >= left - 1 && r.right <= right + 1, cutRight: r.right > right + 1};
  });
}"""


def page_scroll_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def on_top(page: Page, selector: str, index: int = 0) -> bool:
    """Whether the element (the index-th match of selector; -1: the last) is what the browser shows
    at its own centre, not a scrolled card passing under it."""
    return page.evaluate(
        """([sel, i]) => { const all = document.querySelectorAll(sel); const el = all[i < 0 ? all.length + i : i];
                      const r = el.getBoundingClientRect();
                      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                      return !!hit && (hit === el || el.contains(hit)); }""",
        [selector, index],
    )


def current_tab_count(page: Page) -> int:
    text = page.locator("nav.day-tabs a[aria-current=page] .count").inner_text()
    return int(re.search(r"\d+", text).group())


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_grid_desktop_reaches_every_hall(new_page, screenshot, lang):
    page = new_page(lang, viewport=DESKTOP)
    page.goto(BUSY_DAY)
    grid = page.locator(".timetable.placed")
    expect(grid).to_be_visible()
    assert page_scroll_width(page) <= DESKTOP["width"]
    assert grid.locator(".hall-head").count() == HALLS
    # The tab's count is what the day shows: every card, in the grid or under its half-day.
    assert current_tab_count(page) == ITEMS == page.locator("section.day article.session").count()
    expect(page.locator(".grid-summary")).to_contain_text(str(HALLS))
    # On a wide screen the filters are unfolded.
    expect(page.locator("#filter-more")).to_have_attribute("open", "")
    expect(page.locator("#id_hall")).to_be_visible()

    page.evaluate("() => window.scrollTo(0, document.querySelector('.timetable').getBoundingClientRect().top + window.scrollY - 60)")
    more, less = page.locator(".hall-cue.more"), page.locator(".hall-cue.less")
    seen: set[str] = set()
    heads = page.evaluate(MEASURE)
    hidden = sum(h["cutRight"] for h in heads)
    assert hidden == 3, heads  # 1,334 px of grid box at 1366 px: seven halls in view, three to the right
    expect(more).to_be_visible()
    expect(more).to_have_attribute("data-hidden", str(hidden))
    expect(more).to_contain_text(f"{hidden}")
    if lang == "en":
        expect(more).to_have_text("3 more halls →")
    expect(less).to_be_hidden()
    seen |= {h["column"] for h in heads if h["inView"]}
    screenshot(page, "start")

    for _ in range(HALLS):
        if not more.is_visible():
            break
        before = page.evaluate("() => document.querySelector('.timetable').scrollLeft")
        more.click()
        page.wait_for_function("(x) => { const g = document.querySelector('.timetable'); return g.scrollLeft !== x; }", arg=before)
        page.wait_for_timeout(700)  # the smooth scroll settles
        heads = page.evaluate(MEASURE)
        seen |= {h["column"] for h in heads if h["inView"]}
        # The cue always names exactly the halls still cut off on the right.
        still = sum(h["cutRight"] for h in heads)
        if still:
            expect(more).to_have_attribute("data-hidden", str(still))
        else:
            expect(more).to_be_hidden()
    assert seen == {str(c) for c in range(2, HALLS + 2)}, seen
    expect(more).to_be_hidden()
    expect(less).to_be_visible()
    assert int(less.get_attribute("data-hidden")) > 0

    # Scrolled sideways: the time column is still at the box's left edge, on top of the cards.
    grid_box = grid.bounding_box()
    label = grid.locator(".time-label").first.bounding_box()
    assert page.evaluate("() => document.querySelector('.timetable').scrollLeft") > 0
    assert abs(label["x"] - (grid_box["x"] + 1)) <= 1, (label, grid_box)
    assert on_top(page, ".timetable .time-label")
    # Scrolled down inside the box: the hall header stays at its top, on top of the cards.
    page.evaluate("() => { document.querySelector('.timetable').scrollTop = 400; }")
    page.wait_for_timeout(100)
    head = grid.locator(".hall-head").last.bounding_box()
    assert abs(head["y"] - (grid_box["y"] + 1)) <= 1, (head, grid_box)
    assert on_top(page, ".timetable .hall-head", -1)
    assert page_scroll_width(page) <= DESKTOP["width"]
    screenshot(page, "scrolled")

    less.click()
    page.wait_for_timeout(700)
    expect(more).to_be_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_grid_phone_first_session_in_first_screen(new_page, screenshot, lang):
    page = new_page(lang, viewport=PHONE)
    page.goto(BUSY_DAY)
    assert page_scroll_width(page) <= PHONE["width"]

    # The filters are folded behind "Filter"; the search box stays in view.
    details = page.locator("#filter-more")
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator("#id_hall")).to_be_hidden()
    expect(page.locator("#id_search")).to_be_visible()

    # The summit's day tabs are one row (scrolling inside itself), the current one in view; the
    # items the texts date before the summit have a row of their own above it (issue 21: 11-16,
    # 11-22, 11-27), and the item with no day given a tab at the end of the summit's row.
    tops = page.locator("nav.day-tabs ul:not(.pre-event) li").evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) == 5 and len(set(tops)) == 1, tops
    pre = page.locator("nav.day-tabs ul.pre-event li").evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(pre) == 3 and len(set(pre)) == 1 and pre[0] < tops[0], (pre, tops)
    current = page.locator("nav.day-tabs a[aria-current=page]").bounding_box()
    assert current["x"] >= 0 and current["x"] + current["width"] <= PHONE["width"], current

    # The first session's card starts within the first screen.
    first = page.locator("section.day article.session").first.bounding_box()
    assert 0 < first["y"] < PHONE["height"], first
    assert first["y"] + 40 <= PHONE["height"], first  # its title line, not just its border

    # Every hall is reachable: the list shows each hall's sessions, within the screen's width, and
    # no cue is needed.
    cards = page.locator(".timetable article.session")
    columns = set()
    for card in cards.all():
        expect(card).to_be_visible()
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        columns.add(card.get_attribute("data-grid-column"))
    assert columns == {str(c) for c in range(2, HALLS + 2)}, columns
    assert current_tab_count(page) == ITEMS == page.locator("section.day article.session").count()
    expect(page.locator(".hall-cue.more")).to_be_hidden()
    expect(page.locator(".hall-cue.less")).to_be_hidden()
    screenshot(page, "folded")

    # Unfolding shows the filters and still no sideways scroll.
    page.locator("#filter-more > summary").click()
    expect(page.locator("#id_hall")).to_be_visible()
    assert page_scroll_width(page) <= PHONE["width"]
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    assert page_scroll_width(page) <= PHONE["width"]


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_phone_filter_is_open_when_active(new_page, screenshot, lang):
    page = new_page(lang, viewport=PHONE)
    page.goto(f"{BUSY_DAY}&kind=sub_forum")
    expect(page.locator("#filter-more")).to_have_attribute("open", "")
    expect(page.locator("#id_kind")).to_have_value("sub_forum")
    expect(page.locator("#filter-more .filter-count")).to_contain_text("1")
    assert page_scroll_width(page) <= PHONE["width"]
    screenshot(page)
