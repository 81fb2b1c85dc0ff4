"""Arrivals, departures and pickup runs in the API (travel/api_arrivals.py). A guest's travel is
personal data: only organizers read it. The input serializers check the shape; every rule is
travel.arrivals' (its codes come back as they are). Times are ISO 8601 in Beijing time (+08:00);
a time sent without an offset is read as Beijing time, as the guest's page reads it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registration.models import Registration
from wic.inputs import BoundedDateTimeField
from wic.models import Edition

from . import arrivals
from .models import PickupRun, PickupSeat, TravelLeg


class TravelLegSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="registration.edition.year", read_only=True)
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    registration_reference = serializers.CharField(source="registration.reference", read_only=True)
    guest = serializers.CharField(source="registration.name", read_only=True)
    expected_at = serializers.DateTimeField(read_only=True, help_text=_("The reported new time if any, else the scheduled time."))
    run = serializers.SerializerMethodField(help_text=_("The pickup run's id (an arrival once planned), or null."))
    run_number = serializers.SerializerMethodField(help_text=_("The pickup run's number in the edition's plan, or null."))
    boarded_at = serializers.SerializerMethodField(help_text=_("When the guest boarded the run, or null."))

    class Meta:
        model = TravelLeg
        fields = [
            "id", "edition", "registration", "registration_reference", "guest", "direction", "mode", "number", "hub", "scheduled_at",
            "delayed_to", "expected_at", "seats", "needs_pickup", "run", "run_number", "boarded_at", "updated_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _seat(leg) -> PickupSeat | None:
        return leg.pickup if arrivals.is_planned(leg) else None

    def get_run(self, leg) -> int | None:
        seat = self._seat(leg)
        return seat.run_id if seat else None

    def get_run_number(self, leg) -> int | None:
        seat = self._seat(leg)
        return seat.run.number if seat else None

    def get_boarded_at(self, leg) -> str | None:
        seat = self._seat(leg)
        return serializers.DateTimeField().to_representation(seat.boarded_at) if seat and seat.boarded_at else None


class LegFieldsSerializer(serializers.Serializer):
    """A leg's values (arrivals.leg_save). Direction, mode and hub are checked by the service
    (`unknown_direction`, `unknown_mode`, `unknown_hub`, `wrong_hub`), as the seats (`invalid_seats`)."""

    mode = serializers.CharField(max_length=20, help_text=_("flight, train or car (own car)."))
    number = serializers.CharField(required=False, allow_blank=True, default="", max_length=40, help_text=_("The flight or train number; none by own car."))
    hub = serializers.CharField(max_length=60, help_text=_("The airport or station (travel.enums.Hub)."))
    scheduled_at = BoundedDateTimeField(help_text=_("ISO 8601; without an offset, Beijing time."))
    seats = serializers.IntegerField(required=False, default=1, min_value=-1000, max_value=1000, help_text=_("1 to 9: the guest and whoever travels with them."))
    needs_pickup = serializers.BooleanField(required=False, default=True)


class LegCreateSerializer(LegFieldsSerializer):
    registration = serializers.PrimaryKeyRelatedField(queryset=Registration.objects.all(), help_text=_("The guest's registration id."))
    direction = serializers.CharField(max_length=20, help_text=_("arrival or departure: one of each per registration (a second replaces the first)."))


class DelayInputSerializer(serializers.Serializer):
    delayed_to = BoundedDateTimeField(help_text=_("The new expected arrival (later or earlier); ISO 8601, without an offset Beijing time."))


class DelayResultSerializer(serializers.Serializer):
    leg = TravelLegSerializer()
    told = serializers.ListField(child=serializers.IntegerField(), help_text=_("The registrations whose pickup changed, each emailed."))


# -- pickup runs -------------------------------------------------------------------------------------


class PickupSeatSerializer(serializers.ModelSerializer):
    leg = serializers.IntegerField(source="leg_id", read_only=True)
    registration = serializers.IntegerField(source="leg.registration_id", read_only=True)
    registration_reference = serializers.CharField(source="leg.registration.reference", read_only=True)
    guest = serializers.CharField(source="leg.registration.name", read_only=True)
    number = serializers.CharField(source="leg.number", read_only=True, help_text=_("Flight or train number."))
    expected_at = serializers.DateTimeField(source="leg.expected_at", read_only=True)
    seats = serializers.IntegerField(source="leg.seats", read_only=True)
    delegation = serializers.SerializerMethodField(help_text=_("The guest's delegation (its Chinese name), or null."))

    class Meta:
        model = PickupSeat
        fields = ["id", "leg", "registration", "registration_reference", "guest", "number", "expected_at", "seats", "delegation", "boarded_at"]
        read_only_fields = fields

    def get_delegation(self, seat) -> str | None:
        membership = getattr(seat.leg.registration, "delegation_membership", None)
        return membership.delegation.name_zh if membership is not None else None


class PickupRunSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    hub_name = serializers.CharField(source="get_hub_display", read_only=True)
    vehicle_name = serializers.SerializerMethodField()
    meeting_point = serializers.SerializerMethodField(help_text=_("Where the guests meet the driver: as typed on the run, else the hub's usual place."))
    seats_taken = serializers.SerializerMethodField()
    boarded = serializers.SerializerMethodField(help_text=_("Guests who boarded."))
    seats = PickupSeatSerializer(many=True, read_only=True)

    class Meta:
        model = PickupRun
        fields = ["id", "edition", "number", "hub", "hub_name", "departs_at", "vehicle", "vehicle_name", "capacity", "vip", "meeting_point",
                  "seats_taken", "boarded", "seats"]
        read_only_fields = fields

    def get_vehicle_name(self, run) -> str:
        return arrivals.vehicle_label(run.vehicle)

    def get_meeting_point(self, run) -> str:
        return str(arrivals.meeting_point(run))

    def get_seats_taken(self, run) -> int:
        return sum(seat.leg.seats for seat in run.seats.all())

    def get_boarded(self, run) -> int:
        return sum(1 for seat in run.seats.all() if seat.boarded_at is not None)


class PlanInputSerializer(serializers.Serializer):
    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all(), help_text=_("The edition (year) whose pickups are planned."))


class PlanResultSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    guests = serializers.IntegerField(help_text=_("Arrivals seated in a run."))
    runs = PickupRunSerializer(many=True)


class ManifestRowSerializer(serializers.Serializer):
    """One guest of the manifest (travel.pickups.MANIFEST_COLUMNS), every value text as in the CSV."""

    run = serializers.CharField()
    hub = serializers.CharField(help_text=_("The hub's name in the reader's language."))
    departs = serializers.CharField(help_text=_("YYYY-MM-DD HH:MM, Beijing time."))
    vehicle = serializers.CharField(help_text=_("The vehicle's name in the reader's language."))
    guest = serializers.CharField(help_text=_("The registration's reference."))
    name = serializers.CharField()
    flight_or_train = serializers.CharField()
    arrives = serializers.CharField(help_text=_("YYYY-MM-DD HH:MM, Beijing time."))
    seats = serializers.CharField()
    party = serializers.CharField(allow_blank=True, help_text=_("The delegation's Chinese name, or \"\"."))
    vip = serializers.CharField(allow_blank=True, help_text=_("\"VIP\" or \"\"."))
    phone = serializers.CharField(allow_blank=True)


class ManifestSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text=_("The run's id."))
    number = serializers.IntegerField()
    meeting_point = serializers.CharField()
    rows = ManifestRowSerializer(many=True)
