from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from volunteers.models import Assignment, Programme, Team, TrainingModule, Volunteer
from volunteers.roster import roster_violations
from volunteers.seeding import seed_programmes

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_2017_programme_carries_the_texts_figures():
    p = Programme.objects.get(edition__year=2017)
    assert (p.reported_applicants, p.reported_applicants_qualifier, p.interview_rounds, p.reported_accepted, p.reported_universities) == (10000, "at_least", 2, 1240, 15)
    assert (p.reported_region_zh, p.reported_languages, p.reported_languages_named, p.team_size_min, p.team_size_max) == ("浙江省", 10, ["de", "ko", "es", "ar"], 10, 20)
    assert (p.reported_standby, p.send_off_on, p.nickname_zh) == (None, None, "")  # the texts give no standby count nor a full send-off date
    assert list(TrainingModule.objects.filter(programme=p).values_list("kind", "name_zh", "starts_at", "place_zh")) == [
        ("general", "通识培训", None, ""), ("professional", "专业培训", None, ""), ("drill", "岗位演练", None, ""),
    ]
    assert p.source == "002_5cf7b1c102403489.txt, 004_4a3ee2d57cfa979a.txt"
    assert not p.volunteers.exists()  # no names are invented


def test_2024_programme_carries_the_texts_figures():
    p = Programme.objects.get(edition__year=2024)
    assert (p.nickname_zh, p.nickname_en, p.reported_accepted, p.reported_standby, p.reported_universities, p.reported_includes_local) == (
        "小梧桐", "Little Wutong", 807, 100, 16, True
    )
    assert (p.send_off_on.isoformat(), p.source, p.reported_applicants) == ("2024-11-13", "001_a35478c999586103.txt", None)
    assert not p.volunteers.exists() and not p.modules.exists()


def test_every_quoted_figure_is_in_its_source_text():
    """The quotes keep the texts' words (002 is in traditional characters; the quotes are simplified,
    as in wic/seed_data): the figures and dates they carry are found in the named files."""
    if not SEEDS.exists():
        pytest.skip("the seed texts are not next to the project")
    text_002 = (SEEDS / "002_5cf7b1c102403489.txt").read_text(encoding="utf-8")
    text_001 = (SEEDS / "001_a35478c999586103.txt").read_text(encoding="utf-8")
    for words in ("經過兩輪面試", "15所高校的1240名志願者", "十到二十人為一組", "德語、韓語、西班牙語、阿拉伯語等10個語種", "通識培訓、專業培訓及崗位演練"):
        assert words in text_002
    for words in ("从16所高校及桐乡本地选拔807名“小梧桐”,另备100名志愿者待命", "2024年11月13日,2024年世界互联网大会·乌镇峰会志愿者出征仪式"):
        assert words in text_001
        assert words in Programme.objects.get(edition__year=2024).quotes_zh


def test_seeding_is_idempotent():
    before = (Programme.objects.count(), TrainingModule.objects.count())
    seed_programmes()
    assert (Programme.objects.count(), TrainingModule.objects.count()) == before


def test_demo_programme_links_the_demo_accounts():
    from wic.demo import seed_demo

    edition = seed_demo(password="a-long-test-password-1")["edition"]
    p = Programme.objects.get(edition=edition)
    assert (p.is_demo, p.volunteers.filter(status="accepted").count(), p.volunteers.filter(status="standby").count()) == (True, 240, 30)
    assert not p.volunteers.exclude(name__startswith="Demo ").exists()
    me = Volunteer.objects.get(user__username="volunteer")
    team = Team.objects.get(leader__username="volunteer-lead")
    assert (me.programme_id, me.team_id, team.members.count()) == (p.pk, team.pk, 20)
    held = Assignment.objects.filter(volunteer=me, status="assigned", shift__post__name_zh="今日演示岗（签到试用）")
    assert held.count() == 3 and held.filter(checked_out_at__isnull=False).count() == 1
    assert roster_violations(p) == []
    seed_demo(password="a-long-test-password-1")  # again: same people, fresh "today" shifts
    assert (p.volunteers.count(), get_user_model().objects.filter(username="volunteer").count()) == (270, 1)
    assert Assignment.objects.filter(volunteer=me, status="assigned", shift__post__name_zh="今日演示岗（签到试用）").count() == 3


def test_past_programmes_have_no_plan_copied_from_the_reports():
    """Issue 21, point 5: "1240名志愿者被正式录用" and "另备100名志愿者待命" are results; the plan
    fields stay empty for the seeded past editions, the results stay reported figures."""
    from wic.models import EditionFigure

    plans = list(Programme.objects.filter(is_demo=False).order_by("edition__year").values_list("edition__year", "target_headcount", "standby_size"))
    assert plans == [(2017, None, None), (2024, None, None)]
    reported = list(Programme.objects.filter(is_demo=False).order_by("edition__year").values_list("reported_accepted", "reported_standby"))
    assert reported == [(1240, None), (807, 100)]
    figures = {(f.edition.year, f.key): (f.value, f.qualifier, f.quote_zh) for f in EditionFigure.objects.filter(key__in=("volunteers", "volunteer_standby")).select_related("edition")}
    assert figures == {
        (2017, "volunteers"): (1240, "exact", "来自浙江省15所高校的1240名志愿者被正式录用"),
        (2024, "volunteers"): (807, "exact", "选拔807名“小梧桐”"),
        (2024, "volunteer_standby"): (100, "exact", "另备100名志愿者待命"),
    }


def test_migration_clears_plans_that_copy_the_reports_and_keeps_others():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("volunteers.migrations.0002_clear_plan_copied_from_reports")
    p2017, p2024 = Programme.objects.get(edition__year=2017), Programme.objects.get(edition__year=2024)
    Programme.objects.filter(pk=p2017.pk).update(target_headcount=1240, standby_size=50)  # 50: an organizer's own plan
    Programme.objects.filter(pk=p2024.pk).update(target_headcount=807, standby_size=100)
    migration.clear_copied_plans(apps, None)
    assert list(Programme.objects.filter(is_demo=False).order_by("edition__year").values_list("target_headcount", "standby_size")) == [(None, 50), (None, None)]


def test_english_the_texts_do_not_give_is_marked_editorial():
    """Issue 21, point 7: the programmes' and modules' English names are the team's translations."""
    p2017, p2024 = Programme.objects.get(edition__year=2017), Programme.objects.get(edition__year=2024)
    assert (p2017.name_en, p2017.translation_provenance) == ("4th World Internet Conference volunteer service", {"name_en": "editorial"})
    assert (p2024.nickname_en, p2024.translation_provenance) == ("Little Wutong", {"name_en": "editorial", "nickname_en": "editorial"})
    assert {m.name_en: m.provenance_of("name_en") for m in p2017.modules.all()} == {
        "General training": "editorial", "Professional training": "editorial", "On-post drill": "editorial",
    }
