from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import AgendaFeed, Session, Star
from tests.factories import EditionFactory, HallFactory, OrganizationFactory, SessionFactory, session_with_everything

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def attendee(db):
    return get_user_model().objects.create_user("attendee-x", password="a-long-test-password-1")


def html_of(response):
    return response.content.decode()


def test_edition_timeline_lists_every_edition(client):
    html = html_of(client.get("/editions/", HTTP_ACCEPT_LANGUAGE="en"))
    for year in ("2024", "2022", "2020", "2017"):
        assert f'href="/editions/{year}/"' in html
    assert html.index('href="/editions/2024/"') < html.index('href="/editions/2017/"')


def test_edition_overview_shows_theme_figures_boards_and_releases(client):
    html = html_of(client.get("/editions/2017/", HTTP_ACCEPT_LANGUAGE="en"))
    # English page: the editorial English theme and board names, marked as translations (wic/seed_data/editorial_en.yaml)
    assert (
        '<p class="theme"><span data-provenance="editorial" title="Editorial translation">Developing Digital Economy '
        "for Openness and Shared Benefits — Building a Community of Common Future in Cyberspace</span></p>"
    ) in html
    assert "1500多名嘉宾" in html
    assert '<span data-provenance="editorial" title="Editorial translation">Frontier Technology</span>' in html
    assert '<span data-provenance="editorial" title="Editorial translation">Expanding the Space of the Future</span>' in html
    assert "《<span lang=\"zh-Hans\">中国互联网发展报告2017</span>》" in html  # Chinese words on an English page
    assert "Agenda (33)" in html  # 002's 29 table rows and four items outside the table (issue 21)


def test_agenda_defaults_to_first_day_with_sessions(client):
    response = client.get("/editions/2017/agenda/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["day"] == date(2017, 12, 2)
    assert [(d, n) for d, n in response.context["tabs"]] == [
        (date(2017, 12, 2), 1), (date(2017, 12, 3), 4), (date(2017, 12, 4), 19), (date(2017, 12, 5), 5),
    ]


def test_agenda_grid_places_parallel_sessions_in_hall_columns(client):
    response = client.get("/editions/2017/agenda/", {"day": "2017-12-04"})
    table = response.context["timetable"]
    assert len(table.placed) == 18
    assert [s.title_zh for _p, items in table.untimed for s in items] == ["“互联网纪念林”植树活动"]
    assert table.untimed[0][0] == "noon"
    placed = {p.session.title_zh: p for p in table.placed}
    ai, poverty = placed["人工智能:让生活更美好"], placed["共享红利:互联网精准扶贫"]
    assert ai.column != poverty.column
    # Grid starts at 08:00; rows are five minutes; row 1 is the hall header.
    assert (poverty.row_start, poverty.row_end) == (4, 44)  # 08:10 -> 11:30
    assert (ai.row_start, ai.row_end) == (8, 50)  # 08:30 -> 12:00
    html = html_of(response)
    # Places as data attributes (static/js/agenda.js sets them; the CSP allows no style attribute).
    assert f'data-grid-column="{ai.column}" data-grid-row="8 / 50"' in html
    assert "style=" not in html
    assert "中午" in html  # the noon item is listed under its period, with no made-up time


def test_agenda_marks_invitation_only_and_closed_door(client):
    html = html_of(client.get("/editions/2017/agenda/", {"day": "2017-12-05"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "access-closed_door" in html and "Closed-door" in html
    html = html_of(client.get("/editions/2017/agenda/", {"day": "2017-12-03"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "access-by_invitation" in html and "By invitation card" in html


def test_agenda_filters_are_in_the_url_and_combine(client):
    from agenda.models import Hall

    hall = Hall.objects.get(name_zh="通安厅")
    response = client.get("/editions/2017/agenda/", {"hall": hall.pk, "kind": "sub_forum"})
    assert response.context["total"] == 3
    assert response.context["day"] == date(2017, 12, 4)
    # Day tabs keep the other filters.
    assert f"?day=2017-12-05&amp;hall={hall.pk}&amp;kind=sub_forum" in html_of(response)


def test_agenda_search_in_chinese_and_by_host(client):
    response = client.get("/editions/2024/agenda/", {"search": "货拉拉"})
    assert [s.title_zh for _p, items in response.context["timetable"].untimed for s in items] == ["智能交通论坛"]
    assert response.context["day"] == date(2024, 11, 22)


def test_agenda_host_filter(client):
    from wic.models import Organization

    renmin = Organization.objects.get(name_zh="中国人民大学")
    response = client.get("/editions/2024/agenda/", {"host": renmin.pk})
    assert response.context["total"] == 2


def test_agenda_2024_lists_untimed_items_by_half_day(client):
    response = client.get("/editions/2024/agenda/", {"day": "2024-11-21"})
    table = response.context["timetable"]
    assert not table.has_grid
    periods = [period for period, _items in table.untimed]
    assert periods == ["", "morning", "afternoon"]


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/editions/1999/agenda/", 404, "There is no edition for year 1999."),
        ("/editions/abc/agenda/", 404, "There is no edition for year abc."),
        ("/editions/2017/agenda/?hall=99999", 400, "Select a valid choice"),
        ("/editions/2017/agenda/?kind=picnic", 400, "Select a valid choice"),
        ("/editions/2017/agenda/?day=2018-01-01", 400, "2018-01-01 is not a day of this edition."),
        ("/editions/2017/agenda/?day=tomorrow", 400, "tomorrow is not a day of this edition."),
        ("/editions/2017/sessions/999999/", 404, "Edition 2017 has no session 999999."),
        ("/editions/2017/my-agenda/?s=1,x", 400, "The list of starred sessions in the address is not valid."),
        ("/editions/1999/agenda.ics", 404, "There is no edition for year 1999."),
    ],
)
def test_bad_input_gets_a_clear_page_not_a_500(client, url, status, text):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert text in html_of(response)


def test_session_page_shows_facts_and_same_hall_neighbours(client):
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    response = client.get(f"/editions/2017/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = html_of(response)
    assert "08:30" in html and "12:00" in html
    assert "room 201" in html
    assert '<span data-provenance="editorial" title="Editorial translation">Frontier Technology</span>' in html
    assert response.context["previous"] is None
    assert response.context["following"].title_zh == "风险投资和互联网产业发展:下一个风口"


def test_session_page_2024_hosts_attendance_and_outcomes(client):
    session = Session.objects.get(edition__year=2024, title_zh="互联网文化交流互鉴论坛")
    html = html_of(client.get(f"/editions/2024/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "中国外文局" in html and "Host" in html and "Co-host" in html
    assert "2024中华文化符号国际传播指数(CSIC)报告" in html
    assert "100+" in html


def test_english_titles_are_shown_in_english(client):
    edition = EditionFactory()
    session = SessionFactory(edition=edition, title_zh="量子网络", title_en="Quantum networks")
    html = html_of(client.get(f"/editions/{edition.year}/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1 id=\"session-title\">Quantum networks</h1>" in html
    html = html_of(client.get(f"/editions/{edition.year}/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "<h1 id=\"session-title\">量子网络</h1>" in html


# --- caching -------------------------------------------------------------------------------


def count_queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def grow_edition(edition, total):
    halls = [HallFactory() for _ in range(20)]
    host = OrganizationFactory()
    existing = Session.objects.filter(edition=edition).count()
    for i in range(existing, total):
        day = edition.start_date + timedelta(days=i % 3)
        start = datetime.combine(day, time(8 + i % 10, 0), tzinfo=BEIJING)
        s = SessionFactory(edition=edition, date=day, start=start, end=start + timedelta(hours=1), hall=halls[i % 20], board=None)
        s.organization_roles.create(organization=host, role="host")


@pytest.mark.parametrize("size", [1, 300])
def test_agenda_page_queries_are_fixed_and_at_most_8(client, size):
    edition = EditionFactory()
    grow_edition(edition, size)
    queries, response = count_queries(client, f"/editions/{edition.year}/agenda/?day={edition.start_date}")
    # 7 -> 8 (issue 22): the cards' key speakers, one prefetch for the whole page; 8 -> 6 (issue 26,
    # "cold paths"): the filter choices in one query, the day read as rows (agenda.day_rows)
    assert queries == 6
    assert response.context["total"] == size


def test_agenda_page_warm_cache_runs_no_query_and_sends_etag(client):
    first = client.get("/editions/2017/agenda/?day=2017-12-04")
    etag = first["ETag"]
    queries, second = count_queries(client, "/editions/2017/agenda/?day=2017-12-04")
    assert queries == 0
    assert second["ETag"] == etag
    assert second.content == first.content
    with CaptureQueriesContext(connection) as ctx:
        not_modified = client.get("/editions/2017/agenda/?day=2017-12-04", HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, len(ctx.captured_queries)) == (304, 0)


def test_agenda_cache_follows_edits_at_once(client):
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    assert "人工智能:让生活更美好" in html_of(client.get("/editions/2017/agenda/?day=2017-12-04"))
    session.title_zh = "人工智能:让生活更美好(改)"
    session.save()
    assert "人工智能:让生活更美好(改)" in html_of(client.get("/editions/2017/agenda/?day=2017-12-04"))
    hall = session.hall
    hall.name_zh = "枕水厅新"
    hall.save()
    assert "枕水厅新" in html_of(client.get("/editions/2017/agenda/?day=2017-12-04"))
    link = Session.objects.get(edition__year=2024, title_zh="智能交通论坛").organization_roles.first()
    other = OrganizationFactory(name_zh="新主办单位")
    link.organization = other
    link.save()
    assert "新主办单位" in html_of(client.get("/editions/2024/agenda/?day=2024-11-22"))


def test_signed_in_pages_are_never_served_from_the_shared_cache(client, attendee):
    client.get("/editions/2017/agenda/?day=2017-12-04")  # warms the anonymous entry
    client.force_login(attendee)
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    Star.objects.create(user=attendee, session=session)
    response = client.get("/editions/2017/agenda/?day=2017-12-04")
    assert response["Cache-Control"] == "private, no-cache"
    assert f'data-session="{session.pk}" data-star-url="/editions/2017/sessions/{session.pk}/star/" aria-pressed="true"' in html_of(response)


# --- stars and my agenda -------------------------------------------------------------------


def test_star_toggle_for_signed_in_attendee(client, attendee):
    client.force_login(attendee)
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    url = f"/editions/2017/sessions/{session.pk}/star/"
    response = client.post(url, {"starred": "1"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"session": session.pk, "starred": True}
    assert Star.objects.filter(user=attendee, session=session).count() == 1
    client.post(url, {"starred": "1"}, HTTP_ACCEPT="application/json")
    assert Star.objects.filter(user=attendee).count() == 1
    assert client.post(url, {"starred": "0"}, HTTP_ACCEPT="application/json").json()["starred"] is False
    assert not Star.objects.filter(user=attendee).exists()
    assert client.post(url, {"starred": "maybe"}, HTTP_ACCEPT="application/json").json()["code"] == "invalid"


def test_star_requires_sign_in(client):
    session = Session.objects.filter(edition__year=2017).first()
    response = client.post(f"/editions/2017/sessions/{session.pk}/star/", {"starred": "1"})
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_browser_stars_merge_on_sign_in(client, attendee):
    client.force_login(attendee)
    ids = list(Session.objects.filter(edition__year=2017).order_by("id").values_list("pk", flat=True)[:3])
    other_edition = Session.objects.filter(edition__year=2024).first().pk
    Star.objects.create(user=attendee, session_id=ids[0])
    response = client.post("/editions/2017/my-agenda/merge/", {"sessions": ids + [other_edition, 99999999]}, content_type="application/json")
    assert response.json() == {"added": 2, "starred": sorted(ids)}
    bad = client.post("/editions/2017/my-agenda/merge/", "not json", content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_my_agenda_warns_about_overlapping_stars(client, attendee):
    client.force_login(attendee)
    ai = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    poverty = Session.objects.get(edition__year=2017, title_zh="共享红利:互联网精准扶贫")
    closing = Session.objects.get(edition__year=2017, title_zh="大会闭幕式")
    for s in (ai, poverty, closing):
        Star.objects.create(user=attendee, session=s)
    response = client.get("/editions/2017/my-agenda/", HTTP_ACCEPT_LANGUAGE="en")
    overlaps = response.context["overlaps"]
    assert [(o.first.title_zh, o.second.title_zh, o.certain) for o in overlaps] == [
        ("共享红利:互联网精准扶贫", "人工智能:让生活更美好", True)
    ]
    assert "take place at the same time" in html_of(response)


def test_my_agenda_for_anonymous_reads_stars_from_the_address(client):
    ai = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    poverty = Session.objects.get(edition__year=2017, title_zh="共享红利:互联网精准扶贫")
    response = client.get(f"/editions/2017/my-agenda/?s={ai.pk},{poverty.pk}")
    assert {s.pk for s in response.context["sessions"]} == {ai.pk, poverty.pk}
    assert len(response.context["overlaps"]) == 1


def test_untimed_sessions_on_the_same_half_day_may_overlap(client):
    forums = list(Session.objects.filter(edition__year=2020, kind="sub_forum").order_by("id")[:2])
    response = client.get(f"/editions/2020/my-agenda/?s={forums[0].pk},{forums[1].pk}")
    assert [o.certain for o in response.context["overlaps"]] == [False]


def test_personal_ical_feed_with_secret_url(client, attendee):
    client.force_login(attendee)
    session = Session.objects.get(edition__year=2017, title_zh="人工智能:让生活更美好")
    Star.objects.create(user=attendee, session=session)
    client.post("/editions/2017/my-agenda/feed/")
    feed = AgendaFeed.objects.get(user=attendee)
    assert len(feed.token) >= 43  # 32 random bytes
    client.logout()
    body = client.get(f"/my-agenda/{feed.token}.ics").content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "人工智能:让生活更美好" in body
    old = feed.token
    client.force_login(attendee)
    client.post("/editions/2017/my-agenda/feed/", {"regenerate": "1"})
    client.logout()
    assert client.get(f"/my-agenda/{old}.ics").status_code == 404


def test_language_switch_link_sets_cookie(client):
    response = client.get("/lang/en/?next=/editions/2017/agenda/")
    assert (response.status_code, response["Location"]) == (302, "/editions/2017/agenda/")
    assert response.cookies["django_language"].value == "en"
    unsafe = client.get("/lang/en/?next=https://evil.example/")
    assert unsafe["Location"] == "/"


# --- exports over HTTP ----------------------------------------------------------------------


def test_schedule_json_endpoint_is_cors_open_cached_and_valid(client):
    import json
    from pathlib import Path

    import jsonschema
    from django.conf import settings

    response = client.get("/editions/2017/schedule.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    from tests.agenda.test_exports import FORMATS

    schema = json.loads((FORMATS / "schema.json").read_text())
    jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker()).validate(response.json())
    events = [e for day in response.json()["schedule"]["conference"]["days"] for room in day["rooms"].values() for e in room]
    assert len(events) == 28
    etag = response["ETag"]
    again = client.get("/editions/2017/schedule.json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_schedule_xml_and_ics_endpoints(client):
    xml = client.get("/editions/2017/schedule.xml")
    assert (xml.status_code, xml["Content-Type"]) == (200, "application/xml; charset=utf-8")
    assert xml.content.startswith(b"<?xml")
    ics = client.get("/editions/2017/agenda.ics")
    assert (ics.status_code, ics["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    body = ics.content.decode()
    assert body.count("BEGIN:VEVENT") == 33  # 29 table rows and four items outside the table (issue 21)
    assert "TZID:Asia/Shanghai" in body
    assert ics["Access-Control-Allow-Origin"] == "*"


# --- query counts of the other pages --------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_page_queries_do_not_grow_with_rows(client, attendee, size):
    edition = EditionFactory()
    grow_edition(edition, size)
    session = Session.objects.filter(edition=edition).first()
    for _ in range(size):
        EditionFactory()  # more editions on the timeline
    client.force_login(attendee)  # signed in: nothing is served from the cache
    for s in Session.objects.filter(edition=edition):
        Star.objects.create(user=attendee, session=s)
    counts = {
        "timeline": count_queries(client, "/editions/")[0],
        "overview": count_queries(client, f"/editions/{edition.year}/")[0],
        "session": count_queries(client, f"/editions/{edition.year}/sessions/{session.pk}/")[0],
        "my-agenda": count_queries(client, f"/editions/{edition.year}/my-agenda/")[0],
        "agenda": count_queries(client, f"/editions/{edition.year}/agenda/")[0],
    }
    # Signed in, each page also loads the session and the user (2 queries). The timeline and the
    # overview read the agendas' first and last days in one query more (agenda_spans: "Main dates
    # 3–5 Dec 2017 · agenda 2–5 Dec 2017"), whatever the number of editions or sessions.
    # The overview's two more (9 -> 11, issue 21) are the edition's described items and calendar
    # (wic_edition tags), one query each.
    # The session page, my agenda and the agenda one more each (issue 22): their people's public
    # appearances, one prefetch whatever the rows (9 -> 10, 7 -> 8, 10 -> 11).
    # My agenda one more (issue 25): the signed-in attendee's unread change notices (8 -> 9).
    # The agenda two fewer (issue 26, "cold paths"): its filter choices in one query (11 -> 9).
    assert counts == {"timeline": 5, "overview": 11, "session": 10, "my-agenda": 9, "agenda": 9}


def test_applying_filters_stays_on_the_viewed_day_when_it_still_has_matches(client):
    response = client.get("/editions/2017/agenda/", {"near": "2017-12-05", "kind": "sub_forum"})
    assert response.context["day"] == date(2017, 12, 5)
    response = client.get("/editions/2017/agenda/", {"near": "2017-12-02", "search": "闭门会"})
    assert response.context["day"] == date(2017, 12, 5)


def test_unknown_query_parameters_neither_bypass_nor_fill_the_cache(client):
    client.get("/editions/2017/agenda/?day=2017-12-04&kind=sub_forum")
    queries, response = count_queries(client, "/editions/2017/agenda/?utm_source=x&kind=sub_forum&day=2017-12-04&bench=7")
    assert queries == 0
    assert "utm_source" not in html_of(response) and "bench=7" not in html_of(response)


def test_overview_groups_figures_and_home_links_to_expo_and_awards(client):
    from wic.models import Edition

    response = client.get("/editions/2024/", HTTP_ACCEPT_LANGUAGE="en")
    groups = {key: [f.key for f in figures] for key, _label, figures in response.context["figure_groups"]}
    assert {"exhibitors", "exhibitor_countries"} <= set(groups["expo"])
    assert {"outstanding_contribution_individuals", "leading_tech_submissions", "competition_entries"} <= set(groups["awards"])
    assert "volunteers" in groups["volunteers"]
    assert 'id="expo"' in html_of(response) and 'id="awards"' in html_of(response)
    Edition.objects.filter(is_demo=True).delete()
    home = html_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'href="/editions/2024/#expo"' in home and 'href="/editions/2024/#awards"' in home
