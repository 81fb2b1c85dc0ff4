"""Issue 24, the guest's "my trip" card (travel.trip, above the travel sections of the private
registration page): for a guest with everything (approved letter and its PDF, a pickup run, a
hotel, a shuttle loop at the hotel) in English and in Chinese; with nothing yet; the pickup's other
states; a pending guest (the letter only); none for a guest online or rejected; the next buses when
the page is opened on a summit day, none left late at night, none on a day the guest is not at the
hotel; four queries at most, whatever the number of loops, stops and stays, and the page's query
count the same with one loop and with three."""
import re
from datetime import date, datetime

import pytest
import time_machine

from registration import services as registration_services
from travel import arrivals, hotels, letters
from travel.models import RoomBlock
from travel.trip import trip_card

from .support import (  # noqa: F401
    END,
    START,
    YEAR,
    approved,
    edition,
    guest,
    letter,
    maria,
    organizer,
    request_data,
)
from .test_shuttles import BEIJING, hotel, make_hotel, make_loop, venue  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
BEFORE = datetime(YEAR, 10, 1, 12, 0, tzinfo=BEIJING)  # weeks before the summit


def page_url(registration) -> str:
    return f"/editions/{YEAR}/registration/{registration.token}/"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" , ", ", ")


def card(client, registration, **headers) -> str | None:
    html = client.get(page_url(registration), **(headers or EN)).content.decode()
    found = re.search(r'<section class="card spaced-above trip-card".*?</section>', html, re.DOTALL)
    return found.group(0) if found else None


def block(hotel, *, zh="行政套房", en="Executive suite", rooms=4) -> RoomBlock:
    return RoomBlock.objects.create(hotel=hotel, room_type_zh=zh, room_type_en=en, rooms=rooms, guests_per_room=1, first_night=date(YEAR, 11, 9), last_night=date(YEAR, 11, 12))


def arrive(registration, *, needs_pickup=True, at=f"{YEAR}-11-09T14:05"):
    arrivals.leg_save(registration, direction="arrival", mode="flight", number="CA1701", hub="hangzhou_xiaoshan", scheduled_at=at, needs_pickup=needs_pickup)


def everything(edition, maria, hotel, venue):
    """An approved letter is the `approved` fixture's; here: the arrival and its run, the hotel's
    nights 11-09 to 11-11 (checking out on 11-12), and the venue loop at the hotel."""
    arrive(maria)
    arrivals.plan_pickups(edition, now=BEFORE)
    hotels.stay_allocate(block(hotel), maria, first_night=date(YEAR, 11, 9), last_night=date(YEAR, 11, 11))
    return make_loop(edition, [(0, hotel), (10, venue), (20, hotel)])


@time_machine.travel(BEFORE, tick=False)
def test_the_card_of_a_guest_with_everything(client, edition, maria, approved, hotel, venue):
    loop = everything(edition, maria, hotel, venue)
    html = card(client, maria)
    token = maria.token
    assert text_of(html) == (
        "My trip "
        f"Visa invitation letter Approved {approved.reference} · Download the letter (PDF) · Details "
        f"Pickup Run 1 · departs {YEAR}-11-09 14:05 · Hangzhou Xiaoshan International Airport · Car "
        "Meeting point: Arrivals hall exit, at the World Internet Conference welcome desk · Details "
        f"Hotel Wuzhen Conference Hotel · Executive suite {YEAR}-11-09 to {YEAR}-11-12, 3 nights · Details "
        f"Shuttle buses Venue loop · from Wuzhen Conference Hotel First bus 07:00, last 22:00, every 15 minutes ({YEAR}-11-10 to {YEAR}-11-12) "
        "Full shuttle timetable"
    )
    assert f'<a href="/editions/{YEAR}/registration/{token}/visa-letter.pdf">Download the letter (PDF)</a>' in html
    assert '<a href="#visa-title" aria-describedby="trip-letter">' in html and '<a href="#arrivals-title" aria-describedby="trip-pickup">' in html
    assert '<a href="#hotel-title" aria-describedby="trip-hotel">' in html and f'<a href="/editions/{YEAR}/shuttles/">Full shuttle timetable</a>' in html
    assert 'data-pickup="planned"' in html and f'data-loop="{loop.pk}"' in html and f'<time datetime="{YEAR}-11-09T14:05:00+08:00">' in html
    # The sections the card links to carry those ids, below it.
    page = client.get(page_url(maria), **EN).content.decode()
    assert page.index('id="trip-title"') < page.index('id="visa-title"') < page.index('id="arrivals-title"') < page.index('id="hotel-title"')


@time_machine.travel(BEFORE, tick=False)
def test_the_card_in_chinese(client, edition, maria, approved, hotel, venue):
    everything(edition, maria, hotel, venue)
    shown = text_of(card(client, maria, **ZH))
    assert "乌镇会议酒店 · 行政套房" in shown and "会场环线 · " in shown and "07:00" in shown and "杭州萧山国际机场" in shown
    assert "Wuzhen Conference Hotel" not in shown and "Executive suite" not in shown


def test_the_card_of_a_guest_with_nothing_yet(client, maria):
    assert text_of(card(client, maria)) == (
        "My trip Visa invitation letter Not requested. Request a visa invitation letter · Details "
        "Pickup Not planned: tell the secretariat when and where you arrive. · Details "
        "Hotel No room is booked for you yet: the secretariat will tell you your hotel."
    )


def test_the_pickup_before_it_is_planned_and_when_none_is_needed(client, edition, maria, hotel):
    arrive(maria)
    assert 'data-pickup="not_planned"' in card(client, maria)
    assert "Pickup Not planned yet: the secretariat plans the cars a few days before the summit. · Details" in text_of(card(client, maria))
    arrive(maria, needs_pickup=False)
    assert "Pickup No pickup needed: you said you travel to Wuzhen on your own. · Details" in text_of(card(client, maria))
    # A hotel without any loop: the card says so and links the timetable.
    hotels.stay_allocate(block(hotel), maria, first_night=date(YEAR, 11, 10), last_night=date(YEAR, 11, 10))
    assert text_of(card(client, maria)).endswith("Shuttle buses No shuttle loop stops at your hotel. Full shuttle timetable")


def test_a_pending_guest_sees_the_letter_only_and_guests_not_coming_see_no_card(client, edition, maria):
    pending = guest(edition, "ana@example.org", name="Ana Costa", status="pending")
    assert text_of(card(client, pending)) == (
        "My trip Visa invitation letter A visa invitation letter can be requested once your registration is approved. · Details "
        "Your pickup, hotel and shuttle times show here once your registration is approved."
    )
    online = guest(edition, "li@example.org", name="Li Wei")
    online.participation = "online"
    online.save()
    rejected = registration_services.registration_decide(registration=guest(edition, "jo@example.org", name="Jo Park", status="pending"), status="rejected", actor=None)
    assert (card(client, online), card(client, rejected)) == (None, None)
    assert (trip_card(online), trip_card(rejected)) == (None, None)


def test_a_refused_letter_and_a_requested_one(client, maria):
    requested = letters.letter_request(maria, data=request_data())
    assert text_of(card(client, maria)).startswith("My trip Visa invitation letter Requested · Details Pickup")
    letters.letter_decide(requested, approve=False, reason="Unreadable copy.")
    html = card(client, maria)
    assert 'data-status="refused"' in html and "Download the letter" not in html


def test_the_next_buses_on_a_summit_day(client, edition, maria, approved, hotel, venue):
    everything(edition, maria, hotel, venue)
    guesthouse_loop = make_loop(edition, [(0, make_hotel(edition, name_zh="西栅民宿")), (8, hotel), (20, venue)], name_zh="民宿环线", name_en="Guesthouse loop", first="07:30", every=30)
    with time_machine.travel(datetime(YEAR, 11, 11, 9, 7, tzinfo=BEIJING), tick=False):
        html = card(client, maria)
        section = trip_card(maria)
    shown = text_of(html)
    assert "Venue loop · from Wuzhen Conference Hotel First bus 07:00, last 22:00, every 15 minutes " in shown
    assert "Next buses today: 09:15, 09:30, 09:45" in shown
    # The guesthouse loop passes the hotel 8 minutes after leaving the guesthouse.
    assert f"Guesthouse loop · from Wuzhen Conference Hotel First bus 07:38, last 22:08, every 30 minutes ({YEAR}-11-10 to {YEAR}-11-12) Next buses today: 09:08, 09:38, 10:08" in shown
    assert [(s.loop.name_en, s.stop.position, len(s.upcoming)) for s in section.shuttles] == [("Venue loop", 1, 3), ("Guesthouse loop", 2, 3)]
    assert section.shuttles[1].loop == guesthouse_loop
    with time_machine.travel(datetime(YEAR, 11, 11, 22, 1, tzinfo=BEIJING), tick=False):
        late = text_of(card(client, maria))
    assert "every 15 minutes (2090-11-10 to 2090-11-12) No more buses today." in late and "Next buses today: 22:08" in late
    with time_machine.travel(datetime(YEAR, 11, 13, 8, 0, tzinfo=BEIJING), tick=False):  # checked out on 11-12
        assert "today" not in text_of(card(client, maria))


def test_the_days_are_those_the_guest_is_at_the_hotel(edition, maria, hotel, venue):
    hotels.stay_allocate(block(hotel), maria, first_night=date(YEAR, 11, 11), last_night=date(YEAR, 11, 11))
    make_loop(edition, [(0, hotel), (10, venue)])
    make_loop(edition, [(0, hotel), (10, venue)], name_zh="早班", first_day=date(YEAR, 11, 3), last_day=date(YEAR, 11, 9))
    section = trip_card(maria, now=BEFORE)
    # Nights 11-11 only, check-out 11-12: the loop's days 11-11 and 11-12; the early loop, never.
    assert [(s.loop.name_zh, s.days, s.first.isoformat(), s.last.isoformat()) for s in section.shuttles] == [
        ("会场环线", (date(YEAR, 11, 11), date(YEAR, 11, 12)), f"{YEAR}-11-11T07:00:00+08:00", f"{YEAR}-11-11T22:00:00+08:00"),
    ]


@pytest.mark.parametrize("loops", [1, 3])
def test_the_card_takes_four_queries_and_the_page_a_constant_number(client, edition, maria, approved, hotel, venue, loops, django_assert_num_queries):
    everything(edition, maria, hotel, venue)
    other = make_hotel(edition, name_zh="西栅民宿", name_en="Xizha Guesthouse")
    hotels.stay_allocate(block(other, zh="双床房", en="Twin room"), maria, first_night=date(YEAR, 11, 12), last_night=date(YEAR, 11, 12))
    for n in range(loops - 1):
        make_loop(edition, [(0, other), (5, ("北门", "North gate")), (12, venue), (20, hotel), (30, other)], name_zh=f"环线{n}")
    maria.refresh_from_db()
    with django_assert_num_queries(4):  # the letters, the legs with the run, the stays with the hotels, the loops at them
        section = trip_card(maria, now=BEFORE)
    assert len(section.stays) == 2 and len(section.shuttles) == 1 + 2 * (loops - 1)
    # The page: registration with edition, credential, invitations; the card's four; the visa
    # letter's, the arrival's and the hotel's sections (one, one, two).
    with django_assert_num_queries(11):
        response = client.get(page_url(maria), **EN)
    assert response.status_code == 200 and response.content.decode().count('data-part="shuttle"') == 1 + 2 * (loops - 1)
