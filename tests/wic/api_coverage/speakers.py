"""Service coverage of the speaker's side (people/invitations.py, called by
people/api_invitations.py; tests/wic/test_api_coverage.py). people.services is the people area's
(tests/wic/api_coverage/people.py).

Not services by the scanner's rule, so in neither list: the links, emails, dates and upload
checks (speaker_token, speaker_link_path, speaker_link_url, link_max_age, invitation_email_queue,
session_start, session_started, photo_checked, slides_checked), which the services below use."""

PAGE_ONLY: dict = {}

COVERED = {
    "people.invitations.invite_person": "POST /api/v1/speaker-invitations/",
    "people.invitations.appearance_invite": "POST /api/v1/speaker-invitations/<id>/send/",
    "people.invitations.appearance_for_token": "GET /api/v1/speaker-replies/<token>/",
    "people.invitations.speaker_answer": "POST /api/v1/speaker-replies/<token>/",
}
