"""The venue map pages (issue 25), public, as the agenda's pages are:

- `/editions/<year>/map/`: the plan of the edition's home venue (its main venue, else the first
  venue of its map: companion.map.home_venue) and `/editions/<year>/map/<venue id>/` for each other
  venue of the edition (the page lists them as tabs when there are several): halls and expo zones
  as labelled rectangles, service points as numbered markers, each a link; a filter of the
  points by kind (`?kind=medical&kind=restroom`: a form of checkboxes, which works without
  JavaScript; static/companion/map.js applies a change at once); below the plan, the same as
  text, with each point's hours as entered (Beijing time).
- `/editions/<year>/map/hall/<id>/`, `/zone/<id>/`, `/point/<id>/`: the map of the item's venue
  with the item highlighted on the plan (`aria-current`) and its details above the plan, which
  take the focus when the page opens; a hall's lists the edition's sessions in it (the coming
  ones while the edition runs or is ahead; all of them once it is over).

Not found (404, the site's page naming what is missing): an unknown edition, a venue that is not
on the edition's map, a hall of another venue, a zone or a point of another edition. An id
that is not 1 to 18 ASCII digits matches no URL (404); a NUL anywhere in the request is the
middleware's 400 `invalid_characters`. `?kind=` with a value that is no kind of service point
is refused: 400, code `unknown_kind`, the map shown unfiltered with the sentence naming the
filter ("kind") and the kinds there are. Queries: five for a venue's map, seven for a hall's
link, six for a zone's or a point's, whatever the number of halls, zones and points."""
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agenda.models import Hall
from agenda.selectors import edition_by_year
from agenda.views import no_edition, not_found
from expo.models import Zone
from wic import inputs  # noqa: F401  (registers the <id:...> path converter)
from wic.errors import DomainError
from wic.i18n import pick

from . import map as venue_map
from .enums import ServicePointKind
from .models import ServicePoint

MAX_SHOWN_VALUE = 40  # characters of a refused value the sentence repeats


def map_url(edition, venue, home) -> str:
    if venue is None or home is None or venue.pk == home.pk:
        return reverse("companion:map", args=[edition.year])
    return reverse("companion:map-venue", args=[edition.year, venue.pk])


def _kinds(request) -> tuple[set[str], DomainError | None]:
    """The kinds of service point to hide, from `?kind=` (the kinds to show; none: all), and the
    refusal of a value that is no kind."""
    wanted = [value for value in request.GET.getlist("kind") if value != ""]
    if not wanted:
        return set(), None
    unknown = next((value for value in wanted if value not in ServicePointKind.values), None)
    if unknown is not None:
        shown = unknown if len(unknown) <= MAX_SHOWN_VALUE else unknown[:MAX_SHOWN_VALUE] + "…"
        kinds = _(", ").join(f"{value} ({label})" for value, label in ServicePointKind.choices)
        message = _("The filter “kind” takes kinds of service point; “%(value)s” is not one. The kinds are: %(kinds)s.") % {"value": shown, "kinds": kinds}
        return set(), DomainError("unknown_kind", message, field="kind")
    return set(ServicePointKind.values) - set(wanted), None


def _render(request, edition, venues, home, venue, *, focus=None, extra=None):
    hidden, error = _kinds(request)
    plan = venue_map.venue_plan(venue, edition, home_venue_id=home.pk) if venue is not None else None
    focus_item = None
    if focus is not None and plan is not None:
        kind, pk = focus
        pool = {"hall": plan.halls, "zone": plan.zones, "point": plan.points}[kind]
        focus_item = next((item for item in pool if item.pk == pk), None)
    context = {
        "edition": edition,
        "venues": [(v, map_url(edition, v, home)) for v in venues],
        "venue": venue,
        "home": home,
        "plan": plan,
        "kinds": plan.kinds() if plan else [],
        "hidden_kinds": hidden,
        "filtered": bool(hidden),
        "error": error,
        "focus_kind": focus[0] if focus else "",
        "focus_pk": focus[1] if focus else None,
        "focus_item": focus_item,
        "map_url": map_url(edition, venue, home),
        **(extra or {}),
    }
    return render(request, "companion/map.html", context, status=error.status if error else 200)


def _edition_and_venues(year):
    edition = edition_by_year(year)
    if edition is None:
        return None, [], None
    venues = venue_map.edition_venues(edition)
    return edition, venues, venue_map.home_venue(edition, venues)


@require_GET
def edition_map(request, year, venue_id=None):
    edition, venues, home = _edition_and_venues(year)
    if edition is None:
        return no_edition(request, year)
    venue = home
    if venue_id is not None:
        venue = next((v for v in venues if v.pk == venue_id), None)
        if venue is None:
            return not_found(request, _("Venue %(id)s is not on the map of edition %(year)s.") % {"id": venue_id, "year": edition.year})
    return _render(request, edition, venues, home, venue)


@require_GET
def hall_on_map(request, year, pk):
    edition, venues, home = _edition_and_venues(year)
    if edition is None:
        return no_edition(request, year)
    hall = Hall.objects.filter(pk=pk).select_related("venue").first()
    venue = next((v for v in venues if hall is not None and v.pk == hall.venue_id), None)
    if venue is None:
        return not_found(request, _("Hall %(id)s is not on the map of edition %(year)s.") % {"id": pk, "year": edition.year})
    sessions, coming = venue_map.venue_hall_sessions(hall, edition)
    extra = {"hall": hall, "sessions": sessions, "coming": coming, "title": pick(hall, "name")}
    return _render(request, edition, venues, home, venue, focus=("hall", hall.pk), extra=extra)


@require_GET
def zone_on_map(request, year, pk):
    edition, venues, home = _edition_and_venues(year)
    if edition is None:
        return no_edition(request, year)
    zone = Zone.objects.filter(pk=pk, edition=edition).select_related("plan_shape").first()
    if zone is None:
        return not_found(request, _("Edition %(year)s has no expo zone %(id)s.") % {"id": pk, "year": edition.year})
    shape = venue_map.shape_of(zone)
    venue = next((v for v in venues if v.pk == (shape.venue_id if shape else getattr(home, "pk", None))), None)
    return _render(request, edition, venues, home, venue, focus=("zone", zone.pk), extra={"zone": zone, "title": pick(zone, "name")})


@require_GET
def point_on_map(request, year, pk):
    edition, venues, home = _edition_and_venues(year)
    if edition is None:
        return no_edition(request, year)
    point = ServicePoint.objects.filter(pk=pk, edition=edition).first()
    venue = next((v for v in venues if point is not None and v.pk == point.venue_id), None)
    if venue is None:
        return not_found(request, _("Edition %(year)s has no service point %(id)s.") % {"id": pk, "year": edition.year})
    return _render(request, edition, venues, home, venue, focus=("point", point.pk), extra={"title": pick(point, "name")})


urlpatterns = [
    path("editions/<str:year>/map/", edition_map, name="map"),
    path("editions/<str:year>/map/<id:venue_id>/", edition_map, name="map-venue"),
    path("editions/<str:year>/map/hall/<id:pk>/", hall_on_map, name="hall"),
    path("editions/<str:year>/map/zone/<id:pk>/", zone_on_map, name="zone"),
    path("editions/<str:year>/map/point/<id:pk>/", point_on_map, name="point"),
]
