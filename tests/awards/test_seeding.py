from datetime import date, datetime
from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from awards.models import AwardCategory, AwardProgramme, ProgrammeFigure, RecommendationQuota
from awards.seeding import read_seed_file, seed_award_programmes
from tests.awards.conftest import BEIJING
from wic.errors import DomainError

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def figures_quotes(year, key):
    return dict(ProgrammeFigure.objects.filter(programme__edition__year=year, programme__key=key).values_list("key", "quote_zh"))


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
    # Found verbatim in the text as written or converted traditional -> simplified (002, 003).
    from wic.seed_provenance import found_in

    data = read_seed_file()
    checked = 0
    for p in data["programmes"]:
        names = [p["source"]]
        for figure in p.get("figures") or []:
            assert found_in(figure["quote_zh"], names), (p["year"], p["key"], figure["key"])
            checked += 1
        for line in (p.get("quotes_zh") or "").splitlines():
            assert found_in(line, names), (p["year"], p["key"], line)
            checked += 1
        if p.get("description_zh"):
            assert found_in(p["description_zh"], names), (p["year"], p["key"])
        for category in p.get("categories") or []:
            assert found_in(category["name_zh"], names), category["name_zh"]
    # 31 figures' quotes (30 + the 2024 cross-border call's "五个领域") and 9 quoted lines of the three
    # programmes issue 21 added (2020 competition 4, cross-border call 2, practice call 3).
    assert checked == 40


def test_quotes_are_stored_simplified(db):
    """Issue 21, point 7: the six quotes taken from 002 and 003 (traditional script) are stored
    converted character by character, nothing else changed."""
    assert figures_quotes(2022, "leading-technology") == {"selected": "“世界互联网领先科技成果”发布评选出来自高通、华为、北京大学等企业和机构的15 项代表性科技成果"}
    assert figures_quotes(2022, "straight-to-wuzhen") == {
        "tracks": "围绕数字医疗、数字“双碳”、人工智能、工业互联网、网联汽车、网络安全、数字共富7 个赛道",
        "entries": "吸引来自24 个国家的1100 多个项目参赛",
        "entry-countries": "吸引来自24 个国家的1100 多个项目参赛",
    }
    assert figures_quotes(2017, "leading-technology") == {
        "candidates": "从国内外近千项科技成果中评选出20项科技成果", "selected": "从国内外近千项科技成果中评选出20项科技成果",
    }


def test_english_the_texts_do_not_give_is_marked_editorial(db):
    """Issue 21, point 7: every seeded English name, description, format of a programme and every
    category's English name is an editorial translation (the texts give none), marked as such."""
    programmes = AwardProgramme.objects.filter(edition__is_demo=False, is_demo=False)
    assert programmes.count() == 11
    for p in programmes:
        filled = {f for f in ("name_en", "description_en", "format_en") if getattr(p, f)}
        assert p.translation_provenance == dict.fromkeys(filled, "editorial"), (p.edition.year, p.key)
    categories = AwardCategory.objects.filter(programme__in=programmes)
    assert categories.count() == 31
    assert all(c.translation_provenance == {"name_en": "editorial"} for c in categories)
    p = AwardProgramme.objects.get(edition__year=2024, key="outstanding-contribution")
    assert (p.name_en, p.provenance_of("name_en"), p.provenance_of("name_zh")) == (
        "World Internet Conference Outstanding Contribution Award", "editorial", "source",
    )


def _snapshot():
    rows = []
    for model in (AwardProgramme, AwardCategory, ProgrammeFigure, RecommendationQuota):
        rows.append([model_to_dict(obj) | {"pk": obj.pk} for obj in model.objects.order_by("pk")])
    return rows


def test_competition_2020_as_000_states_it(db):
    """Issue 21, point 8: the 2020 "直通乌镇" competition with what 000 states, and nothing more (no
    dates, no figures, no results: the text gives none)."""
    p = AwardProgramme.objects.get(edition__year=2020, key="straight-to-wuzhen")
    assert (p.name_zh, p.kind, p.ordinal, p.format_zh, p.format_en) == ("“直通乌镇”全球互联网大赛", "competition", 2, "“线上+线下”", "Online and offline")
    assert (p.opens_at, p.closes_at, p.results_released_at) == (None, None, None)
    assert [(c.key, c.name_zh, c.special) for c in p.categories.all()] == [
        ("regional-rounds", "分站赛", False), ("digital-anti-epidemic", "“数字抗疫”专题赛", True),
    ]
    assert (p.figures.count(), p.quotas.count(), p.nominations.count()) == (0, 0, 0)
    assert p.quote_zh.splitlines() == [
        "在去年首届大赛的基础上",
        "结合“一带一路”、粤港澳大湾区建设等国家战略设置分站赛",
        "针对今年的新冠肺炎疫情特别设置了“数字抗疫”专题赛",
        "大赛综合采用“线上+线下”的模式",
    ]
    assert p.description_zh.startswith("“直通乌镇”全球互联网大赛作为世界互联网大会重要板块之一，是一个聚焦数字经济，贯穿全年的国际性赛事。")
    assert p.translation_provenance == {"name_en": "editorial", "description_en": "editorial", "format_en": "editorial"}
    assert p.source == "000_9e3508b993abd9e6.txt"


def test_case_collection_calls_2024(db):
    """Issue 21, point 11: the two 2024 case calls, of kind case_collection; an opening given as a
    month is stored as that month (precision "month", shown "2024-03"), not as an invented day."""
    cross = AwardProgramme.objects.get(edition__year=2024, key="cross-border-e-commerce-cases")
    assert (cross.name_zh, cross.kind) == ("2024年世界互联网大会跨境电商案例征集", "case_collection")
    assert (cross.opens_at, cross.opens_precision, cross.opens_shown) == (datetime(2024, 1, 19, 0, 0, tzinfo=BEIJING), "day", "2024-01-19")
    assert (cross.closes_at, cross.results_released_at) == (None, None)
    assert [c.name_zh for c in cross.categories.all()] == [
        "促进贸易便利化的措施", "跨境电商治理及规则创新", "跨境电商平台创新性发展", "商品或服务创新", "跨境电商主体的社会贡献",
    ]
    assert figures(2024, "cross-border-e-commerce-cases") == {"domains": (5, "exact")}
    assert cross.description_zh.endswith("五个领域之一。案例实施或部署的时间应在2021年之后。")
    assert cross.quote_zh.splitlines() == ["2024年1月19日,世界互联网大会官网发布《2024年世界互联网大会跨境电商案例征集通知》", "案例实施或部署的时间应在2021年之后"]

    practice = AwardProgramme.objects.get(edition__year=2024, key="practice-cases")
    assert (practice.name_zh, practice.kind) == ("2024年“携手构建网络空间命运共同体”实践案例征集", "case_collection")
    assert (practice.opens_at, practice.opens_precision, practice.opens_shown) == (datetime(2024, 3, 1, 0, 0, tzinfo=BEIJING), "month", "2024-03")
    assert (practice.closes_at, practice.closes_time_stated, practice.last_day) == (datetime(2024, 6, 21, 0, 0, tzinfo=BEIJING), False, date(2024, 6, 20))
    assert practice.results_released and practice.categories.count() == 0 and practice.figures.count() == 0
    assert practice.description_zh == "精品案例发布人获邀作为正式嘉宾参加2024年世界互联网大会·乌镇峰会,与全球各国政府、互联网领军企业高级别参会代表和专家学者深入交流。"
    # the opening of a day-only text keeps precision "day"; a stated time keeps "time"
    assert AwardProgramme.objects.get(edition__year=2024, key="outstanding-contribution").opens_precision == "day"


def test_an_unreadable_opening_is_refused(db):
    data = read_seed_file()
    data["programmes"][0]["opens_at"] = "March 2024"
    data["programmes"][0]["editorial"] = ["name_fr"]
    with pytest.raises(DomainError) as caught:
        seed_award_programmes(data)
    assert caught.value.code == "seed_invalid"
    assert caught.value.message == (
        "awards/seed_data.yaml: programme 2024/outstanding-contribution: editorial names 'name_fr', not one of name_en, description_en, format_en; "
        "programme 2024/outstanding-contribution: opens_at 'March 2024' is not YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM"
    )


def test_seeding_twice_changes_nothing(db):
    before = _snapshot()
    report = seed_award_programmes()
    # issue 21 added three programmes (2020 competition, the two 2024 case calls) and one figure
    assert (report.programmes, report.figures, report.quotas) == (11, 31, 6)
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
