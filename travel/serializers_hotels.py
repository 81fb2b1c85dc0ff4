"""Hotels, room blocks, stays and occupancy in the API (travel/api_hotels.py). A guest's stay is
personal data: only organizers read it. The input serializers check the shape; every rule is
travel.hotels' (its codes come back as they are). Nights are dates (YYYY-MM-DD), each the date the
guest goes to sleep."""
from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registration.models import Registration
from wic.inputs import BoundedDateField

from .models import Hotel, RoomBlock, RoomStay


class RoomBlockSerializer(serializers.ModelSerializer):
    hotel = serializers.IntegerField(source="hotel_id", read_only=True)

    class Meta:
        model = RoomBlock
        fields = ["id", "hotel", "room_type_zh", "room_type_en", "rooms", "guests_per_room", "first_night", "last_night"]
        read_only_fields = fields


class HotelSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    blocks = RoomBlockSerializer(many=True, read_only=True)

    class Meta:
        model = Hotel
        fields = ["id", "edition", "name_zh", "name_en", "address", "contact_email", "blocks"]
        read_only_fields = fields


class NightCountSerializer(serializers.Serializer):
    night = serializers.DateField()
    used = serializers.IntegerField(help_text=_("Rooms with at least one bed taken."))
    held = serializers.IntegerField(help_text=_("Rooms held."))
    full = serializers.BooleanField()


class BlockOccupancySerializer(serializers.Serializer):
    block = serializers.IntegerField(source="block_id")
    room_type_zh = serializers.CharField()
    room_type_en = serializers.CharField(allow_blank=True)
    rooms = serializers.IntegerField()
    nights = NightCountSerializer(many=True)


class HotelOccupancySerializer(serializers.Serializer):
    """travel.hotels.occupancy of a hotel's blocks, and their sum per night (by_hotel)."""

    hotel = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    nights = NightCountSerializer(many=True, help_text=_("Every night a block of the hotel holds, summed over its blocks."))
    blocks = BlockOccupancySerializer(many=True)


class RoomStaySerializer(serializers.ModelSerializer):
    """A stay with its hotel, its nights and whom the room is shared with (`roommates`: the
    registrations of the other stays in the room on one of its nights, from the view's context)."""

    edition = serializers.IntegerField(source="block.hotel.edition.year", read_only=True)
    hotel = serializers.IntegerField(source="block.hotel_id", read_only=True)
    hotel_name_zh = serializers.CharField(source="block.hotel.name_zh", read_only=True)
    block = serializers.IntegerField(source="block_id", read_only=True)
    room_type_zh = serializers.CharField(source="block.room_type_zh", read_only=True)
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    registration_reference = serializers.CharField(source="registration.reference", read_only=True)
    guest = serializers.CharField(source="registration.name", read_only=True)
    nights = serializers.SerializerMethodField()
    check_out = serializers.SerializerMethodField(help_text=_("The morning after the last night."))
    roommates = serializers.SerializerMethodField(help_text=_("Registrations sharing the room on one of the stay's nights."))

    class Meta:
        model = RoomStay
        fields = [
            "id", "edition", "hotel", "hotel_name_zh", "block", "room_type_zh", "registration", "registration_reference", "guest",
            "room_number", "first_night", "last_night", "nights", "check_out", "shares_room", "roommates", "created_at",
        ]
        read_only_fields = fields

    def get_nights(self, stay) -> int:
        return (stay.last_night - stay.first_night).days + 1

    def get_check_out(self, stay) -> str:
        return (stay.last_night + timedelta(days=1)).isoformat()

    def get_roommates(self, stay) -> list[int]:
        mates = self.context.get("roommates", {})
        return [other.registration_id for other in mates.get(stay.pk, [])]


class StayAllocateSerializer(serializers.Serializer):
    block = serializers.PrimaryKeyRelatedField(queryset=RoomBlock.objects.all(), help_text=_("The room block's id."))
    registration = serializers.PrimaryKeyRelatedField(queryset=Registration.objects.all(), help_text=_("The guest's registration id."))
    first_night = BoundedDateField(required=False, allow_null=True, default=None, help_text=_("Default: from the guest's arrival."))
    last_night = BoundedDateField(required=False, allow_null=True, default=None, help_text=_("Default: the night before the guest's departure."))
    share_with = serializers.PrimaryKeyRelatedField(
        queryset=Registration.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("A guest staying in the block those nights whose room to share (both must agree)."),
    )
    shares_room = serializers.BooleanField(required=False, default=False, help_text=_("Whether the guest agrees to share the room."))


class StayMoveSerializer(serializers.Serializer):
    first_night = BoundedDateField()
    last_night = BoundedDateField()


class StayShareSerializer(serializers.Serializer):
    shares_room = serializers.BooleanField(help_text=_("Whether the guest agrees to share the room (withdrawn only while nobody shares it)."))
