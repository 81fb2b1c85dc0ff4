"""Issue 25: organizers write the help pages in the admin (companion.admin_assistant), and the
assistant answers from a page as soon as it is saved."""
import pytest

from companion.models import HelpPage
from tests.factories import make_organizer

from .support import API, world  # noqa: F401
from .world import YEAR

pytestmark = pytest.mark.usefixtures("empty_cache")
CHANGELIST = "/admin/companion/helppage/"


def test_an_organizer_lists_searches_and_adds_help_pages(client, world, db):
    client.force_login(make_organizer())
    listing = client.get(CHANGELIST, {"q": "visa"})
    assert listing.status_code == 200
    assert "签证邀请函" in listing.content.decode() and "参会证件领取" not in listing.content.decode()
    added = client.post(f"{CHANGELIST}add/", {
        "edition": world.edition.pk, "key": "parking", "title_zh": "停车", "title_en": "Parking",
        "body_zh": "会展中心北侧有停车场。", "body_en": "There is a car park north of the convention center.", "keywords": "停车场, car park",
    })
    assert added.status_code == 302
    assert HelpPage.objects.filter(edition=world.edition, key="parking").exists()


def test_a_page_saved_in_the_admin_is_the_next_answer(client, api_client, world, db):
    client.force_login(make_organizer())
    before = api_client.get(API, {"q": "Where can I park my car?", "edition": YEAR, "lang": "en"}).json()
    client.post(f"{CHANGELIST}add/", {
        "edition": world.edition.pk, "key": "parking", "title_zh": "停车", "title_en": "Parking",
        "body_zh": "会展中心北侧有停车场。", "body_en": "There is a car park north of the convention center.", "keywords": "停车场, park my car",
    })
    after = api_client.get(API, {"q": "Where can I park my car?", "edition": YEAR, "lang": "en"}).json()
    assert before["intent"] == "unknown"
    assert (after["intent"], after["answer"]) == ("help", "Parking: There is a car park north of the convention center.")
    assert after["items"][0]["url"] == f"/editions/{YEAR}/help/parking/"
