"""Sub-forum applications in the API. The serializers check the shape of the input (types,
choices, ids that exist); every rule lives in forums.services."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Board
from agenda.serializers import AsciiIdInteger, ids_of
from wic.enums import OrganizationRole
from wic.inputs import BoundedDateField, ascii_int
from wic.models import Organization

from .enums import ApplicationState, ForumFormat, HalfDay
from .models import ApplicationOrganization, ApplicationTransition, ForumApplication, ForumCall

ORGANIZATION_ROLES = [(OrganizationRole.HOST.value, OrganizationRole.HOST.label), (OrganizationRole.CO_HOST.value, OrganizationRole.CO_HOST.label)]


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum component, so that a choice set used under
    several field names (state, from_state, to_state) or a field name used with several choice
    sets (role) keeps one stable name in the schema."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = [(value, label) for value, label in self.target.choices.items() if value != ""]
        return {
            "type": "string",
            "enum": [value for value, _label in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
        }


def state_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=ApplicationState.choices, enum_name="ApplicationStateEnum", read_only=True, **kwargs)


def role_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(choices=ORGANIZATION_ROLES, enum_name="ApplicationOrganizationRoleEnum", **kwargs)


# Reading


class ApplicationOrganizationSerializer(serializers.ModelSerializer):
    """A proposed host or co-host: `organization` is the id of an existing one, else null and the names are the applicant's."""

    role = role_field(read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True, allow_null=True)
    name_zh = serializers.SerializerMethodField()
    name_en = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationOrganization
        fields = ["role", "organization", "name_zh", "name_en"]

    @extend_schema_field(serializers.CharField())
    def get_name_zh(self, obj) -> str:
        return obj.organization.name_zh if obj.organization_id else obj.proposed_name_zh

    @extend_schema_field(serializers.CharField())
    def get_name_en(self, obj) -> str:
        return obj.organization.name_en if obj.organization_id else obj.proposed_name_en


class ApplicationTransitionSerializer(serializers.ModelSerializer):
    from_state = state_field()
    to_state = state_field()

    class Meta:
        model = ApplicationTransition
        fields = ["from_state", "to_state", "at", "message"]


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


class ForumApplicationSerializer(serializers.ModelSerializer):
    """An application as its applicant, its reviewers and the organizers see it. Times are Beijing
    time (+08:00). The contact (name, email, phone) is the applicant's and the organizers' to read:
    null for a reviewer, whose review page shows none of it either."""

    edition = serializers.IntegerField(source="call.edition.year", read_only=True)
    contact_name = serializers.CharField(read_only=True, allow_null=True, help_text=_("Null for reviewers."))
    contact_email = serializers.CharField(read_only=True, allow_null=True, help_text=_("Null for reviewers."))
    contact_phone = serializers.CharField(read_only=True, allow_null=True, help_text=_("Null for reviewers."))
    call = serializers.IntegerField(source="call_id", read_only=True)
    state = state_field()
    board = serializers.IntegerField(source="board_id", read_only=True, allow_null=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    organizations = ApplicationOrganizationSerializer(many=True, read_only=True)
    transitions = ApplicationTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = ForumApplication
        fields = [
            "id", "edition", "call", "state", "title_zh", "title_en", "theme_zh", "theme_en", "board", "format",
            "preferred_date", "preferred_half_day", "expected_attendance", "planned_speakers", "planned_outcomes",
            "contact_name", "contact_email", "contact_phone", "rationale", "answers", "organizations",
            "submitted_at", "decided_at", "decision_message", "session", "transitions",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not _sees_contact(self.context.get("request"), instance):
            data.update(dict.fromkeys(CONTACT_FIELDS))
        return data


def _sees_contact(request, application) -> bool:
    from wic.roles import is_organizer

    user = getattr(request, "user", None)
    return bool(user is not None and (application.applicant_id == user.pk or is_organizer(user)))


# Writing


class ApplicationOrganizationInputSerializer(serializers.Serializer):
    """An existing organization by id, or a new one named by the applicant (`name_zh`, optionally `name_en`)."""

    role = role_field()
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ForumApplicationWriteSerializer(serializers.Serializer):
    """The draft: `call` (on creation) and the fields of the application. Absent fields are left as they are."""

    call = serializers.PrimaryKeyRelatedField(queryset=ForumCall.objects.select_related("edition"), help_text=_("The call (id); set on creation."))
    title_zh = serializers.CharField(max_length=300)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    theme_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    theme_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    board = serializers.PrimaryKeyRelatedField(queryset=Board.objects.all(), required=False, allow_null=True)
    format = serializers.ChoiceField(choices=ForumFormat.choices, required=False, allow_blank=True)
    preferred_date = BoundedDateField(required=False, allow_null=True)
    preferred_half_day = serializers.ChoiceField(choices=HalfDay.choices, required=False, allow_blank=True)
    expected_attendance = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)
    planned_speakers = serializers.CharField(required=False, allow_blank=True)
    planned_outcomes = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, help_text=_("Answers to the call's questions, keyed by question id.")
    )
    organizations = ApplicationOrganizationInputSerializer(
        many=True, required=False, help_text=_("Hosts and co-hosts; when given, they replace the application's list.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            # The call is fixed once the application exists.
            self.fields["call"].required = False

    def validate_call(self, call):
        if self.instance is not None and call.pk != self.instance.call_id:
            raise serializers.ValidationError(_("An application stays on the call it was created for."), code="invalid")
        return call

    def validate(self, attrs):
        call = attrs.get("call") or (self.instance.call if self.instance is not None else None)
        answers = attrs.get("answers")
        if answers and call is not None:
            known = {str(pk) for pk in call.questions.values_list("pk", flat=True)}
            unknown = sorted(set(answers) - known)
            if unknown:
                raise serializers.ValidationError(
                    {"answers": [_("The call has no question %(ids)s.") % {"ids": ", ".join(unknown)}]}, code="does_not_exist"
                )
        return attrs

    def service_arguments(self) -> tuple[ForumCall, dict, list[dict] | None]:
        """(call, fields, organizations) for services.application_save_draft."""
        data = dict(self.validated_data)
        call = data.pop("call", None) or self.instance.call
        organizations = data.pop("organizations", None)
        if organizations is not None:
            organizations = [dict(entry) for entry in organizations]
        return call, data, organizations


class ScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewInputSerializer(serializers.Serializer):
    """A reviewer's scores: {"<criterion id>": {"score": 1..5, "comment": "..."}} for every criterion of the call."""

    scores = serializers.DictField(child=ScoreSerializer())

    def validate_scores(self, scores):
        bad = sorted(str(key) for key in scores if ascii_int(str(key)) is None)
        if bad:
            raise serializers.ValidationError(_("Criteria are named by their id; got %(keys)s.") % {"keys": ", ".join(bad)}, code="invalid")
        return scores

    def service_scores(self) -> dict[int, tuple[int, str]]:
        return {int(key): (value["score"], value.get("comment", "")) for key, value in self.validated_data["scores"].items()}


# Organizers' decisions (issue 28)

MAX_BULK = 500  # applications decided in one call


class ForumDecisionInputSerializer(serializers.Serializer):
    """An organizer's move of an application: `forums.services.application_transition` says which
    moves there are (`invalid_transition`)."""

    to_state = NamedChoiceField(
        choices=ApplicationState.choices, enum_name="ApplicationStateEnum",
        help_text=_("under_review, or a decision: accepted, waitlisted, rejected (forums.enums.TRANSITIONS)."),
    )
    message = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text=_("To the applicant: their decision email carries it.")
    )


class ForumBulkDecisionInputSerializer(ForumDecisionInputSerializer):
    applications = serializers.ListField(
        child=AsciiIdInteger(), min_length=1, max_length=MAX_BULK,
        help_text=_("Ids of the applications (at most %(n)s); each is moved on its own.") % {"n": MAX_BULK},
    )

    def validate_applications(self, ids):
        return ids_of(ForumApplication, ids, ForumApplication.objects.select_related("call__edition"))


class ForumRefusedSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text=_("The application's id."))
    code = serializers.CharField()
    message = serializers.CharField()


class ForumBulkDecisionSerializer(serializers.Serializer):
    changed = ForumApplicationSerializer(many=True, help_text=_("The applications moved, as they are now."))
    refused = ForumRefusedSerializer(many=True, help_text=_("The applications left as they were, with the rule that refused each."))
