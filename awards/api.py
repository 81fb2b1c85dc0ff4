"""Awards in the API: programmes (public), members' recommendations, nominations.

The viewsets check the shape of the input and who may see what; every rule (quotas, the close,
categories, conditions, recommendations needed) is awards.services'. Refusals answer
`{"code", "message"}` with 400, 403 or 409.

Organizers (issue 28), as in the admin: decide on a nomination (`decide`, `nomination_transition`)
or several (`/nomination-decisions/`, `nominations_transition`), assign a programme's expert
reviewers (`reviewers`, `reviewer_assign`), release and withhold its results."""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.models import Edition

from . import selectors, services
from .enums import Direction
from .models import AwardProgramme, AwardReviewer, Nomination, Recommendation
from .serializers import (
    AwardReviewerSerializer,
    NominationBulkDecisionInputSerializer,
    NominationBulkDecisionSerializer,
    NominationInputSerializer,
    NominationSerializer,
    NominationSingleDecisionInputSerializer,
    ProgrammeSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
    ReviewerInputSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule: `{code, message[, errors]}` (`deadline_passed`, `self_recommendation`, `too_many_categories`, `recommendation_required`, `endorsement_required`...)"),
    401: OpenApiResponse(description="Not authenticated"),
    403: OpenApiResponse(description="Not allowed (`not_a_member`, `not_a_representative`, `not_your_recommendation`)"),
    404: OpenApiResponse(description="No such record, or not one the user may see"),
    409: OpenApiResponse(description="Conflict with the current state (`quota_exceeded`, `duplicate_recommendation`, `already_withdrawn`, `already_submitted`)"),
}


ORGANIZERS = {401: ERRORS[401], 403: OpenApiResponse(description="Organizers only (`permission_denied`)")}
PROGRAMME_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The programme's id")
NOMINATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The nomination's id")


class ProgrammeFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(field_name="edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open now"))

    class Meta:
        model = AwardProgramme
        fields = ["edition", "kind", "open"]

    def filter_open(self, queryset, name, value):
        open_ids = selectors.programmes_open().values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)


@extend_schema_view(
    list=extend_schema(summary="Award programmes", description="Every edition's programmes with categories, conditions, quotas per member tier and reported figures."),
    retrieve=extend_schema(summary="One award programme"),
)
class AwardProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = ProgrammeFilter
    queryset = selectors.programmes_for_api()

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return selectors.programmes_for_api()
        return AwardProgramme.objects.all()  # the organizers' actions answer with what they read themselves

    def get_serializer_class(self):
        return ReviewerInputSerializer if self.action == "reviewers" else ProgrammeSerializer

    @extend_schema(
        methods=["GET"], summary="The programme's expert reviewers (organizers)", parameters=[PROGRAMME_ID],
        request=None, responses={200: AwardReviewerSerializer(many=True), **ORGANIZERS, 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"], summary="Assign an expert reviewer (organizers)",
        description="`awards.services.reviewer_assign`, as the programme's admin page: the account (by username) reads the programme's "
        "submitted nominations and scores them. Assigning a reviewer again changes nothing. Answers with the reviewer.",
        parameters=[PROGRAMME_ID], request=ReviewerInputSerializer,
        responses={200: AwardReviewerSerializer, **ORGANIZERS, 400: OpenApiResponse(description="No such active account (`invalid`, `does_not_exist`)"), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[IsOrganizer], pagination_class=None)
    def reviewers(self, request, pk=None):
        programme = self.get_object()
        if request.method == "GET":
            reviewers = AwardReviewer.objects.filter(programme=programme).select_related("user").order_by("user__username", "id")
            return Response(AwardReviewerSerializer(reviewers, many=True).data)
        serializer = ReviewerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewer = services.reviewer_assign(programme=programme, user=serializer.validated_data["username"])
        return Response(AwardReviewerSerializer(AwardReviewer.objects.select_related("user").get(pk=reviewer.pk)).data)

    def _programme(self, programme):
        return Response(ProgrammeSerializer(selectors.programmes_for_api().get(pk=programme.pk), context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Release the results (organizers)",
        description="`awards.services.programme_release_results`, as the admin's action: the winners show on the edition's awards page. "
        "Only after the close (`not_closed_yet`, 400); releasing again keeps the first release.",
        parameters=[PROGRAMME_ID], request=None,
        responses={200: ProgrammeSerializer, **ORGANIZERS, 400: OpenApiResponse(description="Before the close (`not_closed_yet`)"), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"], url_path="release-results", permission_classes=[IsOrganizer])
    def release_results(self, request, pk=None):
        return self._programme(services.programme_release_results(programme=self.get_object(), actor=request.user))

    @extend_schema(
        summary="Withhold the results again (organizers)",
        description="`awards.services.programme_withhold_results`, as the admin's action: the winners leave the public page.",
        parameters=[PROGRAMME_ID], request=None, responses={200: ProgrammeSerializer, **ORGANIZERS, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"], url_path="withhold-results", permission_classes=[IsOrganizer])
    def withhold_results(self, request, pk=None):
        return self._programme(services.programme_withhold_results(programme=self.get_object(), actor=request.user))


@extend_schema_view(
    list=extend_schema(summary="My members' recommendations", description="The recommendations of the members the user represents (organizers see all)."),
    retrieve=extend_schema(summary="One recommendation", responses={200: RecommendationSerializer, 404: ERRORS[404]}),
    create=extend_schema(
        summary="Recommend an enterprise",
        description="As a member's representative: `{\"programme\": id, \"enterprise\": organization id}`, or "
        "`enterprise_name_zh` for an enterprise not yet known. Counted against the member's quota for the programme.",
        request=RecommendationInputSerializer,
        responses={201: RecommendationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 409)}},
    ),
    destroy=extend_schema(summary="Withdraw a recommendation", description="Frees the place, before the close only. Answers 200 with the withdrawn recommendation.", responses={200: RecommendationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}}),
)
class RecommendationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = RecommendationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["programme", "member"]
    queryset = selectors.recommendations_for_api()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Recommendation.objects.none()
        return selectors.recommendations_visible_to(self.request.user)

    def get_serializer_class(self):
        return RecommendationInputSerializer if self.action == "create" else RecommendationSerializer

    def _item(self, recommendation, code=status.HTTP_200_OK):
        fresh = selectors.recommendations_for_api().get(pk=recommendation.pk)
        return Response(RecommendationSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = RecommendationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = services.member_for_user(user=request.user, member_id=data["member"].pk if data.get("member") else None)
        enterprise = data.get("enterprise") or services.enterprise_for_recommendation(
            name_zh=data["enterprise_name_zh"], name_en=data.get("enterprise_name_en", ""), country=data.get("enterprise_country", ""), actor=request.user
        )
        recommendation = services.recommendation_create(programme=data["programme"], member=member, enterprise=enterprise, actor=request.user)
        return self._item(recommendation, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        return self._item(services.recommendation_withdraw(recommendation=self.get_object(), actor=request.user))

    @extend_schema(summary="Withdraw a recommendation", request=None, responses={200: RecommendationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._item(services.recommendation_withdraw(recommendation=self.get_object(), actor=request.user))


@extend_schema_view(
    list=extend_schema(summary="My nominations", description="Applications of the enterprises the user acts for and nominations the user or its members made (organizers see all)."),
    retrieve=extend_schema(summary="One nomination"),
    create=extend_schema(
        summary="Start an application, or nominate an individual",
        description="`direction` \"enterprise\": a draft for `organization` (the user must act for it). "
        "`direction` \"individual\": a person nominated by a member (`member`) or an organizer, submitted at once.",
        request=NominationInputSerializer,
        responses={201: NominationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 409)}},
    ),
    partial_update=extend_schema(summary="Change a draft", request=NominationInputSerializer, responses={200: NominationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}}),
)
class NominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = NominationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["programme", "state", "direction"]
    queryset = selectors.nominations_for_api()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Nomination.objects.none()
        return selectors.nominations_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "decide":
            return NominationSingleDecisionInputSerializer
        return NominationInputSerializer if self.action in ("create", "partial_update") else NominationSerializer

    def _item(self, nomination, code=status.HTTP_200_OK):
        fresh = selectors.nominations_for_api().get(pk=nomination.pk)
        return Response(NominationSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @staticmethod
    def _draft_fields(data) -> dict:
        names = ("categories", "further_conditions", "endorses_purposes", "basic_condition_statement", "contact_name", "contact_email")
        return {name: data[name] for name in names if name in data}

    def create(self, request, *args, **kwargs):
        serializer = NominationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["direction"] == Direction.INDIVIDUAL:
            nomination = services.nomination_nominate_individual(
                programme=data["programme"], actor=request.user, person_name=data.get("person_name", ""),
                person_affiliation=data.get("person_affiliation", ""), citation=data.get("citation", ""),
                member=data.get("member"), categories=data.get("categories"),
            )
        else:
            nomination = services.nomination_save_draft(
                programme=data["programme"], organization=data["organization"], actor=request.user, **self._draft_fields(data)
            )
        return self._item(nomination, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        nomination = self.get_object()
        serializer = NominationInputSerializer(nomination, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        nomination = services.nomination_save_draft(
            programme=nomination.programme, organization=nomination.organization, actor=request.user, nomination=nomination,
            **self._draft_fields(serializer.validated_data),
        )
        return self._item(nomination)

    @extend_schema(summary="Submit a draft", request=None, responses={200: NominationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._item(services.nomination_submit(nomination=self.get_object(), actor=request.user))

    @extend_schema(summary="Withdraw a nomination", request=None, responses={200: NominationSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._item(services.nomination_withdraw(nomination=self.get_object(), actor=request.user))

    @extend_schema(
        summary="Score a nomination (expert reviewers of its programme)",
        description="1 to 10, in a category the nomination entered (overall when it entered none); scoring the same "
        "category again replaces the score. Refused: `not_a_reviewer` (403), `invalid_score`, `invalid_category` (400), "
        "a nomination not under review (`invalid_transition`, 409).",
        request=ScoreInputSerializer, responses={201: ScoreSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        nomination = self.get_object()
        serializer = ScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.score_record(nomination=nomination, user=request.user, score=data["score"], category=data.get("category"), comment=data.get("comment", ""))
        return Response(ScoreSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide on a nomination (organizers)",
        description="`awards.services.nomination_transition`, as the admin's actions: screening (`eligible`, `ineligible`), `shortlisted`, "
        "`winner`, and back. A move TRANSITIONS does not have is `invalid_transition` (409). Marking eligible checks the rules again "
        "(`eligibility`, 400, naming what fails); a winner in the enterprise direction names the category won, one it entered "
        "(`invalid_category`, 400; its only one by default). `message` is kept as the screening note.",
        parameters=[NOMINATION_ID],
        request=NominationSingleDecisionInputSerializer,
        responses={
            200: NominationSerializer, **ORGANIZERS,
            400: OpenApiResponse(description="Invalid input (`invalid`), `eligibility`, `invalid_category`"),
            404: ERRORS[404],
            409: OpenApiResponse(description="The nomination's state does not allow it (`invalid_transition`)"),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsOrganizer])
    def decide(self, request, pk=None):
        nomination = self.get_object()
        serializer = NominationSingleDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        nomination = services.nomination_transition(
            nomination=nomination, to_state=data["to_state"], actor=request.user, message=data["message"], won_category=data["won_category"]
        )
        return self._item(nomination)


@extend_schema_view(
    create=extend_schema(
        summary="Decide on several nominations (organizers)",
        description="`awards.services.nominations_transition`, as the admin's bulk actions: each nomination on its own, one refusal undoing "
        "none of the others. Answers 200 with the nominations moved and those refused, each with its code (`invalid_transition`, "
        "`eligibility`, `invalid_category`). An id that does not exist refuses the whole call (400 `invalid`, `does_not_exist` on "
        "`nominations`).",
        request=NominationBulkDecisionInputSerializer,
        responses={200: NominationBulkDecisionSerializer, **ORGANIZERS},
    ),
)
class NominationDecisionViewSet(viewsets.GenericViewSet):
    serializer_class = NominationBulkDecisionInputSerializer
    permission_classes = [IsOrganizer]
    queryset = Nomination.objects.none()

    def create(self, request, *args, **kwargs):
        serializer = NominationBulkDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed, refused = services.nominations_transition(
            nominations=data["nominations"], to_state=data["to_state"], actor=request.user, message=data["message"]
        )
        order = {nomination.pk: index for index, nomination in enumerate(changed)}
        fresh = sorted(selectors.nominations_for_api().filter(pk__in=order), key=lambda nomination: order[nomination.pk])
        body = {
            "changed": NominationSerializer(fresh, many=True, context=self.get_serializer_context()).data,
            "refused": [{"nomination": nomination.pk, "code": error.code, "message": error.message} for nomination, error in refused],
        }
        return Response(body)
