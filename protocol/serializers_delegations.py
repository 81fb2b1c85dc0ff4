"""Delegations in the API (issue 23). The input serializers check the shape (types, an edition and
registrations that exist); every rule is protocol.delegations' (its codes come back as they are).
Dates are ISO 8601; times ISO 8601 in Beijing time (+08:00)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registration.models import Registration
from wic.inputs import BoundedDateField
from wic.models import Edition

from .models import Delegation, DelegationMember
from .serializers_seating import AsciiIdInput


class MemberSerializer(serializers.ModelSerializer):
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    name = serializers.CharField(source="registration.name", read_only=True)
    name_zh = serializers.CharField(source="registration.name_zh", read_only=True)
    email = serializers.EmailField(source="registration.email", read_only=True)
    organization = serializers.CharField(source="registration.organization_name", read_only=True)
    title = serializers.CharField(source="registration.title", read_only=True)
    principal = serializers.IntegerField(source="principal_id", read_only=True, allow_null=True, help_text=_("The member an interpreter interprets for (member id)."))

    class Meta:
        model = DelegationMember
        fields = ["id", "registration", "name", "name_zh", "email", "organization", "title", "is_interpreter", "principal", "sort_order"]
        read_only_fields = fields


class LiaisonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)


class DelegationSerializer(serializers.ModelSerializer):
    """A delegation as organizers see it, with its members and liaison."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True, allow_null=True)
    head = serializers.IntegerField(source="head_id", read_only=True, allow_null=True, help_text=_("The head's registration id."))
    days = serializers.SerializerMethodField(help_text=_("Every day of the delegation (ISO dates)."))
    liaison = LiaisonSerializer(read_only=True, allow_null=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id", "edition", "name_zh", "name_en", "kind", "country", "precedence", "languages", "head", "arrives_on", "departs_on",
            "days", "liaison", "members", "notes", "is_demo", "created",
        ]
        read_only_fields = fields

    def get_days(self, delegation) -> list[str]:
        from .delegations import delegation_days

        return [day.isoformat() for day in delegation_days(delegation)]


class DelegationWriteSerializer(serializers.Serializer):
    """What an organizer sends to create a delegation (all of it) or change one (PATCH: some of
    it; the edition stays). `kind`, `languages` and `country` are checked by the service
    (`unknown_kind`, `unknown_language`, `unknown_country`)."""

    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all(), help_text=_("The edition (year); on creation only."))
    name_zh = serializers.CharField(max_length=1000, allow_blank=True)
    name_en = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    kind = serializers.CharField(max_length=40, help_text=_("government, international_org, company or other."))
    country = serializers.CharField(max_length=10, required=False, allow_blank=True, default="", help_text=_("ISO 3166-1 alpha-2 code, or empty."))
    precedence = serializers.IntegerField(required=False, default=1000, help_text=_("Protocol rank: lower comes first."))
    languages = serializers.ListField(child=serializers.CharField(max_length=10), required=False, default=list, max_length=20, help_text=_("Codes the liaison must speak: en, fr, de, es, pt, ru, ar, ja, ko, it, th, vi."))
    arrives_on = BoundedDateField(required=False, allow_null=True, default=None)
    departs_on = BoundedDateField(required=False, allow_null=True, default=None)
    head = serializers.PrimaryKeyRelatedField(queryset=Registration.objects.all(), required=False, allow_null=True, default=None, help_text=_("The head's registration id; joins the delegation if in none."))
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)

    def service_arguments(self, delegation: Delegation | None = None) -> dict:
        data = dict(self.validated_data)
        if delegation is not None:
            current = {
                "name_zh": delegation.name_zh, "name_en": delegation.name_en, "kind": delegation.kind, "country": delegation.country.code or "",
                "precedence": delegation.precedence, "languages": list(delegation.languages or []), "arrives_on": delegation.arrives_on,
                "departs_on": delegation.departs_on, "head": delegation.head, "notes": delegation.notes,
            }
            given = {key: value for key, value in data.items() if key in self.initial_data}
            data = {**current, **given, "edition": delegation.edition}
        return data


class MemberInputSerializer(serializers.Serializer):
    registration = serializers.PrimaryKeyRelatedField(queryset=Registration.objects.all(), help_text=_("The registration id of the new member."))
    is_interpreter = serializers.BooleanField(required=False, default=False)
    principal = serializers.PrimaryKeyRelatedField(queryset=DelegationMember.objects.all(), required=False, allow_null=True, default=None, help_text=_("For an interpreter: the member id they interpret for."))


class HeadLinkSerializer(serializers.Serializer):
    url = serializers.URLField(read_only=True, help_text=_("The head's private page; every older link stops working."))
    valid_days = serializers.IntegerField(read_only=True)


class ItineraryLineSerializer(serializers.Serializer):
    member = serializers.CharField()
    kind = serializers.ChoiceField(choices=[("speaks", "speaks"), ("card", "card")])
    status = serializers.CharField(help_text=_("The appearance's status (speaks) or the card's (card)."))
    label = serializers.CharField()
    seat = serializers.CharField()


class ItineraryItemSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk")
    title_zh = serializers.CharField(source="session.title_zh")
    title_en = serializers.CharField(source="session.title_en")
    date = serializers.DateField(source="session.date", allow_null=True)
    start = serializers.DateTimeField(source="session.start", allow_null=True)
    end = serializers.DateTimeField(source="session.end", allow_null=True)
    lines = ItineraryLineSerializer(many=True)


class MemberUpdateSerializer(serializers.Serializer):
    """A member's changes (PATCH: fields not sent keep their values). The rules are
    protocol.delegations.member_update's (`principal_needs_interpreter`, `principal_not_member`)."""

    is_interpreter = serializers.BooleanField(required=False, help_text=_("Whether the member interprets for another member."))
    principal = AsciiIdInput(
        required=False, allow_null=True,
        help_text=_("For an interpreter: the member id they interpret for; null: nobody. An interpreter mark removed needs null here too."),
    )
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=32767, help_text=_("The member's place in the delegation's list."))
