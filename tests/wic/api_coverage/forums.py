"""Service coverage of the forums area (forums/services.py, called by forums/api.py;
tests/wic/test_api_coverage.py).

Not services by the scanner's rule, so in neither list: application_check_fields (the draft's
checks, which application_save_draft runs and the admin's correction form runs too).

What organizers and reviewers do on the forums' pages without an API operation, none of it a
service: the calls, their questions and review criteria, and the reviewers are admin records
(ModelAdmin, no service); an organizer's correction of an application's text is the admin's form
(no service writes it); the placement page's grid of free half-day slots is a read
(forums.selectors.hall_slots) whose placement is POST /api/v1/sessions/<id>/place/; the reviewer's
list of applications to review (with the conflict flags) is a page, each application being read
with GET /api/v1/forum-applications/<id>/ and reviewed with POST .../review/; the CSV/XLSX
exports are the admin's."""

PAGE_ONLY = {
    "forums.services.reviewer_for": "a read helper: the reviewer record of a user for an edition, which review_submit and the "
                                     "reviewers' pages use to say who may review (POST /api/v1/forum-applications/<id>/review/ answers "
                                     "`not_a_reviewer` through review_submit)",
}

COVERED = {
    "forums.services.application_save_draft": "POST /api/v1/forum-applications/, PUT/PATCH /api/v1/forum-applications/<id>/",
    "forums.services.application_submit": "POST /api/v1/forum-applications/<id>/submit/",
    "forums.services.application_transition": "POST /api/v1/forum-applications/<id>/withdraw/, POST /api/v1/forum-applications/<id>/decide/",
    "forums.services.applications_decide": "POST /api/v1/forum-application-decisions/",
    "forums.services.review_submit": "POST /api/v1/forum-applications/<id>/review/",
}
