from rest_framework import serializers

from .models import EditionFigure, EditionOrganization, Organization


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
