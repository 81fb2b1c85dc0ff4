"""Invitation cards in the API (issue 23). The serializers check the shape of the input (types,
lists of ids that exist) and show cards and items; every rule is protocol.invitations'. Times
are Beijing time in ISO 8601 with the offset (+08:00)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Session
from wic.i18n import pick
from wic.inputs import ID_DIGITS, BoundedDateTimeField, ascii_int

from . import invitations
from .enums import CardStatus
from .invitations import MAX_INVITEES
from .models import Delegation, InvitationCard, InvitationItem

_datetime = serializers.DateTimeField()
MAX_ID = 10**ID_DIGITS - 1  # every id fits a bigint (SQLite's too)


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that is a whole number below 10**18 before the database is asked (a larger
    one is `does_not_exist`, never an overflow)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if ascii_int(data if isinstance(data, int) else data.strip()) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


def _when(value):
    return _datetime.to_representation(value) if value is not None else None


class CardCountsSerializer(serializers.Serializer):
    """An item's cards by reply. `invited` counts every card that stands (not cancelled, not
    passed to a substitute): accepted + declined + no_answer + substitutes_awaiting."""

    invited = serializers.IntegerField(read_only=True)
    accepted = serializers.IntegerField(read_only=True)
    declined = serializers.IntegerField(read_only=True)
    no_answer = serializers.IntegerField(read_only=True)
    substitutes_awaiting = serializers.IntegerField(read_only=True, help_text=_("Substitutes proposed, awaiting an organizer's decision."))


class InvitationItemSerializer(serializers.ModelSerializer):
    """An invitation-only item with its agenda item and its cards counted by reply."""

    edition = serializers.IntegerField(source="session.edition.year", read_only=True)
    title_zh = serializers.CharField(source="session.title_zh", read_only=True)
    title_en = serializers.CharField(source="session.title_en", read_only=True)
    date = serializers.DateField(source="session.date", read_only=True, allow_null=True)
    start = serializers.DateTimeField(source="session.start", read_only=True, allow_null=True)
    end = serializers.DateTimeField(source="session.end", read_only=True, allow_null=True)
    replies_close_at = serializers.SerializerMethodField(help_text=_("The deadline, else when the item starts; null when neither is known."))
    counts = CardCountsSerializer(source="*", read_only=True)

    class Meta:
        model = InvitationItem
        fields = ["id", "session", "edition", "title_zh", "title_en", "date", "start", "end", "rsvp_deadline", "replies_close_at", "transferable", "counts", "created"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_replies_close_at(self, item):
        return _when(invitations.replies_close_at(item))


class InvitationItemInputSerializer(serializers.Serializer):
    """Make an agenda item invitation-only with cards (or get the one that exists, unchanged)."""

    session = IdField(queryset=Session.objects.all(), help_text=_("The agenda item (session id); it must be invitation-only."))
    rsvp_deadline = BoundedDateTimeField(required=False, allow_null=True, default=None, help_text=_("When replies close; empty: when the item starts."))
    transferable = serializers.BooleanField(required=False, default=False, help_text=_("Whether an invitee may propose a substitute."))


class InviteeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["registration", "person"], read_only=True)
    registration = serializers.IntegerField(read_only=True, allow_null=True)
    person = serializers.IntegerField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    name_zh = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    organization = serializers.CharField(read_only=True)


class SubstituteSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class InvitationCardSerializer(serializers.ModelSerializer):
    """An invitation card as the organizers see it."""

    session = serializers.IntegerField(source="item.session_id", read_only=True)
    invitee = serializers.SerializerMethodField()
    substitute = serializers.SerializerMethodField(help_text=_("The substitute the invitee proposed; null when none."))
    substitute_card = serializers.SerializerMethodField(help_text=_("The card of the approved substitute (for a replaced card)."))

    class Meta:
        model = InvitationCard
        fields = [
            "id", "item", "session", "status", "language", "invitee", "delegation", "invited_at", "responded_at", "reminded_at",
            "substitute", "replaces", "substitute_card", "decided_by", "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(InviteeSerializer)
    def get_invitee(self, card):
        if card.registration_id:
            r = card.registration
            return {"kind": "registration", "registration": r.pk, "person": None, "name": r.name, "name_zh": r.name_zh, "email": r.email, "organization": r.organization_name}
        p = card.person
        return {"kind": "person", "registration": None, "person": p.pk, "name": p.name_en or p.name_zh, "name_zh": p.name_zh, "email": p.email, "organization": ""}

    @extend_schema_field(SubstituteSerializer(allow_null=True))
    def get_substitute(self, card):
        if not card.substitute_name:
            return None
        return {"name": card.substitute_name, "email": card.substitute_email, "title": card.substitute_title}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_substitute_card(self, card):
        substitute = getattr(card, "substitute_card", None)
        return substitute.pk if substitute is not None else None


def _ids(help_text):
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=MAX_INVITEES, help_text=help_text,
    )


class CardSendSerializer(serializers.Serializer):
    """Send an item's cards to registrations, people (without a registration) and delegations
    (each member). `language` (zh-hans, en) overrides each guest's own."""

    item = IdField(queryset=InvitationItem.objects.all())
    registrations = _ids(_("Registration ids (approved guests of the item's edition)."))
    people = _ids(_("Person ids (people of the programme, invited by their email)."))
    delegations = _ids(_("Delegation ids: each member is invited."))
    language = serializers.CharField(required=False, allow_null=True, default=None, max_length=20)

    def _objects(self, model, ids, field):
        ids = list(dict.fromkeys(ids))
        found = {o.pk: o for o in model.objects.filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError({field: [serializers.ErrorDetail(_("No such ids: %(ids)s.") % {"ids": ", ".join(missing[:20])}, code="does_not_exist")]})
        return [found[pk] for pk in ids]

    def validate(self, data):
        from people.models import Person
        from registration.models import Registration

        data["registrations"] = self._objects(Registration, data.get("registrations") or [], "registrations")
        data["people"] = self._objects(Person, data.get("people") or [], "people")
        data["delegations"] = self._objects(Delegation, data.get("delegations") or [], "delegations")
        return data


class CardsSentSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text=_("Cards sent now (new or re-invited); the others were already out."))
    cards = InvitationCardSerializer(many=True, help_text=_("Every invitee's card."))


class SubstituteDecisionSerializer(serializers.Serializer):
    registration = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text=_("The substitute's registration; empty: the edition's registration with the substitute's email."),
    )


class ResendSerializer(serializers.Serializer):
    language = serializers.CharField(required=False, allow_null=True, default=None, max_length=20, help_text=_("zh-hans or en; empty: the card's language."))


# -- the invitee ---------------------------------------------------------------------------------

class RsvpItemSerializer(serializers.Serializer):
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    title = serializers.CharField(help_text=_("In the request's language."))
    date = serializers.DateField(allow_null=True)
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    hall = serializers.CharField(help_text=_("Hall and venue in the request's language; empty when not known."))


class RsvpCardSerializer(serializers.Serializer):
    """The invitee's card as their link shows it."""

    status = serializers.ChoiceField(choices=CardStatus.choices)
    language = serializers.CharField()
    guest = serializers.CharField(help_text=_("The invitee's name."))
    item = RsvpItemSerializer()
    rsvp_deadline = serializers.DateTimeField(allow_null=True)
    replies_close_at = serializers.DateTimeField(allow_null=True)
    replies_open = serializers.BooleanField()
    transferable = serializers.BooleanField()
    responded_at = serializers.DateTimeField(allow_null=True)
    substitute = SubstituteSerializer(allow_null=True)
    seat = serializers.CharField(help_text=_("The seat, once the seating plan gives one (\"Table 3, seat 5\"); empty otherwise."))

    @staticmethod
    def of(card) -> dict:
        item = card.item
        session = item.session
        hall = ""
        if session.hall_id:
            hall = pick(session.hall, "name")
            if session.hall.venue_id:
                hall = f"{hall} · {pick(session.hall.venue, 'name')}"
        return {
            "status": card.status, "language": card.language, "guest": pick(invitations.invitee_names(card), "name"),
            "item": {"title_zh": session.title_zh, "title_en": session.title_en, "title": pick(session, "title"), "date": session.date,
                     "start": session.start, "end": session.end, "hall": hall},
            "rsvp_deadline": item.rsvp_deadline, "replies_close_at": invitations.replies_close_at(item), "replies_open": invitations.replies_open(item),
            "transferable": item.transferable, "responded_at": card.responded_at,
            "substitute": {"name": card.substitute_name, "email": card.substitute_email, "title": card.substitute_title} if card.substitute_name else None,
            "seat": invitations.seat_text(card),
        }


class RsvpPendingSerializer(RsvpCardSerializer):
    """The answer to a substitute proposal (HTTP 202): the card, status substitute_proposed, with
    `code` substitute_needs_approval and a sentence saying an organizer must approve them."""

    code = serializers.CharField()
    message = serializers.CharField()


class RsvpAnswerSerializer(serializers.Serializer):
    """The invitee's answer. The values are checked by protocol.invitations.rsvp_answer (codes
    unknown_answer, substitute_name_required, invalid_email, too_long...)."""

    answer = serializers.CharField(help_text=_("accept, decline or substitute"))
    substitute_name = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    substitute_email = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    substitute_title = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
