from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from agenda.models import Board, Hall, Outcome, Session, SessionOrganization, Venue
from wic.demo import DEMO_ACCOUNTS, seed_demo
from wic.errors import DomainError
from wic.models import Edition, EditionFigure, EditionOrganization, Member, Organization
from wic.seeding import check_seed_data, read_seed_file, seed_past_editions

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def kinds(year):
    sessions = Session.objects.filter(edition__year=year)
    return {kind: sessions.filter(kind=kind).count() for kind in sessions.values_list("kind", flat=True).distinct()}


def snapshot():
    """Every seeded row, as plain tuples, to compare before and after a second seed."""
    return {
        "editions": list(Edition.objects.order_by("year").values_list()),
        "figures": list(EditionFigure.objects.order_by("id").values_list()),
        "organizations": list(Organization.objects.order_by("id").values_list()),
        "edition_roles": list(EditionOrganization.objects.order_by("id").values_list()),
        "venues": list(Venue.objects.order_by("id").values_list()),
        "halls": list(Hall.objects.order_by("id").values_list()),
        "boards": list(Board.objects.order_by("id").values_list()),
        "sessions": list(Session.objects.order_by("id").values_list()),
        "session_roles": list(SessionOrganization.objects.order_by("id").values_list()),
        "outcomes": list(Outcome.objects.order_by("id").values_list()),
    }


def test_seed_loads_the_six_past_editions():
    # 2015 (2nd) and 2016 (3rd) are named in 004 (issue 21, point 14): six, no longer four
    assert list(Edition.objects.filter(is_demo=False).order_by("year").values_list("year", flat=True)) == [2015, 2016, 2017, 2020, 2022, 2024]


def test_seed_2017_counts():
    # 29 rows of 002's agenda table, plus (issue 21) the 11-16 press conference, the 11-22 partner
    # signing, the 11-27 volunteer send-off and 乌镇咖荟 that 002 and 004 name outside the table.
    assert Session.objects.filter(edition__year=2017).count() == 33
    assert kinds(2017) == {
        "ceremony": 5, "plenary": 1, "launch": 1, "banquet": 1, "activity": 1,
        "sub_forum": 20, "performance": 1, "press_conference": 2, "cafe_talk": 1,
    }
    # 004 lists the forums of each of the five boards: 5, 3, 4, 4, 4.
    per_board = [Session.objects.filter(edition__year=2017, board__number=n).count() for n in range(1, 6)]
    assert per_board == [5, 3, 4, 4, 4]


def test_seed_2017_edition_facts():
    edition = Edition.objects.get(year=2017)
    assert edition.ordinal == 4
    assert edition.name_zh == "第四届世界互联网大会"
    assert edition.theme_zh == "发展数字经济 促进开放共享——携手共建网络空间命运共同体"
    assert (edition.start_date, edition.end_date) == (date(2017, 12, 3), date(2017, 12, 5))
    assert edition.main_venue.name_zh == "乌镇互联网国际会展中心"
    guests = edition.figures.get(key="guests_on_site")
    assert (guests.value, guests.qualifier) == (1500, "at_least")
    assert edition.figures.get(key="sub_forums").value == 20
    hosts = set(edition.organization_roles.filter(role="host").values_list("organization__name_zh", flat=True))
    assert hosts == {"中国国家互联网信息办公室", "浙江省人民政府"}


def test_seed_2017_agenda_row_with_room_and_board():
    session = Session.objects.select_related("hall__venue", "board").get(edition__year=2017, title_zh="人工智能:让生活更美好")
    assert session.start == datetime(2017, 12, 4, 8, 30, tzinfo=BEIJING)
    assert session.end == datetime(2017, 12, 4, 12, 0, tzinfo=BEIJING)
    assert (session.hall.name_zh, session.hall.room, session.hall.venue.name_zh) == ("枕水厅", "201", "乌镇互联网国际会展中心")
    assert (session.board.number, session.board.name_zh) == (2, "前沿技术")


def test_seed_2017_access_rules_and_coarse_times():
    banquet = Session.objects.get(edition__year=2017, kind="banquet")
    assert (banquet.access, banquet.hall.name_zh, banquet.hall.venue.name_zh) == ("by_invitation", "龙凤厅", "枕水酒店")
    # 002: 网络安全闭门会(应邀出席): closed-door and attended by invitation, both held (issue 21)
    closed = Session.objects.get(edition__year=2017, title_zh="网络安全闭门会")
    assert (closed.access, closed.closed_door, closed.access_rules) == ("invited_only", True, ["closed_door", "invited_only"])
    assert Session.objects.get(edition__year=2017, title_zh="网络空间国际规则:共识与前景").access == "invited_only"
    tree = Session.objects.get(edition__year=2017, kind="activity")
    assert (tree.date, tree.start, tree.end, tree.period) == (date(2017, 12, 4), None, None, "noon")


def test_seed_2017_noon_item_sorts_between_morning_and_afternoon():
    titles = list(Session.objects.filter(edition__year=2017, date=date(2017, 12, 4)).order_by("sort_key", "sort_order").values_list("title_zh", flat=True))
    noon = titles.index("“互联网纪念林”植树活动")
    assert noon == 9  # after the nine morning forums
    assert titles[noon + 1] == "前沿技术领域科学家高峰对话"  # and before the first afternoon one (13:30)


def test_seed_2020_main_forum_and_five_sub_forums():
    assert kinds(2020) == {"ceremony": 1, "main_forum": 1, "launch": 1, "sub_forum": 5}
    forums = set(Session.objects.filter(edition__year=2020, kind="sub_forum").values_list("title_zh", "date", "period"))
    assert forums == {
        ("网络空间国际规则论坛", date(2020, 11, 24), "morning"),
        ("“一带一路”互联网国际合作论坛", date(2020, 11, 24), "morning"),
        ("青年与数字未来论坛", date(2020, 11, 24), "morning"),
        ("工业互联网创新与突破论坛", date(2020, 11, 24), "morning"),
        ("人工智能论坛", date(2020, 11, 24), "morning"),
    }
    edition = Edition.objects.get(year=2020)
    assert edition.theme_zh == "数字赋能 共创未来——携手构建网络空间命运共同体"


def test_seed_2022_figures():
    edition = Edition.objects.get(year=2022)
    figures = {f.key: (f.value, f.qualifier) for f in edition.figures.all()}
    assert figures["countries_regions"] == (120, "at_least")
    assert figures["guests_total"] == (2100, "at_least")
    assert figures["sub_forums"] == (19, "exact")
    assert figures["cafe_talks"] == (12, "exact")
    assert figures["forum_participating_orgs"] == (70, "exact")
    assert edition.series_year == 9
    supporters = set(edition.organization_roles.filter(role="supporter").values_list("organization__name_zh", flat=True))
    assert supporters == {"联合国经济和社会事务部", "国际电信联盟", "世界知识产权组织", "全球移动通信系统协会"}


def test_seed_2024_has_all_24_sub_forums_with_hosts():
    forums = Session.objects.filter(edition__year=2024, kind="sub_forum")
    assert forums.count() == 24
    # The text names hosts for every forum but two.
    assert set(forums.filter(organization_roles__isnull=True).values_list("title_zh", flat=True)) == {
        "“中国—东盟信息港”论坛", "长三角一体化数字文明共建共享——数字长三角发展大会",
    }
    nextgen = forums.get(title_zh="下一代互联网论坛")
    roles = list(nextgen.organization_roles.order_by("sort_order").values_list("organization__name_zh", "role"))
    assert roles == [
        ("中关村实验室", "host"),
        ("清华大学", "host"),
        ("中国联合网络通信集团有限公司", "co_host"),
        ("华为技术有限公司", "co_host"),
        ("赛尔网络有限公司", "co_host"),
        ("新华三技术有限公司", "co_host"),
        ("全球固定网络创新联盟", "co_host"),
    ]
    assert nextgen.date == date(2024, 11, 21)
    assert nextgen.theme_zh == "创新驱动·安全赋能:共筑开放与安全的下一代互联网"


def test_seed_2024_attendance_and_board():
    forum = Session.objects.get(edition__year=2024, title_zh="人工智能赋能新质生产力发展论坛")
    assert (forum.attendance, forum.attendance_qualifier, forum.period) == (1200, "at_least", "morning")
    assert forum.board.name_zh == "人工智能板块"
    assert Session.objects.filter(edition__year=2024, board__key="ai").count() == 3
    youth = Session.objects.get(edition__year=2024, title_zh="青年与数字未来论坛")
    assert list(youth.organization_roles.values_list("organization__name_zh", "role")) == [
        ("世界互联网大会", "host"), ("中国人民大学", "co_host"), ("印度青年领袖联合会", "co_host"),
    ]


def test_seed_2024_edition_and_dated_items():
    edition = Edition.objects.get(year=2024)
    assert (edition.start_date, edition.end_date, edition.series_year) == (date(2024, 11, 19), date(2024, 11, 22), 11)
    assert edition.name_en == "2024 World Internet Conference Wuzhen Summit"
    figures = {f.key: (f.value, f.qualifier) for f in edition.figures.all()}
    assert figures["guests_on_site"] == (1800, "at_least")
    assert figures["countries_regions"] == (130, "at_least")
    assert figures["sub_forums"] == (24, "exact")
    assert figures["exhibitors"] == (665, "exact")
    assert figures["volunteers"] == (807, "exact")
    dated = dict(Session.objects.filter(edition__year=2024).exclude(kind="sub_forum").values_list("kind", "date").order_by("date"))
    assert dated["exhibition"] == date(2024, 11, 19)
    assert dated["main_forum"] == date(2024, 11, 20)
    assert dated["award_ceremony"] == date(2024, 11, 22)


def test_seed_every_record_names_its_source_text():
    sources = {"000_9e3508b993abd9e6.txt", "001_a35478c999586103.txt", "002_5cf7b1c102403489.txt", "003_a7811a11def97c06.txt", "004_4a3ee2d57cfa979a.txt"}
    historical = Session.objects.filter(edition__is_demo=False)
    for value in historical.values_list("source", flat=True).distinct():
        assert {part.strip() for part in value.split(",")} <= sources, value
    assert not EditionFigure.objects.filter(edition__is_demo=False, source="").exists()


def test_seed_twice_changes_nothing():
    before = snapshot()
    seed_past_editions()
    call_command("seed", stdout=open("/dev/null", "w"))
    assert snapshot() == before


def test_seed_refuses_a_file_with_a_dangling_reference():
    data = read_seed_file(2017)
    data["sessions"][0]["hall"] = "不存在的厅"
    with pytest.raises(DomainError) as error:
        check_seed_data(data, 2017)
    assert error.value.code == "seed_invalid"
    assert "unknown hall '不存在的厅'" in error.value.message


def test_seed_demo_creates_one_account_per_role_and_a_marked_future_edition():
    result = seed_demo(password="demo-pass-for-tests-1")
    edition = result["edition"]
    assert edition.is_demo is True
    assert edition.year > 2024
    assert "演示" in edition.name_zh
    users = get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    assert users.count() == 13
    organizer = users.get(username="organizer")
    assert organizer.is_staff and not organizer.is_superuser
    assert organizer.check_password("demo-pass-for-tests-1")
    assert set(Member.objects.filter(is_demo=True).values_list("tier", flat=True)) == {
        "council", "senior", "member", "individual", "associate", "nonprofit"
    }
    council = Member.objects.get(representatives__username="member-council")
    assert council.tier == "council"
    # Demo data never mixes with the history: the demo edition's sessions are all its own.
    assert not Session.objects.filter(edition__is_demo=False, source="demo").exists()
    assert Session.objects.filter(edition=edition, is_published=True).count() == 19  # 6 + the demo banquet + 12 expo launches
    # ...plus the accepted demo sub-forum application's session, waiting to be placed.
    assert Session.objects.filter(edition=edition, is_published=False, kind="sub_forum").count() == 1


def test_seed_demo_opens_a_gate_list_for_today_that_admits_the_demo_guests():
    import uuid

    import time_machine
    from django.contrib.auth.models import User

    from registration.checkin import checkin_scan
    from registration.models import CheckinList, Credential

    with time_machine.travel(datetime(2031, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        edition = seed_demo(password="demo-pass-for-tests-1")["edition"]
        seed_demo(password="demo-pass-for-tests-1")  # again: still one list for the day
        gate_lists = CheckinList.objects.filter(edition=edition, kind="gate").order_by("day")
        assert [(l.day.isoformat(), l.name_zh) for l in gate_lists] == [
            ("2031-03-05", "主入口 3月5日（演示，今天可试）"),
            *((f"{edition.year}-11-{d}", f"主入口 11月{d}日（演示）") for d in (16, 17, 18, 19)),
        ]
        staff = User.objects.get(username="gate")
        credential = Credential.objects.get(registration__edition=edition, registration__email="guest1@demo.wic-summit.example")
        today, first_day = gate_lists[0], gate_lists[1]

        def scan(checkin_list):
            return checkin_scan(checkin_list=checkin_list, secret=credential.secret, nonce=str(uuid.uuid4()), user=staff).result

        assert (scan(today), scan(today), scan(first_day)) == ("ok", "already_checked_in", "wrong_day")


def test_seed_demo_is_idempotent():
    seed_demo(password="demo-pass-for-tests-1")
    counts = (Edition.objects.count(), Session.objects.count(), Member.objects.count(), get_user_model().objects.count())
    seed_demo(password="demo-pass-for-tests-1")
    assert (Edition.objects.count(), Session.objects.count(), Member.objects.count(), get_user_model().objects.count()) == counts


@override_settings(DEMO_PASSWORD="")
def test_seed_demo_without_password_is_refused():
    with pytest.raises(DomainError) as error:
        seed_demo()
    assert error.value.code == "demo_password_missing"
    assert not get_user_model().objects.filter(username="organizer").exists()
