"""The summit-wide endpoints: organizations, tokens (editions are published by the agenda: agenda/api.py)."""
import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Organization
from .enums import OrganizationKind
from .selectors import organizations_for_api
from .serializers import OrganizationSerializer


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
