"""Issue 22, pages: a session's people in protocol order, the agenda cards' key speakers, a
person's page across editions, an edition's directory of people; their texts in both languages
and their query counts (constant in people)."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from agenda.models import Session
from people.models import Person
from people.services import appearance_upsert, person_upsert
from tests.factories import EditionFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def appear(person, session, role, title="", status="appeared", order=0):
    # Display tests: one person may be shown in overlapping sessions here (clashes: tests/people/test_services.py).
    return appearance_upsert(person=person, session=session, role=role, status=status, title_zh=title, sort_order=order, check_clashes=False)


def c(name: str) -> str:
    """An XPath step: any element with the class `name`."""
    return f"*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def texts(page: str, xpath: str) -> list[str]:
    root = lxml_html.fromstring(page)
    return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]


def hrefs(page: str, xpath: str) -> list[str]:
    return [a.get("href") for a in lxml_html.fromstring(page).xpath(xpath)]


@pytest.fixture
def panel():
    """A session with people in every shape: two keynotes whose precedence reverses their entry
    order, remarks entered last, a moderator with an English name, an invited and a declined
    speaker (not public)."""
    edition = EditionFactory()
    session = SessionFactory(edition=edition, title_zh="测试论坛", title_en="Test forum")
    people = {
        "wang": person_upsert(key="t-wang", name_zh="王测试", country="CN", precedence=50),
        "li": person_upsert(key="t-li", name_zh="李测试", country="CN", precedence=10),
        "zhang": person_upsert(key="t-zhang", name_zh="张测试", country="CN"),
        "smith": person_upsert(key="t-smith", name_zh="史密斯", name_en="Anna Smith", country="GB"),
        "invited": person_upsert(key="t-invited", name_zh="邀请中", email="secret@example.org"),
        "declined": person_upsert(key="t-declined", name_zh="已婉拒"),
    }
    appear(people["wang"], session, "keynote", "测试公司董事长", order=1)
    appear(people["li"], session, "keynote", "测试大学校长", order=2)
    appear(people["smith"], session, "moderator", "测试协会秘书长", order=3)
    appear(people["zhang"], session, "remarks", "测试省副省长", order=4)
    appear(people["invited"], session, "speech", status="invited")
    appear(people["declined"], session, "speech", status="declined")
    return edition, session, people


# --- the session page --------------------------------------------------------------------------


def test_session_page_lists_its_people_by_role_in_protocol_order(client, panel):
    edition, session, people = panel
    page = client.get(f"/editions/{edition.year}/sessions/{session.pk}/", **ZH).content.decode()
    assert texts(page, "//*[@id='speakers-title']") == ["嘉宾"]
    assert texts(page, f"//{c('speaker-groups')}/*") == [
        "致辞", "张测试 测试省副省长",
        "主旨演讲", "李测试 测试大学校长", "王测试 测试公司董事长",  # precedence 10 before 50
        "主持", "史密斯 测试协会秘书长",
    ]
    assert hrefs(page, f"//{c('speaker-groups')}/dd/a") == [f"/people/{people[k].pk}/" for k in ("zhang", "li", "wang", "smith")]
    assert "邀请中" not in page and "已婉拒" not in page and "secret@example.org" not in page


def test_session_page_in_english_names_people_in_english_where_known(client, panel):
    edition, session, _people = panel
    page = client.get(f"/editions/{edition.year}/sessions/{session.pk}/", **EN).content.decode()
    assert texts(page, "//*[@id='speakers-title']") == ["People"]
    assert texts(page, f"//{c('speaker-groups')}/*") == [
        "Opening remarks", "张测试 测试省副省长",
        "Keynote", "李测试 测试大学校长", "王测试 测试公司董事长",
        "Moderator", "Anna Smith 测试协会秘书长",
    ]
    # names and titles the data has only in Chinese are marked as Chinese on the English page
    root = lxml_html.fromstring(page)
    assert [e.get("lang") for e in root.xpath(f"//{c('speaker-groups')}/dd/a/span")] == ["zh-Hans", "zh-Hans", "zh-Hans"]


def test_seeded_press_conference_2024_lists_its_speakers(client):
    session = Session.objects.get(edition__year=2024, key="closing-press-conference")
    page = client.get(f"/editions/2024/sessions/{session.pk}/", **ZH).content.decode()
    listed = texts(page, f"//{c('speaker-groups')}/*")
    assert listed[:3] == ["发言", "任贤良 世界互联网大会秘书长", "赵承 浙江省委常委、宣传部部长"]


# --- the agenda's cards ------------------------------------------------------------------------


def test_agenda_cards_name_three_key_speakers_then_plus_n(client, panel):
    edition, session, people = panel
    extra = person_upsert(key="t-extra", name_zh="赵测试")
    appear(extra, session, "speech", "测试研究员")
    appear(people["li"], session, "speech", "测试大学校长")  # a second role: one person, counted once
    page = client.get(f"/editions/{edition.year}/agenda/", {"day": edition.start_date.isoformat()}, **ZH).content.decode()
    assert texts(page, f"//{c('session-speakers')}/{c('speaker')}") == ["张测试", "李测试", "王测试"]
    assert texts(page, f"//{c('session-speakers')}/{c('more-speakers')}") == ["+2"]
    assert texts(page, f"//{c('session-speakers')}/{c('sr-only')}") == ["嘉宾:", "等另外 2 人"]
    english = client.get(f"/editions/{edition.year}/agenda/", {"day": edition.start_date.isoformat()}, **EN).content.decode()
    assert texts(english, f"//{c('session-speakers')}/{c('sr-only')}") == ["People:", "and 2 more people"]


def test_agenda_card_without_public_people_has_no_speaker_line(client):
    edition = EditionFactory()
    session = SessionFactory(edition=edition)
    appear(person_upsert(key="t-only-invited", name_zh="待确认"), session, "speech", status="invited")
    page = client.get(f"/editions/{edition.year}/agenda/", **ZH).content.decode()
    assert "session-speakers" not in page and "待确认" not in page


def test_edition_and_agenda_pages_link_the_directory(client):
    for url in ("/editions/2024/", "/editions/2024/agenda/"):
        page = client.get(url, **ZH).content.decode()
        assert '<a href="/editions/2024/people/"' in page, url


# --- a person's page ---------------------------------------------------------------------------


def test_person_page_lists_every_public_appearance_newest_first(client):
    old, new = EditionFactory(), EditionFactory()
    press = SessionFactory(edition=new, title_zh="新闻发布会", title_en="")
    opening = SessionFactory(edition=old, title_zh="开幕式", title_en="Opening ceremony")
    hidden = SessionFactory(edition=new, title_zh="未发布的会", is_published=False)
    person = person_upsert(key="t-ren", name_zh="任测试", country="CN", email="ren@example.org", phone="+86 10 1234", assistant="秘书甲")
    appear(person, opening, "remarks", "测试秘书长")
    appear(person, press, "speech", "世界互联网大会秘书长")
    appear(person, hidden, "speech", "不应显示")
    page = client.get(f"/people/{person.pk}/", **ZH).content.decode()
    assert texts(page, "//main//h1") == ["任测试"]
    assert texts(page, f"//{c('person-country')}") == ["国家或地区: 中国"]
    assert texts(page, f"//{c('person-appearances')}/li") == [
        f"{new.year} · 新闻发布会 · 世界互联网大会秘书长 发言",
        f"{old.year} · 开幕式 · 测试秘书长 致辞",
    ]
    assert hrefs(page, f"//{c('person-appearances')}/li/a") == [f"/editions/{new.year}/sessions/{press.pk}/", f"/editions/{old.year}/sessions/{opening.pk}/"]
    for private in ("ren@example.org", "+86 10 1234", "秘书甲", "不应显示"):
        assert private not in page
    english = client.get(f"/people/{person.pk}/", **EN).content.decode()
    assert texts(english, f"//{c('person-country')}") == ["Country or region: China"]
    assert texts(english, f"//{c('person-appearances')}/li") == [
        f"{new.year} · 新闻发布会 · 世界互联网大会秘书长 Speech",
        f"{old.year} · Opening ceremony · 测试秘书长 Opening remarks",
    ]


def test_person_page_of_a_seeded_speaker(client):
    ren = Person.objects.get(key="ren-xianliang")
    page = client.get(f"/people/{ren.pk}/", **ZH).content.decode()
    assert "2024 · 新闻发布会 · 世界互联网大会秘书长 发言" in texts(page, f"//{c('person-appearances')}/li")


def test_person_page_shows_both_names_and_bio(client, panel):
    _edition, _session, people = panel
    smith = people["smith"]
    smith.bio_zh, smith.bio_en = "测试简介。", "A test bio."
    smith.save()
    page = client.get(f"/people/{smith.pk}/", **EN).content.decode()
    assert texts(page, "//main//h1") == ["Anna Smith"]
    assert texts(page, f"//main//{c('other-language')}") == ["史密斯"]
    assert texts(page, f"//{c('person-bio')}") == ["A test bio."]
    chinese = client.get(f"/people/{smith.pk}/", **ZH).content.decode()
    assert texts(chinese, f"//main//h1 | //main//{c('other-language')} | //*[@id='bio-title'] | //{c('person-bio')}") == ["史密斯", "Anna Smith", "简介", "测试简介。"]


@pytest.mark.parametrize("pk", ["999999999", "١٢", "12x", "9" * 19])
def test_unknown_person_is_a_404_with_a_sentence(client, pk):
    response = client.get(f"/people/{pk}/", **EN)
    assert response.status_code == 404
    assert f"There is no person {pk} in the published programme." in response.content.decode()
    chinese = client.get(f"/people/{pk}/", **ZH)
    assert f"已发布的议程中没有编号为 {pk} 的嘉宾。" in chinese.content.decode()


def test_person_with_no_public_appearance_is_a_404(client, panel):
    _edition, _session, people = panel
    assert client.get(f"/people/{people['invited'].pk}/").status_code == 404


# --- the directory ------------------------------------------------------------------------------


def test_directory_lists_the_editions_people_by_precedence_then_name(client, panel):
    edition, _session, _people = panel
    page = client.get(f"/editions/{edition.year}/people/", **ZH).content.decode()
    # 李 (10), 王 (50), then precedence 1000 by pinyin: shi mi si, zhang ce shi
    assert texts(page, f"//{c('people-list')}/li/h3") == ["李测试", "王测试", "史密斯 Anna Smith", "张测试"]
    assert texts(page, "//*[@id='people-title']") == ["4 位嘉宾"]
    assert texts(page, "//*[@id='id_role']/option") == ["全部角色", "致辞", "主旨演讲", "主持"]
    assert texts(page, "//*[@id='id_country']/option") == ["全部国家和地区", "中国", "英国"]
    english = client.get(f"/editions/{edition.year}/people/", **EN).content.decode()
    assert texts(english, "//*[@id='people-title']") == ["4 people"]
    assert texts(english, f"//{c('people-list')}/li/h3") == ["李测试", "王测试", "Anna Smith 史密斯", "张测试"]
    assert texts(english, f"//{c('person-sessions')}/li")[0] == "Keynote Test forum · 测试大学校长"


@pytest.mark.parametrize("query, found", [
    ("王测试", ["王测试"]), ("wangceshi", ["王测试"]), ("wcs", ["王测试"]), ("wang ce shi", ["王测试"]),
    ("Anna", ["史密斯 Anna Smith"]), ("smith", ["史密斯 Anna Smith"]), ("ceshi", ["李测试", "王测试", "张测试"]),
    ("nobody", []),
])
def test_directory_search_in_chinese_english_and_pinyin(client, panel, query, found):
    edition, _session, _people = panel
    page = client.get(f"/editions/{edition.year}/people/", {"q": query}, **ZH).content.decode()
    assert texts(page, f"//{c('people-list')}/li/h3") == found
    if not found:
        assert texts(page, f"//{c('people-list')}/{c('empty')}") == ["没有符合搜索和筛选条件的嘉宾。"]


def test_directory_search_finds_a_seeded_speaker_by_pinyin(client):
    for query in ("renxianliang", "rxl", "任贤良"):
        page = client.get("/editions/2024/people/", {"q": query}, **ZH).content.decode()
        assert texts(page, f"//{c('people-list')}/li/h3") == ["任贤良"], query


def test_directory_filters_by_role_and_country(client, panel):
    edition, _session, _people = panel
    url = f"/editions/{edition.year}/people/"
    assert texts(client.get(url, {"role": "keynote"}).content.decode(), f"//{c('people-list')}/li/h3") == ["李测试", "王测试"]
    assert texts(client.get(url, {"country": "GB"}).content.decode(), f"//{c('people-list')}/li/h3") == ["史密斯 Anna Smith"]
    assert texts(client.get(url, {"role": "keynote", "country": "GB"}).content.decode(), f"//{c('people-list')}/li/h3") == []


@pytest.mark.parametrize("params, en, zh", [
    ({"role": "juggler"}, "juggler is not a role in the programme.", "juggler 不是议程中的角色。"),
    ({"country": "FR"}, "is from FR.", "没有来自 FR 的嘉宾。"),
])
def test_directory_refuses_unknown_filters_with_a_sentence(client, panel, params, en, zh):
    edition, _session, _people = panel
    url = f"/editions/{edition.year}/people/"
    response = client.get(url, params, **EN)
    assert response.status_code == 400
    assert en in response.content.decode()
    assert zh in client.get(url, params, **ZH).content.decode()


@pytest.mark.parametrize("year", ["1999", "２０２４", "abcd"])
def test_directory_of_an_unknown_edition_is_a_404(client, year):
    response = client.get(f"/editions/{year}/people/", **EN)
    assert response.status_code == 404
    assert f"There is no edition for year {year}." in response.content.decode()


def test_directory_pages_past_sixty(client):
    edition = EditionFactory()
    session = SessionFactory(edition=edition)
    for i in range(61):
        appear(person_upsert(key=f"t-many-{i}", name_en=f"Person {i:02d}"), session, "panelist")
    page = client.get(f"/editions/{edition.year}/people/", **EN).content.decode()
    assert len(texts(page, f"//{c('people-list')}/li")) == 60
    assert texts(page, f"//{c('pager')}/span") == ["Page 1 of 2"]
    second = client.get(f"/editions/{edition.year}/people/", {"page": "2"}, **EN).content.decode()
    assert texts(second, f"//{c('people-list')}/li/h3") == ["Person 60"]


# --- query counts: the same with 1 and with 300 people (900 appearances) --------------------------------------------


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("size", [1, 300])
def test_page_queries_do_not_grow_with_people(client, size):
    edition = EditionFactory()
    sessions = [SessionFactory(edition=edition, date=date(edition.year, 11, 10)) for _ in range(3)]
    for i in range(size):
        person = person_upsert(key=f"t-count-{i}", name_zh=f"人{i}", name_en=f"Person {i}", country="CN" if i % 2 else "GB")
        for session in sessions:
            appear(person, session, ("keynote", "speech", "panelist")[i % 3], f"职务{i}")
    counts = {
        "session": count_queries(client, f"/editions/{edition.year}/sessions/{sessions[0].pk}/"),
        "agenda": count_queries(client, f"/editions/{edition.year}/agenda/", {"day": "%d-11-10" % edition.year}),
        "directory": count_queries(client, f"/editions/{edition.year}/people/"),
        "directory-search": count_queries(client, f"/editions/{edition.year}/people/", {"q": "person", "role": "keynote"}),
        "person": count_queries(client, f"/people/{Person.objects.get(key='t-count-0').pk}/"),
    }
    # session: edition, session, 2 prefetches (organizations, outcomes) + people, neighbours (2);
    # agenda: one more than before issue 22 (the cards' people), two fewer since issue 26's "cold
    # paths" (its filter choices in one query); directory: edition, facets, count, page, its people's
    # appearances in the edition; person: the person and their appearances.
    assert counts == {"session": 7, "agenda": 6, "directory": 5, "directory-search": 5, "person": 2}
