"""Issue 21, the agenda's points: the past editions' agenda as the texts give it, nothing more.

1. 2024: the 11-22 press conference the text describes, no 闭幕式 (and a reseed removes it).
3. Access "not stated" where the texts state no rule: never shown, filtered or exported as "open".
4. 2017 网络安全闭门会(应邀出席): closed-door and attended by invitation, both held.
6. 001's broken headings are provenance (`source_note`), not alternative titles.
12. 2022's opening: an item of the edition without a day.
13. 2017's side and pre-event items, listed apart from the summit's days.
"""
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from icalendar import Calendar

from agenda import services
from agenda.exports import agenda_ics
from agenda.models import Session
from agenda.selectors import agenda_days, sessions_for_listing
from agenda.templatetags.edition_dates import agenda_spans, edition_dates
from tests.factories import EditionFactory, SessionFactory
from wic.errors import DomainError
from wic.models import Edition
from wic.seeding import seed_past_editions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
BASE = "https://wic.example.org"
T001, T002, T003, T004 = (
    "001_a35478c999586103.txt", "002_5cf7b1c102403489.txt", "003_a7811a11def97c06.txt", "004_4a3ee2d57cfa979a.txt",
)
FIELDS = ("title_zh", "kind", "date", "start", "end", "period", "hall_id", "access", "closed_door", "pre_event", "summary_zh", "source")


def values(year: int, key: str) -> tuple:
    session = Session.objects.get(edition__year=year, key=key)
    return tuple(getattr(session, name) for name in FIELDS)


def html(client, url: str, language: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


def ics_events(year: int) -> dict:
    edition = Edition.objects.get(year=year)
    calendar = Calendar.from_ical(agenda_ics(edition=edition, sessions=list(sessions_for_listing().filter(edition=edition)), base_url=BASE))
    return {str(e["summary"]) + "@" + str(e.decoded("dtstart")): e for e in calendar.walk("VEVENT")}


# --- 1. 2024: the closing press conference, no closing ceremony -------------------------------


def test_2024_closing_press_conference_replaces_the_closing_ceremony():
    assert values(2024, "closing-press-conference") == (
        "新闻发布会", "press_conference", date(2024, 11, 22), None, None, "", None, "not_stated", False, False,
        "2024年11月22日,2024年世界互联网大会·乌镇峰会在浙江乌镇闭幕。在新闻发布会上,世界互联网大会秘书长任贤良,"
        "浙江省委常委、宣传部部长赵承介绍了该届峰会的举办情况和取得的成果。",
        T001,
    )
    assert not Session.objects.filter(edition__year=2024, title_zh__contains="闭幕式").exists()
    assert not Session.objects.filter(edition__year=2024, key="closing-ceremony").exists()
    assert list(Session.objects.filter(edition__year=2024, kind="press_conference").values_list("date", flat=True).order_by("date")) == [
        date(2024, 11, 21), date(2024, 11, 22),
    ]


def test_reseed_removes_a_seeded_session_the_file_dropped_and_keeps_the_organizers():
    edition = Edition.objects.get(year=2024)
    stale = SessionFactory(edition=edition, key="closing-ceremony", title_zh="闭幕式", kind="ceremony", source=T001, board=None)
    own = SessionFactory(edition=edition, key="forum-application-999", source="forum application 999", board=None)
    seed_past_editions(years=(2024,))
    assert not Session.objects.filter(pk=stale.pk).exists()
    assert Session.objects.filter(pk=own.pk).exists()


# --- 3. access "not stated" ------------------------------------------------------------------


def test_seeded_sessions_without_a_stated_rule_are_not_stated_never_open():
    counts = {
        year: (
            Session.objects.filter(edition__year=year, access="not_stated", closed_door=False).count(),
            Session.objects.filter(edition__year=year).count(),
        )
        for year in (2017, 2020, 2022, 2024)
    }
    # 2017: all but 002's three rules (凭请柬, 应邀与会, 闭门会(应邀出席)); no text states "open" anywhere
    assert counts == {2017: (30, 33), 2020: (8, 8), 2022: (2, 2), 2024: (35, 35)}
    assert not Session.objects.filter(edition__year__in=(2017, 2020, 2022, 2024), access="open").exists()


def test_access_filter_open_does_not_match_not_stated(api_client, client):
    assert api_client.get("/api/v1/sessions/", {"edition": 2017, "access": "open"}).json()["count"] == 0
    assert api_client.get("/api/v1/sessions/", {"edition": 2017, "access": "not_stated"}).json()["count"] == 30
    minister = Session.objects.get(edition__year=2024, key="ministerial-meeting")
    minister = api_client.get(f"/api/v1/sessions/{minister.pk}/").json()
    assert (minister["access"], minister["access_rules"]) == ("not_stated", [])
    page = html(client, "/editions/2017/agenda/?access=open")
    assert "0 sessions match the filters." in page
    page = html(client, "/editions/2017/agenda/?access=not_stated&day=2017-12-03")
    assert "4 sessions match the filters." not in page  # the count is of every day: 30
    assert "30 sessions match the filters." in page


def test_not_stated_shows_nothing_on_the_pages_and_in_the_exports(client):
    ministers = Session.objects.get(edition__year=2024, key="ministerial-meeting")
    for language in ("en", "zh-hans"):
        page = html(client, f"/editions/2024/sessions/{ministers.pk}/", language)
        assert "access-" not in page
        assert "<dt>Access</dt>" not in page and "<dt>参会</dt>" not in page
    card_page = html(client, "/editions/2024/agenda/?day=2024-11-20")
    assert "tag access" not in card_page
    events = ics_events(2024)
    description = str(events["部长级会议@2024-11-20"]["description"])
    assert "Access" not in description and "参会" not in description


def test_open_stated_by_an_organizer_is_exported_as_open():
    edition = EditionFactory()
    session = SessionFactory(edition=edition, access="open", title_en="")
    calendar = Calendar.from_ical(agenda_ics(edition=edition, sessions=list(sessions_for_listing().filter(pk=session.pk)), base_url=BASE))
    [event] = calendar.walk("VEVENT")
    with translation.override("zh-hans"):
        open_zh = str(Session._meta.get_field("access").choices[1][1])
    assert str(event["description"]).splitlines()[-1] == f"参会 / Access: {open_zh} / Open"


def test_new_sessions_default_to_not_stated_and_organizers_keep_their_value():
    edition = EditionFactory()
    made = services.session_upsert(edition=edition, key="x", title_zh="新活动", kind="activity", date=edition.start_date)
    chosen = services.session_upsert(edition=edition, key="y", title_zh="公开活动", kind="activity", date=edition.start_date, access="open")
    assert (made.access, chosen.access) == ("not_stated", "open")
    assert SessionFactory(edition=edition).access == "not_stated"


def test_migration_turns_closed_door_into_the_flag_and_keeps_open():
    migration = import_module("agenda.migrations.0006_access_not_stated_closed_door_undated_pre_event")
    edition = EditionFactory()
    closed = SessionFactory(edition=edition)
    opened = SessionFactory(edition=edition, access="open")
    Session.objects.filter(pk=closed.pk).update(access="closed_door")  # a row as stored before the flag
    migration.closed_door_to_flag(django_apps, None)
    closed.refresh_from_db()
    opened.refresh_from_db()
    assert (closed.access, closed.closed_door, closed.access_summary) == ("invited_only", True, "closed_door")
    assert (opened.access, opened.closed_door) == ("open", False)


# --- 4. closed-door and by invitation ---------------------------------------------------------


def test_2017_closed_door_meeting_is_also_by_invitation(api_client):
    session = Session.objects.get(edition__year=2017, key="forum-cybersecurity-closed-door")
    assert (session.access, session.closed_door, session.access_rules) == ("invited_only", True, ["closed_door", "invited_only"])
    body = api_client.get(f"/api/v1/sessions/{session.pk}/").json()
    assert (body["access"], body["access_rules"]) == ("closed_door", ["closed_door", "invited_only"])
    closed = api_client.get("/api/v1/sessions/", {"access": "closed_door"}).json()
    assert [s["title_zh"] for s in closed["results"]] == ["网络安全闭门会"]
    invited = api_client.get("/api/v1/sessions/", {"edition": 2017, "access": "invited_only"}).json()
    assert [s["title_zh"] for s in invited["results"]] == ["网络空间国际规则:共识与前景", "网络安全闭门会"]
    assert session.is_invitation_only


def test_closed_door_meeting_shows_both_tags_in_both_languages(client):
    session = Session.objects.get(edition__year=2017, key="forum-cybersecurity-closed-door")
    page = html(client, f"/editions/2017/sessions/{session.pk}/")
    assert '<p class="tag access access-closed_door big-tag">🔒 Closed-door</p>' in page
    assert '<p class="tag access access-invited_only big-tag">✉ Invited participants only</p>' in page
    assert "<dt>Access</dt><dd>Closed-door; Invited participants only</dd>" in page
    zh = html(client, f"/editions/2017/sessions/{session.pk}/", "zh-hans")
    assert zh.count("tag access access-") == 2


def test_api_schema_documents_the_access_change(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    schemas = schema["components"]["schemas"]
    session = schemas["Session"]["properties"]
    assert session["access"]["allOf"] == [{"$ref": "#/components/schemas/AccessEnum"}]
    assert schemas["AccessEnum"]["enum"] == ["not_stated", "open", "by_invitation", "invited_only", "closed_door"]
    assert "Since issue 21 not_stated replaces the former default open" in session["access"]["description"]
    assert session["access_rules"]["items"] == {"$ref": "#/components/schemas/AccessRulesEnum"}
    assert schemas["AccessRulesEnum"]["enum"] == ["open", "by_invitation", "invited_only", "closed_door"]
    assert (session["date"]["nullable"], session["pre_event"]["type"]) == (True, "boolean")


def test_service_refuses_closed_door_and_open_together():
    edition = EditionFactory()
    with pytest.raises(DomainError) as refused:
        services.session_upsert(edition=edition, key="c", title_zh="闭门会", kind="meeting", date=edition.start_date, access="open", closed_door=True)
    assert refused.value.code == "closed_door_open"
    legacy = services.session_upsert(edition=edition, key="d", title_zh="闭门会", kind="meeting", date=edition.start_date, access="closed_door")
    assert (legacy.access, legacy.closed_door) == ("invited_only", True)


# --- 6. broken headings are provenance --------------------------------------------------------


def test_broken_headings_are_a_source_note_not_alternative_titles(client):
    fintech = Session.objects.get(edition__year=2024, key="fintech-forum")
    ecommerce = Session.objects.get(edition__year=2024, key="cross-border-ecommerce-forum")
    assert (fintech.title_zh, fintech.alt_title_list) == ("金融科技论坛", [])
    assert (ecommerce.title_zh, ecommerce.alt_title_list) == ("跨境电商可持续发展论坛", [])
    assert fintech.source_note == (
        "001 prints the heading as “(13)金融科技论”, its last character 坛 carried by a line break to the next heading; "
        "the body names the 金融科技论坛."
    )
    assert ecommerce.source_note == (
        "001 prints the heading as “(14)坛跨境电商可持续发展论坛”, starting with the 坛 of the heading before it "
        "(a line break in the source); the body names the 跨境电商可持续发展论坛."
    )
    assert "坛跨境" not in ecommerce.search_text
    assert not Session.objects.filter(alt_titles__in=["金融科技论", "坛跨境电商可持续发展论坛"]).exists()
    page = html(client, f"/editions/2024/sessions/{ecommerce.pk}/", "zh-hans")
    assert "坛跨境" not in page and "(14)" not in page


# --- 12. 2022's opening, without a day ----------------------------------------------------------


def test_2022_opening_is_an_item_of_the_edition_without_a_day():
    assert values(2022, "opening-ceremony") == (
        "开幕式", "ceremony", None, None, None, "", None, "not_stated", False, False,
        "中宣部部长李书磊出席开幕式,宣读习近平主席贺信并发表主旨演讲。中共中央政治局委员、时任浙江省委书记袁家军出席开幕式并致辞。",
        T003,
    )
    days = agenda_days(Edition.objects.get(year=2022))
    assert (days.days, days.undated, days.pre_event) == ([date(2022, 11, 9), date(2022, 11, 10), date(2022, 11, 11)], True, set())


def test_2022_agenda_has_a_day_not_given_tab_in_both_languages(client):
    opening = Session.objects.get(edition__year=2022, key="opening-ceremony")
    page = html(client, "/editions/2022/agenda/?day=undated")
    assert '<h2 id="day-title">Day not given</h2>' in page
    assert f'href="/editions/2022/sessions/{opening.pk}/"' in page
    assert 'href="?day=undated" aria-current="page" class="current">Day not given' in page
    default = html(client, "/editions/2022/agenda/")  # lands on the one dated item's day
    assert '<h2 id="day-title">2022-11-11' in default
    zh = html(client, "/editions/2022/agenda/?day=undated", "zh-hans")
    assert f'href="/editions/2022/sessions/{opening.pk}/"' in zh
    detail = html(client, f"/editions/2022/sessions/{opening.pk}/")
    assert "during the summit; the day is not given" in detail
    assert 'agenda/?day=undated">Agenda</a>' in detail
    html(client, f"/editions/2022/sessions/{opening.pk}/", "zh-hans")


def test_2022_opening_in_the_calendar_spans_the_edition_and_says_the_day_is_not_given():
    event = ics_events(2022)["开幕式@2022-11-09"]
    assert (event.decoded("dtstart"), event.decoded("dtend"), str(event["transp"])) == (date(2022, 11, 9), date(2022, 11, 12), "TRANSPARENT")
    assert str(event["description"]).splitlines()[0] == "日期 / Day: 会期内，具体日期未公布 / During the summit, day not given"


def test_an_item_without_a_day_has_no_time():
    edition = EditionFactory()
    with pytest.raises(DomainError) as refused:
        services.session_upsert(edition=edition, key="u", title_zh="开幕式", kind="ceremony", date=None, period="morning")
    assert refused.value.code == "session_time_without_date"


# --- 13. 2017's side and pre-event items --------------------------------------------------------


def test_2017_pre_event_and_side_items_with_the_texts_words():
    assert values(2017, "preparations-press-conference") == (
        "新闻发布会", "press_conference", date(2017, 11, 16), None, None, "afternoon", None, "not_stated", False, True,
        "2017年11月16日下午,中华人民共和国国务院新闻办公室就第四届世界互联网大会情况及筹备工作进展举行发布会。",
        f"{T002}, {T004}",
    )
    assert values(2017, "partner-signing-ceremony") == (
        "第四届世界互联网大会合作伙伴签约仪式", "ceremony", date(2017, 11, 22), None, None, "", None, "not_stated", False, True,
        "2017年11月22日,第四届世界互联网大会合作伙伴签约仪式在浙江省桐乡市乌镇举行。",
        T002,
    )
    assert values(2017, "volunteer-send-off") == (
        "志愿者出征仪式", "ceremony", date(2017, 11, 27), None, None, "", None, "not_stated", False, True,
        "大会志愿者的通识培训、服装制作、岗位分工等也已经完成,27日就将举行出征仪式并提早熟悉场地。",
        f"{T004}, {T002}",
    )
    assert Session.objects.get(edition__year=2017, key="volunteer-send-off").source_note == (
        "004 gives the day only (“27日就将举行出征仪式”), in a passage quoting the 《嘉兴日报》 report of 11月27日; "
        "the month, November, is that report's."
    )
    assert values(2017, "wuzhen-cafe-talks") == (
        "乌镇咖荟", "cafe_talk", None, None, None, "", None, "not_stated", False, False,
        "会议期间还将举办欢迎招待会、“互联网纪念林”植树,专场文艺演出、“乌镇咖荟”等活动。",
        f"{T004}, {T002}",
    )


def test_2017_days_put_pre_event_days_apart_and_keep_the_main_dates_rule(client):
    days = agenda_days(Edition.objects.get(year=2017))
    assert days.pre_event == {date(2017, 11, 16), date(2017, 11, 22), date(2017, 11, 27)}
    assert days.summit_days == [date(2017, 12, 2), date(2017, 12, 3), date(2017, 12, 4), date(2017, 12, 5)]
    assert days.undated is True
    editions = list(Edition.objects.filter(year__in=(2017, 2022)).order_by("year"))
    with translation.override("en"):
        assert [edition_dates(e, agenda_spans(editions)) for e in editions] == [
            "Main dates 3–5 Dec 2017 · agenda 2–5 Dec 2017", "9–11 Nov 2022",
        ]
    page = html(client, "/editions/2017/agenda/")
    assert '<h2 id="day-title">2017-12-02' in page  # the summit's first day with items, not 11-16
    assert '<p class="tab-group-label muted" id="pre-event-label">Before the summit</p>' in page
    assert page.index('href="?day=2017-11-27"') < page.index('href="?day=2017-12-02"') < page.index('href="?day=undated"')


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_2017_pre_event_day_and_undated_tab_render(client, language):
    conference = Session.objects.get(edition__year=2017, key="preparations-press-conference")
    cafe = Session.objects.get(edition__year=2017, key="wuzhen-cafe-talks")
    page = html(client, "/editions/2017/agenda/?day=2017-11-16", language)
    assert f'href="/editions/2017/sessions/{conference.pk}/"' in page
    assert 'class="tag pre-event"' in page
    undated = html(client, "/editions/2017/agenda/?day=undated", language)
    assert f'href="/editions/2017/sessions/{cafe.pk}/"' in undated
    assert f'href="/editions/2017/sessions/{conference.pk}/"' not in undated
    html(client, f"/editions/2017/sessions/{conference.pk}/", language)
    html(client, f"/editions/2017/sessions/{cafe.pk}/", language)
    html(client, "/editions/2017/my-agenda/?s=" + f"{conference.pk},{cafe.pk}", language)


def test_pre_event_items_must_lie_before_the_summit():
    edition = EditionFactory()
    with pytest.raises(DomainError) as refused:
        services.session_upsert(edition=edition, key="p", title_zh="发布会", kind="press_conference", date=edition.start_date, pre_event=True)
    assert refused.value.code == "pre_event_not_before_edition"
    far = edition.start_date - timedelta(days=20)
    with pytest.raises(DomainError) as refused:
        services.session_upsert(edition=edition, key="q", title_zh="发布会", kind="press_conference", date=far)
    assert refused.value.code == "session_outside_edition"
    kept = services.session_upsert(edition=edition, key="q", title_zh="发布会", kind="press_conference", date=far, pre_event=True)
    assert (kept.date, kept.pre_event) == (far, True)


def test_admin_lists_and_opens_an_item_without_a_day(admin_client_logged):
    opening = Session.objects.get(edition__year=2022, key="opening-ceremony")
    listing = admin_client_logged.get("/admin/agenda/session/", {"edition__id__exact": opening.edition_id})
    assert listing.status_code == 200
    assert "开幕式" in listing.content.decode()
    change = admin_client_logged.get(f"/admin/agenda/session/{opening.pk}/change/")
    assert change.status_code == 200
    assert 'name="closed_door"' in change.content.decode() and 'name="source_note"' in change.content.decode()


def test_values_read_from_002s_merged_table_cells_say_so():
    """Issue 21, "Provenance, kept honest": 002's agenda table prints a time or a place once for
    several rows (merged cells); the 13 sessions whose time or hall was read from the row above say
    so in their provenance note (admin only), the 16 others have none from the table."""
    from agenda.models import Session

    noted = dict(Session.objects.filter(edition__year=2017, source_note__startswith="002's table").values_list("key", "source_note"))
    assert sorted(noted) == sorted([
        "plenary", "leading-tech-launch", "forum-global-digital-economy", "forum-big-connectivity", "forum-minors-protection",
        "forum-digital-silk-road", "forum-think-tank", "forum-talent", "forum-ministers-dialogue", "forum-sharing-economy",
        "forum-cyberspace-rules", "forum-entrepreneurs-dialogue", "forum-cybersecurity-closed-door",
    ])
    assert noted["plenary"] == "002's table prints no place on this row: the hall (乌镇厅) is read from the merged place cell of the row above."
    assert noted["forum-talent"] == "002's table prints no time on this row: 14:30-18:00 is read from the merged time cell of the row above."
