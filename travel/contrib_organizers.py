"""The travel app's contributions on the organizers' side (wic/contrib.py): the dashboard panel
"visa_letters" (travel/dashboard.py: the edition's letters by status and the passport data not
yet erased, in one query), the personal data of a person's letters (travel/personal_data.py) and
the demo's letters (travel/demo.py). The admin of the letters is travel/admin.py."""
from wic.contrib import DashboardPanel, Demo, PersonalData

from . import dashboard, demo
from .personal_data import TravelPersonalData

CONTRIBUTIONS: list = [
    # After registrations (10) and the invitation cards (15), before the sub-forums (20).
    DashboardPanel("visa_letters", dashboard.letters_panel, "travel/admin/dashboard_panel.html", order=16),
    # After protocol's handler (5), before registration's (10): deleting the registrations would
    # take the letters with them, uncounted.
    PersonalData(TravelPersonalData(), order=7),
    # The letters are for the protocol demo's approved guests (registered through registration).
    # With them: arrivals at each hub, the pickups planned, two hotels and their guests.
    Demo(build=demo.seed_demo, after=("registration", "protocol")),
]
