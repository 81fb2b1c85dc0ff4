"""Editorial English names (issue 20, point 1): the seed applies wic/seed_data/editorial_en.yaml and
agenda/seed_data/editorial_en.yaml only where the texts give no English, marks what it applied as
"editorial", stays idempotent; and UI strings follow the page's language."""
import json

import pytest
import yaml
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import translation

from agenda.models import Board, Hall, Session, Venue
from agenda.seeding import EDITORIAL_FILE as AGENDA_EDITORIAL_FILE
from wic.i18n import mark_provenance, with_editorial
from wic.models import Edition, Organization
from wic.seeding import EDITORIAL_FILE, SEED_YEARS, read_seed_file, seed_past_editions

pytestmark = pytest.mark.django_db


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def seed_files():
    return {year: read_seed_file(year) for year in SEED_YEARS}


def test_every_editorial_entry_names_a_record_of_the_seed():
    files = seed_files()
    core, agenda = load(EDITORIAL_FILE), load(AGENDA_EDITORIAL_FILE)
    orgs = {o["name_zh"] for data in files.values() for o in data.get("organizations") or []}
    assert set(core["organizations"]) - orgs == set()
    assert set(core["editions"]) <= set(SEED_YEARS)
    assert all(set(fields) <= {"name_en", "theme_en", "location_en"} for fields in core["editions"].values())
    assert all(set(fields) <= {"name_en", "abbreviation"} for fields in core["organizations"].values())
    venues = {}
    for data in files.values():
        for v in data.get("venues") or []:
            venues.setdefault(v["name_zh"], set()).update(h["name_zh"] for h in v.get("halls") or [])
    assert set(agenda["venues"]) == set(venues)  # every venue has an English name
    for name, entry in agenda["venues"].items():
        assert entry["name_en"]
        assert set(entry["halls"]) == venues[name]  # every hall too
    boards = {(year, b["key"]) for year, data in files.items() for b in data.get("boards") or []}
    assert {(year, key) for year, by_key in agenda["boards"].items() for key in by_key} == boards


def test_seeded_places_and_boards_all_have_english_marked_editorial():
    for model in (Venue, Hall, Board):
        rows = list(model.objects.filter(**({"edition__is_demo": False} if model is Board else {"name_zh__in": _seeded_place_names(model)})))
        assert rows
        assert [r.name_zh for r in rows if not r.name_en] == []
        assert {r.provenance_of("name_en") for r in rows} == {"editorial"}
    hall = Hall.objects.get(venue__name_zh="乌镇互联网国际会展中心", name_zh="乌镇厅")
    assert (hall.name_en, hall.translation_provenance) == ("Wuzhen Hall", {"name_en": "editorial"})
    venue = hall.venue
    assert venue.name_en == "Wuzhen Internet International Convention and Exhibition Center"


def _seeded_place_names(model):
    names = set()
    for data in seed_files().values():
        for v in data.get("venues") or []:
            names.add(v["name_zh"]) if model is Venue else names.update(h["name_zh"] for h in v.get("halls") or [])
    return names


def test_organizations_get_official_english_names_as_editorial():
    itu = Organization.objects.get(name_zh="国际电信联盟")
    assert (itu.name_en, itu.abbreviation) == ("International Telecommunication Union", "ITU")
    assert itu.translation_provenance == {"name_en": "editorial", "abbreviation": "editorial"}
    assert Organization.objects.get(name_zh="阿里巴巴集团").name_en == "Alibaba Group"
    assert Organization.objects.get(name_zh="世界知识产权组织").abbreviation == "WIPO"
    # an abbreviation the text gives stays the source's, unmarked
    cncert = Organization.objects.get(name_zh="国家计算机网络应急技术处理协调中心")
    assert cncert.abbreviation == "CNCERT/CC"
    assert cncert.provenance_of("abbreviation") == "source"
    assert cncert.provenance_of("name_en") == "editorial"


def test_a_value_the_text_gives_is_never_overwritten():
    edition = Edition.objects.get(year=2024)
    assert edition.name_en == "2024 World Internet Conference Wuzhen Summit"  # the text's own English
    assert edition.provenance_of("name_en") == "source"
    assert edition.provenance_of("theme_en") == "editorial"
    assert edition.location_en == "Wuzhen, Zhejiang"
    assert with_editorial({"name_en": "Given"}, {"name_en": "Editorial"}) == ({"name_en": "Given"}, set())
    assert with_editorial({"name_en": ""}, {"name_en": " Editorial "}) == ({"name_en": "Editorial"}, {"name_en"})
    assert with_editorial({"name_en": ""}, {"other_en": "x"}) == ({"name_en": ""}, set())
    assert with_editorial({"name_en": ""}, None) == ({"name_en": ""}, set())


def test_mark_provenance_saves_only_changes(django_assert_num_queries):
    hall = Hall.objects.get(venue__name_zh="乌镇互联网国际会展中心", name_zh="乌镇厅")
    with django_assert_num_queries(0):
        assert mark_provenance(hall, {"name_en": "Wuzhen Hall"}, {"name_en"}) is False
    assert mark_provenance(hall, {"name_en": "Wuzhen Hall"}, set()) is True
    hall.refresh_from_db()
    assert hall.translation_provenance == {}
    assert hall.provenance_of("name_en") == "source"


def snapshot():
    rows = []
    for model in (Edition, Organization, Venue, Hall, Board, Session):
        for obj in model.objects.order_by("pk"):
            rows.append((
                model.__name__, obj.pk, getattr(obj, "name_en", getattr(obj, "title_en", None)),
                getattr(obj, "theme_en", None), getattr(obj, "abbreviation", None),
                json.dumps(obj.translation_provenance, sort_keys=True), getattr(obj, "search_text", None),
            ))
    return rows


def test_seeding_again_changes_nothing():
    before = snapshot()
    seed_past_editions()
    after = snapshot()
    assert after == before


def test_award_form_country_names_follow_the_language():
    from awards.forms import country_choices

    with translation.override("en"):
        assert ("CN", "China") in country_choices()
        assert country_choices()[0] == ("", "—")
    with translation.override("zh-hans"):
        assert ("CN", "中国") in country_choices()


def test_blank_choice_is_translated():
    # Django 6's "- Select an option -" is missing from Django's own zh_Hans catalog: the project's has it
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
