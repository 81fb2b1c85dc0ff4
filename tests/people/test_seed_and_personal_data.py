"""Issue 22: the seeded people (people/seed_data.yaml, whatever it holds) load idempotently; a
person's own data joins the personal-data export and erasure: a public appearance is history and
stays, a person who never appeared publicly is deleted with their appearances."""
import pytest
from auditlog.models import LogEntry

from people import seeding
from people.models import Appearance, Person
from people.services import appearance_upsert
from wic.personal_data import personal_data_erase, personal_data_export
from wic.seeding import seed_past_editions

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "people": list(Person.objects.order_by("id").values_list()),
        "appearances": list(Appearance.objects.order_by("id").values_list()),
        "audit": LogEntry.objects.filter(content_type__app_label="people").count(),
    }


def test_seeding_twice_changes_no_person_nor_appearance():
    before = snapshot()
    first = {r.year: r.counts.get("appearances", 0) for r in seed_past_editions()}
    second = {r.year: r.counts.get("appearances", 0) for r in seed_past_editions()}
    assert snapshot() == before
    assert first == second
    data = seeding.read()
    assert sum(first.values()) == len(data["appearances"]) == Appearance.objects.filter(source__endswith=".txt").count()
    assert Person.objects.filter(key__in=[p["key"] for p in data["people"]]).count() == len(data["people"])


def test_the_2024_press_conference_speakers_are_seeded_as_printed():
    rows = Appearance.objects.filter(session__edition__year=2024, session__key="closing-press-conference").order_by("sort_order")
    assert [(a.person.name_zh, a.title_zh, a.role, a.status) for a in rows] == [
        ("任贤良", "世界互联网大会秘书长", "speech", "appeared"),
        ("赵承", "浙江省委常委、宣传部部长", "speech", "appeared"),
    ]
    assert {a.source for a in rows} == {"001_a35478c999586103.txt"}
    assert all("在新闻发布会上,世界互联网大会秘书长任贤良,浙江省委常委、宣传部部长赵承介绍了" in a.quote_zh for a in rows)
    # Nothing the texts do not give: no contact, no bio.
    assert set(Person.objects.filter(key__in=["ren-xianliang", "zhao-cheng"]).values_list("email", "phone", "assistant", "bio_zh", "bio_en")) == {("", "", "", "", "")}


@pytest.fixture
def speakers():
    e = edition()
    forum = session(e, e.start_date, (9, 0), (12, 0), title_zh="测试论坛")
    later = session(e, e.end_date, (9, 0), (12, 0), title_zh="后一场")
    public = person("test-public", name_zh="公开嘉宾", email="Public.Speaker@example.org", phone="13800000000", assistant="助理甲", bio_zh="简介。")
    appearance_upsert(person=public, session=forum, role="keynote", status="appeared", title_zh="测试部长")
    appearance_upsert(person=public, session=later, role="speech", status="invited")
    private = person("test-private", name_en="Never Public", email="never.public@example.org", phone="5550100")
    appearance_upsert(person=private, session=forum, role="speech", status="invited")
    appearance_upsert(person=private, session=later, role="panelist", status="declined")
    return {"public": public, "private": private, "forum": forum}


def test_export_finds_a_person_by_the_private_email(speakers):
    data = personal_data_export(email="public.speaker@EXAMPLE.org")
    assert data["people"] == [{
        "name_zh": "公开嘉宾", "name_en": "", "country": "", "bio_zh": "简介。", "bio_en": "",
        "email": "Public.Speaker@example.org", "phone": "13800000000", "assistant": "助理甲",
        "appearances": [
            {"session": "测试论坛", "role": "keynote", "title_zh": "测试部长", "affiliation_zh": "", "status": "appeared"},
            {"session": "后一场", "role": "speech", "title_zh": "", "affiliation_zh": "", "status": "invited"},
        ],
    }]


def test_erasure_blanks_the_private_fields_and_keeps_the_public_appearance(speakers):
    counts = personal_data_erase(email="public.speaker@example.org").counts
    assert counts["people.Person"] == {"anonymized": 1, "deleted": 0}
    public = Person.objects.get(pk=speakers["public"].pk)
    assert (public.name_zh, public.email, public.phone, public.assistant, public.bio_zh) == ("公开嘉宾", "", "", "", "")
    assert sorted(public.appearances.values_list("role", "status", "title_zh")) == [("keynote", "appeared", "测试部长"), ("speech", "invited", "")]
    assert Person.objects.get(pk=speakers["private"].pk).email == "never.public@example.org"  # someone else's: untouched


def test_erasure_deletes_a_never_public_person_with_their_appearances(speakers):
    pk = speakers["private"].pk
    dry = personal_data_erase(email="never.public@example.org", dry_run=True).counts
    assert dry["people.Person"] == {"anonymized": 0, "deleted": 1}
    assert Appearance.objects.filter(person_id=pk).count() == 2  # the dry run changed nothing
    counts = personal_data_erase(email="never.public@example.org").counts
    assert counts["people.Person"] == {"anonymized": 0, "deleted": 1}
    assert (Person.objects.filter(pk=pk).count(), Appearance.objects.filter(person_id=pk).count()) == (0, 0)
    # Their names are gone from the audit trail too; the public speaker's appearances stay.
    assert not LogEntry.objects.filter(object_repr__contains="Never Public").exists()
    assert speakers["forum"].appearances.count() == 1
