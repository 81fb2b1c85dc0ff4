from rest_framework import serializers

from .models import EditionDescribedItem, EditionFigure, EditionMilestone, EditionOrganization, Organization


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


class MilestoneSerializer(serializers.ModelSerializer):
    """A calendar milestone. `date` is "YYYY-MM" where the text gives only the month (never a
    day it does not give), "YYYY-MM-DD" otherwise; `sources_disagree` with `conflict_key` groups
    the texts' differing accounts of one step."""

    date = serializers.CharField(source="date_display", read_only=True)
    sources_disagree = serializers.BooleanField(read_only=True)

    class Meta:
        model = EditionMilestone
        fields = ["key", "date", "precision", "label_zh", "label_en", "quote_zh", "source", "sources_disagree", "conflict_key"]


class DescribedItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = EditionDescribedItem
        fields = ["kind", "text_zh", "text_en", "quote_zh", "source"]
