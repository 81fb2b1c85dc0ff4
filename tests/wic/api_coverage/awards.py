"""Service coverage of the awards area (awards/services.py, called by awards/api.py;
tests/wic/test_api_coverage.py).

Not services by the scanner's rule, so in neither list: beijing, member_name, programme_name,
check_open, members_for_user, is_member_organization, enterprises_for_user, submission_problems,
recommendation_required and eligibility_problems (helpers and reads the services and pages use).
Removing an expert reviewer is the programme's admin inline (no service)."""

PAGE_ONLY = {
    "awards.services.quota_for": "a read helper: the member's quota for a programme, shown on the members' page (quota lines) "
                                 "and applied by recommendation_create (POST /api/v1/recommendations/ answers `quota_exceeded`)",
    "awards.services.quota_used": "a read helper: the places a member used, shown on the members' page and counted again under "
                                  "the lock by recommendation_create",
    "awards.services.active_recommendations": "a read helper: the recommendations an enterprise has, shown on the application page "
                                              "and the admin; the API's nominations carry `active_recommendations`",
    "awards.services.score_check": "the admin's score inline asks it before saving an organizer's edit of a score; experts score "
                                   "through score_record (POST /api/v1/nominations/<id>/score/), which runs the same checks",
    "awards.services.enterprise_representative_grant": "an organizer links an account to an enterprise in the admin "
                                                       "(EnterpriseRepresentative); the API has no accounts to name, and the seed and demo grant too",
    "awards.services.programme_upsert": "seed and demo; organizers set a programme up in the admin",
    "awards.services.category_upsert": "seed and demo; organizers edit categories inline in the programme's admin page",
    "awards.services.further_condition_upsert": "seed and demo; organizers edit conditions inline in the programme's admin page",
    "awards.services.quotas_set": "seed and demo; organizers edit quotas inline in the programme's admin page",
    "awards.services.figure_upsert": "seed: the figures the texts report",
}

COVERED = {
    "awards.services.member_for_user": "POST /api/v1/recommendations/",
    "awards.services.enterprise_for_recommendation": "POST /api/v1/recommendations/",
    "awards.services.recommendation_create": "POST /api/v1/recommendations/",
    "awards.services.recommendation_withdraw": "DELETE /api/v1/recommendations/<id>/, POST /api/v1/recommendations/<id>/withdraw/",
    "awards.services.nomination_save_draft": "POST /api/v1/nominations/, PATCH /api/v1/nominations/<id>/",
    "awards.services.nomination_nominate_individual": "POST /api/v1/nominations/ (direction individual)",
    "awards.services.nomination_submit": "POST /api/v1/nominations/<id>/submit/",
    "awards.services.nomination_withdraw": "POST /api/v1/nominations/<id>/withdraw/",
    "awards.services.score_record": "POST /api/v1/nominations/<id>/score/",
    "awards.services.nomination_transition": "POST /api/v1/nominations/<id>/decide/",
    "awards.services.nominations_transition": "POST /api/v1/nomination-decisions/",
    "awards.services.reviewer_assign": "POST /api/v1/award-programmes/<id>/reviewers/",
    "awards.services.programme_release_results": "POST /api/v1/award-programmes/<id>/release-results/",
    "awards.services.programme_withhold_results": "POST /api/v1/award-programmes/<id>/withhold-results/",
}
