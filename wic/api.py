"""The summit-wide endpoints: organizations, tokens (editions are published by the agenda: agenda/api.py)."""
import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tokens
from .enums import OrganizationKind, TokenScope
from .models import ApiToken, Organization
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


class ObtainTokenSerializer(AuthTokenSerializer):
    scope = serializers.ChoiceField(
        choices=TokenScope.choices, required=False, help_text="`scan`: a token for gate scans only (gate staff always get one)"
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown this once, never stored")
    id = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=TokenScope.choices)
    expires_at = serializers.DateTimeField()


class TokenSerializer(serializers.ModelSerializer):
    """A token as its user sees it: never the key (it is not kept), its first characters."""

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "scope", "created", "expires_at"]


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()


class SignInOrSignedIn(BasePermission):
    """POST (a username and password) needs no account yet; reading and revoking one's tokens do."""

    def has_permission(self, request, view):
        return request.method == "POST" or bool(request.user and request.user.is_authenticated)


class ObtainTokenView(APIView):
    """`POST`: exchange a username and password for a new API token, sent afterwards as
    `Authorization: Token <token>`; the key is in this answer only (wic.tokens). `GET`: one's own
    tokens (without keys). `DELETE`: revoke all of one's tokens (one: RevokeTokenView)."""

    authentication_classes = [tokens.ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [SignInOrSignedIn]
    serializer_class = ObtainTokenSerializer

    def perform_authentication(self, request):
        # A sign-in is not authenticated by a session or a token (nor asked for a CSRF token by
        # one): the username and password are the credentials.
        if request.method != "POST":
            request.user  # noqa: B018 - authenticates now, as DRF does

    @extend_schema(
        request=ObtainTokenSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong username or password (`invalid`)"),
            429: OpenApiResponse(
                description="5 failed sign-ins for this username from this address, or LOGIN_ADDRESS_FAILURE_LIMIT (50) from this address "
                "whatever the usernames: locked for 15 minutes (`login_locked`)"
            ),
        },
        summary="Obtain an API token",
    )
    def post(self, request):
        serializer = ObtainTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it refused (or whose failure reached the limit).
            if getattr(request, "axes_locked_out", False):
                from .security import lockout_json

                return lockout_json(request)
            raise exceptions.ValidationError(serializer.errors)
        token, key = tokens.token_create(user=serializer.validated_data["user"], scope=serializer.validated_data.get("scope"))
        return Response({"token": key, "id": token.pk, "scope": token.scope, "expires_at": token.expires_at}, status=status.HTTP_200_OK)

    @extend_schema(responses={200: TokenSerializer(many=True)}, summary="My API tokens")
    def get(self, request):
        return Response(TokenSerializer(tokens.tokens_of(request.user), many=True).data)

    @extend_schema(request=None, responses={200: RevokedSerializer}, summary="Revoke all my API tokens", operation_id="v1_auth_token_revoke_all")
    def delete(self, request):
        return Response({"revoked": tokens.token_revoke(user=request.user)})


class RevokeTokenView(APIView):
    """`DELETE /api/v1/auth/token/<id>/`: revoke one of one's own tokens (404 for anyone else's)."""

    authentication_classes = ObtainTokenView.authentication_classes
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RevokedSerializer}, summary="Revoke one of my API tokens", operation_id="v1_auth_token_revoke")
    def delete(self, request, pk: int):
        revoked = tokens.token_revoke(user=request.user, token_id=pk)
        if not revoked:
            raise exceptions.NotFound()
        return Response({"revoked": revoked})
