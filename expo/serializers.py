"""The expo in the API. Serializers check the shape of the input (types, an edition that exists);
every rule (required fields, the controlled list of fields, ISO 3166 codes, duplicates, who may
edit) is expo.services'. Times are ISO 8601 in Beijing time (+08:00)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wic.inputs import ID_DIGITS, BoundedDateTimeField, ascii_int
from wic.models import Edition

from .enums import MEETING_MINUTES, BoothSize, ExhibitorStatus, ExpoField
from .filters import exhibitors_visible_to
from .models import Booth, Exhibit, Exhibitor, Launch, MeetingRequest, TalentListing, Zone


class BoothBriefSerializer(serializers.Serializer):
    code = serializers.CharField(source="booth.code")
    area = serializers.DecimalField(source="booth.area", max_digits=7, decimal_places=1)
    zone = serializers.IntegerField(source="booth.zone_id")
    zone_name_zh = serializers.CharField(source="booth.zone.name_zh")
    zone_name_en = serializers.CharField(source="booth.zone.name_en")


class LaunchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Launch
        fields = ["id", "title_zh", "title_en", "start", "end", "session"]


class OpeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = TalentListing
        fields = ["id", "title_zh", "title_en", "field", "city", "count"]


class ExhibitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exhibit
        fields = ["id", "name_zh", "name_en", "quote_zh", "source"]


class ExhibitorSerializer(serializers.ModelSerializer):
    """An exhibitor as the public directory shows it (no contact details)."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    name_zh = serializers.CharField(source="organization.name_zh", read_only=True)
    name_en = serializers.CharField(source="organization.name_en", read_only=True)
    country = serializers.SerializerMethodField()
    fields = serializers.SerializerMethodField(method_name="get_field_codes")
    booths = serializers.SerializerMethodField()

    class Meta:
        model = Exhibitor
        fields = [
            "id", "edition", "organization", "name_zh", "name_en", "country", "fields", "products_zh", "products_en",
            "description_zh", "description_en", "website", "booths", "status", "source",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_country(self, obj) -> str:
        return obj.country.code or ""

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ExpoField.choices)))
    def get_field_codes(self, obj) -> list[str]:
        return obj.field_codes

    @extend_schema_field(BoothBriefSerializer(many=True))
    def get_booths(self, obj) -> list[dict]:
        return BoothBriefSerializer(getattr(obj, "current_allotments", []), many=True).data


class ExhibitorDetailSerializer(ExhibitorSerializer):
    """One exhibitor with its launches on the expo stage, open openings and named exhibits."""

    launches = LaunchSerializer(source="stage_launches", many=True, read_only=True)
    openings = OpeningSerializer(source="open_openings", many=True, read_only=True)
    exhibits = ExhibitSerializer(many=True, read_only=True)

    class Meta(ExhibitorSerializer.Meta):
        fields = ExhibitorSerializer.Meta.fields + ["launches", "openings", "exhibits"]
        read_only_fields = fields


class ExhibitorOwnSerializer(ExhibitorSerializer):
    """What the applicant or a representative sees of their own entry: the contact too."""

    class Meta(ExhibitorSerializer.Meta):
        fields = ExhibitorSerializer.Meta.fields + ["booth_size", "preferred_zone", "contact_name", "contact_email", "contact_phone", "created"]
        read_only_fields = fields


class ApplicationInputSerializer(serializers.Serializer):
    """An application to exhibit. Required by the service: a name (Chinese or English), country,
    fields, products (Chinese or English), booth size, contact name and email (`missing_field`)."""

    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all(), help_text=_("The edition (year)."))
    organization_name_zh = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization_name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=3, required=False, allow_blank=True, default="", help_text=_("ISO 3166-1 code, e.g. CN."))
    fields = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list, help_text=_("Codes of the controlled list of fields."))
    products_zh = serializers.CharField(required=False, allow_blank=True, default="")
    products_en = serializers.CharField(required=False, allow_blank=True, default="")
    description_zh = serializers.CharField(required=False, allow_blank=True, default="")
    description_en = serializers.CharField(required=False, allow_blank=True, default="")
    website = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    preferred_zone = serializers.IntegerField(required=False, allow_null=True, default=None)
    booth_size = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("Square metres: one of %(sizes)s.") % {"sizes": ", ".join(map(str, BoothSize.values))})
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def service_arguments(self) -> tuple[Edition, dict]:
        data = dict(self.validated_data)
        edition = data.pop("edition")
        return edition, {key: value for key, value in data.items() if value not in (None, "", [])}


class ExhibitorUpdateSerializer(serializers.Serializer):
    products_zh = serializers.CharField(required=False, allow_blank=True)
    products_en = serializers.CharField(required=False, allow_blank=True)
    description_zh = serializers.CharField(required=False, allow_blank=True)
    description_en = serializers.CharField(required=False, allow_blank=True)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fields = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


# -- issue 28: decisions, zones, booths, launches, openings, meetings ---------------------------------

MAX_ID = 10**ID_DIGITS - 1
MAX_BULK = 500  # exhibitors decided in one call


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that is a whole number of ASCII digits below 10**18 before the database is
    asked (Unicode digits and larger numbers are `does_not_exist`, never an overflow).

    `visible`, when given, narrows the queryset to what the requesting user may see: an object
    they may not see is `does_not_exist`, as if it were not there (the pages answer 404)."""

    def __init__(self, *args, visible=None, **kwargs):
        self.visible = visible
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if self.visible is not None and request is not None:
            queryset = self.visible(queryset, request.user)
        return queryset

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if ascii_int(data if isinstance(data, int) else data.strip()) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


class ExhibitorApplicationSerializer(ExhibitorOwnSerializer):
    """An entry as its representatives and the organizers see it, whatever its status: the
    contact, the decision and when it was made."""

    class Meta(ExhibitorOwnSerializer.Meta):
        fields = ExhibitorOwnSerializer.Meta.fields + ["decided_at", "decision_message"]
        read_only_fields = fields


class ExhibitorDecisionInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ExhibitorStatus.choices, help_text=_("`approved` or `declined` (a decision cannot make an application pending again: `invalid_transition`)."))
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000, help_text=_("Added to the email to the applicant."))


class ExhibitorBulkDecisionInputSerializer(ExhibitorDecisionInputSerializer):
    exhibitors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=MAX_BULK,
        help_text=_("Ids of the exhibitors to decide (at most %(n)s).") % {"n": MAX_BULK},
    )

    def validate_exhibitors(self, ids):
        ids = list(dict.fromkeys(ids))
        found = {e.pk: e for e in Exhibitor.objects.filter(pk__in=ids).select_related("organization", "edition")}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("No exhibitor has the id %(ids)s.") % {"ids": ", ".join(map(str, missing[:10]))}, code="does_not_exist"
            )
        return [found[pk] for pk in ids]


class ExhibitorRefusedSerializer(serializers.Serializer):
    exhibitor = serializers.IntegerField(help_text=_("The exhibitor's id."))
    code = serializers.CharField()
    message = serializers.CharField()


class ExhibitorBulkDecisionSerializer(serializers.Serializer):
    changed = ExhibitorApplicationSerializer(many=True, help_text=_("The exhibitors decided now, or already decided that way."))
    refused = ExhibitorRefusedSerializer(many=True, help_text=_("The exhibitors left as they were, with the rule that refused each."))


class ExpoZoneSerializer(serializers.ModelSerializer):
    """A zone of an edition's expo with its booths counted (free: no current allotment)."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    booths = serializers.IntegerField(source="booth_count", read_only=True)
    free_booths = serializers.IntegerField(source="free_count", read_only=True)

    class Meta:
        model = Zone
        fields = ["id", "edition", "key", "name_zh", "name_en", "kind", "description_zh", "description_en", "sort_order", "booths", "free_booths", "source"]
        read_only_fields = fields


class BoothHolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="exhibitor_id")
    name_zh = serializers.CharField(source="exhibitor.organization.name_zh")
    name_en = serializers.CharField(source="exhibitor.organization.name_en")
    allotted_at = serializers.DateTimeField()


class ExpoBoothSerializer(serializers.ModelSerializer):
    """A booth, its zone and its current exhibitor (null when free)."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    zone_name_zh = serializers.CharField(source="zone.name_zh", read_only=True)
    zone_name_en = serializers.CharField(source="zone.name_en", read_only=True)
    is_free = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Booth
        fields = ["id", "edition", "zone", "zone_name_zh", "zone_name_en", "code", "area", "sort_order", "is_free", "holder"]
        read_only_fields = fields

    def get_is_free(self, obj) -> bool:
        return not obj.current

    @extend_schema_field(BoothHolderSerializer(allow_null=True))
    def get_holder(self, obj):
        return BoothHolderSerializer(obj.current[0]).data if obj.current else None


class BoothAllotInputSerializer(serializers.Serializer):
    exhibitor = IdField(queryset=Exhibitor.objects.all(), help_text=_("The exhibitor's id (approved, of the booth's edition)."))


class LaunchItemSerializer(serializers.ModelSerializer):
    """A launch on the expo stage, with its agenda item (`session`). Cancelled: `cancelled_at`."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    exhibitor_name_zh = serializers.CharField(source="exhibitor.organization.name_zh", read_only=True, allow_null=True, default=None)
    exhibitor_name_en = serializers.CharField(source="exhibitor.organization.name_en", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Launch
        fields = [
            "id", "edition", "exhibitor", "exhibitor_name_zh", "exhibitor_name_en", "title_zh", "title_en", "description_zh", "description_en",
            "start", "end", "session", "cancelled_at", "created",
        ]
        read_only_fields = fields


def _visible_exhibitors(queryset, user):
    return exhibitors_visible_to(user, queryset)


class LaunchInputSerializer(serializers.Serializer):
    """A launch to schedule. Times are ISO 8601; without an offset, Beijing time."""

    exhibitor = IdField(queryset=Exhibitor.objects.all(), visible=_visible_exhibitors, help_text=_("The exhibitor's id."))
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description_zh = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    description_en = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()


class OpeningItemSerializer(serializers.ModelSerializer):
    """An opening of the recruitment list, with its exhibitor."""

    edition = serializers.IntegerField(source="exhibitor.edition.year", read_only=True)
    exhibitor_name_zh = serializers.CharField(source="exhibitor.organization.name_zh", read_only=True)
    exhibitor_name_en = serializers.CharField(source="exhibitor.organization.name_en", read_only=True)

    class Meta:
        model = TalentListing
        fields = ["id", "edition", "exhibitor", "exhibitor_name_zh", "exhibitor_name_en", "title_zh", "title_en", "field", "city", "count", "description", "is_open", "created"]
        read_only_fields = fields


class OpeningInputSerializer(serializers.Serializer):
    """An opening to post. Required by the service: title_zh, field, city (`missing_field`); 1 to
    10000 people (`invalid_count`)."""

    exhibitor = IdField(queryset=Exhibitor.objects.all(), visible=_visible_exhibitors, help_text=_("The exhibitor's id."))
    title_zh = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    field = serializers.ChoiceField(choices=ExpoField.choices, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    count = serializers.IntegerField(required=False, default=1, help_text=_("1 to 10000."))
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ExpoMeetingSerializer(serializers.ModelSerializer):
    """A meeting request: the exhibitor, the guest's name (as the exhibitor's page of requests
    shows it), the slot in Beijing time and the status."""

    edition = serializers.IntegerField(source="exhibitor.edition.year", read_only=True)
    exhibitor_name_zh = serializers.CharField(source="exhibitor.organization.name_zh", read_only=True)
    exhibitor_name_en = serializers.CharField(source="exhibitor.organization.name_en", read_only=True)
    guest_name = serializers.SerializerMethodField()
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = MeetingRequest
        fields = ["id", "edition", "exhibitor", "exhibitor_name_zh", "exhibitor_name_en", "guest_name", "start", "end", "minutes", "message", "status", "decided_at", "created"]
        read_only_fields = fields

    def get_guest_name(self, obj) -> str:
        return obj.guest.get_full_name() or obj.guest.get_username()

    def get_minutes(self, obj) -> int:
        return int((obj.end - obj.start).total_seconds() // 60)


class ExpoMeetingInputSerializer(serializers.Serializer):
    """A meeting to ask for. `start` is ISO 8601; without an offset, Beijing time."""

    exhibitor = IdField(queryset=Exhibitor.objects.all(), visible=_visible_exhibitors, help_text=_("The exhibitor's id."))
    start = BoundedDateTimeField()
    minutes = serializers.IntegerField(required=False, default=30, help_text=_("One of %(choices)s.") % {"choices": ", ".join(map(str, MEETING_MINUTES))})
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
