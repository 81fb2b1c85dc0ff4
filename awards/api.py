"""Awards in the API: programmes (public), members' recommendations, nominations.

The viewsets check the shape of the input and who may see what; every rule (quotas, the close,
categories, conditions, recommendations needed) is awards.services'. Refusals answer
`{"code", "message"}` with 400, 403 or 409."""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.models import Edition

from . import selectors, services
from .enums import Direction
from .models import AwardProgramme, Nomination, Recommendation
from .serializers import (
    NominationInputSerializer,
    NominationSerializer,
    ProgrammeSerializer,
    RecommendationInputSerializer,
    RecommendationSerializer,
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
        return selectors.programmes_for_api()


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

