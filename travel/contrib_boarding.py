"""What pickup boarding contributes (wic/contrib.py): the "pickup_run" roster, so the check-in
engine (registration.checkin) scans a guest boarding a run against the run's seats
(travel.boarding)."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import CheckinRoster


def _check(checkin_list, registration_id):
    from .boarding import check

    return check(checkin_list, registration_id)


def _admitted(checkin_list, registration_id, scanned_at):
    from .boarding import admitted

    admitted(checkin_list, registration_id, scanned_at)


CONTRIBUTIONS = [
    CheckinRoster(
        key="pickup_run", label=_("Pickup run"), check=_check, admitted=_admitted,
        results={"wrong_run": _("Booked on another pickup run"), "not_on_run": _("Not booked on any pickup run")},
    ),
]
