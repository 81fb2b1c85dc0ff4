"""Seating in the API: the shapes of plans, seats, moves and the auto-seating report. Input
serializers check the shape only; every rule is protocol.seating's."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import SeatBlock, SeatingPlan


class SeatBlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeatBlock
        fields = ["id", "label", "seats", "is_head", "sort_order"]


class SeatingPlanSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="item.session_id", read_only=True, help_text="The agenda item (session) the plan seats.")
    title = serializers.SerializerMethodField(help_text="The item's title in the request's language.")
    blocks = SeatBlockSerializer(many=True, read_only=True)
    seat_count = serializers.SerializerMethodField(help_text="Seats of all tables or rows.")
    seated = serializers.IntegerField(read_only=True, help_text="Seats given.")

    class Meta:
        model = SeatingPlan
        fields = ["id", "item", "session", "title", "layout", "capacity", "seat_count", "seated", "blocks"]

    def get_title(self, plan) -> str:
        return plan.item.session.t("title")

    def get_seat_count(self, plan) -> int:
        return sum(b.seats for b in plan.blocks.all())


class GuestSerializer(serializers.Serializer):
    card = serializers.IntegerField(source="card.pk", help_text="The invitation card's id.")
    registration = serializers.IntegerField(source="card.registration_id", allow_null=True)
    person = serializers.IntegerField(source="card.person_id", allow_null=True)
    name = serializers.CharField(help_text="The name as registered (Latin or original script); may be empty.", allow_blank=True)
    name_zh = serializers.CharField(help_text="The name in Chinese; may be empty.", allow_blank=True)
    delegation = serializers.SerializerMethodField()
    interpreter_for = serializers.SerializerMethodField(help_text="For an interpreter: the delegation member (id) they interpret for.")
    status = serializers.CharField(source="card.status", help_text="The card's state: accepted, or (for a seat to clear) what it became.")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_delegation(self, guest):
        return guest.delegation.pk if guest.delegation is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_interpreter_for(self, guest):
        return guest.member.principal_id if guest.is_interpreter else None


class SeatSerializer(serializers.Serializer):
    block = serializers.IntegerField(source="block.pk")
    block_label = serializers.CharField(source="block.label")
    number = serializers.IntegerField()
    label = serializers.CharField(help_text="“Table 3 · seat 5” / “Row B · seat 12” in the request's language.")
    guest = GuestSerializer()


class PlanSeatsSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    layout = serializers.CharField()
    seats = SeatSerializer(many=True, help_text="Every seat given, by table or row and number.")
    unseated = GuestSerializer(many=True, help_text="Accepted guests without a seat, in rank order.")


class MoveInputSerializer(serializers.Serializer):
    card = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="The guest's invitation card (of the plan's item).")
    block = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="The table or row (id).")
    number = serializers.IntegerField(min_value=-100000, max_value=100000, help_text="The seat number, from 1.")


class ClearInputSerializer(serializers.Serializer):
    card = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="The guest's invitation card (of the plan's item).")


class MovedSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    block = serializers.IntegerField()
    block_label = serializers.CharField()
    number = serializers.IntegerField()
    label = serializers.CharField()


class UnseatedSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    code = serializers.CharField(help_text="Why: `plan_full`.")


class SeatingReportSerializer(serializers.Serializer):
    seated = serializers.IntegerField(help_text="Guests seated now.")
    unseated = UnseatedSerializer(many=True, help_text="Accepted guests still without a seat.")
    interpreters_apart = serializers.ListField(child=serializers.IntegerField(), help_text="Cards of interpreters not beside their principal.")
    delegations_split = serializers.ListField(child=serializers.IntegerField(), help_text="Delegations seated at more than one table or row (head blocks aside).")
    messages = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), help_text="`{code, message}` for each of the above that is not empty.")


class AsciiIdInput(serializers.IntegerField):
    """An id in a body: a number, or ASCII digits (not "١٢": 400 `invalid`), from 1 to below 10**18."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**18 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class PlanBlockInputSerializer(serializers.Serializer):
    """A table or row of a new plan, as protocol.seating.plan_create takes it (checked there: `bad_block`)."""

    label = serializers.CharField(max_length=1000, allow_blank=True, help_text="The table's or row's label, at most 40 characters, once per plan.")
    seats = serializers.IntegerField(min_value=-100000, max_value=100000, help_text="Seats: 1 to 40 at a table, 1 to 200 in a row.")
    is_head = serializers.BooleanField(required=False, default=False, help_text="A head table or front row: seated first, by precedence.")


class PlanCreateSerializer(serializers.Serializer):
    """A new seating plan: the shape only; the rules are protocol.seating.plan_create's."""

    item = AsciiIdInput(help_text="The invitation-only item (id, /api/v1/invitation-items/); one plan per item.")
    layout = serializers.CharField(max_length=40, help_text="`tables` (round tables) or `rows` (theatre rows).")
    capacity = serializers.IntegerField(
        min_value=-(2**31), max_value=2**31 - 1, required=False, allow_null=True, default=None,
        help_text="Seats the hall holds (0 or more): the plan may not have more. Empty: not known.",
    )
    blocks = PlanBlockInputSerializer(many=True, max_length=1000, help_text="The tables or rows in order (at least one, at most 500).")
