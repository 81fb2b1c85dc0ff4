"""The schedule exports: iCalendar, and frab/C3VOC schedule JSON and XML checked against the published validators."""
import io
import json
import re
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils.translation import gettext_lazy
from icalendar import Calendar
from jsonschema import Draft6Validator, FormatChecker
from lxml import etree

from agenda.exports import agenda_ics, schedule_json, schedule_xml
from agenda.selectors import sessions_for_listing
from tests.factories import EditionFactory, HallFactory, SessionFactory, VenueFactory
from wic.models import Edition

pytestmark = pytest.mark.django_db

BASE = "https://wic.example.org"
BEIJING = ZoneInfo("Asia/Shanghai")
SHARED_FORMATS = Path(settings.BASE_DIR).parent / "shared" / "schedule-formats"
VENDORED_FORMATS = Path(__file__).resolve().parent / "schedule_formats"
# The shared validators when the shared folder sits beside the checkout (CI), else the identical copies.
FORMATS = SHARED_FORMATS if (SHARED_FORMATS / "schema.json").exists() else VENDORED_FORMATS
AI_FORUM = "人工智能:让生活更美好"
TREE_PLANTING = "“互联网纪念林”植树活动"
RFC3339_BEIJING = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00")
HOSTILE = "<script>&\"'</script> ]]> &amp;"


@pytest.fixture(scope="module")
def json_validator():
    path = FORMATS / "schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def xml_schema():
    import xmlschema

    path = FORMATS / "schedule.xml.xsd"
    return xmlschema.XMLSchema(str(path))


def assert_json_valid(validator, doc):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    # jsonschema checks date-time and uri only with optional packages: check them here, whatever is installed.
    for day in doc["schedule"]["conference"]["days"]:
        for events in day["rooms"].values():
            for event in events:
                assert RFC3339_BEIJING.fullmatch(event["date"]) and RFC3339_BEIJING.fullmatch(event["end"])
                assert event["end"] > event["date"]
                assert event["url"].startswith(f"{BASE}/editions/")


def assert_xml_valid(xml_schema, xml: bytes):
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    errors = [str(e.reason) for e in xml_schema.iter_errors(io.BytesIO(xml))]
    assert errors == []


def events_of(doc) -> list[dict]:
    return [e for day in doc["schedule"]["conference"]["days"] for events in day["rooms"].values() for e in events]


def edition_and_sessions(year):
    return Edition.objects.get(year=year), list(sessions_for_listing().filter(edition__year=year))


def vevents(ics: bytes):
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


# --- 2017: clock times and halls ---------------------------------------------------------------


def test_schedule_json_2017_validates_and_holds_the_timed_sessions(json_validator):
    edition, sessions = edition_and_sessions(2017)
    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert_json_valid(json_validator, doc)
    conference = doc["schedule"]["conference"]
    events = events_of(doc)
    # 33 items (issue 21 added four without a clock time: the 11-16 press conference, the 11-22
    # signing, the 11-27 send-off and 乌镇咖荟): the 28 timed ones are the events, five are left out.
    assert len(sessions) == 33
    assert len(events) == 28
    assert TREE_PLANTING not in [e["title"] for e in events]
    assert conference["meta"] == {"untimed_sessions_omitted": 5}
    assert [d["date"] for d in conference["days"]] == ["2017-12-02", "2017-12-03", "2017-12-04", "2017-12-05"]
    assert [d["index"] for d in conference["days"]] == [1, 2, 3, 4]
    assert (conference["acronym"], conference["daysCount"], conference["start"], conference["end"]) == ("wic2017", 4, "2017-12-02", "2017-12-05")
    assert conference["days"][0]["day_start"] == "2017-12-02T00:00:00+08:00"
    assert conference["time_zone_name"] == "Asia/Shanghai"
    room_names = [r["name"] for r in conference["rooms"]]
    assert len(room_names) == len(set(room_names)) == 13
    assert "世界互联网大会纪念林" not in room_names  # only the untimed tree planting was there
    assert {e["room"] for e in events} == set(room_names)


def test_schedule_json_2017_ai_forum(json_validator):
    edition, sessions = edition_and_sessions(2017)
    ai = next(s for s in sessions if s.title_zh == AI_FORUM)
    [event] = [e for e in events_of(schedule_json(edition=edition, sessions=sessions, base_url=BASE)) if e["title"] == AI_FORUM]
    assert event["start"] == "08:30"
    assert event["duration"] == "03:30"
    assert event["date"] == "2017-12-04T08:30:00+08:00"
    assert event["end"] == "2017-12-04T12:00:00+08:00"
    assert event["room"] == "乌镇互联网国际会展中心枕水厅(201)"
    assert event["track"] == "前沿技术"
    assert event["type"] == "sub_forum"
    assert event["language"] == "zh"
    assert event["id"] == ai.pk
    assert event["url"] == f"{BASE}/editions/2017/sessions/{ai.pk}/"
    assert event["slug"] == f"wic2017-{ai.pk}-forum-artificial-intelligence"
    assert event["persons"] == []


def test_schedule_json_2017_closed_door_and_invited_say_so():
    edition, sessions = edition_and_sessions(2017)
    events = {e["title"]: e for e in events_of(schedule_json(edition=edition, sessions=sessions, base_url=BASE))}
    # 002: 网络安全闭门会(应邀出席): both rules (issue 21); 全体会议 states none, so no access line at all
    assert events["网络安全闭门会"]["description"] == "参会 / Access: 闭门会 / Closed-door；应邀出席 / Invited participants only"
    assert events["网络空间国际规则:共识与前景"]["description"] == "参会 / Access: 应邀出席 / Invited participants only"
    assert events["全体会议"]["description"] is None


def test_schedule_guids_are_stable_and_unique():
    edition, sessions = edition_and_sessions(2017)
    first = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    second = schedule_json(edition=edition, sessions=list(sessions_for_listing().filter(edition__year=2017)), base_url=BASE)
    guids = [e["guid"] for e in events_of(first)]
    assert guids == [e["guid"] for e in events_of(second)]
    assert len(set(guids)) == 28
    room_guids = [r["guid"] for r in first["schedule"]["conference"]["rooms"]]
    assert len(set(room_guids)) == 13
    assert first == second
    assert first["schedule"]["version"] == second["schedule"]["version"]


def test_schedule_xml_2017_validates_and_matches_the_json(xml_schema):
    edition, sessions = edition_and_sessions(2017)
    xml = schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
    assert_xml_valid(xml_schema, xml)
    assert xml == schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
    root = etree.fromstring(xml)
    assert [d.get("date") for d in root.findall("day")] == ["2017-12-02", "2017-12-03", "2017-12-04", "2017-12-05"]
    events = root.findall("day/room/event")
    assert len(events) == 28
    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert [e.get("guid") for e in events] == [e["guid"] for e in events_of(doc)]
    [ai] = [e for e in events if e.findtext("title") == AI_FORUM]
    assert ai.findtext("start") == "08:30"
    assert ai.findtext("duration") == "03:30"
    assert ai.findtext("date") == "2017-12-04T08:30:00+08:00"
    assert ai.findtext("room") == "乌镇互联网国际会展中心枕水厅(201)"
    assert ai.getparent().get("name") == "乌镇互联网国际会展中心枕水厅(201)"
    assert ai.getparent().getparent().get("date") == "2017-12-04"
    assert root.findtext("conference/acronym") == "wic2017"
    assert root.findtext("conference/days") == "4"


# --- 2024: dates and periods only ----------------------------------------------------------------


def test_schedule_2024_has_its_days_and_no_events(json_validator, xml_schema):
    edition, sessions = edition_and_sessions(2024)
    assert len(sessions) == 35
    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert_json_valid(json_validator, doc)
    conference = doc["schedule"]["conference"]
    assert [d["date"] for d in conference["days"]] == ["2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22"]
    assert [d["rooms"] for d in conference["days"]] == [{}, {}, {}, {}]
    assert conference["rooms"] == []
    assert conference["tracks"] == []
    assert conference["meta"] == {"untimed_sessions_omitted": 35}
    xml = schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
    assert_xml_valid(xml_schema, xml)
    root = etree.fromstring(xml)
    assert len(root.findall("day")) == 4
    assert root.findall("day/room") == []
    assert root.findall(".//event") == []


def test_agenda_ics_2024_is_all_day_events_with_their_period():
    edition, sessions = edition_and_sessions(2024)
    ics = agenda_ics(edition=edition, sessions=sessions, base_url=BASE)
    events = vevents(ics)
    assert len(events) == 35
    # no clock time invented anywhere: every event is a whole day
    assert {(type(e.decoded("dtstart")), type(e.decoded("dtend"))) for e in events} == {(date, date)}
    assert all((e.decoded("dtend") - e.decoded("dtstart")).days == 1 for e in events)
    main = next(e for e in events if str(e["summary"]) == "主论坛")
    assert main.decoded("dtstart") == date(2024, 11, 20)
    assert main.decoded("dtend") == date(2024, 11, 21)
    assert str(main["description"]).startswith("时段 / Time of day: 下午 / Afternoon\n")
    expo = next(e for e in events if str(e["summary"]) == "2024年世界互联网大会“互联网之光”博览会")
    assert "时段 / Time of day: 具体时间未公布 / Time not given" in str(expo["description"])
    assert "主办单位 / Host: 世界互联网大会、浙江省人民政府" in str(expo["description"])
    assert [str(tz["tzid"]) for tz in Calendar.from_ical(ics).walk("VTIMEZONE")] == ["Asia/Shanghai"]


# --- iCalendar, 2017 --------------------------------------------------------------------------------


def test_agenda_ics_2017():
    edition, sessions = edition_and_sessions(2017)
    ics = agenda_ics(edition=edition, sessions=sessions, base_url=BASE)
    assert ics == agenda_ics(edition=edition, sessions=list(sessions_for_listing().filter(edition__year=2017)), base_url=BASE)
    calendar = Calendar.from_ical(ics)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"
    assert str(calendar["x-wr-calname"]) == "第四届世界互联网大会 议程"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = calendar.walk("VEVENT")
    assert len(events) == 33  # 29 rows of 002's table and four items outside it (issue 21)
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 33
    assert uids == [str(e["uid"]) for e in vevents(agenda_ics(edition=edition, sessions=sessions, base_url=BASE))]
    assert {e.decoded("dtstamp") for e in events} == {datetime(2017, 12, 3, tzinfo=ZoneInfo("UTC"))}

    ai_session = next(s for s in sessions if s.title_zh == AI_FORUM)
    ai = next(e for e in events if str(e["summary"]) == AI_FORUM)
    assert str(ai["uid"]) == f"session-{ai_session.pk}@2017.wic-summit"
    assert ai["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert ai.decoded("dtstart") == datetime(2017, 12, 4, 8, 30, tzinfo=BEIJING)
    assert ai.decoded("dtstart").utcoffset().total_seconds() == 8 * 3600
    assert ai.decoded("dtend") == datetime(2017, 12, 4, 12, 0, tzinfo=BEIJING)
    assert "枕水厅" in str(ai["location"])
    assert str(ai["url"]) == f"{BASE}/editions/2017/sessions/{ai_session.pk}/"
    assert [str(c) for c in ai["categories"].cats] == ["分论坛", "Sub-forum"]
    assert "CATEGORIES:分论坛,Sub-forum\r\n" in ics.decode()

    tree = next(e for e in events if str(e["summary"]) == TREE_PLANTING)
    assert type(tree.decoded("dtstart")) is date
    assert tree.decoded("dtstart") == date(2017, 12, 4)
    assert tree.decoded("dtend") == date(2017, 12, 5)
    assert tree["dtstart"].params.get("VALUE") == "DATE"
    assert str(tree["description"]).startswith("时段 / Time of day: 中午 / Noon\n\n")
    assert str(tree["location"]) == "世界互联网大会纪念林"


def test_agenda_ics_takes_a_calendar_name_and_stamp():
    edition, sessions = edition_and_sessions(2017)
    stamp = datetime(2020, 1, 2, 11, 0, tzinfo=BEIJING)
    name = gettext_lazy("My WIC agenda")  # as the personal feed passes it
    calendar = Calendar.from_ical(agenda_ics(edition=edition, sessions=sessions[:2], base_url=BASE, calendar_name=name, stamp=stamp))
    assert str(calendar["x-wr-calname"]) == str(name)
    assert [e.decoded("dtstamp") for e in calendar.walk("VEVENT")] == [datetime(2020, 1, 2, 3, 0, tzinfo=ZoneInfo("UTC"))] * 2


def test_agenda_ics_mixing_editions_names_each_session_by_its_own_edition():
    """A personal feed passes starred sessions of several editions under one edition."""
    edition_2024, sessions_2024 = edition_and_sessions(2024)
    _, sessions_2017 = edition_and_sessions(2017)
    ai = next(s for s in sessions_2017 if s.title_zh == AI_FORUM)
    events = vevents(agenda_ics(edition=edition_2024, sessions=[ai, sessions_2024[0]], base_url=BASE))
    assert [str(e["uid"]) for e in events] == [f"session-{ai.pk}@2017.wic-summit", f"session-{sessions_2024[0].pk}@2024.wic-summit"]
    assert [str(e["url"]) for e in events] == [
        f"{BASE}/editions/2017/sessions/{ai.pk}/",
        f"{BASE}/editions/2024/sessions/{sessions_2024[0].pk}/",
    ]
    assert events[0].decoded("dtstart") == datetime(2017, 12, 4, 8, 30, tzinfo=BEIJING)


def test_exports_run_no_query_of_their_own(django_assert_num_queries):
    edition, sessions = edition_and_sessions(2024)  # prefetched: organizations and outcomes are used
    _, sessions_2017 = edition_and_sessions(2017)
    with django_assert_num_queries(0):
        schedule_xml(edition=edition, sessions=sessions + sessions_2017, base_url=BASE)
        agenda_ics(edition=edition, sessions=sessions + sessions_2017, base_url=BASE)


# --- made-up editions: hostile text, rooms without a hall ---------------------------------------------


def test_hostile_text_survives_every_format(json_validator, xml_schema):
    edition = EditionFactory(name_zh=f"峰会{HOSTILE}")
    hall = HallFactory(venue=VenueFactory(name_zh=f"场馆{HOSTILE}"), name_zh=f"厅{HOSTILE}", room="1")
    session = SessionFactory(edition=edition, key="a", title_zh=HOSTILE, title_en=f"en {HOSTILE}\x0b", hall=hall, theme_zh=HOSTILE)
    sessions = list(sessions_for_listing().filter(edition=edition))
    assert sessions == [session]

    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert_json_valid(json_validator, doc)
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc
    [event] = events_of(doc)
    assert event["title"] == HOSTILE
    assert event["slug"] == f"wic{edition.year}-{session.pk}-session-a"

    xml = schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
    assert_xml_valid(xml_schema, xml)
    root = etree.fromstring(xml)
    [element] = root.findall("day/room/event")
    assert element.findtext("title") == HOSTILE
    assert element.findtext("subtitle") == f"en {HOSTILE}"  # the control character XML cannot carry is dropped
    assert element.findtext("room") == f"场馆{HOSTILE}厅{HOSTILE}(1)"
    assert element.getparent().get("name") == f"场馆{HOSTILE}厅{HOSTILE}(1)"
    assert root.findtext("conference/title") == f"峰会{HOSTILE}"
    assert b"<script>" not in xml

    [vevent] = vevents(agenda_ics(edition=edition, sessions=sessions, base_url=BASE))
    assert str(vevent["summary"]) == HOSTILE
    assert str(vevent["location"]) == f"场馆{HOSTILE}厅{HOSTILE}(1)"


def test_timed_sessions_without_a_hall_use_the_edition_location(json_validator, xml_schema):
    located = EditionFactory(location_zh="浙江乌镇")
    nowhere = EditionFactory()
    for edition in (located, nowhere):
        SessionFactory(edition=edition, hall=None, start=datetime.combine(edition.start_date, time(9, 0), tzinfo=BEIJING))
    expected = {located: "浙江乌镇", nowhere: "未定 / TBA"}
    for edition, room in expected.items():
        sessions = list(sessions_for_listing().filter(edition=edition))
        doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
        assert_json_valid(json_validator, doc)
        assert [r["name"] for r in doc["schedule"]["conference"]["rooms"]] == [room]
        assert [e["room"] for e in events_of(doc)] == [room]
        assert [d["date"] for d in doc["schedule"]["conference"]["days"]] == [
            f"{edition.year}-11-10", f"{edition.year}-11-11", f"{edition.year}-11-12"
        ]
        xml = schedule_xml(edition=edition, sessions=sessions, base_url=BASE)
        assert_xml_valid(xml_schema, xml)
        assert [e.findtext("room") for e in etree.fromstring(xml).findall("day/room/event")] == [room]
        [vevent] = vevents(agenda_ics(edition=edition, sessions=sessions, base_url=BASE))
        assert "location" not in vevent


@pytest.mark.skipif(not (SHARED_FORMATS / "schema.json").exists(), reason="no ../shared/schedule-formats beside this checkout")
@pytest.mark.parametrize("name", ["schema.json", "schedule.xml.xsd"])
def test_vendored_validators_match_shared(name):
    assert (VENDORED_FORMATS / name).read_bytes() == (SHARED_FORMATS / name).read_bytes()


@pytest.mark.parametrize("year", [2017, 2020, 2022, 2024])
def test_every_seeded_editions_schedule_validates(year, json_validator, xml_schema):
    """Every past edition with dates has a schedule that passes the published validators, the ones
    with no clock times (2022, 2024) included."""
    edition, sessions = edition_and_sessions(year)
    doc = schedule_json(edition=edition, sessions=sessions, base_url=BASE)
    assert_json_valid(json_validator, doc)
    assert_xml_valid(xml_schema, schedule_xml(edition=edition, sessions=sessions, base_url=BASE))


@pytest.mark.parametrize("year", [2015, 2016])
def test_an_edition_without_dates_has_no_schedule_but_a_calendar(year, client):
    """The frab formats need a first and last day; the texts give none for 2015 and 2016 (004 dates
    only their openings). The schedule answers 404 with a sentence, the page does not offer it, and
    the iCal feed still answers."""
    for name in ("schedule.json", "schedule.xml"):
        response = client.get(f"/editions/{year}/{name}", HTTP_ACCEPT_LANGUAGE="en")
        assert (response.status_code, response.content.decode()) == (
            404, f"There is no schedule for {year}: the texts give no dates for that edition. The calendar (iCal) lists what is known.",
        )
    assert client.get(f"/editions/{year}/agenda.ics").status_code == 200
    page = client.get(f"/editions/{year}/agenda/").content.decode()
    assert "schedule.json" not in page and f"/editions/{year}/agenda.ics" in page
