"""The agenda grid's data for the page: time labels that span their half hour (the sticky time
column), the day's count as the tab and the grid bar show it, the "N more halls" cue texts, and
the filter disclosure that is open only when a filter is active (issue 20, points 2 and 6)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from agenda.timetable import LABEL_MINUTES, SLOT_MINUTES, build_timetable
from agenda.views import hall_cues
from tests.factories import EditionFactory, HallFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
BEIJING = ZoneInfo("Asia/Shanghai")
BUSY_DAY = {"day": "2017-12-04"}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 6, 1, hour, minute, tzinfo=BEIJING)


def test_timetable_time_labels_span_their_half_hour():
    edition = EditionFactory()
    hall_a = HallFactory()
    hall_b = HallFactory(venue=hall_a.venue)
    sessions = [
        SessionFactory(edition=edition, hall=hall_a, date=date(2030, 6, 1), start=at(8, 10), end=at(9, 0)),
        SessionFactory(edition=edition, hall=hall_b, date=date(2030, 6, 1), start=at(9, 0), end=at(9, 40)),
        SessionFactory(edition=edition, hall=None, date=date(2030, 6, 1), start=None, end=None, period="noon"),
    ]

    table = build_timetable(date(2030, 6, 1), sessions)

    assert (SLOT_MINUTES, LABEL_MINUTES, table.label_span) == (5, 30, 6)
    assert table.time_labels == [(2, "08:00"), (8, "08:30"), (14, "09:00"), (20, "09:30")]
    assert table.rows == 22  # 08:00 -> 09:40 in five-minute rows, after the header row
    assert table.session_count == 3  # two placed, one listed under its half-day
    assert [(p.column, p.row_start, p.row_end) for p in table.placed] == [(2, 4, 14), (3, 14, 22)]


def test_hall_cues_name_every_count_in_english():
    with translation.override("en"):
        assert hall_cues(3) == {
            "more": {1: "1 more hall →", 2: "2 more halls →", 3: "3 more halls →"},
            "less": {1: "← 1 hall", 2: "← 2 halls", 3: "← 3 halls"},
        }
        assert hall_cues(0) == {"more": {}, "less": {}}


def test_hall_cues_name_every_count_in_chinese():
    with translation.override("zh-hans"):
        assert hall_cues(2) == {
            "more": {1: "右侧还有 1 个会议厅 →", 2: "右侧还有 2 个会议厅 →"},
            "less": {1: "← 左侧 1 个会议厅", 2: "← 左侧 2 个会议厅"},
        }


def test_agenda_busy_day_counts_match_and_cues_cover_every_hall(client):
    response = client.get("/editions/2017/agenda/", BUSY_DAY, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    table = response.context["timetable"]

    assert (len(table.columns), len(table.placed), table.session_count) == (10, 18, 19)
    assert dict(response.context["tabs"])[date(2017, 12, 4)] == table.session_count
    assert sorted(response.context["hall_cues"]["more"]) == list(range(1, 11))
    assert response.context["hall_cues"]["more"][3] == "3 more halls →"
    assert '<p class="grid-summary muted">10 halls · 19 items</p>' in html
    assert '<script id="hall-cues" type="application/json">' in html
    assert '<div class="grid-corner" aria-hidden="true" data-grid-column="1" data-grid-row="1"></div>' in html
    assert '<div class="time-label" aria-hidden="true" data-grid-row="2 / span 6">08:00</div>' in html
    # The time labels tile the time column with no gap: each starts where the previous one ends.
    assert [row for row, _label in table.time_labels] == list(range(2, 2 + 6 * len(table.time_labels), 6))
    assert html.count('class="hall-cue ') == 2


def test_agenda_filters_fold_unless_a_filter_is_active(client):
    from agenda.models import Hall

    plain = client.get("/editions/2017/agenda/", BUSY_DAY, HTTP_ACCEPT_LANGUAGE="en")
    assert plain.context["select_filters"] == 0
    assert '<details class="filter-more" id="filter-more">' in plain.content.decode()

    searched = client.get("/editions/2017/agenda/", {**BUSY_DAY, "search": "AI"}, HTTP_ACCEPT_LANGUAGE="en")
    assert searched.context["select_filters"] == 0  # the search box stays outside the fold
    assert '<details class="filter-more" id="filter-more">' in searched.content.decode()

    hall = Hall.objects.get(name_zh="通安厅")
    filtered = client.get("/editions/2017/agenda/", {**BUSY_DAY, "hall": hall.pk, "kind": "sub_forum"}, HTTP_ACCEPT_LANGUAGE="en")
    html = filtered.content.decode()
    assert filtered.context["select_filters"] == 2
    assert '<details class="filter-more" id="filter-more" open>' in html
    assert '<summary>Filter <span class="filter-count">(2 active)</span></summary>' in html


def test_agenda_day_without_grid_has_no_cues(client):
    response = client.get("/editions/2024/agenda/", {"day": "2024-11-21"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.context["hall_cues"] is None
    assert 'id="hall-cues"' not in html and "hall-cue" not in html
