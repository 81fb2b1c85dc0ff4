"""The protocol app's API, collected from its parts for wic/urls.py: ROUTES for the router
(prefix, viewset, basename) and PATHS, plain patterns under /api/v1/."""
from . import api_delegations, api_rsvp, api_seating

ROUTES = [*api_delegations.ROUTES, *api_rsvp.ROUTES, *api_seating.ROUTES]
PATHS = [*api_delegations.PATHS, *api_rsvp.PATHS, *api_seating.PATHS]
