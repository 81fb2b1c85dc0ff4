"""Every seed file is checked against the seed texts (../shared/seeds/*.txt), one test per file
(`-k 2017.yaml`), and a failure lists every problem of the file, not only the first.

What is checked (wic.seed_provenance; the rules are SCHEMA.md's "Provenance of the seed files"):

- every record has a source: a record is a mapping that names something (`name_zh`, `title_zh`,
  `key`, `quote_zh`, `organization`) or carries `source:`; a top-level record names its own, a
  nested one (a venue's halls, a session's organizations and outcomes, a programme's categories and
  figures, ...) inherits the source of the record that holds it unless it names its own; every file
  name given is one of the seed texts;
- every `quote_zh` (and `*_quote_zh`, and each line of `quotes_zh`) is found verbatim in one of its
  record's source texts converted traditional -> simplified with OpenCC (`t2s`), after deleting every
  whitespace character (`str.split()`'s) from the quote and the text; nothing else is normalized.
  A quote in traditional characters fails ("store it simplified");
- every non-empty `*_en` value (and `abbreviation`) of a source-data file is found in its record's
  source texts (same normalization) or is marked editorial by the record's `editorial: [field, ...]`.
  The `editorial_*.yaml` files hold editorial English by definition (they may hold no quote nor
  source). A figure's `label_en` is a UI label (SCHEMA.md), not a fact: exempt.

The seed files are found by glob (`<app>/seed_data.yaml`, `<app>/seed_data/*.yaml`, less
wic/seed_data/sources.yaml, the citation table), so a new file is checked without touching this test.
"""
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from wic.seed_provenance import REPO_DIR, TEXTS_DIR, Problem, found_in, normalize, problems, seed_files, simplified

SEED_FILES = seed_files()


def test_the_seed_files_are_found_by_glob():
    names = [path.relative_to(REPO_DIR).as_posix() for path in SEED_FILES]
    assert {
        "wic/seed_data/2017.yaml", "wic/seed_data/2020.yaml", "wic/seed_data/2022.yaml", "wic/seed_data/2024.yaml",
        "wic/seed_data/editorial_en.yaml", "agenda/seed_data/editorial_en.yaml",
        "awards/seed_data.yaml", "expo/seed_data.yaml", "volunteers/seed_data.yaml",
    } <= set(names)
    assert "wic/seed_data/sources.yaml" not in names
    assert sorted(p.name for p in TEXTS_DIR.glob("*.txt")) == [
        "000_9e3508b993abd9e6.txt", "001_a35478c999586103.txt", "002_5cf7b1c102403489.txt", "003_a7811a11def97c06.txt", "004_4a3ee2d57cfa979a.txt",
    ], f"the seed texts are read from {TEXTS_DIR} (../shared/seeds beside the checkout)"


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.relative_to(REPO_DIR).as_posix() for p in SEED_FILES])
def test_every_record_of_the_seed_file_has_its_source_and_its_words(path):
    found = problems(path)
    assert not found, f"{len(found)} provenance problem(s) in {path.relative_to(REPO_DIR)}:\n" + "\n".join(f"  {p}" for p in found)


# -- the checker itself, on a file made for it ---------------------------------------------------

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_normalization_deletes_whitespace_only_and_the_conversion_is_t2s():
    assert normalize("15 項\n代表性　科技,成果\t") == "15項代表性科技,成果"
    assert simplified("從國內外近千項科技成果中評選出20項科技成果") == "从国内外近千项科技成果中评选出20项科技成果"
    # 002 is in traditional characters: its simplified words are found, its own are not (quotes are stored simplified)
    assert found_in("从国内外近千项科技成果\n中评选出20项科技成果", ["002_5cf7b1c102403489.txt"], quote=True)
    assert not found_in("從國內外近千項科技成果中評選出20項科技成果", ["002_5cf7b1c102403489.txt"], quote=True)
    assert not found_in("从国内外近千项科技成果，中评选出", ["002_5cf7b1c102403489.txt"], quote=True)  # punctuation is not normalized


def test_every_kind_of_problem_is_listed_with_its_path_field_and_value(tmp_path):
    path = write(tmp_path, "2099.yaml", """
edition: {name_zh: 第四届世界互联网大会, name_en: "2014 World Internet Conference", source: 002_5cf7b1c102403489.txt}
organizations:
  - {name_zh: 某机构, name_en: Some Body}
  - {name_zh: 另一机构, name_en: Another Body, editorial: [name_en], source: 004_4a3ee2d57cfa979a.txt}
  - {name_zh: 第三机构, source: "002_5cf7b1c102403489.txt, 999_missing.txt", editorial: [abbreviation]}
figures:
  - {key: selected, label_en: Achievements selected, quote_zh: 從國內外近千項科技成果中評選出20項科技成果, source: 002_5cf7b1c102403489.txt}
  - {key: invented, label_en: Invented, quote_zh: 一百万名嘉宾, source: 004_4a3ee2d57cfa979a.txt}
venues:
  - name_zh: 乌镇互联网国际会展中心
    source: 002_5cf7b1c102403489.txt
    halls:
      - {name_zh: 乌镇厅, name_en: Wuzhen Hall}
""")
    assert problems(path) == [
        Problem("organizations[0]{name_zh: 某机构}", "source", "", "record without a source (and none held by an enclosing record)"),
        Problem("organizations[0]{name_zh: 某机构}", "name_en", "Some Body", "English not in the source text(s) and not marked editorial"),
        Problem("organizations[2]{name_zh: 第三机构}", "source", "999_missing.txt", f"no seed text of that name in {TEXTS_DIR}"),
        Problem("organizations[2]{name_zh: 第三机构}", "editorial", "abbreviation", "names a field the record does not have"),
        Problem("figures[0]{key: selected}", "quote_zh", "從國內外近千項科技成果中評選出20項科技成果", "in traditional characters: store it simplified"),
        Problem("figures[1]{key: invented}", "quote_zh", "一百万名嘉宾", "not found verbatim in 004_4a3ee2d57cfa979a.txt"),
        Problem("venues[0]{name_zh: 乌镇互联网国际会展中心}.halls[0]{name_zh: 乌镇厅}", "name_en", "Wuzhen Hall", "English not in the source text(s) and not marked editorial"),
    ]  # the edition's name_en is 002's own words (外文名, "2014 World Internet Conference"); figure labels are UI text


def test_a_quotes_zh_line_may_end_with_a_note_naming_its_text_and_editorial_files_hold_no_quotes(tmp_path):
    path = write(tmp_path, "seed_data.yaml", """
- name_zh: 志愿服务
  source: 002_5cf7b1c102403489.txt, 004_4a3ee2d57cfa979a.txt
  quotes_zh: |-
    经过两轮面试
    目前有1000余名志愿者已全部到位,将为与会嘉宾提供细致周到的服务。(004)
    志愿者一百万名(004,未写明)
    1000余名志愿者已全部到位(002)
""")
    assert [(p.field, p.value, p.message) for p in problems(path)] == [
        ("quotes_zh", "志愿者一百万名", "not found verbatim in 004_4a3ee2d57cfa979a.txt"),
        ("quotes_zh", "1000余名志愿者已全部到位", "not found verbatim in 002_5cf7b1c102403489.txt"),  # the note names the text searched
    ]
    editorial = write(tmp_path, "editorial_en.yaml", "organizations:\n  某机构: {name_en: Some Body, quote_zh: 某}\n")
    assert [(p.path, p.field, p.message) for p in problems(editorial)] == [
        ("organizations.某机构", "quote_zh", "an editorial file holds no quotes nor sources"),
    ]


# -- the seed loads every file, and loading twice changes nothing in any app -----------------------

def every_seeded_row():
    """Every row of every model of the project's apps (auth, sessions, audit log aside), by model."""
    project_apps = {"wic", "agenda", "forums", "registration", "awards", "volunteers", "expo"}
    rows = {}
    for content_type in ContentType.objects.filter(app_label__in=project_apps).order_by("app_label", "model"):
        model = content_type.model_class()
        if model is not None and not model._meta.proxy:
            rows[content_type.app_label + "." + content_type.model] = list(model.objects.order_by("pk").values_list())
    return rows


@pytest.mark.django_db
def test_seeding_again_changes_no_row_of_any_app():
    """tests/wic/test_seed.py compares the core's and the agenda's tables, tests/{awards,expo,volunteers}
    their own; this compares every table of every app at once, so a table a new seeded record lands
    in (a new model of any app) is covered without being named."""
    before = every_seeded_row()
    assert sum(len(r) for r in before.values()) > 500  # the past editions are seeded (tests/conftest.py)
    call_command("seed", stdout=open("/dev/null", "w"))
    assert every_seeded_row() == before
