"""Secure by default (issue 10): the client's address, the answer to a locked-out sign-in
(django-axes), the rate limit on the public forms (django-ratelimit), and the API's throttles
failing open.

Rate limits and throttles count in the cache. When the cache cannot count (Redis is down), they
let the request through rather than refuse it (issue 19), and each such decision is counted as
`rate_limits_open` (wic.degraded, shown by /healthz) with a warning in the log now and then.

The Content-Security-Policy itself is settings.SECURE_CSP, sent by Django's CSP middleware."""
import ipaddress
import math
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from . import degraded

# Public forms anyone may post without signing in: as many per address and hour as the API's
# anonymous registrations (registration.api.RegistrationRateThrottle, 30/hour; a test keeps the
# two equal). A venue's guests may share one NAT address, hence not fewer.
PUBLIC_FORM_RATE = "30/h"
# A password-reset request sends an email to an address anyone can type: fewer, against mail bombing.
PASSWORD_RESET_RATE = "10/h"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind settings.PROXY_COUNT reverse proxies that each
    append to X-Forwarded-For, the PROXY_COUNT-th address from the right (what the nearest proxy
    saw; addresses further left are the client's to make up). Also the key of axes and ratelimit."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-min(count, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # a proxy passed something that is not an address: fall back to the peer
    return remote


USERNAME_KEPT = 255  # axes' AccessAttempt.username column


def axes_username(request, credentials=None) -> str | None:
    """The username a failed sign-in is counted under (django-axes): the one typed, cut to the
    column's 255 characters. Axes stores it as typed, so a longer one (anyone can type one; the
    fuzzer did) failed the INSERT on PostgreSQL with a 500 instead of "wrong username or password"."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        return None
    return str(value)[:USERNAME_KEPT]

def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


# -- the login lockout (django-axes) ----------------------------------------------------------------

def lockout_wait() -> timedelta:
    """How long a locked-out username and address wait. Each try while locked out starts the
    cool-off again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it is the whole cool-off."""
    return settings.AXES_COOLOFF_TIME


def lockout_message(request=None) -> str:
    minutes = _minutes(lockout_wait().total_seconds())
    if getattr(request, "axes_address_locked", False):  # LockoutHandler: the address alone reached its limit
        return ngettext(
            "Too many failed sign-ins from your address. Try again in %(minutes)d minute.",
            "Too many failed sign-ins from your address. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Too many failed sign-ins for this username from your address. Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this username from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_json(request=None):
    """The API's answer (code `login_locked`, HTTP 429), for the token endpoint."""
    from rest_framework.response import Response

    seconds = int(lockout_wait().total_seconds())
    message = lockout_message(request)
    return Response(
        {"code": "login_locked", "message": message, "detail": message, "retry_after": seconds},
        status=429,
        headers={"Retry-After": str(seconds)},
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: HTTP 429 naming the wait, on the admin's sign-in page in the admin's
    look, on the site's otherwise, as JSON under /api/."""
    seconds = int(lockout_wait().total_seconds())
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "login_locked", "message": message, "detail": message, "retry_after": seconds}, status=429)
    elif request.path.startswith("/" + settings.ADMIN_URL):
        from django.contrib import admin

        context = {**admin.site.each_context(request), "message": message, "code": "login_locked"}
        response = render(request, "admin/login_locked.html", context, status=429)
    else:
        response = render(request, "registration/login_locked.html", {"message": message, "code": "login_locked"}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# -- rate limits on public forms (django-ratelimit) -------------------------------------------------

def public_write_limit(group: str, rate: str = PUBLIC_FORM_RATE):
    """Counts the POSTs to the decorated view per client address (client_ip) in fixed windows of
    the rate's period; past the limit, answers the 429 page naming the wait, without running the
    view. GETs are never counted."""
    from django_ratelimit.core import get_usage

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                with degraded.cache_watch() as failed:
                    usage = get_usage(request, group=group, key="ip", rate=rate, method="POST", increment=True)
                if failed():  # RATELIMIT_FAIL_OPEN: the request goes through uncounted
                    degraded.record("rate_limits_open", f"rate limit {group}: the cache could not count")
                    usage = None
                if usage is not None and usage["should_limit"]:
                    return too_many_requests(request, usage["time_left"])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request, seconds_left: int):
    minutes = _minutes(seconds_left)
    message = ngettext(
        "This form has been sent too many times from your address. Try again in %(minutes)d minute.",
        "This form has been sent too many times from your address. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = render(request, "429.html", {"message": message, "code": "rate_limited"}, status=429)
    response["Retry-After"] = str(max(1, int(seconds_left)))
    return response


class FailOpenThrottleMixin:
    """For a DRF throttle (before the throttle class in the bases): when the cache cannot give or
    keep the request history, the request is allowed and counted as `rate_limits_open`. (DRF's
    throttles read the history with cache.get, which the degrading cache answers with the
    default, so they would let the request through anyway, but silently.) `cache_failed` tells
    a subclass that read more in the same round trip (registration.checkin_api.ScanThrottle)."""

    cache_failed = False

    def allow_request(self, request, view):
        with degraded.cache_watch() as failed:
            allowed = super().allow_request(request, view)
        self.cache_failed = failed()
        if self.cache_failed:
            degraded.record("rate_limits_open", f"throttle {type(self).__name__}: the cache could not count")
            return True
        return allowed
