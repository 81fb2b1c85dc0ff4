"""Service coverage of the expo area (expo/services.py, called by expo/api.py; tests/wic/test_api_coverage.py).

Not services by the scanner's rule, so in neither list: clean_fields_list, clean_country and expo_days
(helpers the services use), and exhibitors_import, the admin's file import (upload, dry-run preview,
confirm in one session), a wrapper of expo.importing.exhibitors_import that the API does not offer."""

PAGE_ONLY = {
    "expo.services.exhibitor_create": "the admin's file import and the demo enter exhibitors with it (applicants use POST /api/v1/exhibitors/)",
    "expo.services.expo_for": "internal helper: launch_schedule locks the edition's expo row through it",
    "expo.services.expo_upsert": "seed and demo",
    "expo.services.zone_upsert": "seed and demo",
    "expo.services.section_upsert": "seed and demo",
    "expo.services.organization_named": "seed and demo",
    "expo.services.exhibitor_record_upsert": "seed and demo",
    "expo.services.exhibit_upsert": "seed and demo",
}

COVERED = {
    "expo.services.exhibitor_apply": "POST /api/v1/exhibitors/",
    "expo.services.exhibitor_update": "PATCH /api/v1/exhibitors/<id>/",
    "expo.services.exhibitor_decide": "POST /api/v1/exhibitor-applications/<id>/decide/",
    "expo.services.exhibitors_decide": "POST /api/v1/exhibitor-decisions/",
    "expo.services.booth_allot": "POST /api/v1/expo-booths/<id>/allot/",
    "expo.services.booth_release": "POST /api/v1/expo-booths/<id>/release/",
    "expo.services.launch_schedule": "POST /api/v1/expo-launches/",
    "expo.services.launch_cancel": "POST /api/v1/expo-launches/<id>/cancel/",
    "expo.services.opening_create": "POST /api/v1/expo-openings/",
    "expo.services.opening_close": "POST /api/v1/expo-openings/<id>/close/",
    "expo.services.meeting_request": "POST /api/v1/expo-meetings/",
    "expo.services.meeting_decide": "POST /api/v1/expo-meetings/<id>/accept/, POST /api/v1/expo-meetings/<id>/decline/",
    "expo.services.meeting_cancel": "POST /api/v1/expo-meetings/<id>/cancel/",
}
