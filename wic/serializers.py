from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Board, Venue

from .models import Edition, EditionFigure, EditionOrganization, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True, allow_blank=True)

    class Meta:
        model = Organization
        fields = ["id", "name_zh", "name_en", "abbreviation", "kind", "country"]


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = EditionFigure
        fields = ["key", "value", "qualifier", "label_zh", "label_en", "quote_zh", "source"]


class EditionOrganizationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="organization.id", read_only=True)
    name_zh = serializers.CharField(source="organization.name_zh", read_only=True)
    name_en = serializers.CharField(source="organization.name_en", read_only=True)

    class Meta:
        model = EditionOrganization
        fields = ["id", "name_zh", "name_en", "role"]


class VenueBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "name_zh", "name_en", "kind"]


class BoardBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Board
        fields = ["id", "key", "number", "name_zh", "name_en", "tagline_zh", "tagline_en"]


class EditionSerializer(serializers.ModelSerializer):
    main_venue = VenueBriefSerializer(read_only=True, allow_null=True)
    figures = FigureSerializer(many=True, read_only=True)
    organizations = EditionOrganizationSerializer(source="organization_roles", many=True, read_only=True)
    boards = BoardBriefSerializer(many=True, read_only=True)
    session_count = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "year", "ordinal", "series_year", "name_zh", "name_en", "theme_zh", "theme_en",
            "start_date", "end_date", "location_zh", "location_en", "main_venue", "format_zh",
            "summary_zh", "is_demo", "session_count", "figures", "organizations", "boards", "source",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_session_count(self, obj) -> int:
        return getattr(obj, "session_count", 0)
