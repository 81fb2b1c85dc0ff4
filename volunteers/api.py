"""The volunteer programme in the API (issue 28): the same services as the pages and the admin.

Who may do what is what the pages and the admin allow (volunteers/permissions.py):

- anyone reads the programmes and applies (`POST /volunteers/`, throttled per address, as the
  application page is);
- a volunteer reads their own records (applications, shifts, assignments, swap/drop requests,
  standby offers, notices of changed shifts, worked hours), checks in and out of their own shifts,
  asks to drop or swap one, accepts a standby offer made to them, dismisses a notice;
- a team's lead reads the volunteers of the teams they lead and their shifts, scans a volunteer's
  QR code (`POST /shift-scans/`: check-in or check-out; `not_your_team` for someone else's),
  checks them in or out of a shift on their behalf, records training attendance (one volunteer, by
  code, or the team's list), decides their swap/drop requests and offers freed places to standby
  volunteers on their posts' shifts;
- organizers do all of that for every volunteer, and what the admin does: decide applications (one
  or many), record interviews, put volunteers in teams, roster (one volunteer, or the auto-roster)
  and take volunteers off shifts.

A record the user may not read is 404 (as the volunteer's pages answer for someone else's shift);
an action of a role the user lacks is 403 `permission_denied`; the services' refusals are
`{code, message}` with their status (`not_your_team` is 403, as on the lead's page). Lists are
paginated and filtered by django-filter (volunteers/filters.py), each in a fixed number of queries.
"""
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from wic.api_base import IsOrganizer, PATH_ID_REGEX, described_errors
from wic.errors import DomainError
from wic.roles import is_organizer
from wic.security import FailOpenThrottleMixin

from . import filters, selectors, services, shift_alerts
from .enums import AssignmentStatus, CheckVia, VolunteerStatus
from .models import (
    Assignment,
    ChangeRequest,
    Post,
    Programme,
    Shift,
    ShiftNotice,
    StandbyOffer,
    Team,
    TrainingModule,
    Volunteer,
    VolunteerLanguage,
)
from .permissions import lead_can_manage
from .roster import roster_auto
from .serializers import (
    VolunteerApplicationInputSerializer,
    VolunteerApplicationReceivedSerializer,
    ShiftAssignInputSerializer,
    ShiftAssignmentSerializer,
    TrainingAttendanceByCodeInputSerializer,
    TrainingAttendanceInputSerializer,
    TrainingAttendanceListInputSerializer,
    TrainingAttendanceListSerializer,
    TrainingAttendanceSerializer,
    VolunteerBulkDecisionInputSerializer,
    VolunteerBulkDecisionSerializer,
    ChangeRequestDecisionInputSerializer,
    ChangeRequestInputSerializer,
    ChangeRequestSerializer,
    VolunteerDecisionInputSerializer,
    VolunteerHoursSerializer,
    VolunteerInterviewInputSerializer,
    VolunteerInterviewSerializer,
    TrainingModuleSerializer,
    VolunteerPostSerializer,
    VolunteerProgrammeSerializer,
    RosterReportSerializer,
    ShiftScanInputSerializer,
    ShiftScanSerializer,
    ShiftNoticeSerializer,
    VolunteerShiftSerializer,
    StandbyOfferSerializer,
    StandbyOffersInputSerializer,
    StandbyOffersMadeSerializer,
    VolunteerTeamMemberInputSerializer,
    VolunteerTeamSerializer,
    VolunteerSerializer,
)


ID_REGEX = PATH_ID_REGEX


# -- who reads what ----------------------------------------------------------------------------------

def _fake(view) -> bool:
    """drf-spectacular builds the schema with a view that has no user."""
    return getattr(view, "swagger_fake_view", False)


def leads_a_team(user) -> bool:
    """The lead's pages are for anyone who leads a team (volunteers.views._lead_teams)."""
    return bool(getattr(user, "is_authenticated", False)) and Team.objects.filter(leader=user).exists()


class IsLeadOrOrganizer(permissions.BasePermission):
    """Organizers, and the leaders of a team (the lead's page answers 403 to anyone else)."""

    def has_permission(self, request, view):
        return is_organizer(request.user) or leads_a_team(request.user)


def _own_or_led(user, path: str = "") -> Q:
    """The user's own volunteer records, or those of the teams they lead (permissions.lead_can_manage)."""
    return Q(**{f"{path}user": user}) | Q(**{f"{path}team__leader": user})


def _programmes_of(user) -> Q:
    """Programmes the user volunteers in (any status) or leads a team of."""
    return Q(programme_id__in=Volunteer.objects.filter(user=user).values("programme_id")) | Q(
        programme_id__in=Team.objects.filter(leader=user).values("programme_id")
    )


def volunteers_for_api() -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.select_related("programme__edition", "team")
        .prefetch_related(Prefetch("languages", queryset=VolunteerLanguage.objects.order_by("language")), "interviews")
        .order_by("programme_id", "name", "id")
    )


def visible_volunteers(user, queryset=None) -> QuerySet[Volunteer]:
    queryset = volunteers_for_api() if queryset is None else queryset
    if is_organizer(user):
        return queryset
    return queryset.filter(_own_or_led(user))


def teams_for_api() -> QuerySet[Team]:
    return Team.objects.select_related("programme__edition", "leader").annotate(n_members=Count("members")).order_by("programme_id", "name_zh", "id")


def posts_for_api() -> QuerySet[Post]:
    return Post.objects.select_related("programme__edition").prefetch_related("required_modules").order_by("programme_id", "sort_order", "id")


def modules_for_api() -> QuerySet[TrainingModule]:
    return TrainingModule.objects.select_related("programme__edition").annotate(n_attended=Count("attendances")).order_by("programme_id", "sort_order", "id")


def shifts_for_api() -> QuerySet[Shift]:
    """Shifts with the live board's counts (volunteers.selectors.live_board), in one query."""
    return (
        Shift.objects.select_related("post__programme__edition")
        .annotate(
            n_assigned=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED), distinct=True),
            n_in=Count("assignments", filter=Q(assignments__checked_in_at__isnull=False), distinct=True),
            n_late=Count("assignments", filter=Q(assignments__arrival="late"), distinct=True),
            n_no_show=Count("assignments", filter=Q(assignments__status=AssignmentStatus.NO_SHOW), distinct=True),
            n_called=Count("standby_offers", distinct=True),
            n_taken=Count("standby_offers", filter=Q(standby_offers__status="accepted"), distinct=True),
        )
        .order_by("starts_at", "post_id", "id")
    )


def visible_shifts(user) -> QuerySet[Shift]:
    """Organizers: every shift. A lead: the shifts of the posts their teams serve and those their
    members hold. A volunteer: the shifts they hold (or missed)."""
    shifts = shifts_for_api()
    if is_organizer(user):
        return shifts
    held = Assignment.objects.filter(_own_or_led(user, "volunteer__")).exclude(status=AssignmentStatus.DROPPED).values("shift_id")
    served = Team.objects.filter(leader=user, post__isnull=False).values("post_id")
    return shifts.filter(Q(pk__in=held) | Q(post_id__in=served))


def assignments_for_api() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("volunteer", "shift__post__programme").order_by("shift__starts_at", "id")


def visible_assignments(user) -> QuerySet[Assignment]:
    assignments = assignments_for_api()
    return assignments if is_organizer(user) else assignments.filter(_own_or_led(user, "volunteer__"))


def offers_for_api() -> QuerySet[StandbyOffer]:
    return StandbyOffer.objects.select_related("volunteer", "shift__post").order_by("-created", "-id")


def visible_offers(user) -> QuerySet[StandbyOffer]:
    """Organizers: every offer. A volunteer: those made to them. A lead: those of their posts'
    shifts (the live board's "standby called") and those made to their members."""
    offers = offers_for_api()
    if is_organizer(user):
        return offers
    served = Team.objects.filter(leader=user, post__isnull=False).values("post_id")
    return offers.filter(_own_or_led(user, "volunteer__") | Q(shift__post_id__in=served))


def offer_shifts(user) -> QuerySet[Shift]:
    """The shifts a user may offer to standby volunteers: every one for organizers, those of the
    posts their teams serve for a lead."""
    if is_organizer(user):
        return Shift.objects.all()
    return Shift.objects.filter(post_id__in=Team.objects.filter(leader=user, post__isnull=False).values("post_id"))


def requests_for_api() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related("assignment__volunteer", "colleague").order_by("-created", "-id")


def visible_requests(user) -> QuerySet[ChangeRequest]:
    requests = requests_for_api()
    return requests if is_organizer(user) else requests.filter(_own_or_led(user, "assignment__volunteer__"))


# -- documented answers --------------------------------------------------------------------------------

_errors = described_errors


AUTH = _errors(e401="Not authenticated (`not_authenticated`)")
ORGANIZERS = _errors(e401="Not authenticated (`not_authenticated`)", e403="Organizers only (`permission_denied`)")
LEADS = _errors(e401="Not authenticated (`not_authenticated`)", e403="Team leads and organizers only (`permission_denied`); `not_your_team` for a volunteer of another team")
NOT_FOUND = _errors(e404="No such record, or not one the user may read (`not_found`)")
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The record's id")


# -- programmes ----------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Volunteer programmes", description="Every edition's programme, newest first. Filter by edition (year). Open to anyone."),
    retrieve=extend_schema(summary="One volunteer programme", parameters=[ID], responses={200: VolunteerProgrammeSerializer, **NOT_FOUND}),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VolunteerProgrammeSerializer
    filterset_class = filters.ProgrammeFilter
    queryset = Programme.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return Programme.objects.select_related("edition").order_by("-edition__year", "id")

    def get_permissions(self):
        return [IsOrganizer()] if self.action == "auto_roster" else [permissions.AllowAny()]

    @extend_schema(
        summary="Run the auto-roster (organizers)",
        description="Fills the programme's open shifts from its accepted, trained volunteers (volunteers.roster.roster_auto, as the admin's "
        "action does): training, languages, days available and no overlapping shift, never more than needed. Answers what was filled "
        "and, for each shift still not full, why.",
        parameters=[ID], request=None, responses={200: RosterReportSerializer, **ORGANIZERS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="auto-roster")
    def auto_roster(self, request, pk=None):
        programme = self.get_object()
        report = roster_auto(programme=programme, actor=request.user)
        body = {"programme": programme.pk, **{name: getattr(report, name) for name in RosterReportSerializer().fields if name != "programme"}}
        return Response(RosterReportSerializer(body).data)


# -- volunteers: applications, decisions, interviews ----------------------------------------------------

class ApplicationRateThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Anonymous applications per client address (the application page's public_write_limit);
    open when the cache cannot count (wic.security.FailOpenThrottleMixin)."""

    scope = "volunteer-application"
    rate = "30/hour"


APPLY_ERRORS = _errors(
    e400="Invalid input or refused by a rule: `applications_not_open`, `applications_closed`, `university_required`, `invalid` "
    "(a day outside the programme, an unknown post kind or language)",
    e409="`duplicate_application`: the email has applied to this programme already",
)
DECIDE_ERRORS = _errors(
    e400="`interviews_incomplete` (accepting needs every interview round)",
    e409="`invalid_transition` (e.g. a declined application), `has_shifts` (an accepted volunteer still holds shifts)",
)


@extend_schema_view(
    list=extend_schema(
        summary="Volunteers and applications",
        description="Organizers: every application. A team's lead: the volunteers of the teams they lead. Anyone else: their own "
        "applications. Filter by edition (year), programme, status, team.",
        responses={200: VolunteerSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One volunteer or application", parameters=[ID], responses={200: VolunteerSerializer, **AUTH, **NOT_FOUND}),
    create=extend_schema(
        summary="Apply to a volunteer programme",
        description="Open to anyone (throttled per address), as the application page: volunteers.services.application_submit. "
        "Signed in, the application is linked to the account.",
        request=VolunteerApplicationInputSerializer, responses={201: VolunteerApplicationReceivedSerializer, **APPLY_ERRORS}, auth=[],
    ),
)
class VolunteerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = VolunteerSerializer
    filterset_class = filters.VolunteerFilter
    queryset = Volunteer.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Volunteer.objects.none()
        return visible_volunteers(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        if self.action in ("decide", "interviews"):
            return [IsOrganizer()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        return [ApplicationRateThrottle()] if self.action == "create" else super().get_throttles()

    def get_serializer_class(self):
        return VolunteerApplicationInputSerializer if self.action == "create" else VolunteerSerializer

    def _item(self, volunteer, code=status.HTTP_200_OK):
        return Response(VolunteerSerializer(volunteers_for_api().get(pk=volunteer.pk), context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = VolunteerApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        programme, data, languages = serializer.service_arguments()
        volunteer = services.application_submit(
            programme=programme, data=data, languages=languages, user=request.user, language=getattr(request, "LANGUAGE_CODE", None) or get_language()
        )
        return Response(VolunteerApplicationReceivedSerializer(volunteer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decide an application (organizers)",
        description="accepted, standby (waiting list) or declined, as the admin's actions: volunteers.services.volunteer_decide (the "
        "volunteer is emailed once the decision commits).",
        parameters=[ID], request=VolunteerDecisionInputSerializer, responses={200: VolunteerSerializer, **DECIDE_ERRORS, **ORGANIZERS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        volunteer = self.get_object()
        serializer = VolunteerDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._item(services.volunteer_decide(volunteer=volunteer, status=serializer.validated_data["decision"], actor=request.user))

    @extend_schema(
        summary="Record an interview round (organizers)",
        description="Records (or corrects) a round's score, 0 to 100, and note, as the admin's interview rows: "
        "volunteers.services.interview_record. Answers the interview.",
        parameters=[ID], request=VolunteerInterviewInputSerializer,
        responses={
            200: VolunteerInterviewSerializer,
            **_errors(e400="`invalid_round`, `previous_round_missing`, `invalid_score`", e409="`already_decided`: the application is decided"),
            **ORGANIZERS, **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def interviews(self, request, pk=None):
        volunteer = self.get_object()
        serializer = VolunteerInterviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        interview = services.interview_record(volunteer=volunteer, round=data["round"], score=data["score"], note=data["note"], interviewer=request.user)
        return Response(VolunteerInterviewSerializer(interview).data)


@extend_schema_view(
    create=extend_schema(
        summary="Decide several applications (organizers)",
        description="The admin's bulk actions: each application is decided in its own transaction (volunteers.services.volunteers_decide); "
        "those refused stay as they were and are listed with the refusal's code.",
        request=VolunteerBulkDecisionInputSerializer, responses={200: VolunteerBulkDecisionSerializer, **ORGANIZERS},
    ),
)
class DecisionViewSet(viewsets.GenericViewSet):
    serializer_class = VolunteerBulkDecisionInputSerializer
    permission_classes = [IsOrganizer]
    queryset = Volunteer.objects.none()
    lookup_value_regex = ID_REGEX

    def create(self, request, *args, **kwargs):
        serializer = VolunteerBulkDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed, refused = services.volunteers_decide(volunteers=data["volunteers"], status=data["decision"], actor=request.user)
        fresh = volunteers_for_api().filter(pk__in=[v.pk for v in changed])
        body = {
            "changed": fresh,
            "refused": [{"volunteer": v.pk, "name": v.name, "code": error.code, "message": error.message} for v, error in refused],
        }
        return Response(VolunteerBulkDecisionSerializer(body, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Worked hours",
        description="Hours from check-in to check-out, shifts worked, late arrivals and no-shows per volunteer (the lead's hours CSV and "
        "the admin's export, volunteers.selectors.worked_hours). Organizers: every volunteer; a lead: their teams'; a volunteer: their own. "
        "Filter by edition (year), programme, team.",
        responses={200: VolunteerHoursSerializer(many=True), **AUTH},
    ),
)
class HoursViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = VolunteerHoursSerializer
    filterset_class = filters.HoursFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Volunteer.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Volunteer.objects.none()
        return visible_volunteers(self.request.user, Volunteer.objects.order_by("name", "id"))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values_list("pk", flat=True))
        rows = selectors.worked_hours(Volunteer.objects.filter(pk__in=list(page)))
        return self.get_paginated_response(VolunteerHoursSerializer(rows, many=True).data)


# -- teams, posts, training ------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Volunteer teams",
        description="Organizers: every team. A lead: the teams they lead. A volunteer: their team. Filter by edition (year), programme.",
        responses={200: VolunteerTeamSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One volunteer team", parameters=[ID], responses={200: VolunteerTeamSerializer, **AUTH, **NOT_FOUND}),
)
class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VolunteerTeamSerializer
    filterset_class = filters.TeamFilter
    queryset = Team.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Team.objects.none()
        teams = teams_for_api()
        user = self.request.user
        if is_organizer(user):
            return teams
        return teams.filter(Q(leader=user) | Q(pk__in=Volunteer.objects.filter(user=user, team__isnull=False).values("team_id")))

    def get_permissions(self):
        return [IsOrganizer()] if self.action == "members" else [permissions.IsAuthenticated()]

    @extend_schema(
        summary="Put a volunteer in the team (organizers)",
        description="volunteers.services.team_add_member: an accepted (or standby) volunteer of the team's programme, within the "
        "programme's largest team size. Answers the team.",
        parameters=[ID], request=VolunteerTeamMemberInputSerializer,
        responses={200: VolunteerTeamSerializer, **_errors(e400="`wrong_programme`, `not_accepted`", e409="`team_full`"), **ORGANIZERS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        team = self.get_object()
        serializer = VolunteerTeamMemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.team_add_member(team=team, volunteer=serializer.validated_data["volunteer"])
        return Response(VolunteerTeamSerializer(teams_for_api().get(pk=team.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Volunteer posts",
        description="Where volunteers serve, with the training each requires. Organizers: every post; anyone else: the posts of the "
        "programmes they volunteer in or lead a team of. Filter by edition (year), programme, kind.",
        responses={200: VolunteerPostSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One volunteer post", parameters=[ID], responses={200: VolunteerPostSerializer, **AUTH, **NOT_FOUND}),
)
class PostViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VolunteerPostSerializer
    filterset_class = filters.PostFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Post.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Post.objects.none()
        posts = posts_for_api()
        return posts if is_organizer(self.request.user) else posts.filter(_programmes_of(self.request.user))


ATTENDANCE_ACTIONS = ("attendance", "attendance_by_code", "attendance_list")


@extend_schema_view(
    list=extend_schema(
        summary="Training modules",
        description="Organizers: every module; anyone else: those of the programmes they volunteer in or lead a team of. Filter by "
        "edition (year), programme.",
        responses={200: TrainingModuleSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One training module", parameters=[ID], responses={200: TrainingModuleSerializer, **AUTH, **NOT_FOUND}),
)
class ModuleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingModuleSerializer
    filterset_class = filters.ModuleFilter
    queryset = TrainingModule.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return TrainingModule.objects.none()
        modules = modules_for_api()
        user = self.request.user
        if is_organizer(user):
            return modules
        if self.action in ATTENDANCE_ACTIONS:  # the lead's page: modules of the programmes of their teams
            return modules.filter(programme_id__in=Team.objects.filter(leader=user).values("programme_id"))
        return modules.filter(_programmes_of(user))

    def get_permissions(self):
        return [IsLeadOrOrganizer()] if self.action in ATTENDANCE_ACTIONS else [permissions.IsAuthenticated()]

    @extend_schema(
        summary="Record one volunteer's attendance (leads, organizers)",
        description="Present (or, with `present` false, not present) at the module: volunteers.services.attendance_record, as the admin's "
        "attendance rows. A lead records their own teams' volunteers only (`not_your_team`, 403).",
        parameters=[ID], request=TrainingAttendanceInputSerializer,
        responses={200: TrainingAttendanceSerializer, **_errors(e400="`wrong_programme`"), **LEADS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        module = self.get_object()
        serializer = TrainingAttendanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer, present = serializer.validated_data["volunteer"], serializer.validated_data["present"]
        if not lead_can_manage(request.user, volunteer):
            raise DomainError("not_your_team", _("%(name)s is not in a team you lead.") % {"name": volunteer.name}, status=403)
        changed = services.attendance_record(module=module, volunteer=volunteer, actor=request.user, present=present)
        return Response(TrainingAttendanceSerializer({"module": module.pk, "volunteer": volunteer.pk, "name": volunteer.name, "present": present, "changed": changed}).data)

    @extend_schema(
        summary="Record attendance by QR code (leads, organizers)",
        description="The lead scanned a volunteer's code at the module: present (volunteers.services.attendance_record_by_code, as the "
        "lead's page). Answers the volunteer marked present.",
        parameters=[ID], request=TrainingAttendanceByCodeInputSerializer,
        responses={200: TrainingAttendanceSerializer, **_errors(e400="`unknown_code` (no volunteer of the module's programme has it)"), **LEADS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="attendance-by-code")
    def attendance_by_code(self, request, pk=None):
        module = self.get_object()
        serializer = TrainingAttendanceByCodeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer = services.attendance_record_by_code(module=module, code=serializer.validated_data["code"], actor=request.user)
        return Response(TrainingAttendanceSerializer({"module": module.pk, "volunteer": volunteer.pk, "name": volunteer.name, "present": True, "changed": True}).data)

    @extend_schema(
        summary="Save an attendance list (leads, organizers)",
        description="Of the volunteers `shown`, those in `present` attended and the others did not (volunteers.services.attendance_set, "
        "as the lead's attendance list). A lead's list holds their teams' volunteers only: other ids are left out, as on the page.",
        parameters=[ID], request=TrainingAttendanceListInputSerializer,
        responses={200: TrainingAttendanceListSerializer, **_errors(e400="`wrong_programme`"), **LEADS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="attendance-list")
    def attendance_list(self, request, pk=None):
        module = self.get_object()
        serializer = TrainingAttendanceListInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        shown = Volunteer.objects.filter(pk__in=data["shown"])
        if not is_organizer(request.user):
            shown = shown.filter(team__leader=request.user)
        added, removed = services.attendance_set(module=module, volunteers=list(shown), present_ids=set(data["present"]), actor=request.user)
        return Response(TrainingAttendanceListSerializer({"module": module.pk, "added": added, "removed": removed}).data)


# -- shifts and assignments ------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Shifts",
        description="With the live board's counts. Organizers: every shift. A lead: the shifts of the posts their teams serve and those "
        "their members hold. A volunteer: the shifts they hold. Filter by edition (year), programme, day (Beijing), post, team (the "
        "post it serves).",
        responses={200: VolunteerShiftSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One shift", parameters=[ID], responses={200: VolunteerShiftSerializer, **AUTH, **NOT_FOUND}),
)
class ShiftViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VolunteerShiftSerializer
    filterset_class = filters.ShiftFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Shift.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Shift.objects.none()
        return visible_shifts(self.request.user)


ROSTER_ERRORS = _errors(
    e400="A roster rule: `training_incomplete` (naming the modules), `language_required`, `not_accepted`, `wrong_programme`",
    e409="`shift_full`, `shift_overlap` (naming the other shift), `already_assigned`",
)
CHECK_ERRORS = {
    "in": _errors(e400="`checkin_not_open`, `checkin_closed` (naming the time)", e409="`already_checked_in`, `marked_no_show`, `not_assigned`"),
    "out": _errors(e400="`checkout_closed`", e409="`not_checked_in`, `already_checked_out`"),
}


@extend_schema_view(
    list=extend_schema(
        summary="Shift assignments",
        description="Organizers: every assignment. A lead: their teams' volunteers'. A volunteer: their own. Filter by edition (year), "
        "day (Beijing), shift, post, team, volunteer, status.",
        responses={200: ShiftAssignmentSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One shift assignment", parameters=[ID], responses={200: ShiftAssignmentSerializer, **AUTH, **NOT_FOUND}),
    create=extend_schema(
        summary="Roster a volunteer on a shift (organizers)",
        description="volunteers.services.shift_assign, as the shift's admin page: every roster rule (training, languages, overlaps, places).",
        request=ShiftAssignInputSerializer, responses={201: ShiftAssignmentSerializer, **ROSTER_ERRORS, **ORGANIZERS},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ShiftAssignmentSerializer
    filterset_class = filters.AssignmentFilter
    queryset = Assignment.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return Assignment.objects.none()
        return visible_assignments(self.request.user)

    def get_permissions(self):
        if self.action in ("create", "drop"):
            return [IsOrganizer()]
        return [permissions.IsAuthenticated()]

    def get_serializer_class(self):
        return ShiftAssignInputSerializer if self.action == "create" else ShiftAssignmentSerializer

    @staticmethod
    def _item(assignment, code=status.HTTP_200_OK):
        return Response(ShiftAssignmentSerializer(assignments_for_api().get(pk=assignment.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = ShiftAssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._item(services.shift_assign(shift=data["shift"], volunteer=data["volunteer"], actor=request.user), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take a volunteer off a shift (organizers)",
        description="volunteers.services.assignment_drop, as the admin's action: the place opens again.",
        parameters=[ID], request=None, responses={200: ShiftAssignmentSerializer, **_errors(e409="`not_assigned`, `already_checked_in`"), **ORGANIZERS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        return self._item(services.assignment_drop(assignment=self.get_object(), actor=request.user))

    def _via(self, assignment) -> str:
        """The volunteer's own phone, else their lead (or an organizer) checking them on their behalf."""
        return CheckVia.SELF if assignment.volunteer.user_id == self.request.user.pk else CheckVia.LEAD_PICK

    @extend_schema(
        summary="Check in on a shift",
        description="The volunteer on their own shift (volunteers.services.assignment_check_in, as the one-tap button of their page), or "
        "their lead or an organizer on their behalf, within the programme's check-in window. Records the arrival (early, on time, late).",
        parameters=[ID], request=None, responses={200: ShiftAssignmentSerializer, **CHECK_ERRORS["in"], **AUTH, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        assignment = self.get_object()
        return self._item(services.assignment_check_in(assignment=assignment, actor=request.user, via=self._via(assignment)))

    @extend_schema(
        summary="Check out of a shift",
        description="The volunteer (volunteers.services.assignment_check_out), or their lead or an organizer on their behalf, until the "
        "programme's check-out window closes. Records the departure.",
        parameters=[ID], request=None, responses={200: ShiftAssignmentSerializer, **CHECK_ERRORS["out"], **AUTH, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        assignment = self.get_object()
        return self._item(services.assignment_check_out(assignment=assignment, actor=request.user, via=self._via(assignment)))


@extend_schema_view(
    create=extend_schema(
        summary="Scan a volunteer's QR code (leads, organizers)",
        description="As the lead's page: volunteers.services.lead_scan checks the volunteer out of the shift they are on, else in on the "
        "shift starting now. `action` says which.",
        request=ShiftScanInputSerializer,
        responses={
            200: ShiftScanSerializer,
            **_errors(
                e400="`unknown_code`, `no_shift_now`; the check-in's and check-out's: `checkin_closed`, `checkout_closed`",
                e409="`already_checked_in`, `marked_no_show`, `not_assigned`",
            ),
            **LEADS,
        },
    ),
)
class ScanViewSet(viewsets.GenericViewSet):
    serializer_class = ShiftScanInputSerializer
    permission_classes = [IsLeadOrOrganizer]
    queryset = Assignment.objects.none()
    lookup_value_regex = ID_REGEX

    def create(self, request, *args, **kwargs):
        serializer = ShiftScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        via = CheckVia.LEAD_PICK if data["via"] == "pick" else CheckVia.LEAD_SCAN
        done, assignment = services.lead_scan(lead=request.user, code=data["code"], via=via)
        return Response(ShiftScanSerializer({"action": done, "assignment": assignments_for_api().get(pk=assignment.pk)}).data)


# -- standby offers and swap/drop requests -----------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Standby offers",
        description="Organizers: every offer. A volunteer: the offers made to them. A lead: those of their posts' shifts and those made to "
        "their members. Filter by edition (year), shift, status.",
        responses={200: StandbyOfferSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One standby offer", parameters=[ID], responses={200: StandbyOfferSerializer, **AUTH, **NOT_FOUND}),
    create=extend_schema(
        summary="Offer a shift's free places to standby volunteers (leads, organizers)",
        description="volunteers.services.standby_offers_create, as after a no-show: each place is offered by email to the programme's "
        "`standby_offers_per_place` standby volunteers who speak the shift's languages, have the post's training and are free, fewest "
        "hours first. A lead offers places on their posts' shifts. Answers 201 with the offers made, 200 when nobody could be asked.",
        request=StandbyOffersInputSerializer, responses={200: StandbyOffersMadeSerializer, 201: StandbyOffersMadeSerializer, **LEADS},
    ),
)
class StandbyOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = StandbyOfferSerializer
    filterset_class = filters.OfferFilter
    queryset = StandbyOffer.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return StandbyOffer.objects.none()
        return visible_offers(self.request.user)

    def get_permissions(self):
        return [IsLeadOrOrganizer()] if self.action == "create" else [permissions.IsAuthenticated()]

    def get_serializer_class(self):
        return StandbyOffersInputSerializer if self.action == "create" else StandbyOfferSerializer

    def create(self, request, *args, **kwargs):
        serializer = StandbyOffersInputSerializer(data=request.data, shifts=offer_shifts(request.user))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():  # the service records the emails in its caller's transaction; the shift's lock keeps two calls apart
            shift = Shift.objects.select_for_update(of=("self",)).select_related("post__programme").get(pk=data["shift"].pk)
            offers = services.standby_offers_create(shift=shift, places=data["places"])
        fresh = offers_for_api().filter(pk__in=[o.pk for o in offers])
        body = StandbyOffersMadeSerializer({"offers": fresh}).data
        return Response(body, status=status.HTTP_201_CREATED if offers else status.HTTP_200_OK)

    @extend_schema(
        summary="Take the offered place",
        description="The volunteer the offer was made to (volunteers.services.standby_offer_accept, as the offer's page): the first to "
        "accept takes the place. Answers the new assignment.",
        parameters=[ID], request=None,
        responses={
            200: ShiftAssignmentSerializer,
            **_errors(
                e400="`offer_expired` (the shift is over); a roster rule (`training_incomplete`, `language_required`...)",
                e403="`not_your_offer`: the offer was made to someone else",
                e409="`place_taken` (another standby volunteer was first), `offer_closed`, `shift_overlap`",
            ),
            **AUTH, **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        offer = self.get_object()
        if offer.volunteer.user_id != request.user.pk:
            raise DomainError("not_your_offer", _("This offer was made to %(name)s.") % {"name": offer.volunteer.name}, status=403)
        assignment = services.standby_offer_accept(offer=offer)
        return Response(ShiftAssignmentSerializer(assignments_for_api().get(pk=assignment.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Swap and drop requests",
        description="Organizers: every request. A lead: their teams' volunteers'. A volunteer: their own. Filter by edition (year), "
        "status, kind, team.",
        responses={200: ChangeRequestSerializer(many=True), **AUTH},
    ),
    retrieve=extend_schema(summary="One swap or drop request", parameters=[ID], responses={200: ChangeRequestSerializer, **AUTH, **NOT_FOUND}),
    create=extend_schema(
        summary="Ask to drop a shift, or swap it with a teammate",
        description="The volunteer, for one of their own assignments (volunteers.services.change_request_create, as their page): before "
        "the programme's cut-off; a swap names an accepted volunteer of their team (`colleague`). The team's lead decides.",
        request=ChangeRequestInputSerializer,
        responses={
            201: ChangeRequestSerializer,
            **_errors(e400="`swap_cutoff_passed` (naming it), `invalid_colleague`; `does_not_exist` for an assignment not yours", e409="`request_pending`, `not_assigned`"),
            **AUTH,
        },
    ),
)
class ChangeRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ChangeRequestSerializer
    filterset_class = filters.ChangeRequestFilter
    queryset = ChangeRequest.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return ChangeRequest.objects.none()
        if self.action == "decide":  # as the lead's page: any request, and the service says `not_your_team`
            return requests_for_api()
        return visible_requests(self.request.user)

    def get_permissions(self):
        return [IsLeadOrOrganizer()] if self.action == "decide" else [permissions.IsAuthenticated()]

    def get_serializer_class(self):
        return ChangeRequestInputSerializer if self.action == "create" else ChangeRequestSerializer

    def _item(self, change, code=status.HTTP_200_OK):
        return Response(ChangeRequestSerializer(requests_for_api().get(pk=change.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        own = Assignment.objects.filter(volunteer__user=request.user).select_related("volunteer")
        serializer = ChangeRequestInputSerializer(data=request.data, assignments=own)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = data["assignment"]
        volunteer = assignment.volunteer
        colleague = None
        if data["colleague"] is not None:
            # The page offers the volunteer's accepted teammates only.
            teammates = Volunteer.objects.filter(team_id=volunteer.team_id, status=VolunteerStatus.ACCEPTED).exclude(pk=volunteer.pk) if volunteer.team_id else Volunteer.objects.none()
            colleague = teammates.filter(pk=data["colleague"]).first()
            if colleague is None:
                message = _("Choose an accepted volunteer of your team.")
                raise ValidationError({"colleague": [ErrorDetail(message, code="invalid_choice")]})
        change = services.change_request_create(assignment=assignment, kind=data["kind"], colleague=colleague, reason=data["reason"], actor=request.user)
        return self._item(change, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or reject a request (leads, organizers)",
        description="volunteers.services.change_request_decide, as the lead's page: the lead of the volunteer's team, or an organizer. "
        "Approving a drop frees the place; approving a swap gives the shift to the colleague, who must pass every roster rule (the "
        "rule's code otherwise, and nothing changes).",
        parameters=[ID], request=ChangeRequestDecisionInputSerializer,
        responses={
            200: ChangeRequestSerializer,
            **_errors(e400="A roster rule of the colleague (`training_incomplete`, `language_required`...)", e409="`already_decided`, `shift_started`, `not_assigned`, `shift_full`, `shift_overlap`"),
            **LEADS, **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        change = self.get_object()
        serializer = ChangeRequestDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._item(services.change_request_decide(request=change, approve=serializer.validated_data["approve"], actor=request.user))


# -- notices of changed shifts ------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="My notices of changed shifts",
        description="The notices of the user's own volunteer records, newest first (volunteers.shift_alerts), each with its text in the "
        "request's language. Filter `unread`.",
        responses={200: ShiftNoticeSerializer(many=True), **AUTH},
    ),
)
class ShiftNoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ShiftNoticeSerializer
    filterset_class = filters.NoticeFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = ShiftNotice.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if _fake(self) or not self.request.user.is_authenticated:
            return ShiftNotice.objects.none()
        return ShiftNotice.objects.filter(volunteer__user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Dismiss a notice",
        description="volunteers.shift_alerts.shift_notice_dismiss, as the volunteer's page: marked read; again changes nothing.",
        parameters=[ID], request=None, responses={200: ShiftNoticeSerializer, **AUTH, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        if not shift_alerts.shift_notice_dismiss(user=request.user, notice_id=int(pk)):
            raise DomainError("not_found", _("You have no such notice."), status=404)
        return Response(ShiftNoticeSerializer(ShiftNotice.objects.get(pk=pk)).data)


# (prefix, viewset, basename) for wic/urls.py's router.
ROUTES = [
    ("volunteer-programmes", ProgrammeViewSet, "volunteer-programme"),
    ("volunteers", VolunteerViewSet, "volunteer"),
    ("volunteer-decisions", DecisionViewSet, "volunteer-decision"),
    ("volunteer-hours", HoursViewSet, "volunteer-hours"),
    ("volunteer-teams", TeamViewSet, "volunteer-team"),
    ("volunteer-posts", PostViewSet, "volunteer-post"),
    ("training-modules", ModuleViewSet, "training-module"),
    ("shifts", ShiftViewSet, "shift"),
    ("shift-assignments", AssignmentViewSet, "shift-assignment"),
    ("shift-scans", ScanViewSet, "shift-scan"),
    ("standby-offers", StandbyOfferViewSet, "standby-offer"),
    ("change-requests", ChangeRequestViewSet, "change-request"),
    ("shift-notices", ShiftNoticeViewSet, "shift-notice"),
]
