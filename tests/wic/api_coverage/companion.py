"""Service coverage of the companion's venue map (companion/map.py, called by companion/api_map.py;
tests/wic/test_api_coverage.py). The assistant's API (/api/v1/assistant/) reads and writes nothing
the scanner counts."""

PAGE_ONLY = {
    "companion.map.point_check": "the demo's loader (companion/demo_map.py) raises the first problem with it; the API reports every "
                                 "problem at once through point_problems, as the admin's form shows each beside its field",
}

COVERED = {
    "companion.map.point_problems": "POST /api/v1/service-points/, PUT/PATCH /api/v1/service-points/<id>/",
    "companion.map.shape_problems": "POST /api/v1/plan-shapes/, PUT/PATCH /api/v1/plan-shapes/<id>/",
}
