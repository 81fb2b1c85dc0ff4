from datetime import date, datetime
from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from awards.models import AwardCategory, AwardProgramme, ProgrammeFigure, RecommendationQuota
from awards.seeding import read_seed_file, seed_award_programmes
from tests.awards.conftest import BEIJING
from wic.errors import DomainError

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def figures(year, key):
    programme = AwardProgramme.objects.get(edition__year=year, key=key)
    return {f.key: (f.value, f.qualifier) for f in programme.figures.all()}


def test_outstanding_contribution_award_2024_rules(db):
    p = AwardProgramme.objects.get(edition__year=2024, key="outstanding-contribution")
    assert (p.name_zh, p.kind, p.directions) == ("世界互联网大会杰出贡献奖", "award", ["enterprise", "individual"])
    assert p.opens_at == datetime(2024, 9, 11, 0, 0, tzinfo=BEIJING)
    assert (p.closes_at, p.closes_time_stated) == (datetime(2024, 10, 10, 17, 0, tzinfo=BEIJING), True)
    assert (p.max_categories, p.requires_endorsement, p.min_further_conditions, p.non_members_need_recommendation) == (2, True, 1, True)
    assert {q.tier: q.quota for q in p.quotas.all()} == {"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1}
    assert [(c.name_zh, c.direction) for c in p.categories.all()] == [("社会贡献类", "enterprise"), ("创新突破类", "enterprise"), ("成长潜力类", "enterprise")]
    assert p.further_conditions.count() == 0  # the text says they exist, not what they are
    assert figures(2024, "outstanding-contribution") == {"winning-individuals": (7, "exact"), "winning-enterprises": (14, "exact"), "enterprise-categories": (3, "exact")}
    assert p.results_released and p.nominations.count() == 0  # counts without names stay counts
    assert p.source == "001_a35478c999586103.txt"


def test_leading_technology_award_2024(db):
    p = AwardProgramme.objects.get(edition__year=2024, key="leading-technology")
    assert [c.name_zh for c in p.categories.all()] == ["基础研究", "关键技术", "工程研发"]
    # "截止至北京时间2024年6月20日": the whole of the 20th, to the midnight after it.
    assert (p.closes_at, p.closes_time_stated, p.last_day) == (datetime(2024, 6, 21, 0, 0, tzinfo=BEIJING), False, date(2024, 6, 20))
    assert figures(2024, "leading-technology") == {"submissions": (270, "exact"), "submission-countries": (24, "exact"), "submission-types": (3, "exact")}


def test_global_youth_leaders_2024(db):
    p = AwardProgramme.objects.get(edition__year=2024, key="global-youth-leaders")
    assert (p.closes_at, p.closes_time_stated, p.directions) == (datetime(2024, 6, 26, 17, 0, tzinfo=BEIJING), True, ["individual"])
    assert figures(2024, "global-youth-leaders") == {
        "applicant-countries": (61, "exact"), "applicant-continents": (6, "exact"), "selected": (18, "exact"), "selected-countries": (17, "exact"),
    }


def test_leading_technology_2020_2017_2022(db):
    p2020 = AwardProgramme.objects.get(edition__year=2020, key="leading-technology")
    assert [c.name_zh for c in p2020.categories.all()] == ["理论基础", "技术", "产品", "商业模式", "综合"]
    assert figures(2020, "leading-technology") == {
        "submissions": (300, "at_least"), "categories": (5, "exact"), "application-areas": (5, "exact"), "experts": (40, "nearly"), "recommended": (15, "about"),
    }
    assert figures(2017, "leading-technology") == {"candidates": (1000, "nearly"), "selected": (20, "exact")}
    assert figures(2022, "leading-technology") == {"selected": (15, "exact")}


def test_competitions_2024_and_2022(db):
    p2024 = AwardProgramme.objects.get(edition__year=2024, key="straight-to-wuzhen")
    assert [(c.name_zh, c.special) for c in p2024.categories.all()] == [
        ("智能网联汽车", False), ("数字医疗", False), ("工业互联网", False), ("智能物联", False), ("数字文化", False), ("AI+创新应用特色赛", True),
    ]
    assert figures(2024, "straight-to-wuzhen") == {
        "tracks": (5, "exact"), "special-contests": (1, "exact"), "entries": (1048, "exact"), "entry-countries": (27, "exact"), "finalists": (72, "exact"),
        "special-prizes": (6, "exact"), "first-prizes": (6, "exact"), "second-prizes": (18, "exact"), "third-prizes": (29, "exact"),
    }
    assert AwardProgramme.objects.get(edition__year=2022, key="straight-to-wuzhen").categories.count() == 7
    assert figures(2022, "straight-to-wuzhen") == {"tracks": (7, "exact"), "entries": (1100, "at_least"), "entry-countries": (24, "exact")}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not next to the project")
def test_every_quote_and_description_is_in_its_source_text():
    texts = {path.name: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    data = read_seed_file()
    checked = 0
    for p in data["programmes"]:
        text = texts[p["source"]]
        for figure in p.get("figures") or []:
            assert figure["quote_zh"] in text, (p["year"], p["key"], figure["key"])
            checked += 1
        if p.get("description_zh"):
            assert p["description_zh"] in text, (p["year"], p["key"])
        if p["source"] != "003_a7811a11def97c06.txt" and p["source"] != "002_5cf7b1c102403489.txt":  # those are in traditional script
            for category in p.get("categories") or []:
                assert category["name_zh"] in text, category["name_zh"]
    assert checked == 30


def _snapshot():
    rows = []
    for model in (AwardProgramme, AwardCategory, ProgrammeFigure, RecommendationQuota):
        rows.append([model_to_dict(obj) | {"pk": obj.pk} for obj in model.objects.order_by("pk")])
    return rows


def test_seeding_twice_changes_nothing(db):
    before = _snapshot()
    report = seed_award_programmes()
    assert (report.programmes, report.figures, report.quotas) == (8, 30, 6)
    assert _snapshot() == before


def test_a_bad_file_changes_nothing(db):
    data = read_seed_file()
    data["programmes"][0]["figures"][0]["qualifier"] = "roughly"
    data["programmes"][1]["year"] = 1999
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        seed_award_programmes(data)
    assert caught.value.code == "seed_invalid"
    assert "no edition 1999" in caught.value.message and "unknown qualifier 'roughly'" in caught.value.message
    assert _snapshot() == before
