"""The awards in the API. Serializers check the shape of the input (types, ids that exist);
every rule is awards.services'. Times are ISO 8601 in Beijing time (+08:00)."""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agenda.serializers import AsciiIdInteger, IdField, ids_of
from wic.inputs import country_code
from wic.models import Member, Organization

from .enums import Direction, NominationState
from .models import AwardCategory, AwardProgramme, AwardReviewer, FurtherCondition, Nomination, NominationLog, ProgrammeFigure, Recommendation, RecommendationQuota, Score


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardCategory
        fields = ["id", "key", "direction", "name_zh", "name_en", "basic_condition_zh", "basic_condition_en", "special"]


class FurtherConditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FurtherCondition
        fields = ["id", "text_zh", "text_en"]


class QuotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecommendationQuota
        fields = ["tier", "quota"]


@extend_schema_serializer(component_name="ProgrammeFigure")
class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeFigure
        fields = ["key", "value", "qualifier", "label_zh", "label_en", "quote_zh", "source"]


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme with its categories, further conditions, quotas per member tier and the figures the texts report."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    directions = serializers.ListField(child=serializers.ChoiceField(choices=Direction.choices), read_only=True)
    is_open = serializers.SerializerMethodField()
    results_released = serializers.BooleanField(read_only=True)
    categories = CategorySerializer(many=True, read_only=True)
    further_conditions = FurtherConditionSerializer(many=True, read_only=True)
    quotas = QuotaSerializer(many=True, read_only=True)
    figures = FigureSerializer(many=True, read_only=True)

    class Meta:
        model = AwardProgramme
        fields = [
            "id", "edition", "key", "kind", "ordinal", "name_zh", "name_en", "description_zh", "description_en", "format_zh", "format_en",
            "translation_provenance", "directions",
            # opens_precision "month": opens_at is the start of that month, the text gives no day
            "opens_at", "opens_precision", "closes_at", "closes_time_stated", "is_open", "max_categories", "requires_endorsement",
            "min_further_conditions", "non_members_need_recommendation", "results_released", "categories",
            "further_conditions", "quotas", "figures", "is_demo", "quote_zh", "source",
        ]
        read_only_fields = fields

    def get_is_open(self, obj) -> bool:
        return obj.is_open()


class RecommendationSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    member = serializers.IntegerField(source="member_id", read_only=True)
    member_name = serializers.SerializerMethodField()
    enterprise = serializers.IntegerField(source="enterprise_id", read_only=True)
    enterprise_name_zh = serializers.CharField(source="enterprise.name_zh", read_only=True)
    enterprise_name_en = serializers.CharField(source="enterprise.name_en", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id", "programme", "member", "member_name", "enterprise", "enterprise_name_zh", "enterprise_name_en",
            "recommended_at", "withdrawn_at", "active", "slot", "quota",
        ]
        read_only_fields = fields

    def get_member_name(self, obj) -> str:
        return obj.member.organization.name_zh if obj.member.organization_id else obj.member.person_name


class RecommendationInputSerializer(serializers.Serializer):
    """`programme` and `enterprise` (an organization id), or `enterprise_name_zh` (and optionally
    `enterprise_name_en`, `enterprise_country`) for an enterprise not yet known. `member` only when
    the account represents several members."""

    programme = serializers.PrimaryKeyRelatedField(queryset=AwardProgramme.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    enterprise_name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enterprise_name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # A code django-countries knows (anything else was stored as given): `unknown_country` otherwise.
    enterprise_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, validators=[country_code], help_text=_("ISO 3166-1 alpha-2 code, e.g. CN.")
    )
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)

    def validate(self, attrs):
        if not attrs.get("enterprise") and not (attrs.get("enterprise_name_zh") or "").strip():
            raise serializers.ValidationError({"enterprise": [_("Give an organization id, or the new enterprise's Chinese name.")]}, code="required")
        return attrs


class NominationLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = NominationLog
        fields = ["from_state", "to_state", "at", "message"]


class NominationSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True, allow_null=True)
    organization_name_zh = serializers.SerializerMethodField()
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    further_conditions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    nominated_by_member = serializers.IntegerField(source="nominated_by_member_id", read_only=True, allow_null=True)
    won_category = serializers.IntegerField(source="won_category_id", read_only=True, allow_null=True)
    active_recommendations = serializers.IntegerField(source="recommendation_count", read_only=True)
    log = NominationLogSerializer(many=True, read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id", "programme", "direction", "state", "organization", "organization_name_zh", "person_name", "person_affiliation",
            "nominated_by_member", "categories", "further_conditions", "endorses_purposes", "basic_condition_statement", "citation",
            "contact_name", "contact_email", "active_recommendations", "submitted_at", "won_category", "log",
        ]
        read_only_fields = fields

    def get_organization_name_zh(self, obj) -> str:
        return obj.organization.name_zh if obj.organization_id else ""


class NominationInputSerializer(serializers.Serializer):
    """An enterprise's draft (`direction` "enterprise", `organization`, categories, conditions...)
    or an individual nomination (`direction` "individual", `person_name`, `citation`, optionally
    `member`). Absent fields keep their value on an update."""

    programme = serializers.PrimaryKeyRelatedField(queryset=AwardProgramme.objects.all(), required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False, default=Direction.ENTERPRISE)
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    categories = serializers.PrimaryKeyRelatedField(queryset=AwardCategory.objects.all(), many=True, required=False)
    further_conditions = serializers.PrimaryKeyRelatedField(queryset=FurtherCondition.objects.all(), many=True, required=False)
    endorses_purposes = serializers.BooleanField(required=False)
    basic_condition_statement = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    person_affiliation = serializers.CharField(required=False, allow_blank=True, max_length=300)
    citation = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)

    def validate(self, attrs):
        creating = self.instance is None
        if creating and "programme" not in attrs:
            raise serializers.ValidationError({"programme": [_("This field is required.")]}, code="required")
        if creating and attrs.get("direction") == Direction.ENTERPRISE and "organization" not in attrs:
            raise serializers.ValidationError({"organization": [_("This field is required.")]}, code="required")
        return attrs



class ScoreInputSerializer(serializers.Serializer):
    """An expert's score: 1 to 10 (checked by awards.services, `invalid_score`), in one of the
    categories the nomination entered, or overall (no category) when it entered none."""

    score = serializers.IntegerField()
    category = serializers.PrimaryKeyRelatedField(queryset=AwardCategory.objects.all(), required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["id", "nomination", "category", "score", "comment", "updated"]


# Organizers (issue 28): decisions, expert reviewers

MAX_BULK = 500  # nominations moved in one call


class NominationDecisionInputSerializer(serializers.Serializer):
    """An organizer's move of a nomination: `awards.services.nomination_transition` says which
    moves there are (`invalid_transition`)."""

    to_state = serializers.ChoiceField(
        choices=NominationState.choices, help_text=_("eligible, ineligible, shortlisted, winner, and back (awards.enums.TRANSITIONS).")
    )
    message = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="", help_text=_("The screening note kept with it."))


class NominationSingleDecisionInputSerializer(NominationDecisionInputSerializer):
    won_category = IdField(
        queryset=AwardCategory.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("For `winner` in the enterprise direction: the category won, one the nomination entered (its only one by default)."),
    )


class NominationBulkDecisionInputSerializer(NominationDecisionInputSerializer):
    nominations = serializers.ListField(
        child=AsciiIdInteger(), min_length=1, max_length=MAX_BULK,
        help_text=_("Ids of the nominations (at most %(n)s); each is moved on its own.") % {"n": MAX_BULK},
    )

    def validate_nominations(self, ids):
        return ids_of(Nomination, ids)


class NominationRefusedSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(help_text=_("The nomination's id."))
    code = serializers.CharField()
    message = serializers.CharField()


class NominationBulkDecisionSerializer(serializers.Serializer):
    changed = NominationSerializer(many=True, help_text=_("The nominations moved, as they are now."))
    refused = NominationRefusedSerializer(many=True, help_text=_("The nominations left as they were, with the rule that refused each."))


class ReviewerInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text=_("The account to make an expert reviewer of the programme."))

    def validate_username(self, username):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(_("There is no active account %(username)s.") % {"username": username[:150]}, code="does_not_exist")
        return user


class AwardReviewerSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = AwardReviewer
        fields = ["id", "programme", "user", "username"]
