"""The audit trail: which models and fields are recorded (django-auditlog), with who changed them,
when, and from which value to which. The admin shows it per object ("Audit log" on a change page)
and as a whole (Audit log entries, filterable by model, action and person).

Personal data stays out of the trail: of a guest's registration only the decision fields are
recorded, a credential's secret is masked, passwords are never recorded. Check-ins need no entry
here: every scan is already kept, with who and when, in registration.Checkin.
"""
from functools import cache

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

# app_label.Model -> keyword arguments for auditlog.register
RECORDED = {
    "auth.User": {"include_fields": ["username", "is_active", "is_staff", "is_superuser"], "m2m_fields": {"groups"}},
    "wic.Edition": {},
    "wic.Organization": {},
    "wic.Member": {"m2m_fields": {"representatives"}},
    "agenda.Session": {"exclude_fields": ["sort_key"]},
    "forums.ForumCall": {},
    "forums.ForumApplication": {"include_fields": ["state", "board", "decided_at", "decision_message", "submitted_at"]},
    "forums.Review": {},
    "registration.Registration": {"include_fields": ["status", "decided_at", "decided_by", "participation", "category"]},
    "registration.Credential": {"include_fields": ["registration", "secret", "revoked_at", "revoked_by"], "mask_fields": ["secret"]},
    "registration.CheckinList": {},
    "registration.Invitation": {},
    # Volunteers: decisions, team placement, shift attendance (never phone or email).
    "volunteers.Volunteer": {"include_fields": ["status", "team", "decided_at", "decided_by"]},
    "volunteers.Team": {},
    "volunteers.Shift": {},
    "volunteers.Assignment": {"include_fields": ["status", "checked_in_at", "arrival", "checked_out_at", "departure"]},
    # Awards: quotas and their use, nominations' states and results.
    "awards.AwardProgramme": {},
    "awards.RecommendationQuota": {},
    "awards.Recommendation": {"include_fields": ["enterprise", "withdrawn_at", "slot", "quota"]},
    "awards.EnterpriseRepresentative": {},
    "awards.Nomination": {"include_fields": ["state", "submitted_at", "screening_note", "won_category"]},
    # Expo: decisions, booth allotments, launches, openings, meetings.
    "expo.Exhibitor": {"include_fields": ["status", "decided_at", "decided_by", "preferred_zone", "booth_size"], "m2m_fields": {"representatives"}},
    "expo.Booth": {},
    "expo.BoothAllotment": {},
    "expo.Launch": {},
    "expo.TalentListing": {},
    "expo.MeetingRequest": {"include_fields": ["status", "start", "end", "decided_at", "decided_by"]},
}


def register_models() -> None:
    for label, options in RECORDED.items():
        try:
            model = apps.get_model(label)
        except LookupError:  # an app not installed in this configuration
            continue
        if not auditlog.contains(model):
            auditlog.register(model, **options)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware (who made a change, for the trail), except on the gates' scan
    endpoint: a scan writes only Checkin rows, which the trail does not record (see above), and
    entering auditlog's context (a signal connected and disconnected per request) was 8% of a
    scan's Python time (profiled under bench/checkin.py)."""

    def __call__(self, request):
        if request.path_info == _scan_path():
            return self.get_response(request)
        return super().__call__(request)


@cache
def _scan_path() -> str:
    return reverse("api-checkins")
