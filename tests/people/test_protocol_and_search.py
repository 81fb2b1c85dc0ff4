"""Issue 22: a session lists its people role by role in protocol order, then by precedence, then by
their order; the directory's search finds a person by Chinese, English, pinyin (full, spaced) and
initials, every word of the query ANDed."""
import pytest

from people.enums import ROLE_ORDER, Role
from people.models import Person
from people.search import person_search_q, person_search_text, person_sort_name
from people.selectors import in_protocol_order, people_of_edition
from people.services import appearance_upsert

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db


def test_the_roles_are_in_protocol_order():
    assert list(ROLE_ORDER) == ["remarks", "keynote", "moderator", "panelist", "speech", "video", "presenter", "award_presenter"]
    assert list(ROLE_ORDER.values()) == [0, 1, 2, 3, 4, 5, 6, 7]


def test_a_session_lists_role_by_role_then_by_precedence_then_by_order():
    e = edition()
    s = session(e, e.start_date, (9, 0), (12, 0))
    # Entered in the reverse of protocol order, one person per role...
    for index, role in enumerate(reversed(Role.values)):
        appearance_upsert(person=person(f"p-{role}", name_zh=f"嘉宾{index}"), session=s, role=role, status="confirmed", sort_order=index)
    # ...and three speakers: precedence first (10 before 20), then their order within the session.
    appearance_upsert(person=person("speaker-a", name_zh="甲", precedence=20), session=s, role="speech", status="confirmed", sort_order=1)
    appearance_upsert(person=person("speaker-b", name_zh="乙", precedence=10), session=s, role="speech", status="confirmed", sort_order=9)
    appearance_upsert(person=person("speaker-c", name_zh="丙", precedence=20), session=s, role="speech", status="confirmed", sort_order=0)
    ordered = [(a.role, a.person.key) for a in in_protocol_order(s.appearances.select_related("person"))]
    assert ordered == [
        ("remarks", "p-remarks"), ("keynote", "p-keynote"), ("moderator", "p-moderator"), ("panelist", "p-panelist"),
        ("speech", "speaker-b"),  # precedence 10
        ("speech", "speaker-c"),  # precedence 20, order 0
        ("speech", "speaker-a"),  # precedence 20, order 1
        ("speech", "p-speech"),  # precedence 1000 (the default)
        ("video", "p-video"), ("presenter", "p-presenter"), ("award_presenter", "p-award_presenter"),
    ]


def test_pinyin_sort_name_and_search_text_are_computed_on_save():
    assert person_sort_name("任贤良", "") == "ren xian liang"
    assert person_sort_name("", "Thomas Südhof") == "thomas südhof"
    assert person_search_text("任贤良", "") == " 任贤良 ren xian liang renxianliang rxl"
    p = person("test-ren", name_zh="任贤良")
    assert (p.sort_name, p.search_text) == ("ren xian liang", " 任贤良 ren xian liang renxianliang rxl")
    Person.objects.filter(pk=p.pk).update(search_text="", sort_name="")
    p.refresh_from_db()
    p.name_en = "Ren Xianliang"
    p.save(update_fields=["name_en"])  # the computed fields follow even a partial save
    p.refresh_from_db()
    assert (p.sort_name, p.search_text) == ("ren xian liang", " 任贤良 ren xian liang renxianliang rxl ren xianliang ren xianliang")


@pytest.mark.parametrize(("query", "found"), [
    ("renxianliang", {"任贤良"}),  # pinyin, run together
    ("ren xian", {"任贤良"}),  # pinyin, spaced
    ("RXL", {"任贤良"}),  # initials, any case
    ("贤良", {"任贤良"}),  # Chinese
    ("任", {"任贤良"}),
    ("südhof", {"托马斯·苏德霍夫"}),  # the original-script name a text gives
    ("Thomas", {"托马斯·苏德霍夫"}),
    ("tuomasi", {"托马斯·苏德霍夫"}),  # the pinyin of the Chinese transcription
    ("Lovelace", {"Ada Lovelace"}),  # a person named in English only
    ("thomas südhof", {"托马斯·苏德霍夫"}),  # several words: all of them
    ("ren thomas", set()),  # ...ANDed, not ORed
    ("", {"任贤良", "托马斯·苏德霍夫", "Ada Lovelace"}),
])
def test_search_finds_by_chinese_english_pinyin_and_initials(query, found):
    person("test-thomas", name_zh="托马斯·苏德霍夫", name_en="Thomas Südhof")
    person("test-ada", name_en="Ada Lovelace")
    people = Person.objects.filter(key__in=["ren-xianliang", "test-thomas", "test-ada"])  # 任贤良 is seeded (2024)
    assert {str(p) for p in people.filter(person_search_q(query))} == found


def test_the_directory_of_an_edition_filters_by_search_role_and_country():
    e = edition()
    s = session(e, e.start_date, (9, 0), (12, 0))
    ren = person("test-ren", name_zh="任贤良", country="CN", precedence=5)
    ada = person("test-ada", name_en="Ada Lovelace", country="GB")
    nobody = person("test-invited", name_zh="只受邀")
    appearance_upsert(person=ren, session=s, role="moderator", status="confirmed")
    appearance_upsert(person=ada, session=s, role="keynote", status="appeared")
    appearance_upsert(person=nobody, session=s, role="speech", status="invited")  # not public: not listed
    assert [str(p) for p in people_of_edition(e)] == ["任贤良", "Ada Lovelace"]  # precedence 5 before 1000
    assert [str(p) for p in people_of_edition(e, query="rxl")] == ["任贤良"]
    assert [str(p) for p in people_of_edition(e, role="keynote")] == ["Ada Lovelace"]
    assert [str(p) for p in people_of_edition(e, country="GB")] == ["Ada Lovelace"]
    assert list(people_of_edition(e, role="speech")) == []
