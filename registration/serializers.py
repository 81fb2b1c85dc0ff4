"""Guest registrations in the API. The serializers check the shape of the input (types, choices,
an ISO 3166 country, an edition that exists); every rule lives in registration.services."""
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from wic.models import Edition

from .enums import Diet, GuestCategory, Participation
from .models import Registration
from .services import FIELDS


class RegistrationInputSerializer(serializers.Serializer):
    """What a guest sends to register. `consent` must be true (else `consent_required`)."""

    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all(), help_text=_("The edition (year)."))
    name = serializers.CharField(max_length=200)
    name_zh = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254)
    organization_name = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    country = CountryField(help_text=_("ISO 3166-1 alpha-2 code, e.g. CN."))
    category = serializers.ChoiceField(choices=GuestCategory.choices)
    participation = serializers.ChoiceField(choices=Participation.choices)
    languages = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    needs_visa_letter = serializers.BooleanField(required=False, default=False)
    needs_accommodation = serializers.BooleanField(required=False, default=False)
    accessibility_needs = serializers.CharField(required=False, allow_blank=True, default="")
    diet = serializers.ChoiceField(choices=Diet.choices, required=False, allow_blank=True, default="", help_text=_("Dietary needs; empty for none."))
    allergies = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text=_("Food allergies, as free text."))
    consent = serializers.BooleanField(required=False, default=False, help_text=_("Agreement to the privacy notice; must be true."))

    def service_arguments(self) -> tuple[Edition, dict]:
        data = dict(self.validated_data)
        edition = data.pop("edition")
        return edition, {key: value for key, value in data.items() if key in FIELDS}


class RegistrationReceivedSerializer(serializers.Serializer):
    """The answer to a registration, the same for a new address and one already registered: the
    guest's page, its reference and status go to the address by email, never in this answer."""

    edition = serializers.IntegerField(read_only=True, help_text=_("The edition (year)."))
    email = serializers.EmailField(read_only=True, help_text=_("The address the link to the registration's page is sent to."))
    message = serializers.CharField(read_only=True)


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration as the organizers see it. Times are Beijing time (+08:00)."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    country = CountryField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "reference", "edition", "status", "name", "name_zh", "email", "organization_name", "title", "country",
            "category", "participation", "languages", "needs_visa_letter", "needs_accommodation", "accessibility_needs",
            "diet", "allergies", "language", "created", "decided_at",
        ]
        read_only_fields = fields
