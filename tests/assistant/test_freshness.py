"""Issue 25: the assistant never answers from a stale index. Its index of an edition is kept in
the process per version (the agenda's and its own, in the cache), and an edit through the admin
or a service (a save) gives the edition a new version: the next question sees it."""
import pytest
import time_machine

from agenda.models import Hall, Session
from companion.models import HelpPage, ServicePoint
from expo.models import BoothAllotment, Exhibitor
from people.models import Person

from .support import API, world  # noqa: F401
from .world import NOW, YEAR

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def ask(api_client, q, lang="en"):
    body = api_client.get(API, {"q": q, "edition": YEAR, "lang": lang}).json()
    return body, [(item["type"], item["id"]) for item in body["items"]]


def test_a_session_moved_to_another_hall_is_answered_there(api_client, world, db):
    _, before = ask(api_client, "What's on in Tong'an Hall now?")
    session = Session.objects.get(pk=world.ref("session:robot-forum")[1])
    session.hall = Hall.objects.get(pk=world.ref("hall:枕水厅")[1])
    session.save()
    body, after = ask(api_client, "What's on in Tong'an Hall now?")
    _, there = ask(api_client, "What's on in Zhenshui Hall now?")
    assert before[0] == world.ref("session:robot-forum")
    assert after[0] == world.ref("session:youth-forum")  # nothing on now: the next one
    assert body["answer"].startswith("On now in Tong'an Hall (room 217): nothing is on. Next: Young Scientists Forum")
    assert there[0] == world.ref("session:robot-forum")


def test_a_session_unpublished_is_gone_and_a_new_title_is_found(api_client, world, db):
    session = Session.objects.get(pk=world.ref("session:data-forum")[1])
    session.title_en = "Data Stewardship Forum"
    session.save()
    body, items = ask(api_client, "Where is the Data Stewardship Forum?")
    assert items[0] == world.ref("session:data-forum")
    session.is_published = False
    session.save()
    body, items = ask(api_client, "What's on in Jingxing Hall now?")
    assert world.ref("session:data-forum") not in items
    assert "Data Stewardship" not in body["answer"]


def test_a_help_page_edited_is_quoted_as_saved(api_client, world, db):
    page = HelpPage.objects.get(pk=world.ref("page:badge")[1])
    page.body_en = "Badges are now handed out at the north gate."
    page.save()
    body, items = ask(api_client, "How do I get my badge?")
    assert body["answer"] == "Getting your badge: Badges are now handed out at the north gate."
    assert items == [world.ref("page:badge")]


def test_an_exhibitor_approved_is_found_and_a_released_booth_is_gone(api_client, world, db):
    shadow = Exhibitor.objects.get(pk=world.ref("exhibitor:暗影数据公司")[1])
    assert ask(api_client, "Where is Shadow Data Company?")[0]["intent"] == "unknown"
    shadow.status = "approved"
    shadow.save()
    body, items = ask(api_client, "Where is Shadow Data Company?")
    assert items == [world.ref("exhibitor:暗影数据公司")]
    assert body["answer"] == "Shadow Data Company exhibits at the expo; no booth has been given to it yet."
    allotment = BoothAllotment.objects.get(exhibitor_id=world.ref("exhibitor:极光芯片有限公司")[1])
    from django.utils import timezone

    allotment.released_at = timezone.now()
    allotment.save()
    body, _ = ask(api_client, "Where can I find Aurora Chips?")
    assert body["answer"] == "Aurora Chips Ltd. exhibits at the expo; no booth has been given to it yet."


def test_a_service_point_and_a_person_renamed_are_answered_by_their_new_names(api_client, world, db):
    point = ServicePoint.objects.get(pk=world.ref("service_point:医务室")[1])
    point.note_en = "Now on the ground floor, by the west gate"
    point.save()
    body, _ = ask(api_client, "Where is the medical point?")
    assert "Now on the ground floor, by the west gate" in body["answer"]
    person = Person.objects.get(pk=world.ref("person:kenji-tanaka")[1])
    person.name_en = "Kenji Tanaka-Mori"
    person.save()
    body, items = ask(api_client, "When does Kenji Tanaka-Mori speak?")
    assert items[0] == world.ref("person:kenji-tanaka")
    assert body["answer"].startswith("Kenji Tanaka-Mori: ")
