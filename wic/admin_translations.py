"""The translation workbench in the admin (issue 20): /admin/translations/<year>/ lists every field
of the edition's records with English (or Chinese) missing, filterable by kind and by missing
language, each row a small form that saves through `wic.translations.translation_save`.

Wrapped by `admin.site.admin_view` in wic/urls.py like the dashboard: anonymous visitors go to the
admin login; staff who are neither organizers nor superusers get the 403 page."""
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import translations
from .admin_dashboard import _require_organizer
from .errors import DomainError
from .inputs import ascii_int
from .models import Edition

PER_PAGE = 50
PAGE_VAR = "page"


def _filters(request) -> tuple[str, str]:
    """The kind and the missing language asked for; "" (all) for anything unknown."""
    kind = request.GET.get("kind", "")
    missing = request.GET.get("missing", "")
    known = {k.key for k in translations.kinds()}
    return (kind if kind in known else ""), (missing if missing in translations.LANGUAGES else "")


def translations_view(request, year: int):
    _require_organizer(request)
    edition = get_object_or_404(Edition, year=year)
    kind, missing = _filters(request)
    error, submitted = None, None
    if request.method == "POST":
        submitted = {name: request.POST.get(name, "") for name in ("kind", "pk", "field", "value")}
        try:
            obj = translations.translation_save(
                edition=edition,
                kind=submitted["kind"],
                pk=ascii_int(submitted["pk"]),
                field=submitted["field"],
                value=submitted["value"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc
        else:
            label = str(obj._meta.get_field(submitted["field"]).verbose_name)
            messages.success(request, _("Saved the %(field)s of “%(record)s”.") % {"field": label, "record": obj})
            return HttpResponseRedirect(request.get_full_path())
    return _render(request, edition, kind=kind, missing=missing, error=error, submitted=submitted)


def _render(request, edition, *, kind: str, missing: str, error, submitted):
    languages = (missing,) if missing else translations.LANGUAGES
    every = translations.missing_rows(edition, languages=languages)
    per_kind = {}
    for row in every:
        per_kind[row.kind] = per_kind.get(row.kind, 0) + 1
    rows = [r for r in every if r.kind == kind] if kind else every
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
    failed = ""
    if error is not None and submitted:
        failed = f"{submitted['kind']}-{submitted['pk']}-{submitted['field']}"
    kinds = [(k.key, str(k.label), per_kind.get(k.key, 0)) for k in translations.kinds()]
    query = {name: value for name, value in (("kind", kind), ("missing", missing)) if value}
    context = {
        **admin.site.each_context(request),
        "title": _("Translations: %(edition)s") % {"edition": edition.t("name")},
        "subtitle": None,
        "edition": edition,
        "editions": list(Edition.objects.order_by("-year").values_list("year", flat=True)),
        "kinds": kinds,
        "kind": kind,
        "missing": missing,
        "languages": [(code, translations.language_name(code)) for code in translations.LANGUAGES],
        "total": len(every),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "page_var": PAGE_VAR,
        "query": urlencode(query),
        "error": error,
        "failed": failed,
        "submitted": submitted or {},
        "global_error": error if error is not None and not any(r.ident == failed for r in page.object_list) else None,
    }
    status = 200 if error is None else (error.status if error.status in (400, 404, 409) else 400)
    return TemplateResponse(request, "admin/translations.html", context, status=status)
