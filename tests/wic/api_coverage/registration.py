"""Service coverage of the registration area (registration/services.py, registration/checkin.py,
registration/offline.py; called by registration/api.py, checkin_api.py, offline_api.py;
tests/wic/test_api_coverage.py).

Not services by the scanner's rule, so in neither list: random_code and registration_open
(helpers), checkin.py's typed_secret, all_results, result_labels, scan_message and
not_invited_reason (what the scan and the gate page show, through POST /api/v1/checkins/)."""

PAGE_ONLY = {
    "registration.services.registration_create": "called through registration_request (POST /api/v1/registrations/), which answers the "
                                                 "same for a new and a registered address; seed, demo and tests register directly",
    "registration.services.credential_badge_render": "the body of the Celery task render_badge, enqueued when a credential is issued "
                                                     "(and by the admin's 'draw the badges again'); the API shows the badge's URL",
}

COVERED = {
    "registration.services.registration_request": "POST /api/v1/registrations/",
    "registration.services.registration_decide": "POST /api/v1/registrations/<id>/decide/",
    "registration.services.registrations_decide": "POST /api/v1/registrations/decide/",
    "registration.services.registration_link_resend": "POST /api/v1/registrations/<id>/resend-link/",
    "registration.services.credential_issue": "POST /api/v1/credentials/",
    "registration.services.credential_revoke": "POST /api/v1/credentials/<id>/revoke/",
    "registration.services.credential_reissue": "POST /api/v1/registrations/<id>/reissue-credential/",
    "registration.services.invitations_create": "POST /api/v1/invitations/",
    "registration.checkin.checkin_scan": "POST /api/v1/checkins/",
    "registration.offline.offline_data": "GET /api/v1/checkin-lists/<id>/offline/",
}
