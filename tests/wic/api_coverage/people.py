"""Service coverage of the people area's services (people/services.py, called by people/api.py;
tests/wic/test_api_coverage.py). people/invitations.py, the speaker's side, is
tests/wic/api_coverage/speakers.py's.

Not services by the scanner's rule, so in neither list: sessions_overlap and clashing_appearance
(the clash rule's helpers, which appearance_upsert applies)."""

PAGE_ONLY = {
    "people.services.appearance_upsert": "the seed's loader and the organizers' admin (appearances inline, with the clash override and "
                                         "its audit entry); the speaker's answer reaches it through people.invitations.speaker_answer "
                                         "(POST /api/v1/speaker-replies/<token>/)",
}

COVERED = {
    "people.services.person_upsert": "POST /api/v1/people/, PATCH /api/v1/people/<id>/",
}
