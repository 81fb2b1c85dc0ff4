"""Boarding a pickup run (issue 24), scanned with the guest's credential through the check-in
engine (registration.checkin) rather than a second scanner: each run has its boarding list, a
check-in list of the "roster" kind whose guests this module keeps (wic.contrib.CheckinRoster).

- `boarding_list(run)`: the run's list, made the first time someone opens the run's boarding
  scan (the run's row is locked, so two greeters opening it at once make one list). Named
  "接站 12 · 杭州萧山国际机场 · 14:30" / "Pickup 12 · Hangzhou Xiaoshan ... · 14:30".
- `check(checkin_list, registration_id)`: asked by the engine under the credential's lock, after
  its own checks (unknown code, revoked, not approved). "ok" when the guest has a seat on this
  run; `wrong_run` when their seat is on another run of the edition, with that run (number,
  departure, hub, vehicle, meeting point) for the greeter to send them there; `not_on_run` when
  they have no seat at all. One query.
- `admitted(checkin_list, registration_id, scanned_at)`: an accepted boarding stamps the seat's
  `boarded_at` (the earliest scan's time: an offline scan uploaded later may be earlier). One query.

A second scan of a boarded guest is the engine's `already_checked_in`, with the first scan's time
and gate. Exit scans are refused (`invalid`), as on an item's list. Runs deleted by planning
again take their lists with them (travel.arrivals.delete_runs).
"""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registration.models import CheckinList
from wic.contrib import RosterAnswer
from wic.display import BEIJING

from .arrivals import meeting_point, vehicle_label
from .enums import Hub
from .models import PickupRun, PickupSeat

ROSTER = "pickup_run"


def _name(run: PickupRun, language: str) -> str:
    with translation.override(language):
        departs = timezone.localtime(run.departs_at, BEIJING).strftime("%m-%d %H:%M")
        return f"{_('Pickup %(number)s') % {'number': run.number}} · {Hub(run.hub).label} · {departs}"[:200]


def boarding_list(run: PickupRun) -> CheckinList:
    """The run's boarding list, made on first use."""
    if run.checkin_list_id is not None:
        return run.checkin_list
    with transaction.atomic():
        locked = PickupRun.objects.select_for_update(of=("self",)).select_related("checkin_list").get(pk=run.pk)
        if locked.checkin_list_id is None:
            locked.checkin_list = CheckinList.objects.create(
                edition_id=locked.edition_id, kind=CheckinList.ROSTER, roster=ROSTER, day=timezone.localtime(locked.departs_at, BEIJING).date(),
                name_zh=_name(locked, "zh-hans"), name_en=_name(locked, "en"),
            )
            locked.save(update_fields=["checkin_list"])
    run.checkin_list = locked.checkin_list
    return run.checkin_list


def run_detail(run: PickupRun) -> dict:
    """A run as the scan's API answer carries it (plain JSON values)."""
    return {
        "number": run.number, "departs_at": timezone.localtime(run.departs_at, BEIJING).isoformat(), "hub": run.hub,
        "hub_name": str(Hub(run.hub).label), "vehicle": vehicle_label(run.vehicle), "meeting_point": str(meeting_point(run)),
    }


def check(checkin_list: CheckinList, registration_id: int) -> RosterAnswer:
    """Whether the guest boards the run whose list this is (module docstring). One query."""
    seat = (
        PickupSeat.objects.filter(leg__registration_id=registration_id, run__edition_id=checkin_list.edition_id)
        .select_related("run").order_by("run__departs_at").first()
    )
    if seat is None:
        return RosterAnswer("not_on_run", _("This guest has no seat on any pickup run: call the transport desk."))
    if seat.run.checkin_list_id == checkin_list.pk:
        return RosterAnswer("ok")
    run = seat.run
    return RosterAnswer(
        "wrong_run",
        _("Booked on pickup %(number)s, leaving %(time)s from %(hub)s (%(vehicle)s); meeting point: %(meeting_point)s.") % {
            "number": run.number, "time": timezone.localtime(run.departs_at, BEIJING).strftime("%H:%M"), "hub": Hub(run.hub).label,
            "vehicle": vehicle_label(run.vehicle), "meeting_point": meeting_point(run),
        },
        run_detail(run),
    )


def admitted(checkin_list: CheckinList, registration_id: int, scanned_at: datetime) -> None:
    """Stamp the guest's seat on this run as boarded at the earliest accepted scan."""
    PickupSeat.objects.filter(run__checkin_list_id=checkin_list.pk, leg__registration_id=registration_id).filter(
        Q(boarded_at__isnull=True) | Q(boarded_at__gt=scanned_at)
    ).update(boarded_at=scanned_at)
