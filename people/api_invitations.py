"""The speaker's side in the API (issue 22; people.invitations), beside the admin and the private page.

Organizers (wic.api_base.IsOrganizer), `/api/v1/speaker-invitations/`: the appearances with where
their invitation stands (list with filters, one), an invitation by name and email to a role in an
agenda item (POST: `invite_person`, as the sub-forum host's speakers page and the admin do), and
the invitation of an existing appearance sent again with a new link (`POST <id>/send/`:
`appearance_invite`, the admin's "Send the invitation").

The speaker, with no account: `GET/POST /api/v1/speaker-replies/<token>/`, the private link the
invitation email carries (the token of `/speakers/<token>/`), read through `appearance_for_token`
and answered through `speaker_answer`, the services of the page. As protocol's RSVP link: no
authentication, no session (the signed link is the credential), throttled per client address. A
request there may carry at most the site's 6 MiB (wic.uploads): larger slides go through the page.

Errors are `{code, message, errors}` (wic.api_base) with people.invitations' codes.

The app sits below the agenda (docs/architecture.md): an agenda item is found through the model
an appearance names ("agenda.Session"), never by importing the agenda.
ROUTES: (prefix, viewset, basename) for the router; PATHS: plain patterns under /api/v1/."""
import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from wic.api_base import IsOrganizer
from wic.errors import DomainError
from wic.inputs import ascii_int
from wic.security import FailOpenThrottleMixin

from . import invitations
from .enums import AppearanceStatus, Role
from .models import Appearance
from .serializers_invitations import (
    SpeakerAnswerSerializer,
    SpeakerInvitationSerializer,
    SpeakerInviteSerializer,
    SpeakerReplySerializer,
    SpeakerSendSerializer,
)


def _session_model():
    """The agenda's Session, through the appearance's foreign key (people does not import the agenda)."""
    return Appearance._meta.get_field("session").related_model


def invitations_for_api() -> QuerySet[Appearance]:
    """Appearances with their person and agenda item: a page in a fixed number of queries."""
    return Appearance.objects.select_related("person", "session__edition").order_by("-session__edition__year", "session__sort_key", "session_id", "sort_order", "pk")


class AsciiIdField(forms.CharField):
    """An id from a query string: 1 to 18 ASCII digits (wic.inputs.ascii_int), else `invalid`."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        number = ascii_int(value)
        if number is None:
            raise ValidationError(gettext_lazy("Enter an id: ASCII digits only."), code="invalid")
        return number


@extend_schema_field(OpenApiTypes.INT)
class AsciiIdFilter(django_filters.Filter):
    field_class = AsciiIdField


class SpeakerInvitationFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="session__edition__year", label=gettext_lazy("Edition (year)"))
    session = AsciiIdFilter(field_name="session_id", label=gettext_lazy("Agenda item (session id)"))
    person = AsciiIdFilter(field_name="person_id", label=gettext_lazy("Person (id)"))
    status = django_filters.ChoiceFilter(choices=AppearanceStatus.choices, label=gettext_lazy("Status"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=gettext_lazy("Role"))

    class Meta:
        model = Appearance
        fields = ["edition", "session", "person", "status", "role"]


def _errors(**described) -> dict:
    return {int(code): OpenApiResponse(description=text) for code, text in described.items()}


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
})
NOT_FOUND = _errors(**{"404": "No such appearance (`not_found`)"})
INVITE_ERRORS = _errors(**{
    "400": "`invalid`, `does_not_exist` (no such agenda item), `unknown_role`, `person_has_no_name` (a new person needs a name), "
    "`invalid_email`, `too_long`, `unknown_language`",
    "409": "`session_started` (the item has begun: nobody can be invited to it any more), `already_confirmed`, `already_appeared` "
    "(the person's appearance in this role is confirmed, or history)",
})
SEND_ERRORS = _errors(**{
    "400": "`invalid`, `unknown_language`, `no_email` (the person has no email address: add one first)",
    "409": "`already_confirmed` (the speaker confirmed), `already_appeared` (history: a seeded appearance)",
})
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The appearance's id")


@extend_schema_view(
    list=extend_schema(
        summary="Speakers' invitations (organizers)",
        description="Every appearance with where its invitation stands (status, when it was sent, answered and last reminded, the "
        "language, how the speaker takes part), newest edition first, then by agenda item. Filter by edition (year), session, person, "
        "status and role.",
        responses={200: SpeakerInvitationSerializer(many=True), **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One speaker's invitation (organizers)", parameters=[ID], responses={200: SpeakerInvitationSerializer, **ORGANIZER_ERRORS, **NOT_FOUND}),
    create=extend_schema(
        summary="Invite a speaker by name and email (organizers)",
        description="people.invitations.invite_person: the person on file with this email (case-insensitive), else a new one with these "
        "names; their appearance in this role in the agenda item, invited again (its printed title and affiliation updated where "
        "given), else a new one, status invited. The email with a private link (valid 30 days, for one answer; older links stop "
        "working) is queued in `language`. Answers 201 with the appearance.",
        request=SpeakerInviteSerializer, responses={201: SpeakerInvitationSerializer, **INVITE_ERRORS, **ORGANIZER_ERRORS},
    ),
)
class SpeakerInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = SpeakerInvitationSerializer
    filterset_class = SpeakerInvitationFilter
    permission_classes = [IsOrganizer]
    queryset = Appearance.objects.none()

    def get_queryset(self):
        return invitations_for_api()

    def get_serializer_class(self):
        return {"create": SpeakerInviteSerializer, "send": SpeakerSendSerializer}.get(self.action, SpeakerInvitationSerializer)

    def _answer(self, appearance, code=status.HTTP_200_OK) -> Response:
        return Response(SpeakerInvitationSerializer(invitations_for_api().get(pk=appearance.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = SpeakerInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session_id = data.pop("session")
        session = _session_model().objects.select_related("edition").filter(pk=session_id).first()
        if session is None:
            raise DomainError("does_not_exist", _("There is no agenda item %(id)s.") % {"id": session_id}, field="session")
        appearance = invitations.invite_person(session, actor=request.user, **data)
        return self._answer(appearance, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the invitation again (organizers)",
        description="people.invitations.appearance_invite, the admin's \"Send the invitation\": status invited, a new private link "
        "(older ones stop working), the previous answer's and reminders' times cleared, the email queued in the appearance's language "
        "(or `language`, which becomes the appearance's). An invited, declined or cancelled appearance may be invited again.",
        parameters=[ID], request=SpeakerSendSerializer,
        responses={200: SpeakerInvitationSerializer, **SEND_ERRORS, **ORGANIZER_ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        appearance = self.get_object()
        serializer = SpeakerSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(invitations.appearance_invite(appearance, actor=request.user, language=serializer.validated_data["language"]))


# -- the speaker ----------------------------------------------------------------------------------

class SpeakerReplyThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Calls to the speaker's private link per client address (a guessing brake; the link is signed)."""

    scope = "speaker-reply"
    rate = "120/hour"


LINK_ERRORS = _errors(**{
    "404": "`link_invalid`: not a link of ours, tampered with, or its appearance is gone",
    "410": "`link_expired` (older than 30 days), `link_used` (it was used for an answer, or a newer invitation replaced it: "
    "the secretariat can send a new link)",
})
TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The token of the private link the invitation email carries (/speakers/<token>/).")


def _reply(appearance) -> Response:
    response = Response(SpeakerReplySerializer(appearance).data)
    response["Cache-Control"] = "private, no-store"
    return response


class SpeakerReplyView(APIView):
    """The speaker's invitation through their private link: no account, no session (the signed
    link is the credential), so no CSRF token either."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SpeakerReplyThrottle]
    serializer_class = SpeakerReplySerializer

    @extend_schema(
        summary="The speaker's invitation (private link)",
        description="The agenda item (title, date, times in Beijing time, hall), the role, the printed title and affiliation, the bio, "
        "whether a photo and slides are on file, and where the answer stands. `started`: the item has begun, a confirmation is refused.",
        parameters=[TOKEN], auth=[], responses={200: SpeakerReplySerializer, **LINK_ERRORS},
    )
    def get(self, request, token):
        return _reply(invitations.appearance_for_token(token))

    @extend_schema(
        summary="Answer the invitation (private link)",
        description="people.invitations.speaker_answer, as the private page: `confirm` (with `attendance_mode`: on_site, online or "
        "video) or `decline`, the printed title and affiliation, the bio in each language, a photo and slides (multipart/form-data). "
        "The texts not sent keep what the link shows. The link answers once: afterwards it answers `link_used` (410). Answers 200 "
        "with the invitation as answered. A request carries at most 6 MiB here, files included (`request_too_large`, 413): larger "
        "slides go through the private page.",
        parameters=[TOKEN], auth=[], request=SpeakerAnswerSerializer,
        responses={
            200: SpeakerReplySerializer,
            **_errors(**{
                "400": "`invalid`, `unknown_answer`, `unknown_attendance_mode`, `attendance_mode_required`, `too_long` (a title or "
                "affiliation over 300 characters, a bio over 3,000), `not_an_image`, `not_a_pdf`",
                "409": "`session_started` (a confirmation once the item has begun: contact the secretariat), `person_double_booked` "
                "(confirmed in another item at the same time)",
                "413": "`image_too_large` (a photo over 5 MB), `pdf_too_large`, `request_too_large` (over the request's limit)",
            }),
            **LINK_ERRORS,
        },
    )
    def post(self, request, token):
        serializer = SpeakerAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = invitations.appearance_for_token(token)
        answered = invitations.speaker_answer(token, **serializer.service_arguments(current))
        return _reply(Appearance.objects.select_related("person", "session__hall__venue", "session__edition").get(pk=answered.pk))


ROUTES = [("speaker-invitations", SpeakerInvitationViewSet, "speaker-invitation")]
PATHS = [path("speaker-replies/<str:token>/", SpeakerReplyView.as_view(), name="api-speaker-reply")]
