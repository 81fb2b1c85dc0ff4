"""The greeters' pages for boarding pickups (issue 24): `/travel/boarding/` lists the runs of
today and tomorrow (Beijing time) by hub, with how many have boarded, each linking to its
boarding scan; `/travel/boarding/<run>/` opens the check-in page on the run's boarding list
(travel.boarding.boarding_list makes it on first use). For gate staff and organizers, as the
check-in page is; never cached."""
from datetime import timedelta

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.permissions import can_scan
from wic.display import BEIJING

from . import arrivals
from .boarding import boarding_list
from .enums import Hub
from .models import PickupRun


def _refused(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_scan(request.user):
        return render(request, "403.html", {"message": _("Only gate staff and organizers scan boarding.")}, status=403)
    return None


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


def boarding_runs(request):
    refused = _refused(request)
    if refused is not None:
        return refused
    today = timezone.localdate(timezone.now(), BEIJING)
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()), BEIJING)
    runs = list(
        PickupRun.objects.filter(departs_at__gte=start, departs_at__lt=start + timedelta(days=2))
        .select_related("edition")
        .annotate(guests=Count("seats"), aboard=Count("seats", filter=Q(seats__boarded_at__isnull=False)))
        .order_by("departs_at", "number")
    )
    hubs = []
    for hub in Hub:
        mine = [run for run in runs if run.hub == hub]
        if mine:
            hubs.append((hub.label, [(run, timezone.localtime(run.departs_at, BEIJING), arrivals.vehicle_label(run.vehicle), arrivals.meeting_point(run)) for run in mine]))
    return _private(render(request, "travel/boarding_runs.html", {"hubs": hubs, "today": today}))


def boarding_scan(request, run_id):
    refused = _refused(request)
    if refused is not None:
        return refused
    run = PickupRun.objects.select_related("checkin_list").filter(pk=run_id).first()
    if run is None:
        from agenda.views import not_found

        return not_found(request, _("No pickup run has this number: open the runs of today from the boarding page."))
    checkin_list = boarding_list(run)
    return _private(HttpResponseRedirect(f"{reverse('registration:checkin')}?list={checkin_list.pk}", status=303))


urlpatterns = [
    path("travel/boarding/", boarding_runs, name="boarding"),
    path("travel/boarding/<id:run_id>/", boarding_scan, name="boarding-scan"),
]
