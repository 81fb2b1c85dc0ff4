from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from people.selectors import in_protocol_order
from people.serializers import SessionAppearanceSerializer
from wic.models import Edition
from wic.serializers import DescribedItemSerializer, EditionOrganizationSerializer, FigureSerializer, MilestoneSerializer

from .enums import Access
from .models import Board, Hall, Outcome, Session, SessionOrganization, Venue


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
    milestones = MilestoneSerializer(many=True, read_only=True, help_text="The edition's calendar as the texts give it; accounts that disagree share a conflict_key.")
    described_items = DescribedItemSerializer(many=True, read_only=True, help_text="What the texts say the edition was: characteristics, topics, activities.")
    session_count = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "year", "ordinal", "series_year", "name_zh", "name_en", "theme_zh", "theme_en",
            "start_date", "end_date", "location_zh", "location_en", "main_venue", "format_zh",
            "summary_zh", "is_demo", "session_count", "figures", "organizations", "boards",
            "milestones", "described_items", "source",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_session_count(self, obj) -> int:
        return getattr(obj, "session_count", 0)


class HallSerializer(serializers.ModelSerializer):
    venue = VenueBriefSerializer(read_only=True)

    class Meta:
        model = Hall
        fields = ["id", "name_zh", "name_en", "room", "venue"]


class SessionOrganizationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="organization.id", read_only=True)
    name_zh = serializers.CharField(source="organization.name_zh", read_only=True)
    name_en = serializers.CharField(source="organization.name_en", read_only=True)
    abbreviation = serializers.CharField(source="organization.abbreviation", read_only=True)

    class Meta:
        model = SessionOrganization
        fields = ["id", "name_zh", "name_en", "abbreviation", "role"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["title_zh", "title_en", "kind"]


class AttendanceSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    qualifier = serializers.CharField()
    quote_zh = serializers.CharField()


ACCESS_VALUES = [value for value, _label in Access.choices]


class SessionSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The item's day; null where the texts place it in the edition without a day (its scope is the edition's days).",
    )
    pre_event = serializers.BooleanField(read_only=True, help_text="An item before the summit's days (a press conference, a signing, a send-off).")
    access = serializers.ChoiceField(
        source="access_summary",
        choices=ACCESS_VALUES,
        read_only=True,
        help_text=(
            "One value, as before: closed_door for a closed-door item, else the admission rule (open, by_invitation, "
            "invited_only), or not_stated where the texts state no rule (unknown: not open). Since issue 21 "
            "not_stated replaces the former default open for items whose texts say nothing; access_rules lists every rule."
        ),
    )
    access_rules = serializers.ListField(
        child=serializers.ChoiceField(choices=[v for v in ACCESS_VALUES if v != Access.NOT_STATED]),
        read_only=True,
        help_text="Every access rule the texts state, closed_door first (002: 网络安全闭门会(应邀出席) gives [closed_door, invited_only]); [] where none is stated.",
    )
    alt_titles = serializers.ListField(source="alt_title_list", child=serializers.CharField(), read_only=True)
    hall = HallSerializer(read_only=True, allow_null=True)
    board = BoardBriefSerializer(read_only=True, allow_null=True)
    attendance = serializers.SerializerMethodField()
    organizations = SessionOrganizationSerializer(source="organization_roles", many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    appearances = serializers.SerializerMethodField(
        help_text="The people of the item in protocol order (role by role, then precedence): confirmed and past appearances only.",
    )

    class Meta:
        model = Session
        fields = [
            "id", "edition", "key", "title_zh", "title_en", "alt_titles", "kind", "date", "start", "end",
            "period", "pre_event", "hall", "board", "access", "access_rules", "theme_zh", "theme_en", "attendance", "organizations",
            "outcomes", "appearances", "summary_zh", "source",
        ]

    @extend_schema_field(SessionAppearanceSerializer(many=True))
    def get_appearances(self, obj):
        return SessionAppearanceSerializer(in_protocol_order(getattr(obj, "public_appearances", ())), many=True).data

    @extend_schema_field(AttendanceSerializer(allow_null=True))
    def get_attendance(self, obj):
        if obj.attendance is None:
            return None
        return {"value": obj.attendance, "qualifier": obj.attendance_qualifier, "quote_zh": obj.attendance_quote_zh}
