"""The expo in the API. Serializers check the shape of the input (types, an edition that exists);
every rule (required fields, the controlled list of fields, ISO 3166 codes, duplicates, who may
edit) is expo.services'. Times are ISO 8601 in Beijing time (+08:00)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wic.models import Edition

from .enums import BoothSize, ExpoField
from .models import Exhibit, Exhibitor, Launch, TalentListing


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
