"""The travel app's API (issue 24), collected from its parts for wic/urls.py: ROUTES for the router
(prefix, viewset, basename) and PATHS, plain patterns under /api/v1/ (the guest's private link).

- api_letters: visa letters (organizers) and the guest's request at their private link;
- api_arrivals: arrivals and departures, pickup runs and their manifests, planning (organizers);
- api_hotels: hotels, room blocks and occupancy, the guests' stays (organizers);
- api_meals: meals with their counts and kitchen sheets, dietary needs (organizers), shuttle
  loops (public timetables; organizers create).

Boarding a pickup run is scanned through /api/v1/checkins/ (registration's check-in engine, with
travel's CheckinRoster contribution), so it has no endpoint here."""
from . import api_arrivals, api_hotels, api_letters, api_meals

ROUTES = [*api_letters.ROUTES, *api_arrivals.ROUTES, *api_hotels.ROUTES, *api_meals.ROUTES]
PATHS = [*api_letters.PATHS, *api_arrivals.PATHS, *api_hotels.PATHS, *api_meals.PATHS]
