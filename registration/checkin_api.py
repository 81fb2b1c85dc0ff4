"""POST /api/v1/checkins/: a gate's scan. Gate staff (the `gate` role) and organizers only."""
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from wic import roles

from .checkin import RESULTS, checkin_scan
from .models import Checkin, CheckinList
from .permissions import IsGateStaff


class GateTokenScheme(OpenApiAuthenticationExtension):
    """The scan endpoint's token scheme in the OpenAPI schema (a name of its own: it is a subclass
    of DRF's TokenAuthentication, which is `tokenAuth`)."""

    target_class = "registration.checkin_api.GateTokenAuthentication"
    name = "gateTokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": 'A gate staff account\'s token, prefixed "Token "'}


class GateTokenAuthentication(TokenAuthentication):
    """Token authentication that learns in the same query whether the user holds the gate role,
    so a scan costs one round trip less (the scan endpoint is the hottest path on opening day)."""

    def authenticate_credentials(self, key):
        gate_member = Group.user_set.through.objects.filter(user_id=OuterRef("user_id"), group__name=roles.GATE)
        try:
            token = self.get_model().objects.select_related("user").annotate(is_gate=Exists(gate_member)).get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        token.user.holds_gate_role = token.is_gate
        return token.user, token


class ScanThrottle(UserRateThrottle):
    scope = "checkin-scan"
    rate = "600/minute"


class ScanSerializer(serializers.Serializer):
    list = serializers.PrimaryKeyRelatedField(queryset=CheckinList.objects.all())
    secret = serializers.CharField(max_length=100, trim_whitespace=True)
    nonce = serializers.CharField(max_length=64)
    scanned_at = serializers.DateTimeField(required=False)
    type = serializers.ChoiceField(choices=[Checkin.ENTRY, Checkin.EXIT], default=Checkin.ENTRY)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ScanResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=RESULTS)
    scanned_at = serializers.DateTimeField()
    list = serializers.IntegerField()
    guest = serializers.DictField(required=False)
    first_scan = serializers.DictField(required=False)


FAILED_SCAN_LIMIT = 20  # unknown codes per user ...
FAILED_SCAN_WINDOW = 600  # ... per ten minutes: a stolen phone cannot enumerate secrets


def _failed_key(user) -> str:
    return f"checkin-failed:{user.pk}"


class CheckinView(APIView):
    authentication_classes = [GateTokenAuthentication, SessionAuthentication]
    permission_classes = [IsGateStaff]
    throttle_classes = [ScanThrottle]

    @extend_schema(request=ScanSerializer, responses={201: ScanResultSerializer, 200: ScanResultSerializer}, summary="Scan a credential at a gate")
    def post(self, request):
        serializer = ScanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        from django.core.cache import cache
        from django.utils.translation import gettext as _

        failures = cache.get(_failed_key(request.user), 0)
        if failures >= FAILED_SCAN_LIMIT:
            message = _("Too many unknown codes from this account; wait %(seconds)s seconds before scanning again.") % {"seconds": FAILED_SCAN_WINDOW}
            response = Response(
                {"code": "too_many_failed_scans", "message": message, "detail": message, "wait": FAILED_SCAN_WINDOW},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(FAILED_SCAN_WINDOW)
            return response
        answer = checkin_scan(
            checkin_list=data["list"], secret=data["secret"], nonce=data["nonce"], user=request.user,
            type=data["type"], scanned_at=data.get("scanned_at"), device=data["device"],
        )
        if answer.result == "invalid":
            if not cache.add(_failed_key(request.user), 1, FAILED_SCAN_WINDOW):
                try:
                    cache.incr(_failed_key(request.user))
                except ValueError:
                    cache.set(_failed_key(request.user), 1, FAILED_SCAN_WINDOW)
        return Response(answer.as_dict(), status=status.HTTP_200_OK)
