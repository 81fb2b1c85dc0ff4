import pytest

from expo.models import Exhibit, Exhibitor, Expo, Section, Zone
from expo.seeding import check_seed_data, read_seed_file, seed_expo
from wic.errors import DomainError
from wic.models import Edition

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "expos": sorted(Expo.objects.filter(edition__is_demo=False).values_list("edition__year", "name_zh", "opens_on", "online_zh", "summary_zh", "source")),
        "zones": sorted(Zone.objects.filter(edition__is_demo=False).values_list("edition__year", "key", "name_zh", "kind", "source")),
        "sections": sorted(Section.objects.values_list("edition__year", "number", "name_zh", "source")),
        "exhibitors": sorted(Exhibitor.objects.filter(is_demo=False).values_list("edition__year", "organization__name_zh", "country", "status", "quote_zh", "source", "updated")),
        "exhibits": sorted(Exhibit.objects.values_list("edition__year", "name_zh", "exhibitor__organization__name_zh", "quote_zh", "source"), key=str),
    }


def test_seed_names_what_the_texts_name():
    names_2017 = sorted(Exhibitor.objects.filter(edition__year=2017).values_list("organization__name_zh", flat=True))
    assert names_2017 == sorted(["阿里巴巴集团", "百度", "华为技术有限公司", "SAP", "卡巴斯基实验室", "科大讯飞", "中电科技"])
    assert list(Exhibitor.objects.filter(edition__year=2017, country="DE").values_list("organization__name_zh", flat=True)) == ["SAP"]
    assert Exhibitor.objects.filter(edition__year=2017).exclude(country="").count() == 1  # only 德国SAP states a country
    assert not Exhibitor.objects.filter(edition__year__in=[2020, 2022, 2024]).exists()  # those texts name no exhibitor
    exhibits = dict(Exhibit.objects.filter(edition__year=2017).values_list("name_zh", "exhibitor__organization__name_zh"))
    assert exhibits == {
        "晓译翻译机": "科大讯飞", "阿里无人超市": "阿里巴巴集团", "智慧路灯杆": "中电科技", "远传智能机器人": None,
        "量子通信成果展示": None, "大会APP": None, "会垃圾捡识的机器人": None,
    }
    assert list(Section.objects.filter(edition__year=2024).values_list("number", "name_zh")) == [
        (1, "展览展示"), (2, "新产品新技术发布"), (3, "产业人才引智"), (4, "产业合作对接"), (5, "“新光”系列推介"),
    ]
    assert list(Zone.objects.filter(edition__year=2024).values_list("name_zh", "kind")) == [
        ("“看世界 智科技”特色展区", "feature"), ("“新灵感 新势力 新动能”特色展区", "feature"),
    ]
    assert list(Zone.objects.filter(edition__year=2020).values_list("name_zh", "kind")) == [("发展理念区", "development_ideas"), ("主题展区", "theme")]
    assert str(Expo.objects.get(edition__year=2024).opens_on) == "2024-11-19"
    assert str(Expo.objects.get(edition__year=2017).opens_on) == "2017-12-02"
    assert all(e.source for e in Exhibitor.objects.filter(is_demo=False))


def test_seeded_quotes_are_in_their_source_texts():
    """Every quote of an exhibitor or exhibit is found verbatim in a source text it names
    (traditional texts compared after conversion is not attempted: the 2017 quotes are from 004)."""
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed texts are not next to the project")
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")}
    for record in [*Exhibitor.objects.filter(is_demo=False), *Exhibit.objects.all()]:
        if record.quote_zh:
            sources = [s.strip() for s in record.source.split(",")]
            assert any(record.quote_zh in texts[s] for s in sources), (record, record.quote_zh)


def test_seeding_twice_changes_nothing():
    before = snapshot()
    seed_expo()
    assert snapshot() == before


def test_seed_does_not_rewrite_existing_organizations():
    from wic.models import Organization

    alibaba = Organization.objects.get(name_zh="阿里巴巴集团")
    kind, country, name_en = alibaba.kind, alibaba.country, alibaba.name_en
    seed_expo()
    alibaba.refresh_from_db()
    assert (alibaba.kind, alibaba.country, alibaba.name_en) == (kind, country, name_en)


def test_seed_file_with_a_bad_reference_is_refused_whole():
    data = read_seed_file()
    data[2017]["exhibits"].append({"name_zh": "不存在", "exhibitor": "无名公司", "source": "x"})
    editions = {e.year: e for e in Edition.objects.filter(year__in=list(data))}
    with pytest.raises(DomainError) as info:
        check_seed_data(data, editions)
    assert info.value.code == "seed_invalid"
    assert "无名公司" in info.value.message
