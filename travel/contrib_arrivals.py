"""What arrivals and pickups contribute (wic/contrib.py): the "Arrival and pickup" section of the
guest's private registration page (after the visa letter), and the dashboard panel "arrivals"
(travel.arrivals.arrivals_panel: arrivals per hour and hub, runs planned and boarded, two
queries). The admin is travel/admin_arrivals.py, the guest's page travel/views_arrivals.py."""
from wic.contrib import DashboardPanel, GuestSection


def _trip(registration, request):
    """The guest's legs and pickup (one query); a sentence for a registration not approved yet;
    nothing for a rejected one or a guest taking part online (they do not travel to Wuzhen)."""
    from registration.enums import Participation, RegistrationStatus

    from .arrivals import Trip, trip

    if registration.status == RegistrationStatus.REJECTED or registration.participation != Participation.ON_SITE:
        return None
    if registration.status != RegistrationStatus.APPROVED:
        return Trip(eligible=False, arrival=None, departure=None, run=None)
    return trip(registration)


def _panel(edition, *, now=None):
    from .arrivals import arrivals_panel

    return arrivals_panel(edition, now=now)


CONTRIBUTIONS = [
    GuestSection(key="arrivals", build=_trip, template="travel/arrivals_section.html", order=55),
    # After the visa letters (16), before the sub-forums (20).
    DashboardPanel("arrivals", _panel, "travel/arrivals_panel.html", order=17),
]
