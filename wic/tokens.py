"""API tokens (issue 19): made by their own user through `POST /api/v1/auth/token/`, stored hashed,
expiring, revocable, and scoped.

- The key (40 hex characters, 160 random bits) is shown once, in the answer that makes it; the
  database keeps its SHA-256 (`ApiToken.digest`). A random key of that length needs no salt or
  slow hash: nothing can be guessed from its digest, and the lookup stays one indexed query.
- A token works for settings.API_TOKEN_LIFETIME (`API_TOKEN_LIFETIME_DAYS`, default 30 days) from
  when it was made; then the API answers 401 `token_expired` and its user asks for a new one.
- Its user revokes their tokens (`DELETE /api/v1/auth/token/`, all of them, or
  `/api/v1/auth/token/<id>/`, one); a superuser revokes anyone's in the admin. Nobody else
  sees or makes tokens: the model has no permissions to give a role.
- Scope: gate staff who are not organizers get `scan` tokens, and anyone may ask for one. A scan
  token is accepted by the gate's endpoints only: the scan (`POST /api/v1/checkins/`) and the
  check-in lists with their offline data (`/api/v1/checkin-lists/`), both through
  registration.checkin_api.GateTokenAuthentication; everywhere else `ApiTokenAuthentication`
  answers 403 `token_scope`, so a lost gate phone opens nothing but the gate.
"""
import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import roles
from .enums import TokenScope
from .errors import DomainError
from .models import ApiToken

KEY_BYTES = 20  # 40 hex characters, as long as DRF's keys were
PREFIX_LENGTH = 8


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def token_scope_for(user, asked: str | None = None) -> str:
    """The scope a new token of `user` gets: `scan` for gate staff who are not organizers,
    whatever they ask (a gate phone's token opens the gate only), else what was asked (`all` by
    default). `invalid_choice` for an unknown scope."""
    if asked not in (None, "") and asked not in TokenScope.values:
        raise DomainError(
            "invalid_choice", _("%(value)r is not a token scope; expected one of: %(choices)s.") % {"value": asked, "choices": ", ".join(TokenScope.values)},
            field="scope",
        )
    if roles.has_role(user, roles.GATE) and not roles.is_organizer(user):
        return TokenScope.SCAN
    return asked or TokenScope.ALL


@transaction.atomic
def token_create(*, user, scope: str | None = None, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is not stored (only its digest): the caller shows
    it once. Scope as `token_scope_for` says. Effects: the user's expired tokens are deleted."""
    now = now or timezone.now()
    scope = token_scope_for(user, scope)
    key = secrets.token_hex(KEY_BYTES)
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    token = ApiToken.objects.create(
        user=user, digest=token_digest(key), prefix=key[:PREFIX_LENGTH], scope=scope, expires_at=now + settings.API_TOKEN_LIFETIME
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


def token_expired() -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(_("This token has expired; ask for a new one at /api/v1/auth/token/."), code="token_expired")


def scan_only() -> exceptions.PermissionDenied:
    return exceptions.PermissionDenied(_("This token is for the gate only: scans and check-in lists (/api/v1/checkins/, /api/v1/checkin-lists/)."), code="token_scope")


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` (DRF's header): the key's digest is looked up with its user in
    one query. 401 for an unknown key (`authentication_failed`), an expired one (`token_expired`)
    or an inactive user; 403 `token_scope` for a scan token, which only the gate's scan endpoint
    accepts (it has an authentication class of its own)."""

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(digest=token_digest(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if token.expires_at <= timezone.now():
            raise token_expired()
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.scope != TokenScope.ALL:
            raise scan_only()
        return token.user, token
