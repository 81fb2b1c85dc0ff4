"""The agenda page's uncached render (issue 26): the day tabs counted in one grouped query, each
session card from its own cached fragment (re-rendered alone after an edit, per language, the
visitor's stars written around it), the ETag kept with the page entry, and the page with the
cache down."""
import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import get_language

from agenda import cache as agenda_cache
from agenda.models import Hall, Session, Star
from tests.agenda.test_pages import grow_edition
from tests.factories import EditionFactory
from tests.wic.test_cache_outage import cache_down  # noqa: F401 - a fixture
from wic import degraded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "empty_card_store")]

DAY_URL = "/editions/2017/agenda/?day=2017-12-04"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def empty_card_store():
    agenda_cache.card_store().clear()
    yield
    agenda_cache.card_store().clear()


@pytest.fixture
def rendered_cards(monkeypatch):
    """The (session id, language) of every card rendered from scratch, in order."""
    rendered = []
    real = agenda_cache.render_card

    def counting(session, edition):
        rendered.append((session.pk, get_language()))
        return real(session, edition)

    monkeypatch.setattr(agenda_cache, "render_card", counting)
    return rendered


def day_sessions(year=2017, day="2017-12-04"):
    return list(Session.objects.filter(edition__year=year, date=day, is_published=True).order_by("pk"))


def star_state(html: str, session_id: int) -> str:
    return re.search(rf'data-session="{session_id}" data-star-url="[^"]+" aria-pressed="(\w+)"', html).group(1)


def tab_counts(response) -> dict:
    return {day: n for day, n in response.context["tabs"]}


# --- the day tabs -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_day_tabs_are_counted_in_one_grouped_query_whatever_the_sessions(client, size):
    edition = EditionFactory()
    grow_edition(edition, size)  # spread over the edition's 3 days
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/editions/{edition.year}/agenda/?day={edition.start_date}")
    expected = Counter(Session.objects.filter(edition=edition).values_list("date", flat=True))
    assert tab_counts(response) == {day: expected.get(day, 0) for day in edition.days}
    assert response.context["total"] == size
    # The edition, the filter choices (one UNION), the tabs' counts, the day's sessions, their
    # organizations and their people: 6 (8 before the "cold paths" work), whatever the sessions.
    assert len(ctx.captured_queries) == 6
    grouped = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(grouped) == 1 and "GROUP BY" in grouped[0]
    # Only the shown day's sessions are loaded, not the edition's.
    loads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "agenda_session"."id"')]
    assert len(loads) == 1 and '"agenda_session"."date" = ' in loads[0]


def test_day_tabs_count_only_the_matching_sessions_when_filtered(client):
    response = client.get("/editions/2017/agenda/", {"kind": "sub_forum", "day": "2017-12-04"})
    expected = Counter(Session.objects.filter(edition__year=2017, is_published=True, kind="sub_forum").values_list("date", flat=True))
    assert tab_counts(response) == {day: expected.get(day, 0) for day, _n in response.context["tabs"]}
    assert response.context["total"] == sum(expected.values())


def test_day_tabs_and_page_are_the_same_with_the_card_cache_off(client):
    """AGENDA_CARD_CACHE = False is the page as before issue 26 (bench/agenda_cold.py's "old")."""
    for path in (DAY_URL, "/editions/2024/agenda/", "/editions/2017/agenda/?kind=sub_forum&search=人工智能", "/editions/2022/agenda/?day=undated"):
        new = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        cache.clear()
        with override_settings(AGENDA_CARD_CACHE=False):
            old = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        cache.clear()
        assert (new.status_code, new.context["tabs"], new.context["undated_tab"], new.context["total"]) == (
            old.status_code, old.context["tabs"], old.context["undated_tab"], old.context["total"]
        )
        assert new.content.decode() == old.content.decode()


# --- the cards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", ["title", "hall", "time"])
def test_after_one_edit_the_next_render_re_renders_that_card_only(client, rendered_cards, edit):
    sessions = day_sessions()
    client.get(DAY_URL)
    assert sorted(pk for pk, _lang in rendered_cards) == [s.pk for s in sessions]  # cold: every card once
    rendered_cards.clear()
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    if edit == "title":
        session.title_zh = "人工智能:让生活更美好(改)"
        shown = "人工智能:让生活更美好(改)"
    elif edit == "hall":
        session.hall = Hall.objects.exclude(pk=session.hall_id).exclude(name_zh="").order_by("pk").first()
        shown = session.hall.name_zh
    else:
        session.start, session.end = session.start + timedelta(minutes=5), session.end + timedelta(minutes=5)
        shown = f'<time datetime="{session.start.astimezone(BEIJING).isoformat()}">'
    session.save()

    html = client.get(DAY_URL).content.decode()

    assert rendered_cards == [(session.pk, "zh-hans")]
    card = html[html.index(f'aria-labelledby="s{session.pk}-t"'):]
    assert shown in card[: card.index("</article>")]
    # The same page as a render without the card cache.
    cache.clear()
    with override_settings(AGENDA_CARD_CACHE=False):
        assert client.get(DAY_URL).content.decode() == html


def test_a_page_miss_with_unchanged_sessions_renders_no_card(client, rendered_cards):
    html = client.get(DAY_URL).content.decode()
    rendered_cards.clear()
    agenda_cache.bump_edition(2017)  # a new version: the page entries missed, as after an edit elsewhere in the edition
    assert client.get(DAY_URL).content.decode() == html
    assert client.get("/editions/2017/agenda/?near=2017-12-04").context["day"].isoformat() == "2017-12-04"
    assert rendered_cards == []


def test_the_two_languages_never_share_a_card(client, rendered_cards):
    sessions = day_sessions()
    zh = client.get(DAY_URL).content.decode()
    en = client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert Counter(lang for _pk, lang in rendered_cards) == {"zh-hans": len(sessions), "en": len(sessions)}
    rendered_cards.clear()
    agenda_cache.bump_edition(2017)  # page entries missed, cards kept (cache.clear() would empty Redis's cards too)
    assert client.get(DAY_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode() == en
    assert client.get(DAY_URL).content.decode() == zh
    assert rendered_cards == []
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    # The same session: its words as they are on a Chinese page, marked as Chinese on an English one.
    link = f'<a href="/editions/2017/sessions/{session.pk}/">'
    assert f"{link}人工智能:让生活更美好</a>" in zh
    assert f'{link}<span lang="zh-Hans">人工智能:让生活更美好</span></a>' in en and f"{link}人工智能:让生活更美好</a>" not in en


def test_signed_in_stars_are_each_visitors_own(client, django_user_model, rendered_cards):
    sessions = day_sessions()
    starred, other = sessions[0], sessions[1]
    alice = django_user_model.objects.create_user("alice-26", password="a-long-test-password-1")
    bob = django_user_model.objects.create_user("bob-26", password="a-long-test-password-1")
    Star.objects.create(user=alice, session=starred)
    Star.objects.create(user=bob, session=other)

    anonymous = client.get(DAY_URL).content.decode()
    client.force_login(alice)
    alices = client.get(DAY_URL).content.decode()
    client.force_login(bob)
    bobs = client.get(DAY_URL).content.decode()

    assert (star_state(anonymous, starred.pk), star_state(anonymous, other.pk)) == ("false", "false")
    assert (star_state(alices, starred.pk), star_state(alices, other.pk)) == ("true", "false")
    assert (star_state(bobs, starred.pk), star_state(bobs, other.pk)) == ("false", "true")
    assert len(rendered_cards) == len(sessions)  # one render of each card served all three
    assert alices.count('aria-pressed="true"') == 1 and bobs.count('aria-pressed="true"') == 1


def test_a_card_fragment_holds_no_visitor_state(client, django_user_model):
    from agenda import day_rows

    session = day_sessions()[0]
    user = django_user_model.objects.create_user("carol-26", password="a-long-test-password-1")
    Star.objects.create(user=user, session=session)
    client.force_login(user)
    assert star_state(client.get(DAY_URL).content.decode(), session.pk) == "true"
    row = next(row for row in day_rows.day_rows(session.edition, session.date) if row.id == session.pk)
    roles, appearances = day_rows.card_detail_rows(session.edition, session.date)
    key = agenda_cache.card_key(
        row, 2017, "zh-hans", timezone.get_current_timezone_name(), [r for r in roles if r[0] == session.pk], [a for a in appearances if a[0] == session.pk]
    )
    head, middle, tail = agenda_cache.card_store().get(key)
    assert head.endswith(f'aria-labelledby="s{session.pk}-t"') and middle.endswith('aria-pressed="')
    assert "data-grid-" not in head + middle + tail and "aria-pressed=\"true" not in head + middle + tail


# --- the ETag ----------------------------------------------------------------------------------


def test_the_etag_is_stored_with_the_page_entry_and_answers_304(client, monkeypatch):
    first = client.get(DAY_URL)
    key = agenda_cache.page_key("agenda", "2017", "zh-hans", DAY_URL)
    entry = cache.get(key)
    assert entry["etag"] == first["ETag"] == agenda_cache.etag_for(first.content)
    # A hit sends the stored ETag, never hashing the body again.
    cache.set(key, {**entry, "etag": '"stored-26"'}, agenda_cache.TTL)
    hashed = []
    monkeypatch.setattr(agenda_cache, "etag_for", lambda content: hashed.append(1) or '"rehashed"')
    second = client.get(DAY_URL)
    assert (second.status_code, second["ETag"], second.content, hashed) == (200, '"stored-26"', first.content, [])
    not_modified = client.get(DAY_URL, HTTP_IF_NONE_MATCH='"other", "stored-26"')
    assert (not_modified.status_code, not_modified["ETag"], not_modified.content) == (304, '"stored-26"', b"")


def test_an_entry_stored_without_an_etag_still_gets_one(client):
    first = client.get(DAY_URL)
    key = agenda_cache.page_key("agenda", "2017", "zh-hans", DAY_URL)
    entry = cache.get(key)
    cache.set(key, {"content": entry["content"], "type": entry["type"]}, agenda_cache.TTL)  # as a process before issue 26 stored it
    assert client.get(DAY_URL)["ETag"] == first["ETag"]


# --- the cache down ----------------------------------------------------------------------------


def test_agenda_renders_with_its_cards_when_the_cache_is_down(cache_down, client, django_user_model, rendered_cards):  # noqa: F811
    sessions = day_sessions()
    with override_settings(AGENDA_CARD_CACHE=False, CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        expected = client.get(DAY_URL).content.decode()
    user = django_user_model.objects.create_user("dave-26", password="a-long-test-password-1")
    Star.objects.create(user=user, session=sessions[0])

    anonymous = client.get(DAY_URL)
    again = client.get(DAY_URL)
    client.force_login(user)
    signed_in = client.get(DAY_URL)

    assert (anonymous.status_code, again.status_code, signed_in.status_code) == (200, 200, 200)
    assert anonymous.content.decode() == expected
    assert len(rendered_cards) == 3 * len(sessions)  # nothing stored: every card rendered each time
    assert star_state(signed_in.content.decode(), sessions[0].pk) == "true"
    assert degraded._counts["agenda_uncached"] == 2


@pytest.mark.parametrize("edit", ["speaker", "organization", "person_name"])
def test_a_card_follows_its_people_and_organizations(client, rendered_cards, edit):
    from people.models import Appearance, Person
    from wic.models import Organization

    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    person = Person.objects.create(key="issue-26-speaker", name_zh="测试嘉宾甲", name_en="Speaker A")
    Appearance.objects.create(person=person, session=session, role="speech", status="appeared")
    client.get(DAY_URL)
    rendered_cards.clear()
    if edit == "speaker":
        other = Person.objects.create(key="issue-26-speaker-b", name_zh="测试嘉宾乙", name_en="Speaker B", precedence=0)
        Appearance.objects.create(person=other, session=session, role="remarks", status="appeared")
        shown = "测试嘉宾乙"
    elif edit == "organization":
        organization = Organization.objects.create(name_zh="第二十六号主办单位", name_en="Host 26")
        session.organization_roles.create(organization=organization, role="host", sort_order=9)
        shown = "第二十六号主办单位"
    else:
        person.name_zh = "测试嘉宾丙"
        person.save()
        shown = "测试嘉宾丙"

    html = client.get(DAY_URL).content.decode()

    assert rendered_cards == [(session.pk, "zh-hans")]
    card = html[html.index(f'aria-labelledby="s{session.pk}-t"'):]
    assert shown in card[: card.index("</article>")]
