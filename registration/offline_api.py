"""GET /api/v1/checkin-lists/: the check-in lists a gate device may scan, and each list's offline
data (`/offline/`, registration.offline). Gate staff and organizers, as the scan endpoint; a scan
token opens these too (a gate phone picks its list and downloads its data with the token it scans
with)."""
import re

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.errors import DomainError

from .checkin_api import GateTokenAuthentication
from .models import CheckinList
from .offline import offline_data
from .permissions import IsGateStaff


class CheckinListSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)

    class Meta:
        model = CheckinList
        fields = ["id", "edition", "kind", "name_zh", "name_en", "day", "session"]
        read_only_fields = fields


class CheckinListFilter(django_filters.FilterSet):
    edition = django_filters.NumberFilter(field_name="edition__year", help_text="the edition's year")
    day = django_filters.DateFilter(help_text="a gate list's day (YYYY-MM-DD)")
    kind = django_filters.ChoiceFilter(choices=CheckinList.KINDS)

    class Meta:
        model = CheckinList
        fields = ["edition", "day", "kind"]


class OfflineEntrySerializer(serializers.Serializer):
    fingerprint = serializers.CharField(help_text="sha256(salt + ':' + code) in hex")
    state = serializers.ChoiceField(choices=["active", "revoked"])
    approved = serializers.BooleanField(required=False)
    reference = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    name_zh = serializers.CharField(required=False)
    organization = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    admitted_at = serializers.DateTimeField(required=False, allow_null=True, help_text="the admission on this list, if any")
    invitation = serializers.DictField(required=False, allow_null=True, help_text='an item\'s list only: {"rsvp", "seat"}')


class OfflineDataSerializer(serializers.Serializer):
    format = serializers.IntegerField()
    list = serializers.DictField()
    version = serializers.CharField(help_text="also the ETag; give it as `since` for the next delta")
    generated_at = serializers.DateTimeField()
    salt = serializers.CharField()
    fingerprint = serializers.CharField(help_text="how a code's fingerprint is made")
    since = serializers.CharField(allow_null=True)
    full = serializers.BooleanField(help_text="true: the whole data (replace what the device holds); false: a delta")
    credentials = OfflineEntrySerializer(many=True)
    removed = serializers.ListField(child=serializers.CharField(), help_text="fingerprints no longer in the data (a delta)")


VERSION = re.compile(r"[0-9a-f]{1,64}", re.ASCII)  # what `version` is; anything else is not one


@extend_schema_view(
    list=extend_schema(summary="The check-in lists a gate may scan"),
    retrieve=extend_schema(summary="A check-in list"),
)
class CheckinListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    authentication_classes = [GateTokenAuthentication, SessionAuthentication]
    permission_classes = [IsGateStaff]
    serializer_class = CheckinListSerializer
    filterset_class = CheckinListFilter
    queryset = CheckinList.objects.select_related("edition").order_by("-edition__year", "kind", "day", "id")

    @extend_schema(
        summary="A check-in list's data for judging scans offline",
        description=(
            "What a gate device needs to judge scans without the network: each credential as a fingerprint "
            "(never the secret), the guest, revocations, admissions and, on an item's list, invitations. "
            "`ETag` is the version (304 on a matching If-None-Match); `?since=<version>` answers only what changed "
            "(`full: false`) when the server still knows that version, else the whole data (`full: true`). "
            "Scans made offline are uploaded to POST /api/v1/checkins/ with their own nonce and `scanned_at`. "
            "A roster's list (a pickup run's boarding) is not offered offline: 409 `offline_not_supported`."
        ),
        parameters=[OpenApiParameter("since", OpenApiTypes.STR, description="the version the device holds")],
        responses={200: OfflineDataSerializer, 304: OpenApiResponse(description="Not modified: the If-None-Match version is current")},
    )
    @action(detail=True, methods=["get"])
    def offline(self, request, pk=None):
        checkin_list = self.get_object()
        since = request.query_params.get("since") or None
        if since is not None and not VERSION.fullmatch(since):
            raise DomainError("invalid_since", _("“since” must be a version this endpoint gave (up to 64 characters 0-9 and a-f)."), field="since")
        data = offline_data(checkin_list, since=since)
        etag = f'"{data["version"]}"'
        if request.headers.get("If-None-Match") == etag:
            response = Response(status=304)
        else:
            response = Response(data)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response
