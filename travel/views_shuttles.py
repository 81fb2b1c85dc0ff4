"""The shuttle timetable page (issue 24): /editions/<year>/shuttles/, public, as the agenda's pages
are: every shuttle loop of the edition with its stops, the days it runs and its departures, in the
page's language (English names where they exist) and Beijing time. Two queries after the
edition's, whatever the number of loops and stops (travel.shuttles.edition_timetables); a long
timetable scrolls inside its own focusable, named region, never the page."""
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from agenda.selectors import edition_by_year
from agenda.views import no_edition

from . import shuttles


@require_GET
def shuttle_timetable(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    return render(request, "travel/shuttle_timetable.html", {"edition": edition, "loops": shuttles.edition_timetables(edition)})


urlpatterns = [
    path("editions/<str:year>/shuttles/", shuttle_timetable, name="shuttles"),
]
