"""The permission matrix's rows for the travel API (issue 24); see tests/wic/matrix_api/__init__.py.

A guest's travel (letters, arrivals, pickups, stays, diets, meals' kitchen lists) is personal data:
the organizers' only (wic.api_base.IsOrganizer), as in the admin: anonymous 401, every other role
403 (a scan token: `token_scope`). Two exceptions: the shuttle timetables are public (as the page
/editions/<year>/shuttles/), and the guest's visa letter at their private link answers whoever
holds the link (no session or token is read there: the address is the key).

The world (built through travel's services, except hotels, blocks and meals, which only the admin
makes, so the ORM): the attendee's registration (the delegation D1's head) has an arrival in a
planned pickup run (a VIP car of their own), a stay in the hotel's block, a requested visa letter;
three travel guests of the edition: T1 with an approved letter, T2 with no letter, stay or leg (the
guest link's request and a new stay are made for them), T3 with a departure; an empty run (deleted:
204; the attendee's run is refused, `run_not_empty`); a lunch at a venue; a shuttle loop."""
from datetime import date, datetime, time

from registration import services as registration_services
from registration.models import Registration
from tests.factories import VenueFactory
from tests.wic.test_permission_matrix import ALL, SCAN_ONLY, row
from travel import arrivals, hotels, letters, shuttles
from travel.models import Hotel, Meal, PickupRun, RoomBlock, TravelLeg
from wic import roles
from wic.display import BEIJING

#                                                                            anon   org    rev    gate   lead   vol    appl   memb   exh    att
ORGANIZERS_ONLY = (401, 200, 403, 403, 403, 403, 403, 403, 403, 403)
ANYONE = (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)


def _only_organizers(status):
    return (401, status, 403, 403, 403, 403, 403, 403, 403, 403)


LISTING = (401, ALL, 403, 403, 403, 403, 403, 403, 403, 403)  # the organizers see every object of the row's kind


def letter_body(world, role):
    year = world.ids["year"]
    return {"passport_name": "GUEST TWO", "nationality": "FR", "passport_number": "FR1234567", "date_of_birth": "1975-06-01",
            "passport_expires_on": f"{year + 5}-01-01", "apply_at": "Consulate-General of China in Paris",
            "stay_from": f"{year}-11-09", "stay_until": f"{year}-11-13"}


def leg_body(world, role):
    return {"registration": world.ids["travel_guest_two"], "direction": "arrival", "mode": "train", "number": "G7501",
            "hub": "tongxiang_station", "scheduled_at": f"{world.ids['year']}-11-09T10:00"}


def loop_body(world, role):
    year = world.ids["year"]
    return {"edition": year, "name_zh": f"新线路{role}", "first_day": f"{year}-11-10", "last_day": f"{year}-11-11",
            "first_departure": "07:00", "last_departure": "09:00", "every_minutes": 20,
            "stops": [{"position": 1, "minutes": 0, "hotel": world.ids["travel_hotel"]}, {"position": 2, "minutes": 15, "venue": world.ids["travel_venue"]}]}


# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    # -- visa letters: the organizers decide and revoke; the passport data leave masked -------------------------------------
    row("GET", "/api/v1/visa-letters/?edition={year}",                       *LISTING, kind="visa-letter"),
    row("GET", "/api/v1/visa-letters/{visa_letter}/",                        *ORGANIZERS_ONLY),
    row("POST", "/api/v1/visa-letters/{visa_letter}/decide/",                *ORGANIZERS_ONLY,
        data={"approve": True}),
    row("POST", "/api/v1/visa-letters/{approved_letter}/decide/",            *_only_organizers(409),
        data={"approve": False, "reason": "late"}, label="decided already", code={409: "not_requested"}),
    row("POST", "/api/v1/visa-letters/{approved_letter}/revoke/",            *ORGANIZERS_ONLY,
        data={"reason": "The guest cancelled the trip."}),
    row("DELETE", "/api/v1/visa-letters/{visa_letter}/",                     *_only_organizers(405)),
    # The guest's request at their private link: the link is the key, whoever follows it.
    row("GET", "/api/v1/guest-links/{year}/{travel_guest_token}/visa-letter/",
                                                                             *ANYONE),
    row("POST", "/api/v1/guest-links/{year}/{travel_guest_token}/visa-letter/",
                                                                             201,   201,   201,   201,   201,   201,   201,   201,   201,   201,
        data=letter_body),
    row("POST", "/api/v1/guest-links/{year}/{registration_token}/visa-letter/",
                                                                             409,   409,   409,   409,   409,   409,   409,   409,   409,   409,
        data=letter_body, label="a letter requested already", code={409: "already_requested"}),
    row("GET", "/api/v1/guest-links/{year}/not-the-token/visa-letter/",      404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
        code={404: "link_invalid"}),

    # -- arrivals and departures ---------------------------------------------------------------------------------------------
    row("GET", "/api/v1/travel-legs/?edition={year}",                        *LISTING, kind="travel-leg"),
    row("GET", "/api/v1/travel-legs/{travel_leg}/",                          *ORGANIZERS_ONLY),
    row("POST", "/api/v1/travel-legs/",                                      *_only_organizers(201),
        data=leg_body),
    # A planned arrival: its number may still change (a typo), not its time.
    row("PATCH", "/api/v1/travel-legs/{travel_leg}/",                        *ORGANIZERS_ONLY,
        data={"number": "CA1705"}),
    row("PUT", "/api/v1/travel-legs/{travel_leg}/",                          *_only_organizers(409),
        data=lambda world, role: {"mode": "flight", "number": "CA1702", "hub": "hangzhou_xiaoshan", "scheduled_at": f"{world.ids['year']}-11-09T18:00"},
        code={409: "pickup_planned"}),
    row("PUT", "/api/v1/travel-legs/{travel_departure}/",                    *ORGANIZERS_ONLY,
        data=lambda world, role: {"mode": "flight", "number": "CA1704", "hub": "hangzhou_xiaoshan", "scheduled_at": f"{world.ids['year']}-11-13T18:00"},
        label="a departure"),
    row("POST", "/api/v1/travel-legs/{travel_leg}/report-delay/",            *ORGANIZERS_ONLY,
        data=lambda world, role: {"delayed_to": f"{world.ids['year']}-11-09T16:10"}),
    row("DELETE", "/api/v1/travel-legs/{travel_leg}/",                       *_only_organizers(405)),

    # -- pickup runs and planning --------------------------------------------------------------------------------------------
    row("GET", "/api/v1/pickup-runs/?edition={year}",                        *LISTING, kind="pickup-run"),
    row("GET", "/api/v1/pickup-runs/{pickup_run}/",                          *ORGANIZERS_ONLY),
    row("GET", "/api/v1/pickup-runs/{pickup_run}/manifest/",                 *ORGANIZERS_ONLY),
    row("DELETE", "/api/v1/pickup-runs/{pickup_run}/",                       *_only_organizers(409),
        code={409: "run_not_empty"}),
    row("DELETE", "/api/v1/pickup-runs/{empty_pickup_run}/",                 *_only_organizers(204)),
    row("POST", "/api/v1/pickup-plans/",                                     *_only_organizers(201),
        data=lambda world, role: {"edition": world.ids["year"]}),

    # -- hotels, blocks, stays -----------------------------------------------------------------------------------------------
    row("GET", "/api/v1/hotels/?edition={year}",                             *LISTING, kind="hotel"),
    row("GET", "/api/v1/hotels/{travel_hotel}/",                             *ORGANIZERS_ONLY),
    row("GET", "/api/v1/hotels/{travel_hotel}/occupancy/",                   *ORGANIZERS_ONLY),
    row("POST", "/api/v1/hotels/",                                           *_only_organizers(405), data={}),
    row("GET", "/api/v1/room-blocks/?edition={year}",                        *LISTING, kind="room-block"),
    row("GET", "/api/v1/room-blocks/{room_block}/",                          *ORGANIZERS_ONLY),
    row("GET", "/api/v1/room-blocks/{room_block}/occupancy/",                *ORGANIZERS_ONLY),
    row("GET", "/api/v1/room-stays/?edition={year}",                         *LISTING, kind="room-stay"),
    row("GET", "/api/v1/room-stays/{room_stay}/",                            *ORGANIZERS_ONLY),
    row("POST", "/api/v1/room-stays/",                                       *_only_organizers(201),
        data=lambda world, role: {"block": world.ids["room_block"], "registration": world.ids["travel_guest_two"],
                                  "first_night": f"{world.ids['year']}-11-10", "last_night": f"{world.ids['year']}-11-11"}),
    row("POST", "/api/v1/room-stays/{room_stay}/move/",                      *ORGANIZERS_ONLY,
        data=lambda world, role: {"first_night": f"{world.ids['year']}-11-10", "last_night": f"{world.ids['year']}-11-12"}),
    row("POST", "/api/v1/room-stays/{room_stay}/share/",                     *ORGANIZERS_ONLY,
        data={"shares_room": True}),
    row("DELETE", "/api/v1/room-stays/{room_stay}/",                         *_only_organizers(204)),

    # -- meals and diets -----------------------------------------------------------------------------------------------------
    row("GET", "/api/v1/meals/?edition={year}",                              *LISTING, kind="meal"),
    row("GET", "/api/v1/meals/{meal}/",                                      *ORGANIZERS_ONLY),
    row("GET", "/api/v1/meals/{meal}/kitchen/",                              *ORGANIZERS_ONLY),
    row("GET", "/api/v1/diets/?edition={year}&page_size=500",               *LISTING, kind="diet"),
    row("GET", "/api/v1/diets/{registration}/",                              *ORGANIZERS_ONLY),
    row("PUT", "/api/v1/diets/{registration}/",                              *ORGANIZERS_ONLY,
        data={"diet": "vegan", "allergies": "sesame"}),
    row("PATCH", "/api/v1/diets/{registration}/",                            *ORGANIZERS_ONLY,
        data={"allergies": "peanuts"}),
    row("PATCH", "/api/v1/diets/{registration}/",                            *_only_organizers(400),
        data={"diet": "paleo"}, label="an unknown diet", code={400: "unknown_diet"}),

    # -- shuttle loops: public timetables, the organizers' loops ---------------------------------------------------------------
    row("GET", "/api/v1/shuttle-loops/?edition={year}",                      ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,   ALL,
        kind="shuttle-loop"),
    row("GET", "/api/v1/shuttle-loops/{shuttle_loop}/",                      *ANYONE),
    row("POST", "/api/v1/shuttle-loops/",                                    *_only_organizers(201),
        data=loop_body),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/visa-letters/{visa_letter}/",                        401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403),
    row("POST", "/api/v1/pickup-plans/",                                     401,   201,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data=lambda world, role: {"edition": world.ids["year"]}),
    row("PATCH", "/api/v1/diets/{registration}/",                            401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data={"allergies": "peanuts"}),
    # The guest's link is the key: no token is read there, a scan token neither.
    row("GET", "/api/v1/guest-links/{year}/{travel_guest_token}/visa-letter/",
                                                                             *ANYONE),
    row("GET", "/api/v1/shuttle-loops/{shuttle_loop}/",                      200,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
]
# fmt: on


def _travel_guest(edition, n: int, organizer) -> Registration:
    data = {"name": f"Travel Guest {n}", "email": f"pm-travel-{n}@example.org", "organization_name": "Example Ministry", "country": "FR",
            "category": "government", "participation": "on_site", "consent": True}
    registration = registration_services.registration_create(edition=edition, data=data)
    return registration_services.registration_decide(registration=registration, status="approved", actor=organizer)


def extend_world(world, edition) -> None:
    """The travel API's objects (see the module's docstring), made through travel's services."""
    users, ids = world.users, world.ids
    organizer = users[roles.ORGANIZER]
    attendee = Registration.objects.get(pk=ids["registration"])
    one, two, three = (_travel_guest(edition, n, organizer) for n in (1, 2, 3))
    year = edition.year

    request = {"nationality": "BR", "passport_number": "FA123456", "date_of_birth": "1980-04-02", "passport_expires_on": f"{year + 5}-01-31",
               "apply_at": "Consulate-General of China in São Paulo", "stay_from": f"{year}-11-09", "stay_until": f"{year}-11-13"}
    letter = letters.letter_request(attendee, data={"passport_name": "SILVA MARIA", **request})
    approved = letters.letter_decide(letters.letter_request(one, data={"passport_name": "GUEST ONE", **request}), approve=True, actor=organizer)

    leg = arrivals.leg_save(attendee, direction="arrival", mode="flight", number="CA1702", hub="hangzhou_xiaoshan",
                            scheduled_at=datetime(year, 11, 9, 14, 30, tzinfo=BEIJING))
    departure = arrivals.leg_save(three, direction="departure", mode="flight", number="CA1703", hub="hangzhou_xiaoshan",
                                  scheduled_at=datetime(year, 11, 13, 10, 0, tzinfo=BEIJING))
    runs = arrivals.plan_pickups(edition)
    empty = PickupRun.objects.create(edition=edition, number=99, hub="tongxiang_station", departs_at=datetime(year, 11, 9, 9, tzinfo=BEIJING),
                                     vehicle="car", capacity=3)

    hotel = Hotel.objects.create(edition=edition, name_zh="权限测试酒店", name_en="Matrix Hotel")
    block = RoomBlock.objects.create(hotel=hotel, room_type_zh="标准间", room_type_en="Standard room", rooms=3, guests_per_room=1,
                                     first_night=date(year, 11, 9), last_night=date(year, 11, 12))
    stay = hotels.stay_allocate(block, attendee, first_night=date(year, 11, 9), last_night=date(year, 11, 11), actor=organizer)
    venue = VenueFactory()
    meal = Meal.objects.create(edition=edition, day=edition.start_date, kind="lunch", name_zh="午餐", name_en="Lunch", venue=venue,
                               starts_at=time(12), ends_at=time(13, 30))
    loop = shuttles.loop_create(
        edition, name_zh="一号线", name_en="Line 1", first_day=edition.start_date, last_day=edition.end_date, first_departure=time(7),
        last_departure=time(9), every_minutes=30, stops=[{"position": 1, "minutes": 0, "hotel": hotel}, {"position": 2, "minutes": 15, "venue": venue}],
    )
    ids.update(
        visa_letter=letter.pk, approved_letter=approved.pk, travel_guest_token=two.token, travel_guest_two=two.pk,
        travel_leg=leg.pk, travel_departure=departure.pk, pickup_run=runs[0].pk, empty_pickup_run=empty.pk,
        travel_hotel=hotel.pk, room_block=block.pk, room_stay=stay.pk, meal=meal.pk, travel_venue=venue.pk, shuttle_loop=loop.pk,
    )
    world.owned.update({
        "visa-letter": {"all": {letter.pk, approved.pk}},
        "travel-leg": {"all": set(TravelLeg.objects.filter(registration__edition=edition).values_list("pk", flat=True))},
        "pickup-run": {"all": {run.pk for run in runs} | {empty.pk}},
        "hotel": {"all": {hotel.pk}},
        "room-block": {"all": {block.pk}},
        "room-stay": {"all": {stay.pk}},
        "meal": {"all": {meal.pk}},
        "diet": {"all": set(Registration.objects.filter(edition=edition).values_list("pk", flat=True))},
        "shuttle-loop": {"all": {loop.pk}},
    })
