"""Serializers of the volunteers API (volunteers/api.py): they check the shape of the input (types,
lengths, ids below 10**18, dates within wic.inputs.YEARS) and show the programme's records; every
rule is volunteers.services' (or roster.py's). Times are Beijing time, ISO 8601 with the offset
(+08:00)."""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wic.inputs import ID_DIGITS, BoundedDateField, ascii_int
from wic.roles import is_organizer

from . import services
from .enums import ChangeKind, Language, LanguageLevel, PostKind, VolunteerStatus
from .models import (
    Assignment,
    ChangeRequest,
    Interview,
    Post,
    Programme,
    Shift,
    ShiftNotice,
    StandbyOffer,
    Team,
    TrainingModule,
    Volunteer,
)
from .shift_alerts import change_text

MAX_ID = 10**ID_DIGITS - 1  # every id below fits a bigint (SQLite's too)
MAX_BULK = 500  # applications decided in one call, or volunteers on one attendance list
_datetime = serializers.DateTimeField()


def _when(value):
    return _datetime.to_representation(value) if value is not None else None


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that is a whole number below 10**18 before the database is asked (a larger
    one is `does_not_exist`, never an overflow)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if ascii_int(data if isinstance(data, int) else data.strip()) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


def _id_list(help_text, **options):
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_BULK, help_text=help_text, **options)


# -- programmes ------------------------------------------------------------------------------------

class VolunteerProgrammeSerializer(serializers.ModelSerializer):
    """An edition's volunteer programme: its dates, the days one may offer, the rules' settings."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    days = serializers.SerializerMethodField(help_text=_("The days a volunteer may offer (set-up days included); empty when the edition's dates are not known."))
    applications_open = serializers.SerializerMethodField(help_text=_("Whether applications are taken now (as the application page says)."))

    class Meta:
        model = Programme
        fields = [
            "id", "edition", "name_zh", "name_en", "nickname_zh", "nickname_en", "target_headcount", "standby_size",
            "applications_open_at", "applications_close_at", "applications_open", "days", "interview_rounds", "team_size_min", "team_size_max",
            "swap_cutoff_hours", "checkin_opens_minutes", "checkin_closes_minutes", "on_time_margin_minutes", "checkout_closes_minutes",
            "no_show_after_minutes", "standby_offers_per_place", "reported_applicants", "reported_accepted", "reported_standby",
            "reported_universities", "send_off_on", "source",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DateField()))
    def get_days(self, programme):
        return [day.isoformat() for day in services.programme_days(programme)]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_applications_open(self, programme):
        now = timezone.now()
        if programme.applications_open_at is not None and now < programme.applications_open_at:
            return False
        if programme.applications_close_at is not None and now >= programme.applications_close_at:
            return False
        return not programme.edition.has_ended(timezone.localdate(now))


class RosterUnfilledSerializer(serializers.Serializer):
    shift = serializers.IntegerField(source="shift_id", help_text=_("The shift's id."))
    label = serializers.CharField(source="shift", help_text=_("Post and time, Beijing time."))
    needed = serializers.IntegerField()
    filled = serializers.IntegerField()
    missing = serializers.IntegerField()
    reason = serializers.CharField(help_text=_("`no_trained_volunteer`, `no_language_speaker`, `nobody_available_that_day` or `everyone_busy`."))
    eligible = serializers.IntegerField(help_text=_("Volunteers passing training, languages and day (before overlaps)."))
    message = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_message(self, unfilled):
        return unfilled.message()


class RosterReportSerializer(serializers.Serializer):
    """What the auto-roster did (volunteers.roster.RosterReport)."""

    programme = serializers.IntegerField()
    shifts = serializers.IntegerField()
    places = serializers.IntegerField(help_text=_("Places in all the programme's shifts."))
    open_before = serializers.IntegerField()
    assigned = serializers.IntegerField(help_text=_("Assignments made by this run."))
    open_after = serializers.IntegerField()
    fill_rate = serializers.FloatField(help_text=_("Share of all places filled after the run (0 to 1)."))
    volunteers = serializers.IntegerField(help_text=_("Accepted volunteers considered."))
    seconds = serializers.FloatField()
    unfilled = RosterUnfilledSerializer(many=True, help_text=_("The shifts still not full, and why."))


# -- volunteers (applications) ------------------------------------------------------------------------

class VolunteerLanguageSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=_("A language code: en, fr, de, es, pt, ru, ar, ja, ko, it, th, vi."))
    level = serializers.CharField(help_text=_("basic, working, fluent or native."))


class VolunteerInterviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interview
        fields = ["id", "volunteer", "round", "score", "note", "interviewer", "created"]
        read_only_fields = fields


class VolunteerSerializer(serializers.ModelSerializer):
    """An application and the volunteer it becomes, as its readers see it: organizers, the lead of
    the volunteer's team, the volunteer."""

    edition = serializers.IntegerField(source="programme.edition.year", read_only=True)
    team_name_zh = serializers.SerializerMethodField()
    available_days = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("ISO dates; empty means every day."))
    preferred_post_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = VolunteerLanguageSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("applied, accepted, standby, declined or withdrawn."))
    code = serializers.CharField(read_only=True, help_text=_("The QR code a lead scans."))
    interviews = serializers.SerializerMethodField(help_text=_("Interview rounds (organizers only; empty for anyone else)."))
    feed_url = serializers.SerializerMethodField(help_text=_("The volunteer's own calendar feed (for the volunteer only; null for anyone else)."))

    class Meta:
        model = Volunteer
        fields = [
            "id", "programme", "edition", "name", "university", "is_local", "student_number", "phone", "email", "available_days",
            "preferred_post_kinds", "motivation", "languages", "status", "team", "team_name_zh", "code", "language", "decided_at", "created",
            "interviews", "feed_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_team_name_zh(self, volunteer):
        return volunteer.team.name_zh if volunteer.team_id else None

    @extend_schema_field(VolunteerInterviewSerializer(many=True))
    def get_interviews(self, volunteer):
        request = self.context.get("request")
        if request is None or not is_organizer(request.user):
            return []
        return VolunteerInterviewSerializer(volunteer.interviews.all(), many=True).data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_feed_url(self, volunteer):
        request = self.context.get("request")
        if request is None or volunteer.user_id is None or volunteer.user_id != getattr(request.user, "pk", None):
            return None
        return request.build_absolute_uri(f"/volunteer/feed/{volunteer.feed_token}.ics")


class VolunteerApplicationInputSerializer(serializers.Serializer):
    """An application to a programme (what the application page asks)."""

    programme = IdField(queryset=Programme.objects.select_related("edition"), help_text=_("The programme (id) applied to."))
    name = serializers.CharField(max_length=120)
    university = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    is_local = serializers.BooleanField(required=False, default=False, help_text=_("Applying as a local volunteer (not from a university)."))
    student_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40)
    email = serializers.EmailField(max_length=254)
    available_days = serializers.ListField(
        child=BoundedDateField(), required=False, default=list, max_length=60, help_text=_("Days of the programme (its `days`); none means every day.")
    )
    preferred_post_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=PostKind.choices), required=False, default=list, max_length=len(PostKind.choices)
    )
    motivation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    languages = serializers.DictField(
        child=serializers.ChoiceField(choices=LanguageLevel.choices), required=False, default=dict,
        help_text=_("Foreign languages spoken and the level of each, e.g. {\"en\": \"fluent\"}."),
    )

    def validate_languages(self, value):
        if len(value) > len(Language.choices):
            raise serializers.ValidationError(_("At most %(count)s languages.") % {"count": len(Language.choices)}, code="max_length")
        return value

    def service_arguments(self) -> tuple:
        data = dict(self.validated_data)
        programme, languages = data.pop("programme"), data.pop("languages")
        return programme, data, languages


class VolunteerApplicationReceivedSerializer(serializers.ModelSerializer):
    """The application just made (status `applied`)."""

    edition = serializers.IntegerField(source="programme.edition.year", read_only=True)

    class Meta:
        model = Volunteer
        fields = ["id", "programme", "edition", "name", "email", "created"]
        read_only_fields = fields


DECISION_CHOICES = [(s.value, s.label) for s in (VolunteerStatus.ACCEPTED, VolunteerStatus.STANDBY, VolunteerStatus.DECLINED)]


class VolunteerDecisionInputSerializer(serializers.Serializer):
    """accept (accepted), waitlist (standby) or reject (declined), as the admin's actions offer."""

    decision = serializers.ChoiceField(choices=DECISION_CHOICES, help_text=_("accepted, standby or declined."))


class VolunteerBulkDecisionInputSerializer(VolunteerDecisionInputSerializer):
    volunteers = _id_list(_("The applications (volunteer ids) to decide, each on its own."), allow_empty=False)

    def validate_volunteers(self, ids):
        ids = list(dict.fromkeys(ids))
        found = {v.pk: v for v in Volunteer.objects.filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(_("No such volunteers: %(ids)s.") % {"ids": ", ".join(missing[:20])}, code="does_not_exist")
        return [found[pk] for pk in sorted(found)]


class VolunteerRefusedSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField(help_text=_("The refusal's code: `invalid_transition`, `interviews_incomplete`, `has_shifts`."))
    message = serializers.CharField()


class VolunteerBulkDecisionSerializer(serializers.Serializer):
    changed = VolunteerSerializer(many=True, help_text=_("The applications decided."))
    refused = VolunteerRefusedSerializer(many=True, help_text=_("Those left as they were, with why."))


class VolunteerInterviewInputSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=100, help_text=_("1 to the programme's interview rounds."))
    score = serializers.IntegerField(min_value=-1000, max_value=1000, help_text=_("0 to 100 (others: `invalid_score`)."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VolunteerHoursSerializer(serializers.Serializer):
    """Worked hours of a volunteer, from check-in to check-out (volunteers.selectors.worked_hours)."""

    id = serializers.IntegerField(source="volunteer.pk")
    name = serializers.CharField(source="volunteer.name")
    university = serializers.CharField(source="volunteer.university")
    is_local = serializers.BooleanField(source="volunteer.is_local")
    student_number = serializers.CharField(source="volunteer.student_number")
    email = serializers.CharField(source="volunteer.email")
    team = serializers.IntegerField(source="volunteer.team_id", allow_null=True)
    hours = serializers.FloatField()
    shifts_worked = serializers.IntegerField()
    late = serializers.IntegerField(help_text=_("Late arrivals."))
    no_shows = serializers.IntegerField()


# -- teams, posts, training ---------------------------------------------------------------------------

class VolunteerTeamSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="programme.edition.year", read_only=True)
    leader_name = serializers.SerializerMethodField()
    size = serializers.IntegerField(source="n_members", read_only=True, help_text=_("Members now."))

    class Meta:
        model = Team
        fields = ["id", "programme", "edition", "name_zh", "name_en", "post", "leader", "leader_name", "leader_phone", "size"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_leader_name(self, team):
        if team.leader_id is None:
            return None
        return team.leader.get_full_name() or team.leader.get_username()


class VolunteerTeamMemberInputSerializer(serializers.Serializer):
    volunteer = IdField(queryset=Volunteer.objects.all(), help_text=_("An accepted (or standby) volunteer of the team's programme."))


class VolunteerPostSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="programme.edition.year", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("hall_service, guest_liaison, registration_desk, media_centre, transport, expo_guide, information or other."))
    language = serializers.CharField(read_only=True, help_text=_("The language served (a code), or empty."))
    required_modules = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("Training modules a volunteer must have attended."))

    class Meta:
        model = Post
        fields = ["id", "programme", "edition", "kind", "name_zh", "name_en", "hall", "language", "place_zh", "place_en", "required_modules", "sort_order"]
        read_only_fields = fields


class TrainingModuleSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="programme.edition.year", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("general, professional or drill."))
    attended = serializers.IntegerField(source="n_attended", read_only=True, help_text=_("Volunteers who attended."))

    class Meta:
        model = TrainingModule
        fields = ["id", "programme", "edition", "kind", "name_zh", "name_en", "starts_at", "place_zh", "place_en", "sort_order", "attended"]
        read_only_fields = fields


class TrainingAttendanceInputSerializer(serializers.Serializer):
    volunteer = IdField(queryset=Volunteer.objects.all())
    present = serializers.BooleanField(required=False, default=True, help_text=_("false: not present (the record is removed)."))


class TrainingAttendanceSerializer(serializers.Serializer):
    module = serializers.IntegerField()
    volunteer = serializers.IntegerField()
    name = serializers.CharField()
    present = serializers.BooleanField()
    changed = serializers.BooleanField(help_text=_("Whether this changed anything."))


class TrainingAttendanceByCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text=_("The volunteer's QR code."))


class TrainingAttendanceListInputSerializer(serializers.Serializer):
    shown = _id_list(_("The volunteers on the list (ids)."))
    present = _id_list(_("Of those, the ones who attended; the others did not."), required=False, default=list)


class TrainingAttendanceListSerializer(serializers.Serializer):
    module = serializers.IntegerField()
    added = serializers.IntegerField()
    removed = serializers.IntegerField()


# -- shifts and assignments ---------------------------------------------------------------------------

class VolunteerShiftSerializer(serializers.ModelSerializer):
    """A shift, with the live board's counts (volunteers.selectors.live_board)."""

    programme = serializers.IntegerField(source="post.programme_id", read_only=True)
    edition = serializers.IntegerField(source="post.programme.edition.year", read_only=True)
    post_name_zh = serializers.CharField(source="post.name_zh", read_only=True)
    post_name_en = serializers.CharField(source="post.name_en", read_only=True)
    required_languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    assigned = serializers.IntegerField(source="n_assigned", read_only=True)
    checked_in = serializers.IntegerField(source="n_in", read_only=True)
    late = serializers.IntegerField(source="n_late", read_only=True)
    no_show = serializers.IntegerField(source="n_no_show", read_only=True)
    standby_called = serializers.IntegerField(source="n_called", read_only=True)
    standby_accepted = serializers.IntegerField(source="n_taken", read_only=True)

    class Meta:
        model = Shift
        fields = [
            "id", "programme", "edition", "post", "post_name_zh", "post_name_en", "starts_at", "ends_at", "needed", "filled", "required_languages",
            "note", "assigned", "checked_in", "late", "no_show", "standby_called", "standby_accepted",
        ]
        read_only_fields = fields


class ShiftAssignmentSerializer(serializers.ModelSerializer):
    """A volunteer on a shift, with the windows the rules use (check-in, swap/drop cut-off)."""

    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    post = serializers.IntegerField(source="shift.post_id", read_only=True)
    post_name_zh = serializers.CharField(source="shift.post.name_zh", read_only=True)
    post_name_en = serializers.CharField(source="shift.post.name_en", read_only=True)
    starts_at = serializers.DateTimeField(source="shift.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="shift.ends_at", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("assigned, no_show or dropped."))
    source = serializers.CharField(read_only=True, help_text=_("manual, auto, standby or swap."))
    arrival = serializers.CharField(read_only=True, help_text=_("early, on_time, late; empty before check-in."))
    departure = serializers.CharField(read_only=True, help_text=_("early, on_time, late; empty before check-out."))
    check_in_opens = serializers.SerializerMethodField()
    check_in_closes = serializers.SerializerMethodField()
    request_cutoff = serializers.SerializerMethodField(help_text=_("Swaps and drops are asked for until then."))

    class Meta:
        model = Assignment
        fields = [
            "id", "shift", "volunteer", "volunteer_name", "post", "post_name_zh", "post_name_en", "starts_at", "ends_at", "status", "source",
            "checked_in_at", "arrival", "checked_out_at", "departure", "check_in_opens", "check_in_closes", "request_cutoff", "created",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_check_in_opens(self, assignment):
        return _when(services.checkin_window(assignment.shift, assignment.shift.post.programme)[0])

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_check_in_closes(self, assignment):
        return _when(services.checkin_window(assignment.shift, assignment.shift.post.programme)[1])

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_request_cutoff(self, assignment):
        return _when(assignment.shift.starts_at - timedelta(hours=assignment.shift.post.programme.swap_cutoff_hours))


class ShiftAssignInputSerializer(serializers.Serializer):
    shift = IdField(queryset=Shift.objects.all())
    volunteer = IdField(queryset=Volunteer.objects.all())


class ShiftScanInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text=_("The volunteer's QR code."))
    via = serializers.ChoiceField(
        choices=[("scan", _("Scanned the QR code")), ("pick", _("Picked from the list"))], required=False, default="scan",
        help_text=_("How the lead found the volunteer (recorded with the check)."),
    )


class ShiftScanSerializer(serializers.Serializer):
    action = serializers.CharField(help_text=_("`in` (checked in) or `out` (checked out)."))
    assignment = ShiftAssignmentSerializer()


# -- swap/drop requests and standby offers --------------------------------------------------------------

class ChangeRequestSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="assignment.shift_id", read_only=True)
    volunteer = serializers.IntegerField(source="assignment.volunteer_id", read_only=True)
    volunteer_name = serializers.CharField(source="assignment.volunteer.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("drop or swap."))
    colleague_name = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=_("pending, approved, rejected or cancelled."))

    class Meta:
        model = ChangeRequest
        fields = [
            "id", "assignment", "shift", "volunteer", "volunteer_name", "kind", "colleague", "colleague_name", "reason", "status", "created",
            "decided_at", "decided_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_colleague_name(self, request):
        return request.colleague.name if request.colleague_id else None


class ChangeRequestInputSerializer(serializers.Serializer):
    """A volunteer asks to drop one of their shifts, or to hand it to a teammate (swap)."""

    assignment = IdField(queryset=Assignment.objects.none(), help_text=_("One of your own assignments."))
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    colleague = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text=_("For a swap: an accepted volunteer of your team (id)."),
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def __init__(self, *args, assignments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignments is not None:
            self.fields["assignment"].queryset = assignments


class ChangeRequestDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true: approve; false: reject."))


class StandbyOfferSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    post = serializers.IntegerField(source="shift.post_id", read_only=True)
    post_name_zh = serializers.CharField(source="shift.post.name_zh", read_only=True)
    post_name_en = serializers.CharField(source="shift.post.name_en", read_only=True)
    starts_at = serializers.DateTimeField(source="shift.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="shift.ends_at", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("offered, accepted, taken (by someone else first) or expired."))

    class Meta:
        model = StandbyOffer
        fields = ["id", "shift", "volunteer", "volunteer_name", "post", "post_name_zh", "post_name_en", "starts_at", "ends_at", "status", "created", "responded_at", "emailed"]
        read_only_fields = fields


class StandbyOffersInputSerializer(serializers.Serializer):
    shift = IdField(queryset=Shift.objects.none(), help_text=_("The shift with free places."))
    places = serializers.IntegerField(min_value=1, max_value=100, help_text=_("Places to fill; each is offered to the programme's `standby_offers_per_place` standby volunteers."))

    def __init__(self, *args, shifts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shifts is not None:
            self.fields["shift"].queryset = shifts


class StandbyOffersMadeSerializer(serializers.Serializer):
    offers = StandbyOfferSerializer(many=True, help_text=_("The offers made now (emailed to each volunteer)."))


# -- notices of changed shifts --------------------------------------------------------------------------

class ShiftNoticeSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text=_("What changed, in the request's language."))

    class Meta:
        model = ShiftNotice
        fields = ["id", "shift", "volunteer", "text", "created_at", "read_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, notice):
        return change_text(notice.before, notice.after)
