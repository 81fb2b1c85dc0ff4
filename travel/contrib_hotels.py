"""What the hotels part of travel contributes (wic/contrib.py): the "Hotel" section of the guest's
registration page (where they sleep, which nights, with whom), the dashboard's "hotels" panel
(rooms used / held per night per hotel, one query) and the audit trail of stays (the change log
a hotel's admin page shows: travel.hotels.hotel_changes). The admin is travel/admin_hotels.py."""
from wic.contrib import AuditedModel, DashboardPanel, GuestSection


def _hotel(registration, request):
    from .hotels import hotel_section

    return hotel_section(registration, request)


def _panel(edition, *, now=None):
    from .hotels import hotels_panel

    return hotels_panel(edition, now=now)


CONTRIBUTIONS = [
    # After the visa letter (50) and the arrival (contrib_arrivals).
    GuestSection(key="hotel", build=_hotel, template="travel/hotel_section.html", order=70),
    # After the visa letters (16), before the sub-forums (20).
    DashboardPanel("hotels", _panel, "travel/hotel_dashboard_panel.html", order=18),
    # Every field: a stay holds no personal data beyond the registration it points to.
    AuditedModel("travel.RoomStay", {}),
]
