"""Issue 22, "The speaker's side": the organizers' dashboard panel of speakers. Per edition, the
appearances by status, and the agenda items starting within 3 days with an unconfirmed speaker;
two queries whatever the rows; both languages on the page, words not codes."""
from datetime import date, datetime

import pytest
from django.utils import translation

from people.dashboard import speakers_panel
from people.models import Appearance
from people.services import appearance_upsert
from tests.factories import EditionFactory, make_organizer
from wic import contrib
from wic.dashboard import edition_dashboard

from .helpers import BEIJING, person, session

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 14, 12, 0, tzinfo=BEIJING)  # three days before 2026-11-17 12:00
PANEL_QUERIES = 2


def appear(p, item, role: str, status: str) -> Appearance:
    return appearance_upsert(person=p, session=item, role=role, status=status, check_clashes=False)


@pytest.fixture
def edition():
    edition = EditionFactory(year=2026, start_date=date(2026, 11, 14), end_date=date(2026, 11, 18))
    tomorrow = session(edition, date(2026, 11, 15), (9, 0), (10, 30), title_zh="开幕式", title_en="Opening ceremony")
    untimed = session(edition, date(2026, 11, 17), period="morning", title_zh="数字丝路论坛", title_en="Digital Silk Road Forum")
    too_late = session(edition, date(2026, 11, 17), (12, 30), (14, 0), title_zh="三天之后", title_en="After three days")
    started = session(edition, date(2026, 11, 14), (10, 0), (13, 0), title_zh="已开始", title_en="Already started")
    all_confirmed = session(edition, date(2026, 11, 15), (14, 0), (15, 0), title_zh="全部确认", title_en="All confirmed")
    past = session(edition, date(2026, 11, 13), (9, 0), (10, 0), title_zh="昨日会议", title_en="Yesterday")

    minister = person("dash-minister", name_zh="部长甲", name_en="Minister A", precedence=1)
    professor = person("dash-professor", name_zh="教授乙", name_en="Professor B", precedence=50)
    host = person("dash-host", name_zh="主持丙", name_en="Host C")
    appear(professor, tomorrow, "keynote", "invited")
    appear(minister, tomorrow, "remarks", "invited")  # remarks come before keynotes
    appear(host, tomorrow, "moderator", "confirmed")
    appear(person("dash-d", name_zh="嘉宾丁"), untimed, "panelist", "invited")
    appear(person("dash-e", name_zh="嘉宾戊"), too_late, "speech", "invited")  # 30 minutes past the 3 days
    appear(person("dash-f", name_zh="嘉宾己"), started, "speech", "invited")
    appear(person("dash-g", name_zh="嘉宾庚"), all_confirmed, "speech", "confirmed")
    appear(person("dash-h", name_zh="嘉宾辛"), all_confirmed, "panelist", "declined")
    appear(person("dash-i", name_zh="嘉宾壬"), all_confirmed, "video", "cancelled")
    appear(person("dash-j", name_zh="嘉宾癸"), past, "speech", "appeared")
    # Another edition's appearances count there, not here.
    other = EditionFactory(year=2027, start_date=date(2027, 11, 14), end_date=date(2027, 11, 16))
    appear(person("dash-other", name_zh="别届"), session(other, date(2026, 11, 15), (9, 0), (10, 0)), "speech", "invited")
    return edition


def test_the_panel_counts_each_status_and_lists_the_items_starting_within_3_days_with_an_unconfirmed_speaker(edition, django_assert_num_queries):
    with translation.override("en"), django_assert_num_queries(PANEL_QUERIES):
        panel = speakers_panel(edition, now=NOW)
    assert panel.total == 10
    assert panel.counts == {"invited": 5, "confirmed": 2, "declined": 1, "cancelled": 1, "appeared": 1}
    assert [t.label for t in panel.by_status] == ["Invited", "Confirmed", "Declined", "Cancelled", "Appeared"]
    assert [(s.title, s.day, s.time, [(p.name, p.role) for p in s.people]) for s in panel.soon] == [
        ("Opening ceremony", date(2026, 11, 15), "09:00–10:30", [("Minister A", "Opening remarks"), ("Professor B", "Keynote")]),
        ("Digital Silk Road Forum", date(2026, 11, 17), "Morning", [("嘉宾丁", "Panelist")]),
    ]


def test_the_panel_in_chinese_names_people_and_items_in_chinese(edition):
    panel = speakers_panel(edition, now=NOW)
    assert [(s.title, s.time, [(p.name, p.role) for p in s.people]) for s in panel.soon] == [
        ("开幕式", "09:00–10:30", [("部长甲", "致辞"), ("教授乙", "主旨演讲")]),
        ("数字丝路论坛", "上午", [("嘉宾丁", "对话嘉宾")]),
    ]


def test_an_edition_without_appearances_has_zeros_and_no_list():
    panel = speakers_panel(EditionFactory(), now=NOW)
    assert (panel.total, panel.counts, panel.soon) == (0, {"invited": 0, "confirmed": 0, "declined": 0, "cancelled": 0, "appeared": 0}, [])


@pytest.mark.parametrize("count", [1, 20])
def test_the_panel_takes_two_queries_with_1_or_20_appearances(count, django_assert_num_queries):
    edition = EditionFactory(year=2026, start_date=date(2026, 11, 14), end_date=date(2026, 11, 18))
    for n in range(count):
        item = session(edition, date(2026, 11, 15), (9 + n % 8, 0), (9 + n % 8, 30), title_zh=f"会议{n}")
        appear(person(f"dash-many-{n}", name_zh=f"嘉宾{n}"), item, "speech", "invited" if n % 2 == 0 else "confirmed")
    with django_assert_num_queries(PANEL_QUERIES):
        panel = speakers_panel(edition, now=NOW)
    assert panel.total == count
    assert sum(len(s.people) for s in panel.soon) == (count + 1) // 2


def test_the_panel_sits_between_the_sub_forums_and_the_volunteers():
    keys = [p.key for p in contrib.ordered(contrib.DashboardPanel)]
    assert keys.index("forums") < keys.index("speakers") < keys.index("volunteers")
    assert edition_dashboard(EditionFactory(), now=NOW).speakers.total == 0


def panel_html(html: str) -> str:
    start = html.index('id="panel-speakers"')
    return html[start:html.index("</section>", start)]


def test_the_dashboard_page_shows_the_panel_in_english_and_in_chinese(edition, client):
    import time_machine

    client.force_login(make_organizer())
    with time_machine.travel(NOW, tick=False):
        english = panel_html(client.get(f"/admin/dashboard/{edition.year}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
        chinese = panel_html(client.get(f"/admin/dashboard/{edition.year}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    for word in ("Speakers and guests of honour", "Invited", "Confirmed", "Declined", "Cancelled", "Appeared",
                 "Starting within 3 days with an unconfirmed speaker", "Opening ceremony", "2026-11-15 09:00–10:30",
                 "Minister A", "Opening remarks", "Digital Silk Road Forum", "2026-11-17 Morning"):
        assert word in english, word
    assert '<dd data-figure="speakers-invited">5</dd>' in english
    assert "After three days" not in english and "Already started" not in english
    for word in ("已邀请", "已确认", "已取消", "已出席", "开幕式", "部长甲", "致辞", "2026-11-17 上午"):
        assert word in chinese, word
    # Words, not codes: no status or role code is shown as text.
    for code in (">invited<", ">confirmed<", ">remarks<", ">keynote<", ">morning<"):
        assert code not in english and code not in chinese


def test_the_page_says_so_when_no_item_is_waiting(client):
    edition = EditionFactory()
    client.force_login(make_organizer())
    html = panel_html(client.get(f"/admin/dashboard/{edition.year}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "No agenda item starting within 3 days has a speaker who has not confirmed." in html


def test_the_panel_reads_beijing_time_whatever_the_active_time_zone(edition):
    from datetime import timezone as tz

    from django.utils import timezone

    with timezone.override("UTC"), translation.override("en"):
        panel = speakers_panel(edition, now=NOW.astimezone(tz.utc))
    assert [(s.day, s.time) for s in panel.soon] == [(date(2026, 11, 15), "09:00–10:30"), (date(2026, 11, 17), "Morning")]
