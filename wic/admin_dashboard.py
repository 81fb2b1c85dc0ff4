"""The organizers' edition dashboard in the admin (issue 9): /admin/dashboard/<year>/, and
/admin/dashboard/ opening on the current edition. Both are wrapped by `admin.site.admin_view` in
wic/urls.py, so anonymous visitors go to the admin login; staff who are neither organizers nor
superusers get the 403 page, as the audit trail's page does."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import roles
from .dashboard import current_edition_year, edition_dashboard
from .models import Edition


is_organizer = roles.is_organizer


def _require_organizer(request) -> None:
    if not is_organizer(request.user):
        raise PermissionDenied


def dashboard_index(request):
    _require_organizer(request)
    year = current_edition_year()
    if year is None:
        return redirect("admin:index")
    return redirect("admin-dashboard", year=year)


def dashboard_view(request, year: int):
    _require_organizer(request)
    edition = get_object_or_404(Edition, year=year)
    dashboard = edition_dashboard(edition)
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard: %(edition)s") % {"edition": edition.t("name")},
        "subtitle": None,
        "dashboard": dashboard,
        "edition": edition,
        # The history panel lists every edition already: the switcher reuses it, no extra query.
        "editions": dashboard.history.rows,
    }
    return TemplateResponse(request, "admin/dashboard.html", context)  # admin_view adds never_cache
