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
from .inputs import ascii_int
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


class DaysField(serializers.IntegerField):
    """A number of days: a JSON integer, or a string of ASCII digits (DRF's IntegerField takes
    "٣" for 3); the range is the service's (wic.tokens.token_lifetime)."""

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        number = ascii_int(data.strip() if isinstance(data, str) else data, 6)
        if number is None:
            self.fail("invalid")
        return number


SCOPE_HELP = (
    "`all` (default): everything the account may do. `read`: GET, HEAD and OPTIONS only. `scan`: the gate's endpoints only "
    "(/api/v1/checkins/, /api/v1/checkin-lists/; gate staff who are not organizers always get a scan token, whatever they ask). "
    "`lead`: the volunteers endpoints and these token endpoints only (volunteer leads only). `integration`: only what its named "
    "`scopes` open (organizers only). A request outside a token's scope answers 403 `token_scope`."
)


class ObtainTokenSerializer(AuthTokenSerializer):
    scope = serializers.ChoiceField(choices=TokenScope.choices, required=False, help_text=SCOPE_HELP)
    scopes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=len(tokens.NAMED_SCOPES),
        help_text="An integration token's named scopes (required for one, refused for any other): `<area>:read` (GET, HEAD, OPTIONS) or "
        f"`<area>:write` (every method; implies read), the area one of: {', '.join(tokens.AREAS)}.",
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="What the token is for (a badge printer, a partner)")
    expires_in_days = DaysField(required=False, help_text="How many days the token works: 1 to API_TOKEN_LIFETIME_DAYS (default 30), which is also the default")


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown this once, never stored")
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    scope = serializers.ChoiceField(choices=TokenScope.choices)
    scopes = serializers.ListField(child=serializers.CharField(), help_text="An integration token's named scopes; empty for any other")
    expires_at = serializers.DateTimeField()


class TokenSerializer(serializers.ModelSerializer):
    """A token as its user sees it: never the key (it is not kept), its first characters."""

    scopes = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="An integration token's named scopes; empty for any other")

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "scope", "scopes", "created", "expires_at"]


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()


class SignInOrSignedIn(BasePermission):
    """POST (a username and password) needs no account yet; reading and revoking one's tokens do."""

    def has_permission(self, request, view):
        return request.method == "POST" or bool(request.user and request.user.is_authenticated)


TOKEN_SCOPE_REFUSED = OpenApiResponse(
    description="Not allowed (`permission_denied`), or the token's scope does not reach this (`token_scope`): a scan or integration "
    "token, or a read-only token on DELETE"
)


class ObtainTokenView(APIView):
    """`POST`: exchange a username and password for a new API token, sent afterwards as
    `Authorization: Token <token>`, with a scope, named scopes, a name and a lifetime; the key is in
    this answer only (wic.tokens.token_create). `GET`: one's own tokens (without keys). `DELETE`:
    revoke all of one's tokens (one: RevokeTokenView)."""

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
            400: OpenApiResponse(
                description="Wrong username or password, or input of the wrong shape (`invalid`); `scope_not_allowed`: `lead` asked by an "
                "account without the volunteer-lead role, `integration` by one that is not an organizer; `invalid_scope`: an integration "
                "token without named scopes, an unknown named scope, or named scopes with another scope; `invalid_expiry`: "
                "`expires_in_days` not within 1..API_TOKEN_LIFETIME_DAYS"
            ),
            429: OpenApiResponse(
                description="5 failed sign-ins for this username from this address, or LOGIN_ADDRESS_FAILURE_LIMIT (50) from this address "
                "whatever the usernames: locked for 15 minutes (`login_locked`)"
            ),
        },
        summary="Obtain an API token",
        description="Exchange a username and password for a new token. " + SCOPE_HELP + " The key is in this answer only: only its digest is kept.",
    )
    def post(self, request):
        serializer = ObtainTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it refused (or whose failure reached the limit).
            if getattr(request, "axes_locked_out", False):
                from .security import lockout_json

                return lockout_json(request)
            raise exceptions.ValidationError(serializer.errors)
        data = serializer.validated_data
        token, key = tokens.token_create(
            user=data["user"], scope=data.get("scope"), scopes=data.get("scopes"), name=data.get("name", ""), expires_in_days=data.get("expires_in_days"),
        )
        answer = {"token": key, "id": token.pk, "name": token.name, "scope": token.scope, "scopes": token.scopes, "expires_at": token.expires_at}
        return Response(TokenResponseSerializer(answer).data, status=status.HTTP_200_OK)  # the expiry in Beijing time

    @extend_schema(responses={200: TokenSerializer(many=True), 403: TOKEN_SCOPE_REFUSED}, summary="My API tokens")
    def get(self, request):
        return Response(TokenSerializer(tokens.tokens_of(request.user), many=True).data)

    @extend_schema(
        request=None, responses={200: RevokedSerializer, 403: TOKEN_SCOPE_REFUSED}, summary="Revoke all my API tokens", operation_id="v1_auth_token_revoke_all",
    )
    def delete(self, request):
        return Response({"revoked": tokens.token_revoke(user=request.user)})


class RevokeTokenView(APIView):
    """`DELETE /api/v1/auth/token/<id>/`: revoke one of one's own tokens (404 for anyone else's)."""

    authentication_classes = ObtainTokenView.authentication_classes
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: RevokedSerializer, 403: TOKEN_SCOPE_REFUSED}, summary="Revoke one of my API tokens", operation_id="v1_auth_token_revoke",
    )
    def delete(self, request, pk: int):
        revoked = tokens.token_revoke(user=request.user, token_id=pk)
        if not revoked:
            raise exceptions.NotFound()
        return Response({"revoked": revoked})
