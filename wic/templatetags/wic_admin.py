from auditlog.registry import auditlog
from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def audit_url(obj) -> str:
    """The audit trail page of `obj`, or "" when its model is not recorded."""
    if obj is None or obj.pk is None or not auditlog.contains(type(obj)):
        return ""
    opts = obj._meta
    return reverse("admin-audit-object", args=[opts.app_label, opts.model_name, obj.pk])
