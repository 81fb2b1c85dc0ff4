"""The demo's shuttle loops (issue 24), made through travel.shuttles.loop_create on every day of
the demo edition: the venue loop from the demo conference hotel to the main venue (the agenda
demo's, the edition's main_venue) and back, every 15 minutes from 07:00 to 22:00; and the
guesthouse loop from the demo guesthouse past a named stop (the Xizha scenic area's north gate) to
the main venue and back, every 30 minutes from 07:30 to 21:30. Names say 演示 / demo.

Idempotent: a loop the edition already has (by its Chinese name) is left alone. Without the
edition's dates, its main venue or the demo hotels (travel.demo made them just before), nothing
is made."""
from datetime import time

from .demo import HOTELS

VENUE_LOOP = ("会场环线（演示）", "Venue loop (demo)")
GUESTHOUSE_LOOP = ("民宿环线（演示）", "Guesthouse loop (demo)")
NORTH_GATE = ("西栅景区北门（演示）", "Xizha scenic area, north gate (demo)")


def seed_demo_shuttles(edition, *, password=None) -> None:
    from . import shuttles
    from .models import Hotel, ShuttleLoop

    if not edition.has_dates or edition.main_venue_id is None:
        return
    hotels = {hotel.name_zh: hotel for hotel in Hotel.objects.filter(edition=edition, name_zh__in=[row[0] for row in HOTELS])}
    conference, guesthouse = (hotels.get(row[0]) for row in HOTELS)
    if conference is None or guesthouse is None:
        return
    venue = edition.main_venue_id
    loops = (
        (VENUE_LOOP, time(7, 0), time(22, 0), 15, [
            {"position": 1, "minutes": 0, "hotel": conference},
            {"position": 2, "minutes": 10, "venue_id": venue},
            {"position": 3, "minutes": 20, "hotel": conference},
        ]),
        (GUESTHOUSE_LOOP, time(7, 30), time(21, 30), 30, [
            {"position": 1, "minutes": 0, "hotel": guesthouse},
            {"position": 2, "minutes": 6, "name_zh": NORTH_GATE[0], "name_en": NORTH_GATE[1]},
            {"position": 3, "minutes": 15, "venue_id": venue},
            {"position": 4, "minutes": 28, "hotel": guesthouse},
        ]),
    )
    having = set(ShuttleLoop.objects.filter(edition=edition).values_list("name_zh", flat=True))
    for (name_zh, name_en), first, last, every, stops in loops:
        if name_zh in having:
            continue
        shuttles.loop_create(
            edition, name_zh=name_zh, name_en=name_en, first_day=edition.start_date, last_day=edition.end_date,
            first_departure=first, last_departure=last, every_minutes=every, stops=stops,
        )
