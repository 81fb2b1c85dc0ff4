"""Service coverage of the agenda area (agenda/services.py, called by agenda/api.py;
tests/wic/test_api_coverage.py).

Not services by the scanner's rule, so in neither list: beijing_datetime (a helper the services
use). Deleting a session is not offered by the API (the admin's rule: a published session that
attendees starred is unpublished first, so that they are told, and deleted after; the admin
applies it, agenda.admin.SessionAdmin.get_deleted_objects, and no service holds it)."""

PAGE_ONLY = {
    "agenda.services.star_set": "the attendee's star on the agenda's pages (POST /editions/<year>/sessions/<id>/star/, a page endpoint "
                                "answering JSON to the page's script, signed in by session)",
    "agenda.services.stars_merge": "the agenda page's merge of the stars kept in the browser before signing in "
                                   "(POST /editions/<year>/my-agenda/merge/)",
    "agenda.services.agenda_feed_get_or_create": "the attendee's personal iCal feed made on the My agenda page "
                                                 "(POST /editions/<year>/my-agenda/feed/); the feed itself is its secret URL",
}

COVERED = {
    "agenda.services.venue_upsert": "POST /api/v1/venues/, PATCH /api/v1/venues/<id>/",
    "agenda.services.hall_upsert": "POST /api/v1/halls/, PATCH /api/v1/halls/<id>/",
    "agenda.services.board_upsert": "POST /api/v1/boards/, PATCH /api/v1/boards/<id>/",
    "agenda.services.session_upsert": "POST /api/v1/sessions/, PATCH /api/v1/sessions/<id>/, POST /api/v1/sessions/<id>/publish/, "
                                      "POST /api/v1/sessions/<id>/unpublish/",
    "agenda.services.session_set_organizations": "POST /api/v1/sessions/, PATCH /api/v1/sessions/<id>/ (`organizations`)",
    "agenda.services.session_place": "POST /api/v1/sessions/<id>/place/",
    "agenda.services.outcome_upsert": "POST /api/v1/outcomes/, PATCH /api/v1/outcomes/<id>/",
}
