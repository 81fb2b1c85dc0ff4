"""The protocol app's API: delegations (to be written). ROUTES: (prefix, viewset, basename) for the
API router; PATHS: plain url patterns under /api/v1/."""
ROUTES: list = []
PATHS: list = []
