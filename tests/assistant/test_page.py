"""Issue 25, the assistant's page (/assistant/) and the help pages, in both languages: the answer
to the question in the query rendered server-side (no JavaScript needed) in an aria-live list,
a labelled input, suggestion chips that are links; refusals shown on the page with their code;
limited per address; the same queries whatever the answer holds."""
import re

import pytest
import time_machine

from companion import views_assistant

from .support import world  # noqa: F401
from .world import NOW, YEAR

pytestmark = pytest.mark.usefixtures("empty_cache")
PAGE = "/assistant/"


def page(client, lang="zh", **params):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"} if lang == "en" else {}
    return client.get(PAGE, {"edition": YEAR, **params}, **headers)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("lang", "question", "answer", "item"),
    [
        ("zh", "现在通安厅在开什么会？", "机器人与未来生活分论坛", "机器人与未来生活分论坛"),
        ("en", "What's on in Tong'an Hall now?", "On now in Tong&#x27;an Hall (room 217): Robots and Future Life Forum (09:30–12:00).", "Robots and Future Life Forum"),
    ],
)
def test_the_page_answers_the_question_in_its_query(client, world, db, lang, question, answer, item):
    response = page(client, lang, q=question)
    html = response.content.decode()
    session = world.ref("session:robot-forum")[1]
    assert response.status_code == 200
    assert f'<html lang="{"en" if lang == "en" else "zh-hans"}">' in html
    assert re.search(r'<ol class="assistant-log" id="assistant-log" aria-live="polite"', html)
    assert '<label for="id_q">' in html and 'id="id_q"' in html
    assert 'data-intent="whats_on"' in html
    assert answer in html
    assert f'<a href="/editions/{YEAR}/sessions/{session}/">' in html and item in html
    assert 'class="chip"' in html


def test_the_page_without_a_question_shows_suggestions_that_are_links(client, world, db):
    html = page(client, "en").content.decode()
    chips = re.findall(r'<a class="chip" href="([^"]+)"', html)
    assert 'data-intent' not in html
    assert len(chips) >= 5
    assert all(chip.startswith("/assistant/?") and "q=" in chip and f"edition={YEAR}" in chip for chip in chips)


@time_machine.travel(NOW, tick=False)
def test_every_suggestion_is_answered(client, world, db):
    html = page(client, "zh").content.decode()
    for href in re.findall(r'<a class="chip" href="([^"]+)"', html):
        answered = client.get(href.replace("&amp;", "&")).content.decode()
        assert re.search(r'data-intent="(?!unknown)', answered), href


def test_a_refused_question_is_shown_with_its_code(client, world, db):
    response = page(client, "en", q="x" * 201)
    assert response.status_code == 400
    assert 'data-code="question_too_long"' in response.content.decode()


def test_an_unknown_edition_is_a_404_page(client, world, db):
    response = client.get(PAGE, {"edition": "1999", "q": "hello"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "There is no published edition for year 1999." in response.content.decode()


def test_the_page_is_limited_per_address(client, world, db, monkeypatch):
    monkeypatch.setattr(views_assistant, "RATE", "2/m")
    statuses = [page(client, "en", q="Where is Tong'an Hall?").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert page(client, "en").status_code == 200  # a page without a question is not counted


@time_machine.travel(NOW, tick=False)
def test_the_page_makes_the_same_queries_for_a_short_and_a_long_answer(client, world, db, django_assert_num_queries):
    page(client, "en", q="Where is Tong'an Hall?")  # the index is built once
    with django_assert_num_queries(1):
        page(client, "en", q="Where is the restroom?")
    with django_assert_num_queries(1):
        page(client, "en", q="What's on tomorrow?")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_help_pages_and_service_points_in_both_languages(client, world, db, lang):
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"} if lang == "en" else {}
    listing = client.get(f"/editions/{YEAR}/help/", **headers).content.decode()
    one = client.get(f"/editions/{YEAR}/help/badge/", **headers)
    point = world.ref("service_point:医务室")[1]
    assert f'id="point-{point}"' in listing
    assert ("Medical Point" if lang == "en" else "医务室") in listing
    assert one.status_code == 200
    assert ("Show the QR code" if lang == "en" else "凭注册确认邮件中的二维码") in one.content.decode()
    assert client.get(f"/editions/{YEAR}/help/nothing-here/").status_code == 404
    assert client.get("/editions/1999/help/").status_code == 404


@pytest.mark.parametrize(("lang", "label"), [("zh", "助手"), ("en", "Assistant")])
def test_every_pages_header_links_to_the_assistant_through_the_registry(client, db, lang, label):
    """The companion's NavLink contribution: the core's header lists it after "Editions" with no
    name of the companion in the core's code."""
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"} if lang == "en" else {}
    for path in ("/", "/editions/", "/privacy/"):
        html = client.get(path, **headers).content.decode()
        nav = re.search(r'<nav aria-label="[^"]+" class="header-nav">(.*?)</nav>', html, re.S).group(1)
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)[:2] == [("/editions/", "历届大会" if lang == "zh" else "Editions"), ("/assistant/", label)], path
