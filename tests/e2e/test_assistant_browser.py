"""Issue 25, the assistant's page in Debian's headless Chromium on a phone (390x844), in both
languages: a question typed and asked is answered in place (no page load) with the item's kind
beside its link, the address keeps the question (a reload or a shared link shows it again), a
suggestion chip asks its question, and following the item opens the service point on the map.
Screenshots in <project>/screenshots/."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available
from tests.e2e.test_pwa_browser import demo, fits

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PHONE = {"width": 390, "height": 844}
CASES = {
    "en": ("Where is the restroom?", "Restroom (demo): Wuzhen Internet International Convention and Exhibition Center, hours: Open all day.",
           "Service point", "Restroom (demo)", "Ask", "How do I get my badge?"),
    "zh-hans": ("洗手间在哪", "洗手间（演示）：乌镇互联网国际会展中心，开放时间：全天开放。", "服务点", "洗手间（演示）", "提问", "怎么领取证件？"),
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_question_is_answered_in_place_and_its_item_opens_on_the_map(new_page, screenshot, lang):
    question, answer, kind, title, ask, chip = CASES[lang]
    year = demo()["year"]
    page = new_page(lang, viewport=PHONE)
    page.goto(f"/assistant/?edition={year}")
    loads = []
    page.on("load", lambda _page: loads.append(page.url))
    page.fill("#id_q", question)
    page.get_by_role("button", name=ask, exact=True).click()

    turn = page.locator("#assistant-log li.turn-answer").last
    expect(turn.locator(".answer-text")).to_have_text(answer)
    assert turn.get_attribute("data-intent") == "where_is"
    item = turn.locator(".assistant-items li")
    expect(item).to_have_count(1)
    expect(item.locator(".tag")).to_have_text(kind)
    expect(item.get_by_role("link")).to_have_text(title)  # the link's name is the title alone
    assert loads == [] and page.locator("#id_q").input_value() == ""
    assert re.search(r"[?&]q=", page.url) and f"edition={year}" in page.url
    fits(page, PHONE["width"])
    screenshot(page, lang)

    page.reload()  # the address holds the question: the server answers it the same way
    expect(page.locator("#assistant-log li.turn-answer .answer-text")).to_have_text(answer)

    page.get_by_role("link", name=chip, exact=True).click()
    expect(page.locator("#assistant-log li.turn-question p").last).to_have_text(chip)
    expect(page.locator("#assistant-log li.turn-answer").last).to_have_attribute("data-intent", "help")

    page.locator("#assistant-log li.turn-answer").first.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(rf"/editions/{year}/map/point/\d+/"))
    expect(page.locator("h1")).to_contain_text(title)
