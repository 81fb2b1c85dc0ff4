"""The summit-wide endpoints: editions, organizations, tokens."""
import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Organization
from .enums import OrganizationKind
from .selectors import editions_for_api, organizations_for_api
from .serializers import EditionSerializer, OrganizationSerializer


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = Organization
        fields = ["kind", "search"]

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(abbreviation__icontains=value)
        )


@extend_schema_view(
    list=extend_schema(summary="Editions of the summit, newest first"),
    retrieve=extend_schema(
        summary="One edition, by year",
        parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH, description="The edition's year, e.g. 2017")],
    ),
)
class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EditionSerializer
    lookup_field = "year"
    lookup_value_regex = "[^/]+"
    queryset = editions_for_api()
    filterset_fields = ["is_demo"]

    def get_queryset(self):
        return editions_for_api()

    def get_object(self):
        raw = self.kwargs["year"]
        if not raw.isdigit() or len(raw) > 4:
            raise exceptions.NotFound(_("There is no edition for year %(year)s.") % {"year": raw})
        try:
            return self.get_queryset().get(year=int(raw))
        except self.get_queryset().model.DoesNotExist:
            raise exceptions.NotFound(_("There is no edition for year %(year)s.") % {"year": raw}) from None


@extend_schema_view(list=extend_schema(summary="Organizations named by the texts"), retrieve=extend_schema(summary="One organization"))
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    queryset = organizations_for_api()

    def get_queryset(self):
        return organizations_for_api()


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token, sent afterwards as `Authorization: Token <token>`."""

    authentication_classes = []
    permission_classes = []
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong username or password (`invalid`)"),
            429: OpenApiResponse(description="5 failed sign-ins for this username from this address: locked for 15 minutes (`login_locked`)"),
        },
        summary="Obtain an API token",
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it refused (or whose failure reached the limit).
            if getattr(request, "axes_locked_out", False):
                from .security import lockout_json

                return lockout_json()
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)
