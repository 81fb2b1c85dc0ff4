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

# The core's models: app_label.Model -> keyword arguments for auditlog.register. The apps add
# theirs as `wic.contrib.AuditedModel` in their contrib.py.
RECORDED = {
    "auth.User": {"include_fields": ["username", "is_active", "is_staff", "is_superuser"], "m2m_fields": {"groups"}},
    "wic.Edition": {},
    # Its confirmation (verified_at) is written by wic.services.organizations_confirm, one entry each.
    "wic.Organization": {"exclude_fields": ["verified_at"]},
    "wic.Member": {"m2m_fields": {"representatives"}},
}


def recorded() -> dict[str, dict]:
    """Every recorded model: the core's, then the apps' contributions."""
    from . import contrib

    return {**RECORDED, **{item.label: item.options for item in contrib.items(contrib.AuditedModel)}}


def register_models() -> None:
    for label, options in recorded().items():
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
