"""English pages of the seeded editions show English names where the data has them (issue 20,
point 1): the share over the visible text that comes from such data, the `lang` and provenance
marks of the `{% bilingual %}` tag, and a search that understands English, Chinese and pinyin."""
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from lxml import html as lxml_html

from agenda.models import Board, Hall, Outcome, Session, Venue
from agenda.search import split_pinyin
from agenda.selectors import agenda_days
from wic.models import Edition, EditionFigure, Organization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

INVISIBLE = {"script", "style", "noscript", "template", "title", "head"}


def visible_texts(page: str) -> list[str]:
    """The text nodes of <main> a reader sees (not scripts, not `hidden`, not the original-language
    line a session page adds on purpose under its translated title)."""
    root = lxml_html.fromstring(page)
    main = root.find(".//main")
    texts = []
    for element in main.iter():
        if not isinstance(element.tag, str):
            continue
        hidden = any(
            a.tag in INVISIBLE or a.get("hidden") is not None or "other-language" in (a.get("class") or "").split()
            for a in [element, *element.iterancestors()]
        )
        if hidden:
            continue
        for piece in (element.text, element.tail if element is not main else None):
            if piece and piece.strip():
                texts.append(piece.strip())
    # a tail belongs to the parent: count it only when the parent is visible (checked above for the element)
    return texts


def translated_pairs(years) -> tuple[list[tuple[str, str]], set[str]]:
    """(Chinese, English) of every value of these editions with an English counterpart in the data,
    and the Chinese values that have none (titles, summaries, quotes: not counted either way)."""
    pairs, untranslated = set(), set()

    def add(obj, field):
        zh, en = getattr(obj, f"{field}_zh", ""), getattr(obj, f"{field}_en", "")
        if zh and en and zh != en:
            pairs.add((zh, en))
        elif zh and not en:
            untranslated.add(zh)

    for edition in Edition.objects.filter(year__in=years):
        for field in ("name", "theme", "location"):
            add(edition, field)
    for org in Organization.objects.filter(is_demo=False):
        add(org, "name")
    for venue in Venue.objects.all():
        add(venue, "name")
    for hall in Hall.objects.all():
        add(hall, "name")
    for board in Board.objects.filter(edition__year__in=years):
        add(board, "name")
        add(board, "tagline")
    for session in Session.objects.filter(edition__year__in=years):
        add(session, "title")
        add(session, "theme")
        add(session, "summary")
        untranslated.update(session.alt_title_list + [session.attendance_quote_zh])
    for edition in Edition.objects.filter(year__in=years):
        add(edition, "summary")
    for outcome in Outcome.objects.filter(edition__year__in=years):
        add(outcome, "title")
    for figure in EditionFigure.objects.filter(edition__year__in=years):
        add(figure, "label")
        untranslated.add(figure.quote_zh)
    return sorted(pairs), {u for u in untranslated if u}


def count_languages(texts: list[str], pairs, untranslated=frozenset()) -> tuple[int, int]:
    """(English shown, Chinese shown) over the occurrences of the pairs' values, longest value first
    so a name inside a longer name counts once; a name inside a value that has no English (a
    session title, a summary) does not count: that text does not come from translated data."""
    values = sorted(
        {(zh, "zh") for zh, _en in pairs} | {(en, "en") for _zh, en in pairs} | {(u, "none") for u in untranslated},
        key=lambda v: -len(v[0]),
    )
    english = chinese = 0
    for text in texts:
        for value, language in values:
            if value in text:
                n = text.count(value)
                if language == "en":
                    english += n
                elif language == "zh":
                    chinese += n
                text = text.replace(value, "\0")
    return english, chinese


def english_pages(client, years):
    urls = []
    for year in years:
        edition = Edition.objects.get(year=year)
        urls.append(f"/editions/{year}/")
        urls += [f"/editions/{year}/agenda/?day={day:%Y-%m-%d}" for day in agenda_days(edition)]
        urls += [f"/editions/{year}/sessions/{pk}/" for pk in Session.objects.filter(edition=edition).values_list("pk", flat=True)]
    pages = {}
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_english_pages_of_2017_and_2024_show_english_where_the_data_has_it(client):
    years = (2017, 2024)
    pairs, untranslated = translated_pairs(years)
    english = chinese = 0
    for url, page in english_pages(client, years).items():
        assert '<html lang="en">' in page, url
        e, c = count_languages(visible_texts(page), pairs, untranslated)
        english, chinese = english + e, chinese + c
    share = english / (english + chinese)
    print(f"\nEnglish pages 2017+2024: {english} of {english + chinese} names with an English form shown in English ({share:.1%})")
    assert english + chinese > 500
    assert share >= 0.9
    # the measure sees Chinese: the same pages in Chinese count (almost) none in English
    zh_english = zh_chinese = 0
    for url in ("/editions/2017/", "/editions/2024/", "/editions/2017/agenda/?day=2017-12-04"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        e, c = count_languages(visible_texts(page), pairs, untranslated)
        zh_english, zh_chinese = zh_english + e, zh_chinese + c
    assert zh_chinese > 100 and zh_english == 0


def test_hall_names_are_english_on_english_pages_and_marked_as_translations(client):
    page = client.get("/editions/2017/agenda/", {"day": "2017-12-04"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span data-provenance="editorial" title="Editorial translation">Wuzhen Hall</span>' in page
    assert '<span data-provenance="editorial" title="Editorial translation">Ciyun Hall</span>' in page
    chinese = client.get("/editions/2017/agenda/", {"day": "2017-12-04"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "乌镇厅" in chinese and "Wuzhen Hall" not in chinese


def render(template: str, **context) -> str:
    return Template("{% load wic_bilingual %}" + template).render(Context(context))


def test_bilingual_tag_marks_language_and_provenance():
    hall = Hall.objects.get(venue__name_zh="乌镇互联网国际会展中心", name_zh="乌镇厅")
    edition = Edition.objects.get(year=2024)
    outcome = Outcome.objects.filter(edition=edition).first()
    with translation.override("en"):
        assert render('{% bilingual hall "name" %}', hall=hall) == (
            '<span data-provenance="editorial" title="Editorial translation">Wuzhen Hall</span>'
        )
        # the source's own English: no mark
        assert render('{% bilingual edition "name" %}', edition=edition) == "2024 World Internet Conference Wuzhen Summit"
        # Chinese on an English page says so
        assert render('{% bilingual o "title" %}', o=outcome) == f'<span lang="zh-Hans">{outcome.title_zh}</span>'
        assert render('{% bilingual none "name" %}', none=None) == ""
    with translation.override("zh-hans"):
        assert render('{% bilingual hall "name" %}', hall=hall) == "乌镇厅"
        org = Organization.objects.get(name_zh="国际电信联盟")
        assert render('{% bilingual org "abbreviation" %}', org=org) == (
            '<span data-provenance="editorial" title="编辑部译文">ITU</span>'
        ) or render('{% bilingual org "abbreviation" %}', org=org).startswith('<span data-provenance="editorial" title="')
        org.name_zh = ""
        assert render('{% bilingual org "name" %}', org=org) == (
            '<span lang="en" data-provenance="editorial" title="'
            + translation.gettext("Editorial translation")
            + '">International Telecommunication Union</span>'
        )


def search(client, year, text):
    response = client.get(f"/editions/{year}/agenda/", {"search": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def titles_found(year, text) -> set[str]:
    from agenda.filters import sessions_matching

    return set(sessions_matching(Session.objects.filter(edition__year=year), text).values_list("title_zh", flat=True))


def test_search_matches_english_chinese_and_pinyin():
    wuzhen_hall_2017 = set(Session.objects.filter(edition__year=2017, hall__name_zh="乌镇厅").values_list("title_zh", flat=True))
    assert len(wuzhen_hall_2017) == 5
    assert titles_found(2017, "Wuzhen Hall") == wuzhen_hall_2017
    assert titles_found(2017, "wuzhen hall") == wuzhen_hall_2017
    assert titles_found(2017, "乌镇厅") == wuzhen_hall_2017
    assert titles_found(2017, "wuzhenting") == wuzhen_hall_2017
    assert titles_found(2024, "wuzhen") == {t for t in Session.objects.filter(edition__year=2024).values_list("title_zh", flat=True) if "乌镇" in t}
    ai_2024 = titles_found(2024, "AI")
    assert "人工智能负责任开发与应用论坛" in ai_2024 and "人工智能技术创新与治理论坛" in ai_2024
    assert titles_found(2024, "rengongzhineng") >= {"人工智能负责任开发与应用论坛", "人工智能技术创新与治理论坛"}
    assert titles_found(2024, "Alibaba") == {"互联网企业家论坛", "开源生态发展论坛"}
    assert titles_found(2024, "Alibaba") == titles_found(2024, "阿里巴巴")
    # ITU has no session of 2024 (it is a co-host of the 2017 edition): nothing found, not everything
    assert titles_found(2024, "ITU") == set()
    assert titles_found(2017, "Frontier Technology") == set(
        Session.objects.filter(edition__year=2017, board__key="frontier-technology").values_list("title_zh", flat=True)
    )


def test_search_on_the_agenda_page_finds_english_names(client):
    response = search(client, 2024, "Alibaba")
    assert response.context["total"] == 2
    response = search(client, 2017, "Wuzhen Hall")
    assert response.context["total"] == 5


def test_search_queries_do_not_grow_with_words(client):
    def queries(text):
        cache.clear()  # the agenda caches its pages
        with CaptureQueriesContext(connection) as ctx:
            search(client, 2017, text)
        return len(ctx.captured_queries)

    # one query more for a query of several words (the phrase check), whatever the words and matches
    assert queries("Wuzhen Hall") == queries("Ciyun Hall") == queries("Frontier Technology")
    assert queries("wuzhen") == queries("Ciyun") == queries("Wuzhen Hall") - 1


def test_pinyin_is_split_into_syllables():
    assert split_pinyin("wuzhen") == "wu zhen"
    assert split_pinyin("rengongzhineng") == "ren gong zhi neng"
    assert split_pinyin("xyz") is None


def test_search_text_follows_a_renamed_hall():
    hall = Hall.objects.get(venue__name_zh="乌镇互联网国际会展中心", name_zh="慈云厅")
    hall.name_en = "Ciyun Cloud Hall"
    hall.save()
    assert re.search(" ciyun cloud hall ", Session.objects.filter(hall=hall).first().search_text)
