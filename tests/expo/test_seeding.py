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
        "exhibits": sorted(Exhibit.objects.values_list("edition__year", "name_zh", "kind", "exhibitor__organization__name_zh", "quote_zh", "source"), key=str),
    }


def test_seed_names_what_the_texts_name():
    # Issue 21, point 2: no text names an exhibitor of the expo. 004's companies "亮相一批最新尖端成果"
    # during the summit (002 ties those words to the 领先科技成果发布活动), so none is an exhibitor.
    assert not Exhibitor.objects.filter(is_demo=False, edition__is_demo=False).exists()
    # The 2017 projects are smart-service projects of the venue (002: 会务服务), in the text's words.
    exhibits = list(Exhibit.objects.filter(edition__year=2017).values_list("name_zh", "kind", "exhibitor", "quote_zh", "source"))
    kit = "包括科大讯飞晓译翻译机、阿里无人超市、中电科技智慧路灯杆还有大会的APP以及会垃圾捡识的机器人,这些都会在大会上亮相"
    intro = "我们还将引入阿里无人超市、晓译翻译机、远传智能机器人、量子通信成果展示等数十项智慧化体验项目"
    assert exhibits == [
        ("科大讯飞晓译翻译机", "smart_service", None, kit, "004_4a3ee2d57cfa979a.txt"),
        ("阿里无人超市", "smart_service", None, "阿里无人超市等26项智慧化项目基本落地", "002_5cf7b1c102403489.txt, 004_4a3ee2d57cfa979a.txt"),
        ("中电科技智慧路灯杆", "smart_service", None, kit, "004_4a3ee2d57cfa979a.txt"),
        ("远传智能机器人", "smart_service", None, intro, "004_4a3ee2d57cfa979a.txt"),
        ("量子通信成果展示", "smart_service", None, intro, "004_4a3ee2d57cfa979a.txt"),
        ("大会的APP", "smart_service", None, kit, "004_4a3ee2d57cfa979a.txt"),
        ("会垃圾捡识的机器人", "smart_service", None, "以及会垃圾捡识的机器人,这些都会在大会上亮相", "004_4a3ee2d57cfa979a.txt"),
    ]
    assert not Exhibit.objects.filter(edition__year__in=[2020, 2022, 2024]).exists()
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
    """Every quote of an exhibitor or exhibit is found verbatim in a source text it names (a
    traditional text after conversion to simplified: wic.seed_provenance.found_in)."""
    from wic.seed_provenance import TEXTS_DIR, found_in, source_names

    if not TEXTS_DIR.is_dir():
        pytest.skip("the seed texts are not next to the project")
    checked = 0
    for record in [*Exhibitor.objects.filter(is_demo=False), *Exhibit.objects.all()]:
        if record.quote_zh:
            assert found_in(record.quote_zh, source_names(record.source)), (record, record.quote_zh)
            checked += 1
    assert checked == 7


def test_seeding_twice_changes_nothing():
    before = snapshot()
    seed_expo()
    assert snapshot() == before


def test_seed_does_not_rewrite_existing_organizations():
    from wic.models import Organization

    alibaba = Organization.objects.get(name_zh="阿里巴巴集团")  # seeded by the 2024 edition file
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


def test_reseed_removes_the_records_an_older_file_seeded():
    """A database seeded from the older file (issue 21: 2017's seven "exhibitors" and the exhibit
    "晓译翻译机" with its exhibitor) keeps none of them after a reseed; demo and applied exhibitors stay."""
    from expo import services

    edition = Edition.objects.get(year=2017)
    baidu = services.organization_named(name_zh="百度", source="004_4a3ee2d57cfa979a.txt")
    old = services.exhibitor_record_upsert(edition=edition, organization=baidu, quote_zh="百度", source="004_4a3ee2d57cfa979a.txt")
    services.exhibit_upsert(edition=edition, name_zh="晓译翻译机", exhibitor=old, quote_zh="晓译翻译机", source="004_4a3ee2d57cfa979a.txt")
    applied = Exhibitor.objects.create(edition=edition, organization=baidu.__class__.objects.create(name_zh="申请参展的公司"))  # no source: an application
    seed_expo(years=[2017])
    assert not Exhibitor.objects.filter(pk=old.pk).exists()
    assert not Exhibit.objects.filter(edition=edition, name_zh="晓译翻译机").exists()
    assert Exhibitor.objects.filter(pk=applied.pk).exists()
    assert Exhibit.objects.filter(edition=edition).count() == 7


def test_a_smart_service_project_has_no_exhibitor():
    data = read_seed_file()
    data[2017]["exhibitors"] = [{"organization": "中电科技", "source": "004_4a3ee2d57cfa979a.txt"}]
    data[2017]["exhibits"][2]["exhibitor"] = "中电科技"
    data[2017]["exhibits"][3]["kind"] = "gadget"
    editions = {e.year: e for e in Edition.objects.filter(year__in=list(data))}
    with pytest.raises(DomainError) as info:
        check_seed_data(data, editions)
    assert info.value.code == "seed_invalid"
    assert info.value.message == (
        "expo/seed_data.yaml: 2017: exhibit '中电科技智慧路灯杆' is a smart-service project of the venue: it has no exhibitor; "
        "2017: exhibit '远传智能机器人' has unknown kind 'gadget'"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_2017_expo_page_lists_no_exhibitor_in_both_languages(client, language):
    """Issue 21, point 2: the 2017 expo page renders in both languages and names no exhibitor."""
    response = client.get("/editions/2017/expo/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("百度", "卡巴斯基实验室", "SAP", "科大讯飞", "中电科技"):
        assert name not in page
    assert ("No exhibitor is listed for this edition yet." in page) == (language == "en")
