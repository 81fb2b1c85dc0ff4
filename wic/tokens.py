"""API tokens (issue 19, scopes issue 28): made by their own user through `POST /api/v1/auth/token/`,
stored hashed, expiring, revocable, and scoped.

- The key (40 hex characters, 160 random bits) is shown once, in the answer that makes it; the
  database keeps its SHA-256 (`ApiToken.digest`). A random key of that length needs no salt or
  slow hash: nothing can be guessed from its digest, and the lookup stays one indexed query.
- A token works for settings.API_TOKEN_LIFETIME (`API_TOKEN_LIFETIME_DAYS`, default 30 days) from
  when it was made, or for fewer days if its user asks (`expires_in_days`, 1 to that many); then
  the API answers 401 `token_expired` and its user asks for a new one.
- Its user lists their tokens (`GET /api/v1/auth/token/`: name, scope, scopes, expiry, never a
  key) and revokes them (`DELETE /api/v1/auth/token/`, all of them, or `/api/v1/auth/token/<id>/`,
  one); a superuser sees and revokes anyone's in the admin. Nobody else sees or makes tokens: the
  model has no permissions to give a role.

Scopes (`ApiToken.scope`; `TokenScope`). A token never opens more than its account may do; its
scope narrows that further:

- `all` (the default): everything its account may do.
- `read`: the safe methods (GET, HEAD, OPTIONS) only, wherever its account may read; anything else
  is 403 `token_scope` ("read-only").
- `scan`: the gate only, the endpoints of the `checkin` area (the scan, `POST /api/v1/checkins/`,
  and the check-in lists with their offline data, `/api/v1/checkin-lists/`), so a lost gate phone
  opens nothing but the gate. Gate staff who are not organizers get `scan` tokens whatever they
  ask; anyone may ask for one.
- `lead`: the `volunteers` area's endpoints and the token endpoints (its holder lists and revokes
  their tokens); only accounts with the volunteer-lead role may ask for one.
- `integration`: only the areas its named scopes (`ApiToken.scopes`) name, `<area>:read` (safe
  methods) or `<area>:write` (every method; write implies read), the area one of `AREAS`; not the
  token endpoints. Organizers only may ask for one.

A request's area is its view's (`view_area`): the view class's `api_area` attribute if it has one,
else `AREA_OF_CODE`, the one place that maps code to areas, else the view module's top-level
package when it is named like an area (volunteers.api -> volunteers). `ApiTokenAuthentication`
checks the scope in `authenticate(request)`, for every endpoint, present and future, that reads a
token (DRF's default authentication and registration.checkin_api.GateTokenAuthentication, a
subclass): a view of no known area opens to `all` and `read` tokens only.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from . import roles
from .enums import TokenScope
from .errors import DomainError
from .models import ApiToken

KEY_BYTES = 20  # 40 hex characters, as long as DRF's keys were
PREFIX_LENGTH = 8

# -- areas and named scopes -------------------------------------------------------------------------

# The areas an integration token's named scopes may name (`<area>:read`, `<area>:write`).
AREAS = (
    "agenda", "people", "organizations", "registration", "checkin", "forums", "awards", "expo", "volunteers", "protocol", "travel",
    "companion", "webhooks",
)
CHECKIN_AREA = "checkin"  # the gate's: what a scan token opens
VOLUNTEERS_AREA = "volunteers"  # what a lead token opens, with the token endpoints
TOKENS_AREA = "tokens"  # the token endpoints themselves (wic.api); no named scope opens them
READ, WRITE = "read", "write"
NAMED_SCOPES = tuple(f"{area}:{access}" for area in AREAS for access in (READ, WRITE))

# Where a view's area comes from when its class does not say (`api_area`): the first of
# "<module>.<class>", "<module>" and each package enclosing it found here; else the module's
# top-level package when it is named like an area (`volunteers.api` -> volunteers,
# `registration.api` -> registration). A view found nowhere has no area.
AREA_OF_CODE = {
    "wic.api.OrganizationViewSet": "organizations",
    "wic.api.ObtainTokenView": TOKENS_AREA,
    "wic.api.RevokeTokenView": TOKENS_AREA,
    "wic.api_webhooks": "webhooks",
    "registration.checkin_api": CHECKIN_AREA,
    "registration.offline_api": CHECKIN_AREA,
}


def view_area(view_class: type) -> str | None:
    """The API area of a view class (see AREA_OF_CODE), or None."""
    declared = getattr(view_class, "api_area", None)
    if declared:
        return declared
    module = view_class.__module__ or ""
    packages = module.split(".")
    for key in (f"{module}.{view_class.__qualname__}", *(".".join(packages[:n]) for n in range(len(packages), 0, -1))):
        if key in AREA_OF_CODE:
            return AREA_OF_CODE[key]
    return packages[0] if packages[0] in AREAS else None


def named_scopes_clean(scopes) -> list[str]:
    """An integration token's named scopes, each `<area>:read` or `<area>:write` with the area one
    of AREAS, without repeats, sorted. `invalid_scope` (field `scopes`) for none, or for a value
    that is not a named scope (the first one, named)."""
    if not scopes:
        raise DomainError(
            "invalid_scope", _("An integration token needs at least one named scope, such as “agenda:read”."), field="scopes",
        )
    for value in scopes:
        if value not in NAMED_SCOPES:
            raise DomainError(
                "invalid_scope",
                _("“%(value)s” is not a named scope; a named scope is <area>:read or <area>:write, the area one of: %(areas)s.")
                % {"value": value, "areas": ", ".join(AREAS)},
                field="scopes",
            )
    return sorted(set(scopes))


# -- making, listing and revoking --------------------------------------------------------------------

def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def token_scope_for(user, asked: str | None = None) -> str:
    """The scope a new token of `user` gets: `scan` for gate staff who are not organizers,
    whatever they ask (a gate phone's token opens the gate only), else what was asked (`all` by
    default). `invalid_choice` for an unknown scope; `scope_not_allowed` for `lead` asked by an
    account without the volunteer-lead role, or `integration` by one that is not an organizer."""
    if asked not in (None, "") and asked not in TokenScope.values:
        raise DomainError(
            "invalid_choice", _("%(value)r is not a token scope; expected one of: %(choices)s.") % {"value": asked, "choices": ", ".join(TokenScope.values)},
            field="scope",
        )
    if roles.has_role(user, roles.GATE) and not roles.is_organizer(user):
        return TokenScope.SCAN
    if asked == TokenScope.LEAD and not roles.has_role(user, roles.VOLUNTEER_LEAD):
        raise DomainError("scope_not_allowed", _("The scope “lead” is for volunteer leads only, and this account is not one."), field="scope")
    if asked == TokenScope.INTEGRATION and not roles.is_organizer(user):
        raise DomainError("scope_not_allowed", _("The scope “integration” is for organizers only, and this account is not one."), field="scope")
    return asked or TokenScope.ALL


def token_lifetime(expires_in_days: int | None = None) -> timedelta:
    """How long a new token works: settings.API_TOKEN_LIFETIME, or `expires_in_days` days, 1 to
    that many (`invalid_expiry` otherwise)."""
    if expires_in_days is None:
        return settings.API_TOKEN_LIFETIME
    most = settings.API_TOKEN_LIFETIME.days
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= most:
        raise DomainError(
            "invalid_expiry",
            _("A token works for 1 to %(most)s days; %(value)s is not in that range.") % {"most": most, "value": expires_in_days},
            field="expires_in_days",
        )
    return timedelta(days=expires_in_days)


@transaction.atomic
def token_create(
    *, user, scope: str | None = None, scopes: list[str] | None = None, name: str = "", expires_in_days: int | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is not stored (only its digest): the caller shows
    it once. Scope as `token_scope_for` says; named `scopes` for an integration token only
    (`named_scopes_clean`; asked with another scope: `invalid_scope`, except from gate staff, who
    get a scan token whatever they ask); lifetime as `token_lifetime` says. Effects: the user's
    expired tokens are deleted."""
    now = now or timezone.now()
    granted = token_scope_for(user, scope)
    if granted == TokenScope.INTEGRATION:
        scopes = named_scopes_clean(scopes)
    elif scopes and granted == (scope or TokenScope.ALL):  # not a gate account's scan token, given whatever was asked
        raise DomainError(
            "invalid_scope", _("Named scopes are for integration tokens only: ask for the scope “integration”, or leave “scopes” out."), field="scopes",
        )
    else:
        scopes = []
    expires_at = now + token_lifetime(expires_in_days)
    key = secrets.token_hex(KEY_BYTES)
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    token = ApiToken.objects.create(
        user=user, digest=token_digest(key), prefix=key[:PREFIX_LENGTH], scope=granted, scopes=scopes, name=name, expires_at=expires_at,
    )
    return token, key


def token_revoke(*, user, token_id: int | None = None) -> int:
    """Revoke (delete) the user's tokens, or the one with `token_id` if it is theirs; how many
    were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    deleted, _per_model = tokens.delete()
    return deleted


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


# -- using ------------------------------------------------------------------------------------------

def token_expired() -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(_("This token has expired; ask for a new one at /api/v1/auth/token/."), code="token_expired")


def scan_only() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(_("This token is for the gate only: scans and check-in lists (/api/v1/checkins/, /api/v1/checkin-lists/)."), code="token_scope")


def read_only(method: str) -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(
        _("This token is read-only: it may GET, HEAD and OPTIONS, not %(method)s.") % {"method": method}, code="token_scope",
    )


def lead_only() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(
        _("This token is a volunteer lead's: it opens the volunteers endpoints and the token endpoints (/api/v1/auth/token/) only."),
        code="token_scope",
    )


def outside_scopes(token: ApiToken, needed: str | None) -> exceptions.PermissionDenied:
    scopes = ", ".join(token.scopes)
    if needed is None:
        message = _("This integration token opens the areas of its named scopes (%(scopes)s) only, and no named scope opens this endpoint.")
    else:
        message = _("This integration token needs the scope “%(needed)s” for this request; its scopes are: %(scopes)s.")
    return exceptions.PermissionDenied(message % {"needed": needed, "scopes": scopes}, code="token_scope")


def scope_refusal(token: ApiToken, *, method: str, view) -> exceptions.PermissionDenied | None:
    """Why `token` may not make this request (`method` on `view`, a view instance or class), or
    None when it may. Reads the token's `scopes` for an integration token only (a token loaded
    without that field, as the gate's authentication does, costs no query otherwise)."""
    scope = token.scope
    if scope == TokenScope.ALL:
        return None
    safe = method.upper() in SAFE_METHODS
    if scope == TokenScope.READ:
        return None if safe else read_only(method.upper())
    area = view_area(view if isinstance(view, type) else type(view)) if view is not None else None
    if scope == TokenScope.SCAN:
        return None if area == CHECKIN_AREA else scan_only()
    if scope == TokenScope.LEAD:
        return None if area in (VOLUNTEERS_AREA, TOKENS_AREA) else lead_only()
    if scope == TokenScope.INTEGRATION:
        if area not in AREAS:
            return outside_scopes(token, None)
        needed = f"{area}:{READ if safe else WRITE}"
        return None if needed in token.scopes or f"{area}:{WRITE}" in token.scopes else outside_scopes(token, needed)
    return exceptions.PermissionDenied(_("This token's scope (%(scope)s) opens no endpoint.") % {"scope": scope}, code="token_scope")


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` (DRF's header): the key's digest is looked up with its user in
    one query. 401 for an unknown key (`authentication_failed`), an expired one (`token_expired`)
    or an inactive user; 403 `token_scope` for a request outside the token's scope (see the module
    docstring), checked in `authenticate` against the request's method and view (DRF's
    `parser_context["view"]`), so every view that reads a token is covered, whatever its
    credentials lookup (`authenticate_credentials`, which a subclass may make its own)."""

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is None:
            return None
        view = (getattr(request, "parser_context", None) or {}).get("view")
        refusal = scope_refusal(authenticated[1], method=request.method, view=view)
        if refusal is not None:
            raise refusal
        return authenticated

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(digest=token_digest(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if token.expires_at <= timezone.now():
            raise token_expired()
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
