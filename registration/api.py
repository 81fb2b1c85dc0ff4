"""Guest registrations in the API: anyone registers (throttled); organizers read, decide, resend
the guest's link, and manage credentials and invitations.

The serializers check the shape of the input; every rule (the edition being open, consent, one
registration per email and edition, which decisions a status allows, who gets a credential, who
may be invited where) is registration.services', the same functions the admin calls, and their
refusals come back as `{code, message[, errors]}` with their status. The API neither edits nor
deletes a registration.

Organizers (wic.api_base.IsOrganizer), as in the admin:
- `POST /registrations/{id}/decide/` (registration_decide), `POST /registrations/decide/`
  (registrations_decide: which were decided, which refused with their codes),
  `POST /registrations/{id}/resend-link/` (registration_link_resend),
  `POST /registrations/{id}/reissue-credential/` (credential_reissue);
- `/credentials/`: list and read (a list never shows a secret), issue (`POST`, credential_issue),
  `POST /credentials/{id}/revoke/` (credential_revoke);
- `/invitations/`: list and read, invite (`POST`, invitations_create)."""
import django_filters
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from agenda.filters import AsciiIdFilter
from wic.api_base import IsOrganizer
from wic.security import FailOpenThrottleMixin
from wic.models import Edition

from . import services
from .enums import GuestCategory, RegistrationStatus
from .models import Credential, Invitation, Registration
from .serializers import (
    BulkDecisionResultSerializer,
    BulkDecisionSerializer,
    CredentialDetailSerializer,
    CredentialIssueSerializer,
    CredentialSerializer,
    DecisionSerializer,
    InvitationsCreatedSerializer,
    InvitationsCreateSerializer,
    InvitationSerializer,
    LinkResentSerializer,
    RegistrationInputSerializer,
    RegistrationReceivedSerializer,
    RegistrationSerializer,
)

ID_REGEX = "[0-9]{1,18}"  # a path id is ASCII digits: anything else is no endpoint (404), never a lookup


def registrations_for_api() -> QuerySet[Registration]:
    return Registration.objects.select_related("edition").order_by("-created", "-id")


def credentials_for_api() -> QuerySet[Credential]:
    """Credentials with their guest and edition: a fixed number of queries whatever their number."""
    return Credential.objects.select_related("registration__edition").order_by("-issued_at", "-id")


def invitations_for_api() -> QuerySet[Invitation]:
    """Invitations with their guest and agenda item: a fixed number of queries whatever their number."""
    return Invitation.objects.select_related("registration", "session__edition").order_by("session__sort_key", "session_id", "registration__name", "id")


class RegistrationRateThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Anonymous registrations per client address; the rate is set here, not in settings. Open
    when the cache cannot count (wic.security.FailOpenThrottleMixin)."""

    scope = "registration"
    rate = "30/hour"


class RegistrationFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(
        field_name="edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)")
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices, label=_("Status"))

    class Meta:
        model = Registration
        fields = ["edition", "status"]


class CredentialFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="registration__edition__year", label=_("Edition (year)"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))
    active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label=_("Active (true) or revoked (false)"))

    class Meta:
        model = Credential
        fields = ["edition", "registration", "active"]


class InvitationFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="session__edition__year", label=_("Edition (year)"))
    session = AsciiIdFilter(field_name="session_id", label=_("Agenda item (session id)"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))
    rsvp = django_filters.ChoiceFilter(choices=Invitation.RSVP, label=_("Reply"))
    category = django_filters.ChoiceFilter(field_name="registration__category", choices=GuestCategory.choices, label=_("Guest category"))

    class Meta:
        model = Invitation
        fields = ["edition", "session", "registration", "rsvp", "category"]


def _error(text: str) -> OpenApiResponse:
    return OpenApiResponse(description=text)


ERRORS = {
    400: _error("Invalid input or refused by a rule (`registration_closed`, `consent_required`): `{code, message[, errors]}`"),
    401: _error("Not authenticated (`not_authenticated`)"),
    403: _error("Organizers only (`permission_denied`)"),
    404: _error("No such registration (`not_found`)"),
    429: _error("Too many registrations from this address (`throttled`)"),
}
ORGANIZERS = {401: ERRORS[401], 403: ERRORS[403]}
NO_PAGE = _error("No such page (`not_found`)")
DECIDE_ERRORS = {
    400: _error("`invalid`: not a status"),
    409: _error("`invalid_transition`: the registration's status does not allow that decision (a pending guest can be approved, "
                "waitlisted or rejected, a waitlisted one approved or rejected; approved and rejected are final; nothing becomes pending)"),
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The registration's id")


@extend_schema_view(
    list=extend_schema(
        summary="Guest registrations (organizers)",
        description="Newest first. Filter by edition (year) and status. Organizers only.",
        responses={200: RegistrationSerializer(many=True), 400: ERRORS[400], **ORGANIZERS, 404: NO_PAGE},
    ),
    retrieve=extend_schema(
        summary="One guest registration (organizers)",
        parameters=[ID],
        responses={200: RegistrationSerializer, **ORGANIZERS, 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Register as a guest",
        description="Open to anyone, throttled per address. Refused when the edition is over (`registration_closed`) "
        "or without consent (`consent_required`). Answers 202 the same whether the address was new or already registered "
        "for the edition, so the answer tells nobody who registered: the link to the guest's own page (with the reference "
        "and the status) is mailed to the address, at most once an hour.",
        request=RegistrationInputSerializer,
        responses={202: RegistrationReceivedSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        auth=[],
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    queryset = registrations_for_api()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return registrations_for_api()

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [IsOrganizer()]

    def get_throttles(self):
        if self.action == "create":
            return [RegistrationRateThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return RegistrationInputSerializer
        return RegistrationSerializer

    def create(self, request, *args, **kwargs):
        serializer = RegistrationInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        edition, data = serializer.service_arguments()
        services.registration_request(edition=edition, data=data, user=request.user, language=getattr(request, "LANGUAGE_CODE", None) or get_language())
        received = {"edition": edition.year, "email": data["email"].strip(), "message": gettext("We have sent the link to the registration's page to this address.")}
        return Response(RegistrationReceivedSerializer(received).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Approve, waitlist or reject a registration (organizers)",
        description="As the admin's actions: the guest is emailed the decision (once the transaction commits); approving an "
        "on-site guest issues their credential. Answers with the registration.",
        parameters=[ID], request=DecisionSerializer,
        responses={200: RegistrationSerializer, **DECIDE_ERRORS, **ORGANIZERS, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        registration = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.registration_decide(registration=registration, status=serializer.validated_data["status"], actor=request.user)
        return Response(RegistrationSerializer(registrations_for_api().get(pk=registration.pk), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Decide several registrations at once (organizers)",
        description="The same decision for each registration, each on its own as in the admin's bulk actions: one refused leaves "
        "the others decided. Answers 200 with `decided` (now of the status) and `refused` (unchanged, each with the refusal's `code` "
        "and `message`, e.g. `invalid_transition`). An id that is not a registration refuses the whole call (400 `does_not_exist`, "
        "nothing decided).",
        operation_id="registrations_decide_many", request=BulkDecisionSerializer,
        responses={200: BulkDecisionResultSerializer, 400: _error("`invalid`: no ids, more than 500, not a status; `does_not_exist` naming "
                                                                  "the unknown ids"), **ORGANIZERS},
    )
    @action(detail=False, methods=["post"], url_path="decide", url_name="decide-many")
    def decide_many(self, request):
        serializer = BulkDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided, refused = services.registrations_decide(registrations=data["registrations"], status=data["status"], actor=request.user)
        body = {"status": data["status"], "decided": decided, "refused": [{"registration": r, "error": e} for r, e in refused]}
        return Response(BulkDecisionResultSerializer(body).data)

    @extend_schema(
        summary="Email the guest the link to their page again (organizers)",
        description="As the admin's action, for a guest who lost the email: recorded in the outbox whatever the hourly limit of "
        "the public form, in the guest's language, with an entry in the audit trail. Answers 202: the email is on its way.",
        parameters=[ID], request=None, responses={202: LinkResentSerializer, **ORGANIZERS, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"], url_path="resend-link")
    def resend_link(self, request, pk=None):
        registration = self.get_object()
        services.registration_link_resend(registration=registration, actor=request.user)
        body = {"id": registration.pk, "reference": registration.reference, "message": gettext("The private link was sent again to %(reference)s (%(name)s).") % {"reference": registration.reference, "name": registration.name}}
        return Response(LinkResentSerializer(body).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Revoke the guest's credential and issue a new one (organizers)",
        description="As the admin's action: the active credential is revoked (its code then scans as `revoked`) and a new one is "
        "issued, answered with its code (201). Refused for a guest who is not approved (`not_approved`) or not on site "
        "(`not_on_site`); nothing is revoked then.",
        parameters=[ID], request=None,
        responses={201: CredentialDetailSerializer, 400: _error("`not_approved`, `not_on_site`"), **ORGANIZERS, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"], url_path="reissue-credential")
    def reissue_credential(self, request, pk=None):
        registration = self.get_object()
        credential = services.credential_reissue(registration=registration, actor=request.user)
        fresh = credentials_for_api().get(pk=credential.pk)
        return Response(CredentialDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


CREDENTIAL_NOT_FOUND = _error("No such credential (`not_found`)")
CREDENTIAL_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The credential's id")


@extend_schema_view(
    list=extend_schema(
        summary="Credentials (organizers)",
        description="Newest first. Filter by edition (year), registration (id), active. A list never shows a credential's code, "
        "only its last four characters; the badge's URL is the admin's download.",
        responses={200: CredentialSerializer(many=True), 400: _error("`invalid`: a filter's value"), **ORGANIZERS, 404: NO_PAGE},
    ),
    retrieve=extend_schema(
        summary="One credential, with its code (organizers)", parameters=[CREDENTIAL_ID],
        responses={200: CredentialDetailSerializer, **ORGANIZERS, 404: CREDENTIAL_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Issue a guest's credential (organizers)",
        description="The registration's active credential, issued now (201) if it has none, else the one it has (200). Only approved "
        "on-site guests get one (`not_approved`, `not_on_site`). Approving an on-site guest issues it already.",
        request=CredentialIssueSerializer,
        responses={200: CredentialDetailSerializer, 201: CredentialDetailSerializer,
                   400: _error("`invalid`, `does_not_exist` (no such registration), `not_approved`, `not_on_site`"), **ORGANIZERS},
    ),
)
class CredentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = CredentialSerializer
    filterset_class = CredentialFilter
    permission_classes = [IsOrganizer]
    queryset = Credential.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return credentials_for_api()

    def get_serializer_class(self):
        if self.action == "list":
            return CredentialSerializer
        if self.action == "create":
            return CredentialIssueSerializer
        return CredentialDetailSerializer

    def _item(self, credential: Credential, code=status.HTTP_200_OK) -> Response:
        fresh = credentials_for_api().get(pk=credential.pk)
        return Response(CredentialDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = CredentialIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = serializer.validated_data["registration"]
        had = set(registration.credentials.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        credential = services.credential_issue(registration=registration)
        return self._item(credential, status.HTTP_200_OK if credential.pk in had else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a credential (organizers)",
        description="Its code then scans as `revoked` at every gate; the guest gets no new one (re-issue: "
        "POST /api/v1/registrations/{id}/reissue-credential/). Answers with the revoked credential.",
        parameters=[CREDENTIAL_ID], request=None,
        responses={200: CredentialDetailSerializer, 409: _error("`already_revoked`"), **ORGANIZERS, 404: CREDENTIAL_NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._item(services.credential_revoke(credential=self.get_object(), actor=request.user))


INVITATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The invitation's id")


@extend_schema_view(
    list=extend_schema(
        summary="Invitations to invitation-only items (organizers)",
        description="By agenda item, then guest. Filter by edition (year), session, registration, reply (`rsvp`), guest category. "
        "An invitation added here is accepted; one sent as an invitation card (/api/v1/invitation-cards/) follows its card's reply.",
        responses={200: InvitationSerializer(many=True), 400: _error("`invalid`: a filter's value"), **ORGANIZERS, 404: NO_PAGE},
    ),
    retrieve=extend_schema(
        summary="One invitation (organizers)", parameters=[INVITATION_ID],
        responses={200: InvitationSerializer, **ORGANIZERS, 404: _error("No such invitation (`not_found`)")},
    ),
    create=extend_schema(
        summary="Invite approved guests to an invitation-only item (organizers)",
        description="As the admin's action: the given registrations and, with `category`, every approved guest of that category in "
        "the item's edition. Inviting twice changes nothing: answers 201 with how many invitations are new, 200 when none is.",
        request=InvitationsCreateSerializer,
        responses={200: InvitationsCreatedSerializer, 201: InvitationsCreatedSerializer,
                   400: _error("`invalid` (a guest of another edition, naming them), `does_not_exist` (no such session or registrations), "
                               "`not_invitation_only`, `not_approved` (naming the guests)"), **ORGANIZERS},
    ),
)
class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    permission_classes = [IsOrganizer]
    queryset = Invitation.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return invitations_for_api()

    def get_serializer_class(self):
        return InvitationsCreateSerializer if self.action == "create" else InvitationSerializer

    def create(self, request, *args, **kwargs):
        serializer = InvitationsCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.invitations_create(session=data["session"], registrations=data["registrations"], category=data["category"])
        body = InvitationsCreatedSerializer({"session": data["session"].pk, "created": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
