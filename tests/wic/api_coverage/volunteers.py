"""Service coverage of the volunteers area (volunteers/services.py, volunteers/roster.py;
tests/wic/test_api_coverage.py). The endpoints are volunteers/api.py's."""

PAGE_ONLY = {
    "volunteers.services.roster_refusal": "The roster rules stated once on plain data; not an action: shift_assign, standby_offer_accept and change_request_decide apply it, and the API calls those.",
    "volunteers.services.no_shows_mark": "Run by Celery beat every minute (volunteers.tasks.mark_no_shows), no page or admin action runs it; the places it frees are offered through standby_offers_create, which the API calls.",
    "volunteers.services.programme_upsert": "Seed and demo only (volunteers.seeding, volunteers.demo); organizers edit a programme in the admin's form.",
    "volunteers.services.module_upsert": "Seed and demo only (volunteers.seeding, volunteers.demo); organizers edit a training module in the admin's form.",
}

COVERED = {
    "volunteers.services.application_submit": "POST /api/v1/volunteers/",
    "volunteers.services.volunteer_decide": "POST /api/v1/volunteers/<id>/decide/",
    "volunteers.services.volunteers_decide": "POST /api/v1/volunteer-decisions/",
    "volunteers.services.interview_record": "POST /api/v1/volunteers/<id>/interviews/",
    "volunteers.services.team_add_member": "POST /api/v1/volunteer-teams/<id>/members/",
    "volunteers.services.attendance_record": "POST /api/v1/training-modules/<id>/attendance/",
    "volunteers.services.attendance_record_by_code": "POST /api/v1/training-modules/<id>/attendance-by-code/",
    "volunteers.services.attendance_set": "POST /api/v1/training-modules/<id>/attendance-list/",
    "volunteers.services.shift_assign": "POST /api/v1/shift-assignments/",
    "volunteers.services.assignment_drop": "POST /api/v1/shift-assignments/<id>/drop/",
    "volunteers.services.assignment_check_in": "POST /api/v1/shift-assignments/<id>/check-in/",
    "volunteers.services.assignment_check_out": "POST /api/v1/shift-assignments/<id>/check-out/",
    "volunteers.services.lead_scan": "POST /api/v1/shift-scans/",
    "volunteers.services.standby_offers_create": "POST /api/v1/standby-offers/",
    "volunteers.services.standby_offer_accept": "POST /api/v1/standby-offers/<id>/accept/",
    "volunteers.services.change_request_create": "POST /api/v1/change-requests/",
    "volunteers.services.change_request_decide": "POST /api/v1/change-requests/<id>/decide/",
    "volunteers.roster.roster_auto": "POST /api/v1/volunteer-programmes/<id>/auto-roster/",
}
