"""The installable offline app (issue 25): the web app manifest, the service worker and the page
it answers with when a page was never saved, served at the site's root (/manifest.webmanifest,
/sw.js, /offline/) so that the worker's scope is the whole site.

The worker is hand-written (static/pwa/sw.js, about 200 lines): what it does beyond "precache,
then network-first" (a private cache emptied on sign-out, the time each page was saved written
into the page served offline, the agenda's other days fetched along) would be plugins around
Workbox's strategies anyway, and vendoring Workbox without a bundler means six packages loaded
with importScripts. This module serves it with its configuration in front (`self.WIC_PWA`):

- the shell to precache: the static files every page uses, under the URLs `{% static %}` gives
  (hashed by ManifestStaticFilesStorage in production), and the offline page in each language;
  its version is a hash of those URLs, the files' bytes and the worker's source, so a deploy
  that changes any of them installs a new worker that replaces the shell;
- the pages it keeps for offline use (PUBLIC_PAGES, PRIVATE_PAGES below), network-first: online,
  every visit asks the server (the agenda's answer is conditional on its ETag, which changes with
  the agenda's version, agenda.cache), so an edit shows on the next visit and replaces the copy;
- the sign-in and sign-out URLs, whose POST empties the private cache (see PRIVATE_PAGES).

Private pages. The guest's own page (its QR credential) is sent `private, no-store`, and "My
agenda" `private, no-cache`: neither may sit in a shared cache, and the worker's Cache Storage is
not one: it belongs to this browser's profile on the guest's own device, which is where the guest
needs the QR without a network at the gate. So the worker keeps these two patterns, and any page
sent `private` or rendered for a signed-in visitor, in a separate cache ("wic-private"), and
honours `no-store` for everything else. That cache is emptied when the browser signs in or out
(the worker sees the POST go by) and when a page shows the browser is no longer signed in (a
session that expired), so the next person on a shared computer finds none of it. Clear-Site-Data
on the sign-out response was the other way: its "storage" would also wipe the gates' scans queued
offline in localStorage (static/js/checkin.js) and the anonymous stars, and its "cache" does not
reach Cache Storage.
"""
import functools
import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.views.decorators.http import require_safe

THEME_COLOR = "#0b4f8a"  # --brand in static/css/site.css: the header's blue
BACKGROUND_COLOR = "#f6f8fb"  # --bg

# The static files every page uses, precached when the worker installs.
SHELL = (
    "css/site.css",
    "js/agenda.js",
    "pwa/offline.js",
    "pwa/pwa.css",
    "img/favicon.svg",
    "pwa/icon-192.png",
    "pwa/icon-512.png",
    "pwa/icon-maskable-512.png",
)
WORKER_SOURCE = "pwa/sw.js"
OFFLINE_TEMPLATE = "pwa/offline.html"

# Pages kept for offline use once opened (JavaScript regular expressions on the path; tests check
# each against the URL it stands for). The agenda's other days are fetched along with any day.
PUBLIC_PAGES = (
    r"^/$",
    r"^/editions/$",
    r"^/editions/\d{4}/$",
    r"^/editions/\d{4}/agenda/$",
    r"^/editions/\d{4}/sessions/\d+/$",
    r"^/editions/\d{4}/people/$",
    r"^/people/\d+/$",
    r"^/editions/\d{4}/expo/$",
    r"^/editions/\d{4}/expo/map/$",
    r"^/editions/\d{4}/expo/exhibitors/\d+/$",
    r"^/editions/\d{4}/map/$",  # the venue map (companion), being built: a 404 is not kept
    r"^/editions/\d{4}/shuttles/$",
)
# Kept even though sent `no-store`, in the private cache only. "My agenda" of an anonymous
# visitor carries the stars in its query (?s=1,2): offline, the last one saved answers any query.
PRIVATE_PAGES = (
    r"^/editions/\d{4}/my-agenda/$",
    r"^/editions/\d{4}/registration/[A-Za-z0-9_-]+/$",
)
# Images on kept pages (people's photos; the rest are static files).
PUBLIC_ASSETS = (r"^/people/\d+/photo-\d+\.jpg$",)
NETWORK_TIMEOUT_MS = 4000  # then a saved copy answers, and the network's answer still updates it


def _shell_urls() -> dict[str, str]:
    return {name: static(name) for name in SHELL}


def _read_static(name: str) -> bytes:
    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:  # only collected files on this server
        return handle.read()


def _compute_version() -> str:
    digest = hashlib.sha256()
    for name, url in sorted(_shell_urls().items()):
        digest.update(url.encode())
        digest.update(hashlib.sha256(_read_static(name)).digest())
    digest.update(_read_static(WORKER_SOURCE))
    from django.template.loader import get_template

    digest.update(get_template(OFFLINE_TEMPLATE).template.source.encode())
    return digest.hexdigest()[:16]


_cached_version = functools.cache(_compute_version)


def shell_version() -> str:
    """The shell's version: computed once per process, or on every request with DEBUG (files
    change under runserver)."""
    return _compute_version() if settings.DEBUG else _cached_version()


def offline_urls() -> dict[str, str]:
    base = reverse("pwa-offline")
    return {code: f"{base}?lang={code}" for code, _name in settings.LANGUAGES}


def worker_config() -> dict:
    admin = "/" + settings.ADMIN_URL
    return {
        "version": shell_version(),
        "shell": _shell_urls(),
        "staticUrl": settings.STATIC_URL,
        "offline": offline_urls(),
        "defaultLanguage": settings.LANGUAGE_CODE,
        "publicPages": list(PUBLIC_PAGES),
        "privatePages": list(PRIVATE_PAGES),
        "publicAssets": list(PUBLIC_ASSETS),
        # A POST to one of these empties the private cache.
        "signInOut": [reverse("login"), reverse("logout"), admin + "login/", admin + "logout/"],
        # Never touched by the worker: the admin, the API, sign-in forms.
        "bypass": [admin, "/api/", "/accounts/", settings.STATIC_URL + "admin/"],
        "timeout": NETWORK_TIMEOUT_MS,
    }


@require_safe
def service_worker(request):
    """/sw.js: the worker's source with its configuration in front. `no-cache` so that the
    browser's update check (each navigation, at most daily by default) sees a new deploy."""
    body = "self.WIC_PWA = " + json.dumps(worker_config(), ensure_ascii=False) + ";\n" + _read_static(WORKER_SOURCE).decode()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest_data() -> dict:
    """One manifest for both languages: an installed app keeps the name it was installed with, so
    it carries the summit's own name, with a short name that reads in either language."""
    return {
        "id": "/",
        "name": "世界互联网大会乌镇峰会",
        "short_name": "WIC Wuzhen",
        "description": "世界互联网大会乌镇峰会：议程、展览与参会证件，离线也可查看。World Internet Conference Wuzhen Summit: agenda, expo and credential, also offline.",
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("pwa/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }


@require_safe
def manifest(request):
    response = HttpResponse(json.dumps(manifest_data(), ensure_ascii=False, indent=1), content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the icons' hashed URLs change with a deploy
    return response


@require_safe
def offline_page(request):
    """What the worker answers for a page it never saved, while offline: precached in each
    language (?lang=), rendered as for a visitor who is not signed in (it is shown after sign-out
    too), with the list of saved pages filled in by static/pwa/offline.js."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        response = render(request, OFFLINE_TEMPLATE, {"user": AnonymousUser(), "messages": [], "pwa_offline_page": True})
    response["Cache-Control"] = "no-cache"
    response["Content-Language"] = language
    return response


urlpatterns = [
    path("manifest.webmanifest", manifest, name="pwa-manifest"),
    path("sw.js", service_worker, name="pwa-worker"),
    path("offline/", offline_page, name="pwa-offline"),
]
