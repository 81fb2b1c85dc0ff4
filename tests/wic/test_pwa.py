"""The installable offline app (issue 25), server side: the manifest, the service worker served at
the root with its configuration, the shell's version, the Content-Security-Policy that lets both
in, the line every page carries for "offline · saved at", the offline page, and the patterns of
the pages the worker keeps. What the worker does with them is tested in Chromium
(tests/e2e/test_pwa_browser.py)."""
import json
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from registration import services as registration_services
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import pwa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

ICONS = [
    {"src": "/static/pwa/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "/static/pwa/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {"src": "/static/pwa/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]


def worker_config(body: str) -> dict:
    first, _rest = body.split("\n", 1)
    assert first.startswith("self.WIC_PWA = ") and first.endswith(";")
    return json.loads(first[len("self.WIC_PWA = "):-1])


# -- the manifest -----------------------------------------------------------------------------------

def test_manifest_names_the_summit_and_the_site_s_blue(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/manifest.webmanifest")
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (200, "application/manifest+json; charset=utf-8", "no-cache")
    assert json.loads(response.content) == {
        "id": "/",
        "name": "世界互联网大会乌镇峰会",
        "short_name": "WIC Wuzhen",
        "description": "世界互联网大会乌镇峰会：议程、展览与参会证件，离线也可查看。World Internet Conference Wuzhen Summit: agenda, expo and credential, also offline.",
        "lang": "zh-Hans",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0b4f8a",
        "background_color": "#f6f8fb",
        "icons": ICONS,
    }


def test_theme_colour_is_the_header_blue_of_the_style_sheet():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert re.search(r"--brand:\s*(#[0-9a-f]{6})", css).group(1) == pwa.THEME_COLOR
    assert re.search(r"--bg:\s*(#[0-9a-f]{6})", css).group(1) == pwa.BACKGROUND_COLOR


def test_icons_are_pngs_of_their_stated_sizes_and_the_maskable_one_is_full_bleed():
    from PIL import Image

    for icon in ICONS:
        with Image.open(settings.BASE_DIR / "static" / icon["src"].removeprefix("/static/")) as image:
            assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])
            corner = image.convert("RGBA").getpixel((0, 0))
            # "any": the rounded square's corner is transparent; "maskable": blue to the edge.
            assert corner == ((11, 79, 138, 255) if icon["purpose"] == "maskable" else (0, 0, 0, 0))


# -- the service worker -----------------------------------------------------------------------------

def test_worker_is_served_at_the_root_as_javascript_with_its_configuration(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sw.js")
    assert (response.status_code, response["Content-Type"], response["Cache-Control"], response["Service-Worker-Allowed"]) == (
        200, "text/javascript; charset=utf-8", "no-cache", "/",
    )
    body = response.content.decode()
    config = worker_config(body)
    assert re.fullmatch(r"[0-9a-f]{16}", config.pop("version"))
    assert config == {
        "shell": {
            "css/site.css": "/static/css/site.css",
            "js/agenda.js": "/static/js/agenda.js",
            "pwa/offline.js": "/static/pwa/offline.js",
            "pwa/pwa.css": "/static/pwa/pwa.css",
            "img/favicon.svg": "/static/img/favicon.svg",
            "pwa/icon-192.png": "/static/pwa/icon-192.png",
            "pwa/icon-512.png": "/static/pwa/icon-512.png",
            "pwa/icon-maskable-512.png": "/static/pwa/icon-maskable-512.png",
        },
        "staticUrl": "/static/",
        "offline": {"zh-hans": "/offline/?lang=zh-hans", "en": "/offline/?lang=en"},
        "defaultLanguage": "zh-hans",
        "publicPages": list(pwa.PUBLIC_PAGES),
        "privatePages": list(pwa.PRIVATE_PAGES),
        "publicAssets": [r"^/people/\d+/photo-\d+\.jpg$"],
        "signInOut": ["/accounts/login/", "/accounts/logout/", "/admin/login/", "/admin/logout/"],
        "bypass": ["/admin/", "/api/", "/accounts/", "/static/admin/"],
        "timeout": 4000,
    }
    source = (settings.BASE_DIR / "static" / "pwa" / "sw.js").read_text()
    assert body.endswith(source)
    # The worker empties its private cache on a POST to the sign-in and sign-out URLs above.
    assert 'CONFIG.signInOut.includes(url.pathname)) event.waitUntil(forgetPrivate(false))' in source


def test_worker_answers_head_and_refuses_post(client):
    assert client.head("/sw.js").status_code == 200
    assert client.post("/sw.js").status_code == 405


@override_settings(DEBUG=True)  # computed on each call, as under runserver
def test_shell_version_follows_the_files_bytes_and_their_urls(monkeypatch):
    version = pwa.shell_version()
    assert pwa.shell_version() == version  # stable while nothing changes
    real_read = pwa._read_static
    monkeypatch.setattr(pwa, "_read_static", lambda name: real_read(name) + (b"/* edited */" if name == "css/site.css" else b""))
    edited = pwa.shell_version()
    monkeypatch.setattr(pwa, "_read_static", real_read)
    monkeypatch.setattr(pwa, "_shell_urls", lambda: {name: f"/static/{name}.0123456789ab" for name in pwa.SHELL})  # a deploy's hashed names
    hashed = pwa.shell_version()
    assert len({version, edited, hashed}) == 3


def test_shell_version_is_computed_once_per_process_without_debug(monkeypatch):
    pwa._cached_version.cache_clear()
    calls = []
    real = pwa._read_static
    monkeypatch.setattr(pwa, "_read_static", lambda name: calls.append(name) or real(name))
    with override_settings(DEBUG=False):
        first, second = pwa.shell_version(), pwa.shell_version()
    pwa._cached_version.cache_clear()
    assert first == second and len(calls) == len(pwa.SHELL) + 1  # the shell's files and the worker's source, once


# -- the Content-Security-Policy lets the worker and the manifest in --------------------------------

def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_csp_allows_a_same_origin_worker_and_manifest_without_unsafe_inline(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    policy = directives(page["Content-Security-Policy"])
    # CSP level 3 fallbacks: worker-src -> child-src -> script-src -> default-src; manifest-src -> default-src.
    worker = next(policy[name] for name in ("worker-src", "child-src", "script-src", "default-src") if name in policy)
    manifest = next(policy[name] for name in ("manifest-src", "default-src") if name in policy)
    assert (worker, manifest) == (["'self'"], ["'self'"])
    assert not any("unsafe" in value for values in policy.values() for value in values)
    html = page.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/pwa/offline.js" defer id="pwa-script" data-worker="/sw.js"></script>' in html


# -- every page: the manifest, the theme colour, the line for "offline · saved at" ----------------

def status_line(html: str) -> str:
    return re.search(r'<p class="pwa-status" id="pwa-status"[^>]*></p>', html).group(0)


def test_pages_carry_the_offline_line_in_their_language(client):
    html = client.get("/editions/2017/agenda/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<meta name="theme-color" content="#0b4f8a">' in html
    assert '<link rel="apple-touch-icon" href="/static/pwa/icon-192.png">' in html
    # The worker writes the time a copy was saved into the first `data-pwa-saved-at=""`: there is one.
    assert html.count('data-pwa-saved-at=""') == 1
    assert status_line(html) == (
        '<p class="pwa-status" id="pwa-status" role="status" hidden data-pwa-saved-at="" data-pwa-account="0"'
        ' data-offline-text="offline · saved at" data-saved-text="saved at"></p>'
    )
    html = client.get("/editions/2017/agenda/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        assert f'data-offline-text="{gettext("offline · saved at")}" data-saved-text="{gettext("saved at")}"' in status_line(html)


def test_a_signed_in_page_says_so_for_the_worker_s_private_cache(client, django_user_model):
    user = django_user_model.objects.create_user("pwa-attendee", password="a-long-test-password-1")
    client.force_login(user)
    html = client.get("/editions/2017/my-agenda/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-pwa-account="1"' in status_line(html)


# -- the offline page -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lang", "html_lang", "heading"),
    [("en", "en", "You are offline"), ("zh-hans", "zh-hans", None), ("xx", "en", "You are offline")],
)
def test_offline_page_in_the_language_asked_and_as_for_nobody_signed_in(client, django_user_model, django_assert_num_queries, lang, html_lang, heading):
    with django_assert_num_queries(0):
        response = client.get("/offline/", {"lang": lang}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert (response.status_code, response["Cache-Control"], response["Content-Language"]) == (200, "no-cache", html_lang)
    assert f'<html lang="{html_lang}">' in html
    if heading is None:
        with translation.override("zh-hans"):
            heading = gettext("You are offline")
    assert f'<h1 id="offline-title">{heading}</h1>' in html
    assert '<ul id="pwa-saved-pages" class="pwa-saved-pages"></ul>' in html

    # Precached while signed in, it is shown after the sign-out too: nobody's name on it.
    user = django_user_model.objects.create_user("pwa-offline-user", password="a-long-test-password-1")
    client.force_login(user)
    html = client.get("/offline/", {"lang": lang}).content.decode()
    assert "pwa-offline-user" not in html and 'action="/accounts/logout/"' not in html
    assert 'data-pwa-account="0"' in status_line(html)


# -- the pages the worker keeps ---------------------------------------------------------------------

def kept_by(path: str) -> list[str]:
    return [pattern for pattern in (*pwa.PUBLIC_PAGES, *pwa.PRIVATE_PAGES) if re.search(pattern, path)]


def test_each_page_of_the_issue_is_kept_by_exactly_one_pattern():
    registration_page = reverse("registration:page", args=[2026, "TTM2V3EQJRWPP8C2ENMB8Z8KZVX6JVAM"])
    public = {
        reverse("home"): r"^/$",
        reverse("agenda:agenda", args=[2026]): r"^/editions/\d{4}/agenda/$",
        reverse("agenda:session", args=[2026, 12]): r"^/editions/\d{4}/sessions/\d+/$",
        reverse("people:person", args=[7]): r"^/people/\d+/$",
        reverse("people:directory", args=[2026]): r"^/editions/\d{4}/people/$",
        reverse("expo:directory", args=[2026]): r"^/editions/\d{4}/expo/$",
        reverse("expo:map", args=[2026]): r"^/editions/\d{4}/expo/map/$",
        reverse("expo:exhibitor", args=[2026, 3]): r"^/editions/\d{4}/expo/exhibitors/\d+/$",
        "/editions/2026/map/": r"^/editions/\d{4}/map/$",
    }
    private = {
        reverse("agenda:my-agenda", args=[2026]): r"^/editions/\d{4}/my-agenda/$",
        registration_page: r"^/editions/\d{4}/registration/[A-Za-z0-9_-]+/$",
    }
    for path, pattern in public.items():
        assert kept_by(path) == [pattern] and pattern in pwa.PUBLIC_PAGES, path
    for path, pattern in private.items():
        assert kept_by(path) == [pattern] and pattern in pwa.PRIVATE_PAGES, path


def test_writes_the_admin_the_api_and_files_are_not_kept():
    never = [
        reverse("agenda:star", args=[2026, 12]),
        reverse("agenda:stars-merge", args=[2026]),
        reverse("registration:register", args=[2026]),
        reverse("registration:badge", args=[2026, "TTM2V3EQJRWPP8C2ENMB8Z8KZVX6JVAM"]),
        reverse("agenda:ics", args=[2026]),
        reverse("expo:apply", args=[2026]),
        reverse("volunteers:mine"),
        reverse("login"),
        "/" + settings.ADMIN_URL,
        "/api/v1/sessions/",
        "/checkin/",
    ]
    assert {path: kept_by(path) for path in never} == {path: [] for path in never}


def test_guest_page_is_sent_no_store_and_kept_only_as_a_private_page(client):
    """The reconciliation of wic.pwa's docstring: the guest's page stays `private, no-store` for
    every cache but this browser's own worker, which keeps it in its private cache."""
    edition = EditionFactory(year=2098)
    registration = registration_services.registration_create(edition=edition, data=guest())
    response = client.get(f"/editions/2098/registration/{registration.token}/")
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")
    assert kept_by(response.wsgi_request.path) == [r"^/editions/\d{4}/registration/[A-Za-z0-9_-]+/$"]
    assert kept_by(response.wsgi_request.path)[0] in pwa.PRIVATE_PAGES
