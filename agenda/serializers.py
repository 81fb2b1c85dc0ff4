from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from people.selectors import in_protocol_order
from people.serializers import SessionAppearanceSerializer
from wic.enums import OrganizationRole, Qualifier
from wic.errors import ConflictError
from wic.inputs import BoundedDateField, ascii_int, year_or_none
from wic.models import Edition, Organization
from wic.serializers import DescribedItemSerializer, EditionOrganizationSerializer, FigureSerializer, MilestoneSerializer

from .enums import Access, OutcomeKind, Period, SessionKind, VenueKind
from .models import BEIJING, Board, Hall, Outcome, Session, SessionOrganization, Venue


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


# -- organizer writes (issue 28) ---------------------------------------------------------------------
# The shape of what organizers send; every rule is agenda.services'. A record's key (what its upsert
# finds it by: a venue's Chinese name, a hall's venue and name, an edition's board key, a session's
# edition and key, an outcome's edition, session and title) is set when it is created and stays:
# sending another value on a change is `key_fixed`.

MAX_ORGANIZATIONS = 50  # organizations named in one session
MAX_ALT_TITLES = 20
MAX_TEXT = 20000  # a summary


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that is a whole number of ASCII digits below 10**18 before the database is
    asked (Unicode digits and larger numbers are `does_not_exist`, never an overflow or a match)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if ascii_int(data if isinstance(data, int) else data.strip()) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


class AsciiIdInteger(serializers.IntegerField):
    """An id in a list of ids: a JSON whole number, or a string of 1 to 18 ASCII digits (DRF's own
    IntegerField reads "١٢" as 12); anything else is `invalid`."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=10**18 - 1, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip()
        if ascii_int(data) is None:
            self.fail("invalid")
        return super().to_internal_value(data)


def ids_of(model, ids: list[int], queryset=None) -> list:
    """The records of `ids`, in that order, each once (one query); 400 `does_not_exist` naming the
    ids that are not there. For the organizers' bulk decisions."""
    ids = list(dict.fromkeys(ids))
    found = {record.pk: record for record in (queryset if queryset is not None else model.objects.all()).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise serializers.ValidationError(
            _("No %(what)s has the id %(ids)s.") % {"what": model._meta.verbose_name, "ids": ", ".join(map(str, missing[:10]))}, code="does_not_exist"
        )
    return [found[pk] for pk in ids]


@extend_schema_field(OpenApiTypes.INT)
class EditionYearField(serializers.Field):
    """An edition by its year (any edition, published or not: organizers prepare the next one)."""

    default_error_messages = {"does_not_exist": _("There is no edition for year %(year)s.")}

    def to_internal_value(self, data):
        year = year_or_none(data.strip() if isinstance(data, str) else data) if not isinstance(data, bool) else None
        edition = Edition.objects.filter(year=year).first() if year is not None else None
        if edition is None:
            raise serializers.ValidationError(self.error_messages["does_not_exist"] % {"year": str(data)[:20]}, code="does_not_exist")
        return edition

    def to_representation(self, value):
        return value.year


class EnumChoiceField(serializers.ChoiceField):
    """A choice field documented as an enum component of its own name (`enum_name`), so that the
    organizers' serializers, which repeat choice sets the public ones use under the same field
    names (kind, access), leave the public components' enum names as they were."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumChoiceField

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = [(value, label) for value, label in self.target.choices.items() if value != ""]
        return {
            "type": "string",
            "enum": [value for value, _label in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
        }


def key_fixed_error(name: str) -> serializers.ValidationError:
    return serializers.ValidationError(
        {name: [_("%(field)s is part of the record's key and stays as it was created; the admin renames.") % {"field": name}]}, code="key_fixed"
    )


class OrganizerWriteSerializer(serializers.Serializer):
    """Create (every `create_required` field) or change some fields (`partial`) of a record whose
    service is an upsert: `service_arguments` gives the service every argument, the record's
    current values overlaid with what was sent."""

    create_required: tuple[str, ...] = ()
    key_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is None:
            for name in self.create_required:
                self.fields[name].required = True

    def validate(self, attrs):
        if self.instance is not None:
            for name in self.key_fields:
                if name in attrs and attrs[name] != self.current(self.instance)[name]:
                    raise key_fixed_error(name)
        return attrs

    def current(self, instance) -> dict:
        """The service's arguments that keep `instance` as it is."""
        raise NotImplementedError

    def defaults(self) -> dict:
        """The service's arguments for what a new record is not sent."""
        return {}

    def service_arguments(self) -> dict:
        base = self.current(self.instance) if self.instance is not None else self.defaults()
        return {**base, **self.validated_data}


class VenueWriteSerializer(OrganizerWriteSerializer):
    create_required = ("name_zh",)
    key_fields = ("name_zh",)

    name_zh = serializers.CharField(max_length=200, required=False, help_text=_("The venue's key: set on creation."))
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = EnumChoiceField(choices=VenueKind.choices, enum_name="AgendaVenueKindEnum", required=False)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def current(self, venue):
        return {"name_zh": venue.name_zh, "name_en": venue.name_en, "kind": venue.kind, "source": venue.source}

    def defaults(self):
        return {"name_en": "", "kind": VenueKind.OTHER, "source": ""}


class VenueSerializer(serializers.ModelSerializer):
    kind = EnumChoiceField(choices=VenueKind.choices, enum_name="AgendaVenueKindEnum", read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "name_zh", "name_en", "kind", "source"]


class HallWriteSerializer(OrganizerWriteSerializer):
    create_required = ("venue", "name_zh")
    key_fields = ("venue", "name_zh")

    venue = IdField(queryset=Venue.objects.all(), required=False, help_text=_("The venue (id): set on creation."))
    name_zh = serializers.CharField(max_length=200, required=False, help_text=_("Unique within the venue: set on creation."))
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    room = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    def current(self, hall):
        return {"venue": hall.venue, "name_zh": hall.name_zh, "name_en": hall.name_en, "room": hall.room, "sort_order": hall.sort_order}

    def defaults(self):
        return {"name_en": "", "room": "", "sort_order": 0}


class OrganizerHallSerializer(HallSerializer):
    class Meta(HallSerializer.Meta):
        fields = [*HallSerializer.Meta.fields, "sort_order"]


class BoardWriteSerializer(OrganizerWriteSerializer):
    create_required = ("edition", "key", "name_zh")
    key_fields = ("edition", "key")

    edition = EditionYearField(required=False, help_text=_("The edition (year): set on creation."))
    key = serializers.SlugField(max_length=60, required=False, help_text=_("Unique within the edition: set on creation."))
    name_zh = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.IntegerField(min_value=0, max_value=32767, required=False, allow_null=True)
    tagline_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tagline_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def current(self, board):
        names = ("key", "name_zh", "name_en", "number", "tagline_zh", "tagline_en", "source")
        return {"edition": board.edition, **{name: getattr(board, name) for name in names}}

    def defaults(self):
        return {"name_en": "", "number": None, "tagline_zh": "", "tagline_en": "", "source": ""}


class BoardSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)

    class Meta:
        model = Board
        fields = ["id", "edition", "key", "number", "name_zh", "name_en", "tagline_zh", "tagline_en", "source"]


class OutcomeWriteSerializer(OrganizerWriteSerializer):
    """An edition's outcome, or a session's (`session`: its edition is the session's)."""

    create_required = ("title_zh",)
    key_fields = ("edition", "session", "title_zh")

    edition = EditionYearField(required=False, help_text=_("The edition (year); may be left out when `session` is given. Set on creation."))
    session = IdField(queryset=Session.objects.select_related("edition"), required=False, allow_null=True, help_text=_("The session that released it (id), or null. Set on creation."))
    title_zh = serializers.CharField(max_length=300, required=False, help_text=_("Without 《》. Set on creation."))
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = EnumChoiceField(choices=OutcomeKind.choices, enum_name="AgendaOutcomeKindEnum", required=False)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:
            session = attrs.get("session")
            edition = attrs.get("edition") or (session.edition if session is not None else None)
            if edition is None:
                raise serializers.ValidationError({"edition": [_("Name the edition (year), or the session that released it.")]}, code="required")
            if session is not None and session.edition_id != edition.pk:
                raise serializers.ValidationError(
                    {"session": [_("Session %(key)s belongs to edition %(year)s.") % {"key": session.key, "year": session.edition.year}]},
                    code="session_not_in_edition",
                )
            attrs["edition"] = edition
        return attrs

    def current(self, outcome):
        names = ("title_zh", "title_en", "kind", "source", "sort_order")
        return {"edition": outcome.edition, "session": outcome.session, **{name: getattr(outcome, name) for name in names}}

    def defaults(self):
        return {"session": None, "title_en": "", "kind": OutcomeKind.OTHER, "source": "", "sort_order": 0}


class OrganizerOutcomeSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True)
    kind = EnumChoiceField(choices=OutcomeKind.choices, enum_name="AgendaOutcomeKindEnum", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "edition", "session", "title_zh", "title_en", "kind", "source", "sort_order"]


class SessionOrganizationInputSerializer(serializers.Serializer):
    organization = IdField(queryset=Organization.objects.all())
    role = serializers.ChoiceField(choices=OrganizationRole.choices)


def _beijing_time(moment):
    return moment.astimezone(BEIJING).time() if moment is not None else None


def session_arguments(session: Session) -> dict:
    """`agenda.services.session_upsert`'s arguments that keep `session` as it is."""
    names = (
        "title_zh", "title_en", "alt_titles", "kind", "date", "period", "access", "closed_door", "pre_event", "attendance",
        "attendance_qualifier", "attendance_quote_zh", "theme_zh", "theme_en", "summary_zh", "summary_en", "source", "source_note",
        "sort_order", "is_published",
    )
    return {
        "edition": session.edition, "key": session.key, "hall": session.hall, "board": session.board,
        "start_time": _beijing_time(session.start), "end_time": _beijing_time(session.end),
        **{name: getattr(session, name) for name in names},
    }


class SessionWriteSerializer(OrganizerWriteSerializer):
    """A session's fields as `agenda.services.session_upsert` takes them. The hall is not among
    them: a session goes into a hall and a time slot through `place`, which checks the slot; a
    placed session's day and times change there too (`session_placed`). `organizations`, when
    sent, replace the session's list, in that order (`session_set_organizations`)."""

    create_required = ("edition", "key", "title_zh", "kind")
    key_fields = ("edition", "key")
    SLOT_FIELDS = ("date", "start_time", "end_time", "period")

    edition = EditionYearField(required=False, help_text=_("The edition (year): set on creation."))
    key = serializers.SlugField(max_length=80, required=False, help_text=_("Unique within the edition: set on creation."))
    title_zh = serializers.CharField(max_length=300, required=False)
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    alt_titles = serializers.ListField(child=serializers.CharField(max_length=300), max_length=MAX_ALT_TITLES, required=False)
    kind = EnumChoiceField(choices=SessionKind.choices, enum_name="AgendaSessionKindEnum", required=False)
    date = BoundedDateField(required=False, allow_null=True, help_text=_("Null: the item's scope is the whole edition (no day)."))
    start_time = serializers.TimeField(required=False, allow_null=True, help_text=_("Beijing wall-clock time, HH:MM; with end_time or not at all."))
    end_time = serializers.TimeField(required=False, allow_null=True)
    period = serializers.ChoiceField(choices=Period.choices, required=False, allow_blank=True, help_text=_("For an item without a clock time only."))
    board = IdField(queryset=Board.objects.all(), required=False, allow_null=True)
    access = EnumChoiceField(choices=Access.choices, enum_name="AgendaAccessEnum", required=False, help_text=_("`closed_door` sets the flag with invited_only."))
    closed_door = serializers.BooleanField(required=False)
    pre_event = serializers.BooleanField(required=False)
    attendance = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    attendance_qualifier = EnumChoiceField(choices=Qualifier.choices, enum_name="AgendaQualifierEnum", required=False, allow_blank=True)
    attendance_quote_zh = serializers.CharField(max_length=200, required=False, allow_blank=True)
    theme_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    theme_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary_zh = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    summary_en = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    sort_order = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    organizations = SessionOrganizationInputSerializer(many=True, required=False, max_length=MAX_ORGANIZATIONS)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        session = self.instance
        if session is not None and session.hall_id is not None and session.start is not None:
            current = self.current(session)
            moved = [name for name in self.SLOT_FIELDS if name in attrs and attrs[name] != current[name]]
            if moved:
                raise ConflictError(
                    "session_placed",
                    _("Session %(key)s is placed in %(hall)s; move it with POST /api/v1/sessions/%(id)s/place/, which checks the slot.")
                    % {"key": session.key, "hall": session.hall, "id": session.pk},
                    field=moved[0],
                )
        if "alt_titles" in attrs:
            attrs["alt_titles"] = "\n".join(title.strip() for title in attrs["alt_titles"] if title.strip())
        return attrs

    def current(self, session):
        return session_arguments(session)

    def defaults(self):
        # A new session waits unpublished until it is placed (`place`) or published (`publish`).
        return {"date": None, "is_published": False}

    def service_arguments(self) -> tuple[dict, list | None]:
        """(session_upsert's arguments, the organizations' (organization, role) pairs or None)."""
        arguments = super().service_arguments()
        organizations = arguments.pop("organizations", None)
        if organizations is not None:
            organizations = [(entry["organization"], entry["role"]) for entry in organizations]
        return arguments, organizations


class PlacementSerializer(serializers.Serializer):
    """Where and when a session takes place: `agenda.services.session_place`."""

    hall = IdField(queryset=Hall.objects.select_related("venue"))
    date = BoundedDateField()
    start_time = serializers.TimeField(help_text=_("Beijing wall-clock time, HH:MM."))
    end_time = serializers.TimeField(help_text=_("Beijing wall-clock time, HH:MM."))


class OrganizerSessionSerializer(SessionSerializer):
    """A session as organizers see it after a change: the public fields, whether it is published,
    its order, and when attendees who starred it will be told of the change."""

    kind = EnumChoiceField(choices=SessionKind.choices, enum_name="AgendaSessionKindEnum", read_only=True)
    access = EnumChoiceField(source="access_summary", choices=Access.choices, enum_name="AgendaAccessEnum", read_only=True)
    is_published = serializers.BooleanField(read_only=True)
    sort_order = serializers.IntegerField(read_only=True)
    change_alert_due_at = serializers.SerializerMethodField(
        help_text=_("When the attendees who starred it are told of this change (a published session's day, time, hall or publication "
                    "changed), together with any other change until then; null when this change tells nobody."),
    )

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "is_published", "sort_order", "change_alert_due_at"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_change_alert_due_at(self, obj):
        alert = getattr(obj, "open_change_alert", None)
        return serializers.DateTimeField().to_representation(alert.due_at) if alert is not None else None
