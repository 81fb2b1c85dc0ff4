"""POST /api/v1/checkins/: a gate's scan. Gate staff (the `gate` role) and organizers only; the one
endpoint that accepts a scan token (wic.tokens), the kind gate staff are given.

The hottest path on opening day (bench/checkin.py; issue 26 asks for half of `/healthz`'s rate),
so it skips the generic work whose answer is always the same for a scan, and only that:
- the usual body (an int list, texts, ISO time) is checked by `scan_input`, not by building the
  serializer; any other body goes to `ScanSerializer`, which words every error as before;
- the usual Accept headers get the JSON renderer without DRF's negotiation (others still
  negotiate: a 406 stays a 406);
- the token, its user and the gate role are one prepared statement, which also stands in for
  Django's connection health check (`_token_row`);
- the throttle's read of the scan history also reads the account's count of unknown codes
  (`ScanThrottle`): one cache round trip for both.
"""
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache as default_cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from wic import degraded, roles
from wic.database_busy import is_database_unavailable
from wic.db import prepared_cursor
from wic.inputs import BoundedDateTimeField, unreadable
from wic.models import ApiToken
from wic.security import FailOpenThrottleMixin
from wic.tokens import ApiTokenAuthentication, token_digest, token_expired

from .checkin import RESULTS, _aware, all_results, checkin_scan
from .models import Checkin, CheckinList
from .permissions import IsGateStaff


class GateTokenScheme(OpenApiAuthenticationExtension):
    """The scan endpoint's token scheme in the OpenAPI schema (a name of its own: it is a subclass
    of DRF's TokenAuthentication, which is `tokenAuth`). Scan tokens are accepted here only."""

    target_class = "registration.checkin_api.GateTokenAuthentication"
    name = "gateTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": 'A gate staff account\'s token (a scan token), prefixed "Token "'}


_TOKEN_FIELDS = ("id", "user_id", "prefix", "scope", "created", "expires_at")


@cache
def _token_fields() -> list:
    """The token's fields the statement reads, in the model's order (Model.from_db takes them so)."""
    return [f for f in ApiToken._meta.concrete_fields if f.attname in _TOKEN_FIELDS]


@cache
def _token_columns() -> tuple[list[str], list[int], list[str]]:
    """The names of the token's columns read, the positions of its times among them, and the
    names of the user's columns (all of them)."""
    fields = _token_fields()
    times = [i for i, f in enumerate(fields) if isinstance(f, DateTimeField)]
    return [f.attname for f in fields], times, [f.attname for f in get_user_model()._meta.concrete_fields]


@cache
def _token_sql() -> str:
    """The token (found by the digest of its key), its user and whether the user holds the gate
    role, in one statement."""
    q = connection.ops.quote_name
    user_columns = ", ".join(f"u.{q(f.column)}" for f in get_user_model()._meta.concrete_fields)
    token_columns = ", ".join(f"t.{q(f.column)}" for f in _token_fields())
    membership = Group.user_set.through._meta.db_table
    return (
        f"SELECT {token_columns}, {user_columns}, EXISTS (SELECT 1 FROM {q(membership)} m "
        f"JOIN {q(Group._meta.db_table)} g ON g.id = m.group_id WHERE m.user_id = u.id AND g.name = %s) "
        f"FROM {q(ApiToken._meta.db_table)} t JOIN {q(get_user_model()._meta.db_table)} u ON u.id = t.user_id WHERE t.{q('digest')} = %s"
    )


def _read_one(sql: str, params: list):
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _token_row(key: str):
    """The token's row, read as the request's first statement.

    With CONN_HEALTH_CHECKS Django checks a connection kept from an earlier request with a
    `SELECT 1` before the request's first statement: a round trip on every scan. Here the token's
    read is that check: when it finds the kept connection broken (the database or the pooler
    restarted meanwhile), the connection is closed and the read runs once more on a new one, as
    after a failed check. Only this read may be run twice: outside a transaction, it writes
    nothing. A database that cannot be reached at all still fails the second read (503
    `database_unavailable`, wic.database_busy)."""
    params = [roles.GATE, token_digest(key)]
    db = connections[DEFAULT_DB_ALIAS]
    if db.connection is None or db.health_check_done or not db.health_check_enabled or db.in_atomic_block:
        return _read_one(_token_sql(), params)
    db.health_check_done = True
    try:
        return _read_one(_token_sql(), params)
    except (OperationalError, InterfaceError) as error:
        if not is_database_unavailable(error):
            raise
        db.close()
    return _read_one(_token_sql(), params)


class GateTokenAuthentication(ApiTokenAuthentication):
    """Token authentication that learns in the same query whether the user holds the gate role,
    so a scan costs one round trip less (the scan endpoint is the hottest path on opening day).
    The statement is written once per process (see registration.checkin on why). Unlike the
    API's other endpoints (wic.tokens.ApiTokenAuthentication), it accepts scan tokens too (the
    scope check is ApiTokenAuthentication.authenticate's, inherited)."""

    def authenticate_credentials(self, key):
        row = _token_row(key)
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token_names, times, user_names = _token_columns()
        n = len(token_names)
        values = list(row[:n])
        for i in times:
            values[i] = _aware(values[i])
        token = ApiToken.from_db(DEFAULT_DB_ALIAS, token_names, values)
        if token.expires_at <= timezone.now():
            raise token_expired()
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, user_names, row[n: n + len(user_names)])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user.holds_gate_role = bool(row[-1])
        token.user = user
        return user, token


@extend_schema_field(OpenApiTypes.INT)
class CheckinListField(serializers.Field):
    """A check-in list's id. The scan service reads the list in the same statement as the
    credential, so here it is only checked to be an id; the view answers a missing list with
    `list_does_not_exist`. Same error codes and messages as a PrimaryKeyRelatedField (a plain
    Field: the related field's queryset was deep-copied for every scan)."""

    default_error_messages = serializers.PrimaryKeyRelatedField.default_error_messages

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not _is_id(pk):
            self.fail("does_not_exist", pk_value=data)
        return pk

    def to_representation(self, value):
        return value


def _is_id(pk: int) -> bool:
    return -(2**63) <= pk < 2**63  # outside it, no such id in a bigint column


def list_does_not_exist(pk) -> serializers.ValidationError:
    """The answer to a scan on no list, as CheckinListField words a list id that cannot exist."""
    message = CheckinListField.default_error_messages["does_not_exist"].format(pk_value=pk)
    return serializers.ValidationError({"list": [serializers.ErrorDetail(message, code="does_not_exist")]})


FAILED_SCAN_LIMIT = 20  # unknown codes per user ...
FAILED_SCAN_WINDOW = 600  # ... per ten minutes: a stolen phone cannot enumerate secrets
NOT_READ = object()


def failed_key(user) -> str:
    return f"checkin-failed:{user.pk}"


class ScanThrottle(FailOpenThrottleMixin, UserRateThrottle):
    """600 scans a minute per account; open when the cache cannot count (a gate keeps admitting).

    Its read of the account's scan history also reads the account's count of unknown codes
    (FAILED_SCAN_LIMIT) in the same cache round trip (`get_many`), for the view
    (`view.failed_scans`; None when the cache failed)."""

    scope = "checkin-scan"
    rate = "600/minute"

    def allow_request(self, request, view):
        self.cache = reading = _AlsoReading(default_cache, failed_key(request.user))
        allowed = super().allow_request(request, view)
        view.failed_scans = None if self.cache_failed else reading.also
        return allowed


class _AlsoReading:
    """A throttle's cache whose read of the history also reads `key`, into `also` (0 when absent)."""

    def __init__(self, backend, key: str):
        self.backend, self.key, self.also = backend, key, 0

    def get(self, key, default=None):
        found = self.backend.get_many([key, self.key])
        self.also = found.get(self.key, 0)
        return found.get(key, default)

    def set(self, key, value, timeout):
        return self.backend.set(key, value, timeout)


EARLIEST_SCAN = datetime(2014, 1, 1, tzinfo=dt_timezone.utc)  # the first World Internet Conference was in 2014


def check_scan_time(value: datetime) -> datetime:
    """A phone whose clock was never set reports 1970 or 2000: such a time would otherwise be kept
    as the first admission of an invitation list (the earliest scan wins)."""
    if value < EARLIEST_SCAN:
        raise serializers.ValidationError(
            _("The scan time %(at)s is before any summit (the first was in 2014); check the device's clock.") % {"at": value.isoformat()},
            code="invalid",
        )
    return value


def _scanned_at_field() -> BoundedDateTimeField:
    return BoundedDateTimeField(  # years 1900..9000: 0001-01-01 overflowed in UTC
        required=False,
        help_text="Only for a scan made offline and sent later: when it was made (the earliest scan of a guest counts). "
        "Leave it out for a live scan: the server stamps it, and it never displaces an admission.",
    )


TEXT_LENGTHS = {"secret": 100, "nonce": 64, "gate": 100, "device": 100}
TYPES = (Checkin.ENTRY, Checkin.EXIT)


# The scan's body: what the API documents, and what words every error (`scan_input` checks the
# usual body by hand and hands any other to it). No docstring: it would become the schema's description.
class ScanSerializer(serializers.Serializer):
    def get_fields(self):
        # Built anew for each serializer. DRF deep-copies fields declared on the class instead,
        # which took a tenth of a scan's Python time (profiled).
        return {
            "list": CheckinListField(),
            "secret": serializers.CharField(max_length=TEXT_LENGTHS["secret"], trim_whitespace=True),
            "nonce": serializers.CharField(max_length=TEXT_LENGTHS["nonce"]),
            "scanned_at": _scanned_at_field(),
            "type": serializers.ChoiceField(choices=list(TYPES), default=Checkin.ENTRY),
            "gate": serializers.CharField(max_length=TEXT_LENGTHS["gate"], required=False, allow_blank=True, default=""),
            "device": serializers.CharField(max_length=TEXT_LENGTHS["device"], required=False, allow_blank=True, default=""),
        }

    def validate_scanned_at(self, value):
        return check_scan_time(value)


class _Unusual(Exception):
    """A scan's body that `scan_input` leaves to ScanSerializer."""


def _text(value, longest: int, *, blank: bool) -> str:
    """A text field as ScanSerializer's CharField gives it (stripped), for a str only."""
    if type(value) is not str:
        raise _Unusual
    value = value.strip()
    if len(value) > longest or (not value and not blank) or unreadable(value):
        raise _Unusual
    return value


_SCANNED_AT = _scanned_at_field()  # one for the process: a field that is only asked to validate keeps no state


def scan_input(data) -> dict | None:
    """The scan's fields as `ScanSerializer(data=data).validated_data` gives them, checked by hand
    for the usual body: a JSON object whose list is an int, whose texts are strings within their
    lengths and whose time, if any, is valid. None for anything else (a missing or blank field, a
    value of another type, a form body, a time DRF refuses...): ScanSerializer then decides, and
    words the error. The serializer took a sixth of a scan's Python time (profiled); this never
    accepts a body it refuses, nor reads one differently (tests/registration/test_scan_input.py)."""
    if type(data) is not dict:
        return None
    try:
        pk, kind = data["list"], data.get("type", Checkin.ENTRY)
        if type(pk) is not int or not _is_id(pk) or type(kind) is not str or kind not in TYPES:
            raise _Unusual
        validated = {
            "list": pk,
            "secret": _text(data["secret"], TEXT_LENGTHS["secret"], blank=False),
            "nonce": _text(data["nonce"], TEXT_LENGTHS["nonce"], blank=False),
            "type": kind,
            "gate": _text(data.get("gate", ""), TEXT_LENGTHS["gate"], blank=True),
            "device": _text(data.get("device", ""), TEXT_LENGTHS["device"], blank=True),
        }
        if "scanned_at" in data:
            if type(data["scanned_at"]) is not str:
                raise _Unusual
            validated["scanned_at"] = check_scan_time(_SCANNED_AT.run_validation(data["scanned_at"]))
    except (KeyError, _Unusual, serializers.ValidationError):
        return None
    return validated


class ScanGuestSerializer(serializers.Serializer):
    """The guest, on `ok` and `already_checked_in` only: what the gate needs, nothing more."""

    name = serializers.CharField()
    name_zh = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True, help_text="ISO 3166-1 alpha-2 code")
    category = serializers.CharField(allow_blank=True)


class FirstScanSerializer(serializers.Serializer):
    """On `already_checked_in`: the admission that counted."""

    at = serializers.DateTimeField()
    gate = serializers.CharField(allow_blank=True)
    device = serializers.CharField(allow_blank=True)
    by = serializers.IntegerField(allow_null=True, help_text="id of the gate staff user")


class ScanResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=RESULTS)
    type = serializers.ChoiceField(choices=["entry", "exit"])
    message = serializers.CharField(help_text="the result in words, in the request's language (an accepted exit: \"Exit recorded\")")
    scanned_at = serializers.DateTimeField()
    list = serializers.IntegerField()
    guest = ScanGuestSerializer(required=False)
    first_scan = FirstScanSerializer(required=False)
    reason = serializers.CharField(required=False, help_text="on an item's list, why `not_invited`: not_on_list, declined or no_answer")
    reason_message = serializers.CharField(required=False, help_text="the refusal's reason in words, in the request's language")
    detail = serializers.DictField(
        required=False, help_text="on a pickup run's boarding list, for `wrong_run`: the run the guest is booked on (number, departs_at, hub, vehicle, meeting_point)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = all_results()  # with the rosters' results (travel's wrong_run)


_JSON = JSONRenderer()
# Accept headers that DRF's negotiation answers with JSON as "application/json" (no header is "*/*").
_JSON_ACCEPTS = frozenset({None, "*/*", "application/json"})


class CheckinView(APIView):
    authentication_classes = [GateTokenAuthentication, SessionAuthentication]
    permission_classes = [IsGateStaff]
    throttle_classes = [ScanThrottle]
    # JSON only (no browsable page for a POST-only endpoint).
    renderer_classes = [JSONRenderer]
    failed_scans = NOT_READ  # the account's count of unknown codes, as ScanThrottle read it

    def perform_content_negotiation(self, request, force=False):
        # The answer DRF's negotiation gives these requests, without parsing the header against
        # the renderers on every scan (4% of a scan's Python calls); any other header or a
        # `?format=` still negotiates (406 for a client that takes no JSON).
        meta = request._request.META
        if meta.get("HTTP_ACCEPT") in _JSON_ACCEPTS and not meta.get("QUERY_STRING"):
            return _JSON, _JSON.media_type
        return super().perform_content_negotiation(request, force)

    def failed_scan_count(self, request) -> int:
        """The account's count of unknown codes: as ScanThrottle read it, else read now. 0 when the
        cache cannot count (the limit is open, and the gate keeps scanning)."""
        count = self.failed_scans
        if count is NOT_READ:
            with degraded.cache_watch() as failed:
                count = default_cache.get(failed_key(request.user), 0)
            if failed():
                count = None
        if count is None:
            degraded.record("rate_limits_open", "failed-scan limit: the cache could not count")
            return 0
        return count

    @extend_schema(request=ScanSerializer, responses={200: ScanResultSerializer}, summary="Scan a credential at a gate")
    def post(self, request):
        data = scan_input(request.data)
        if data is None:
            serializer = ScanSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        failures = self.failed_scan_count(request)
        if failures >= FAILED_SCAN_LIMIT:
            message = _("Too many unknown codes from this account; wait %(seconds)s seconds before scanning again.") % {"seconds": FAILED_SCAN_WINDOW}
            response = Response(
                {"code": "too_many_failed_scans", "message": message, "detail": message, "wait": FAILED_SCAN_WINDOW},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(FAILED_SCAN_WINDOW)
            return response
        try:
            answer = checkin_scan(
                checkin_list=data["list"], secret=data["secret"], nonce=data["nonce"], user=request.user,
                type=data["type"], scanned_at=data.get("scanned_at"), gate=data["gate"], device=data["device"],
            )
        except CheckinList.DoesNotExist:
            raise list_does_not_exist(data["list"]) from None
        if answer.result == "invalid":
            key = failed_key(request.user)
            if not default_cache.add(key, 1, FAILED_SCAN_WINDOW):
                try:
                    default_cache.incr(key)
                except ValueError:
                    default_cache.set(key, 1, FAILED_SCAN_WINDOW)
        return Response(answer.as_dict(), status=status.HTTP_200_OK)
