"""The audit trail of one object, for anything wic/audit.py records: the same page as
django-auditlog's per-admin mixin, reached from every change page's "Audit log" button."""
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

PER_PAGE = 25


def audit_object_view(request, app_label: str, model_name: str, pk: str):
    from django.apps import apps

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404(_("No such model."))
    model_admin = admin.site._registry.get(model)
    if not auditlog.contains(model) or model_admin is None:
        raise Http404(_("This model has no audit trail."))
    obj = model_admin.get_object(request, pk)
    if obj is None:
        raise Http404(_("No such object."))
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied
    entries = LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")
    paginator = Paginator(entries, PER_PAGE)
    page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
    context = {
        **admin.site.each_context(request),
        "title": _("Audit log: %s") % obj,
        "module_name": str(capfirst(model._meta.verbose_name_plural)),
        "page_range": paginator.get_elided_page_range(page.number),
        "page_var": PAGE_VAR,
        "pagination_required": paginator.count > PER_PAGE,
        "object": obj,
        "opts": model._meta,
        "log_entries": page,
    }
    return TemplateResponse(request, "auditlog/object_history.html", context)
