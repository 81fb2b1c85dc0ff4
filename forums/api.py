"""Sub-forum applications in the API: drafts, submission, withdrawal and reviews.

The viewset checks the shape of the input and who can see what; every rule (the call's dates,
the state machine, who may edit, submit, withdraw or review) is forums.services'.

Visibility: the list shows the user's own applications (organizers, i.e. staff users, see all).
One application can be read by its applicant, by the reviewers of its edition and by organizers;
anyone else gets 404, as if it did not exist, for reading and for every action (reviewing
too). Reviewing is the reviewer's act: whether a user who may read the application may review it
is the service's answer (403 `not_a_reviewer`, `conflict_of_interest`). Reviewers read the
application without its contact's name, email and phone (null), as on their review page.

Organizers (issue 28) decide as in the admin: one application (`decide`, the decide page's
`application_transition`) or several (`/forum-application-decisions/`, the bulk actions'
`applications_decide`); an accepted forum is placed through the agenda's
`POST /api/v1/sessions/{session}/place/` (the placement page's `session_place`)."""
import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.models import Edition

from . import services
from .enums import ApplicationState
from .models import ApplicationOrganization, ApplicationTransition, ForumApplication
from .permissions import applications_visible_to
from .serializers import (
    ForumApplicationSerializer,
    ForumApplicationWriteSerializer,
    ForumBulkDecisionInputSerializer,
    ForumBulkDecisionSerializer,
    ForumDecisionInputSerializer,
    ReviewInputSerializer,
)


def applications_for_api() -> QuerySet[ForumApplication]:
    """Applications with everything an item shows, in a fixed number of queries whatever their number."""
    return (
        ForumApplication.objects.select_related("call__edition")
        .prefetch_related(
            Prefetch("organizations", queryset=ApplicationOrganization.objects.select_related("organization").order_by("sort_order", "id")),
            Prefetch("transitions", queryset=ApplicationTransition.objects.order_by("at", "id")),
        )
        .order_by("-created", "-id")
    )


class ForumApplicationFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(
        field_name="call__edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)")
    )
    state = django_filters.ChoiceFilter(choices=ApplicationState.choices, label=_("State"))

    class Meta:
        model = ForumApplication
        fields = ["edition", "state"]


ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule: `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Not allowed (`not_your_application`, `not_a_reviewer`, `conflict_of_interest`)"),
    404: OpenApiResponse(description="No such application, or not one the user may see"),
    409: OpenApiResponse(description="The application's state does not allow it (`already_submitted`, `invalid_transition`)"),
}


def _responses(ok_status: int, *codes: int) -> dict:
    return {ok_status: ForumApplicationSerializer, **{code: ERRORS[code] for code in codes}}


ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The application's id")


@extend_schema_view(
    list=extend_schema(
        summary="My sub-forum applications",
        description="The user's own applications, newest first (organizers see everyone's). Filter by edition (year) and state. "
        "Times are ISO 8601 in Beijing time (+08:00).",
        responses={200: ForumApplicationSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    ),
    retrieve=extend_schema(
        summary="One sub-forum application",
        description="Visible to its applicant, the reviewers of its edition and organizers.",
        parameters=[ID_PARAMETER],
        responses=_responses(200, 401, 404),
    ),
    create=extend_schema(
        summary="Start a draft application",
        description="Saves a draft on an open call. `organizations` lists hosts and co-hosts: `{role, organization}` for an existing "
        "organization or `{role, name_zh, name_en}` for a new one.",
        request=ForumApplicationWriteSerializer,
        responses=_responses(201, 400, 401, 403),
    ),
    update=extend_schema(
        summary="Replace a draft's fields",
        description="Only the applicant edits, only a draft (`not_a_draft`), only while the call is open.",
        parameters=[ID_PARAMETER],
        request=ForumApplicationWriteSerializer,
        responses=_responses(200, 400, 401, 403, 404),
    ),
    partial_update=extend_schema(
        summary="Change some of a draft's fields",
        description="Only the applicant edits, only a draft (`not_a_draft`), only while the call is open. "
        "`organizations`, when given, replaces the list.",
        parameters=[ID_PARAMETER],
        request=ForumApplicationWriteSerializer,
        responses=_responses(200, 400, 401, 403, 404),
    ),
)
class ForumApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ForumApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ForumApplicationFilter
    queryset = applications_for_api()

    def get_queryset(self):
        queryset = applications_for_api()
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return queryset.none()
        # Reviewing too: an application the user may not read does not exist for them (404, never a
        # 403 that would confirm it exists, nor a 409 naming a draft's state). Whether a user who
        # may read it may also review it is the service's to say (not_a_reviewer, conflict_of_interest).
        return applications_visible_to(user, queryset, listing=self.action == "list")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ForumApplicationWriteSerializer
        if self.action == "review":
            return ReviewInputSerializer
        if self.action == "decide":
            return ForumDecisionInputSerializer
        return ForumApplicationSerializer

    def _item(self, application: ForumApplication, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = applications_for_api().get(pk=application.pk)
        return Response(ForumApplicationSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _save_draft(self, serializer, application=None) -> ForumApplication:
        call, fields, organizations = serializer.service_arguments()
        return services.application_save_draft(
            call=call, applicant=self.request.user, fields=fields, organizations=organizations, application=application, language=get_language()
        )

    def create(self, request, *args, **kwargs):
        serializer = ForumApplicationWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return self._item(self._save_draft(serializer), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = ForumApplicationWriteSerializer(
            application, data=request.data, partial=kwargs.pop("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return self._item(self._save_draft(serializer, application))

    @extend_schema(
        summary="Submit a draft",
        description="Refused while the call is closed (`call_closed`, the draft kept), when already submitted (`already_submitted`, 409) "
        "or when required fields are empty (`incomplete`, naming them).",
        parameters=[ID_PARAMETER],
        request=None,
        responses=_responses(200, 400, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = services.application_submit(application=self.get_object(), actor=request.user)
        return self._item(application)

    @extend_schema(
        summary="Withdraw an application",
        description="The applicant's own act, from draft, submitted or under review; anything else is `invalid_transition` (409).",
        parameters=[ID_PARAMETER],
        request=None,
        responses=_responses(200, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = services.application_transition(
            application=self.get_object(), to_state=ApplicationState.WITHDRAWN, actor=request.user
        )
        return self._item(application)

    @extend_schema(
        summary="Score an application",
        description="A reviewer of the edition scores every criterion of the call, 1 to 5, with an optional comment. "
        "An application the user may not read (someone else's, a draft, another edition's) is 404 as for a free id; "
        "refused to a user who reads it but is no reviewer of its edition (`not_a_reviewer`, 403), on an application the "
        "reviewer's organization hosts (`conflict_of_interest`, 403) and unless submitted or under review (`invalid_transition`, 409). "
        "The first review puts a submitted application under review. Answers with the application.",
        parameters=[ID_PARAMETER],
        request=ReviewInputSerializer,
        responses=_responses(200, 400, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        application = self.get_object()
        serializer = ReviewInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.review_submit(application=application, user=request.user, scores=serializer.service_scores())
        return self._item(application)

    @extend_schema(
        summary="Decide on an application (organizers)",
        description="`forums.services.application_transition`, as the admin's decide page: `under_review`, or a decision (`accepted`, "
        "`waitlisted`, `rejected`) with a message the applicant's email carries. A move TRANSITIONS does not have is "
        "`invalid_transition` (409; `submitted` is the applicant's submit, 400); withdrawing is the applicant's own act "
        "(`not_your_application`, 403). Accepting creates the forum's agenda session, unpublished until placed "
        "(POST /api/v1/sessions/{session}/place/). Answers with the application.",
        parameters=[ID_PARAMETER],
        request=ForumDecisionInputSerializer,
        responses={
            200: ForumApplicationSerializer,
            400: OpenApiResponse(description="Invalid input (`invalid`), or `invalid_transition` for `submitted`"),
            401: ERRORS[401],
            403: OpenApiResponse(description="Organizers only (`permission_denied`); withdrawing is the applicant's (`not_your_application`)"),
            404: ERRORS[404],
            409: OpenApiResponse(description="The application's state does not allow it (`invalid_transition`)"),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsOrganizer])
    def decide(self, request, pk=None):
        application = self.get_object()
        serializer = ForumDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.application_transition(application=application, to_state=data["to_state"], actor=request.user, message=data["message"])
        return self._item(application)


@extend_schema_view(
    create=extend_schema(
        summary="Decide on several applications (organizers)",
        description="`forums.services.applications_decide`, as the admin's bulk actions: each application on its own, one refusal "
        "undoing none of the others. Answers 200 with the applications moved and those refused, each with its code "
        "(`invalid_transition`, `not_your_application`). An id that does not exist refuses the whole call (400 `invalid`, "
        "`does_not_exist` on `applications`).",
        request=ForumBulkDecisionInputSerializer,
        responses={200: ForumBulkDecisionSerializer, 401: ERRORS[401], 403: OpenApiResponse(description="Organizers only (`permission_denied`)")},
    ),
)
class ForumApplicationDecisionViewSet(viewsets.GenericViewSet):
    serializer_class = ForumBulkDecisionInputSerializer
    permission_classes = [IsOrganizer]
    queryset = ForumApplication.objects.none()

    def create(self, request, *args, **kwargs):
        serializer = ForumBulkDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed, refused = services.applications_decide(
            applications=data["applications"], to_state=data["to_state"], actor=request.user, message=data["message"]
        )
        order = {application.pk: index for index, application in enumerate(changed)}
        fresh = sorted(applications_for_api().filter(pk__in=order), key=lambda application: order[application.pk])
        context = self.get_serializer_context()
        body = {
            "changed": ForumApplicationSerializer(fresh, many=True, context=context).data,
            "refused": [{"application": application.pk, "code": error.code, "message": error.message} for application, error in refused],
        }
        return Response(body)
