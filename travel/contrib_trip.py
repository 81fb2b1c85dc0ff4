"""What the guest's "my trip" card contributes (wic/contrib.py): a section of the guest's private
registration page (travel.trip.trip_card) above the visa letter (50), the arrival and pickup (55)
and the hotel (70) it sums up, after the credential and the invitations. Four queries at most.
The shuttle loops' public timetable is travel/views_shuttles.py, their admin travel/admin_shuttles.py."""
from wic.contrib import GuestSection


def _trip_card(registration, request):
    from .trip import trip_card

    return trip_card(registration, request)


CONTRIBUTIONS = [
    GuestSection(key="trip", build=_trip_card, template="travel/trip_card.html", order=45),
]
