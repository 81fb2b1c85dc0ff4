"""POST /api/v1/checkins/: a gate's scan. Gate staff (the `gate` role) and organizers only; the one
endpoint that accepts a scan token (wic.tokens), the kind gate staff are given."""
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
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
from wic.db import prepared_cursor
from wic.inputs import BoundedDateTimeField
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


_TOKEN_FIELDS = ["id", "prefix", "scope", "created", "expires_at"]


@cache
def _token_sql() -> str:
    """The token (found by the digest of its key), its user and whether the user holds the gate
    role, in one statement."""
    q = connection.ops.quote_name
    user_columns = ", ".join(f"u.{q(f.column)}" for f in _user_fields())
    token_columns = ", ".join(f"t.{q(name)}" for name in _TOKEN_FIELDS)
    membership = Group.user_set.through._meta.db_table
    return (
        f"SELECT {token_columns}, {user_columns}, EXISTS (SELECT 1 FROM {q(membership)} m "
        f"JOIN {q(Group._meta.db_table)} g ON g.id = m.group_id WHERE m.user_id = u.id AND g.name = %s) "
        f"FROM {q(ApiToken._meta.db_table)} t JOIN {q(get_user_model()._meta.db_table)} u ON u.id = t.user_id WHERE t.{q('digest')} = %s"
    )


def _user_fields():
    return get_user_model()._meta.concrete_fields


class GateTokenAuthentication(ApiTokenAuthentication):
    """Token authentication that learns in the same query whether the user holds the gate role,
    so a scan costs one round trip less (the scan endpoint is the hottest path on opening day).
    The statement is written once per process (see registration.checkin on why). Unlike the
    API's other endpoints (wic.tokens.ApiTokenAuthentication), it accepts scan tokens too."""

    def authenticate_credentials(self, key):
        from django.utils.translation import gettext as _

        with prepared_cursor() as cursor:
            cursor.execute(_token_sql(), [roles.GATE, token_digest(key)])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        n = len(_TOKEN_FIELDS)
        values = dict(zip(_TOKEN_FIELDS, row[:n]))
        values["created"], values["expires_at"] = _aware(values["created"]), _aware(values["expires_at"])
        if values["expires_at"] <= timezone.now():
            raise token_expired()
        fields = _user_fields()
        user = get_user_model().from_db(connection.alias, [f.attname for f in fields], list(row[n: n + len(fields)]))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user.holds_gate_role = bool(row[-1])
        values["user_id"] = user.pk
        names = [f.attname for f in ApiToken._meta.concrete_fields if f.attname in values]  # from_db wants the model's order
        token = ApiToken.from_db(connection.alias, names, [values[name] for name in names])
        token.user = user
        return user, token


@extend_schema_field(OpenApiTypes.INT)
class CheckinListField(serializers.Field):
    """A check-in list's id. The scan service reads the list in the same statement as the
    credential, so here it is only checked to be an id; the view answers a missing list with
    this field's `does_not_exist` error. Same error codes and messages as a
    PrimaryKeyRelatedField (a plain Field: the related field's queryset was deep-copied for
    every scan)."""

    default_error_messages = serializers.PrimaryKeyRelatedField.default_error_messages

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not -(2**63) <= pk < 2**63:  # no such id in a bigint column
            self.fail("does_not_exist", pk_value=data)
        return pk

    def to_representation(self, value):
        return value

    def does_not_exist(self, pk) -> serializers.ValidationError:
        message = self.error_messages["does_not_exist"].format(pk_value=pk)
        return serializers.ValidationError({self.field_name: [serializers.ErrorDetail(message, code="does_not_exist")]})


class ScanThrottle(FailOpenThrottleMixin, UserRateThrottle):
    """600 scans a minute per account; open when the cache cannot count (a gate keeps admitting)."""

    scope = "checkin-scan"
    rate = "600/minute"


EARLIEST_SCAN = datetime(2014, 1, 1, tzinfo=dt_timezone.utc)  # the first World Internet Conference was in 2014


class ScanSerializer(serializers.Serializer):
    def get_fields(self):
        # Built anew for each scan. DRF deep-copies fields declared on the class instead, which
        # took a tenth of a scan's Python time (profiled).
        return {
            "list": CheckinListField(),
            "secret": serializers.CharField(max_length=100, trim_whitespace=True),
            "nonce": serializers.CharField(max_length=64),
            "scanned_at": BoundedDateTimeField(  # years 1900..9000: 0001-01-01 overflowed in UTC
                required=False,
                help_text="Only for a scan made offline and sent later: when it was made (the earliest scan of a guest counts). "
                "Leave it out for a live scan: the server stamps it, and it never displaces an admission.",
            ),
            "type": serializers.ChoiceField(choices=[Checkin.ENTRY, Checkin.EXIT], default=Checkin.ENTRY),
            "gate": serializers.CharField(max_length=100, required=False, allow_blank=True, default=""),
            "device": serializers.CharField(max_length=100, required=False, allow_blank=True, default=""),
        }

    def validate_scanned_at(self, value):
        # A phone whose clock was never set reports 1970 or 2000: such a time would otherwise be
        # kept as the first admission of an invitation list (the earliest scan wins).
        if value < EARLIEST_SCAN:
            from django.utils.translation import gettext as _

            raise serializers.ValidationError(
                _("The scan time %(at)s is before any summit (the first was in 2014); check the device's clock.") % {"at": value.isoformat()},
                code="invalid",
            )
        return value


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


FAILED_SCAN_LIMIT = 20  # unknown codes per user ...
FAILED_SCAN_WINDOW = 600  # ... per ten minutes: a stolen phone cannot enumerate secrets


def _failed_key(user) -> str:
    return f"checkin-failed:{user.pk}"


class CheckinView(APIView):
    authentication_classes = [GateTokenAuthentication, SessionAuthentication]
    permission_classes = [IsGateStaff]
    throttle_classes = [ScanThrottle]
    # JSON only (no browsable page for a POST-only endpoint): choosing among renderers was 5% of a
    # scan's Python time.
    renderer_classes = [JSONRenderer]

    @extend_schema(request=ScanSerializer, responses={200: ScanResultSerializer}, summary="Scan a credential at a gate")
    def post(self, request):
        serializer = ScanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        from django.core.cache import cache
        from django.utils.translation import gettext as _

        with degraded.cache_watch() as failed:
            failures = cache.get(_failed_key(request.user), 0)
        if failed():  # the cache is down: the limit on unknown codes cannot count, the gate keeps scanning
            degraded.record("rate_limits_open", "failed-scan limit: the cache could not count")
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
            raise serializer.fields["list"].does_not_exist(data["list"]) from None
        if answer.result == "invalid":
            if not cache.add(_failed_key(request.user), 1, FAILED_SCAN_WINDOW):
                try:
                    cache.incr(_failed_key(request.user))
                except ValueError:
                    cache.set(_failed_key(request.user), 1, FAILED_SCAN_WINDOW)
        return Response(answer.as_dict(), status=status.HTTP_200_OK)
