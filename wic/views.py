from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import contrib
from .models import Edition
from .selectors import current_of


@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} after a database round trip and a Redis ping where Redis is configured;
    503 with the reason when the database is down. A Redis that does not answer is 200 with
    `"status": "degraded"` and `"failed": "redis"`: the app serves every page without its cache,
    only slower, and a load balancer that takes servers out on a 503 must not take every server
    out for a cache outage (docs/deploy.md, "When the cache is down"). Every body carries
    `degraded`: this process's counters of what degraded (wic.degraded: cache failures, rate
    limits that let requests through uncounted, agenda pages served uncached)."""
    from . import degraded

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # any driver error means "down"
        return JsonResponse({"status": "error", "failed": "database", "reason": str(error)[:200], "degraded": degraded.snapshot()}, status=503)
    if settings.REDIS_URL:
        try:
            from django_redis import get_redis_connection

            get_redis_connection("default").ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = "down"
            return JsonResponse({"status": "degraded", "failed": "redis", "reason": str(error)[:200], "checks": checks, "degraded": degraded.snapshot()})
    return JsonResponse({"status": "ok", "checks": checks, "degraded": degraded.snapshot()})


def home(request):
    today = timezone.localdate()
    editions = list(Edition.objects.filter(is_published=True).select_related("main_venue").prefetch_related("figures").order_by("-year"))
    current = current_of(editions, today)
    past = [e for e in editions if e is not current]
    # Links to the figures of the current edition by part of the summit (the groups the apps
    # contribute with on_home), where it has any.
    groups = {f.group for f in current.figures.all()} if current else set()
    current_groups = [g for g in contrib.ordered(contrib.FigureGroup) if g.on_home and g.key in groups]
    # The apps' links for the current edition (registration's "Register" while it is open).
    links = [link for link in (h.build(current, today=today) for h in contrib.ordered(contrib.HomeLink)) if link] if current else []
    context = {"current": current, "past": past, "today": today, "current_groups": current_groups, "current_links": links}
    return render(request, "wic/home.html", context)


def privacy(request):
    """The privacy notice: what the summit keeps about a person, why, for how long, and how to ask
    for a copy or an erasure (an email to the secretariat, handled with `manage.py personal_data`)."""
    return render(request, "wic/privacy.html", {"secretariat": settings.DEFAULT_FROM_EMAIL})


@require_GET
def switch_language(request, code):
    """Set the language cookie and go back. A GET link (no form) so public pages can be cached
    without a CSRF token in them; choosing a language changes nothing but the cookie."""
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    languages = dict(settings.LANGUAGES)
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in languages:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
        )
    return response


def api_not_found(request, exception=None):
    """JSON 404 under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": f"No API endpoint at {request.path}."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    import sys

    from .database_busy import UNAVAILABLE, database_busy_response, is_database_busy, is_database_unavailable

    error = sys.exc_info()[1]
    if is_database_busy(error):  # a lock timeout outside a view (DatabaseBusyMiddleware has the views')
        return database_busy_response(request)
    if is_database_unavailable(error):  # the database gone away, outside a view (a middleware's query)
        return database_busy_response(request, UNAVAILABLE)
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "Internal error; it has been logged."}, status=500)
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    """400, or 413 for a request too large (wic.uploads): JSON `{code, message}` under /api/, a
    page naming the limit elsewhere. Replaces Django's bare "Bad Request (400)"."""
    from django.utils.translation import gettext as _

    from .uploads import refusal

    status, code, message = refusal(request, exception) or (400, "bad_request", _("The request could not be read."))
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "detail": message}, status=status)
    return render(request, "400.html", {"code": code, "message": message, "status": status}, status=status)


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page links: the static SVG icon."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
