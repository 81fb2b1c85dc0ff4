"""Visa invitation letters in the API (travel/api_letters.py). The passport number and the date of
birth leave the server masked, always (travel.letters.masked: "••••••56"): the API has no reader
who needs them in clear (the admin shows them to holders of `travel.view_passport`). The input
serializers check the shape only; every rule is travel.letters' (its codes come back as they are).
Dates are ISO 8601; times ISO 8601 in Beijing time (+08:00)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import letters
from .enums import LetterStatus
from .models import VisaLetter


@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(LetterStatus.values) + "."})
class LetterStatusField(serializers.CharField):
    """The letter's status, documented without an enum component (the name `status` is other apps' enums')."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class MaskedField(serializers.CharField):
    """A secret shown as its last two characters (letters.masked); "" when erased or never given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", _("Masked: only the last two characters are shown."))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return letters.masked(str(value or ""))


class VisaLetterSerializer(serializers.ModelSerializer):
    """A letter as organizers read it: the request, the decision, the passport data masked."""

    edition = serializers.IntegerField(source="registration.edition.year", read_only=True)
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    registration_reference = serializers.CharField(source="registration.reference", read_only=True)
    guest = serializers.CharField(source="registration.name", read_only=True, help_text=_("The guest's name as registered."))
    nationality = serializers.CharField(source="nationality.code", read_only=True, help_text=_("ISO 3166-1 alpha-2 code."))
    status = LetterStatusField()
    passport_number = MaskedField()
    date_of_birth = MaskedField()
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True, allow_null=True, help_text=_("The deciding organizer's user id."))

    class Meta:
        model = VisaLetter
        fields = [
            "id", "edition", "registration", "registration_reference", "guest", "status", "reference", "passport_name", "nationality",
            "passport_number", "date_of_birth", "passport_expires_on", "apply_at", "stay_from", "stay_until", "language", "requested_at",
            "decided_at", "decided_by", "refusal_reason", "revoked_at", "revoke_reason", "passport_erased_at",
        ]
        read_only_fields = fields


class LetterDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true approves (reference and verification code given); false refuses, with a reason."))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000, help_text=_("Why it is refused: the guest reads it."))


class LetterRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000, help_text=_("Why it is revoked: the guest reads it."))


# -- the guest's side, through their private link -----------------------------------------------------


class GuestLetterSerializer(serializers.ModelSerializer):
    """The guest's own letter as their page shows it (the passport data masked as well)."""

    nationality = serializers.CharField(source="nationality.code", read_only=True)
    status = LetterStatusField()
    passport_number = MaskedField()
    date_of_birth = MaskedField()

    class Meta:
        model = VisaLetter
        fields = [
            "status", "reference", "passport_name", "nationality", "passport_number", "date_of_birth", "passport_expires_on", "apply_at",
            "stay_from", "stay_until", "requested_at", "decided_at", "refusal_reason", "revoked_at", "revoke_reason",
        ]
        read_only_fields = fields


class BlockedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("`not_eligible` or `already_requested`."))
    message = serializers.CharField()


class GuestLetterSectionSerializer(serializers.Serializer):
    """What the guest's private page says about visa letters (travel.guest.letter_section)."""

    eligible = serializers.BooleanField(help_text=_("Whether the guest may ask for a letter (an approved registration)."))
    can_request = serializers.BooleanField(help_text=_("Eligible, and no letter requested or approved already."))
    blocked = BlockedSerializer(allow_null=True, help_text=_("Why a request would be refused now, or null."))
    letter = GuestLetterSerializer(allow_null=True, help_text=_("The live letter, else the latest refused or revoked one, else null."))
    pdf_url = serializers.CharField(allow_blank=True, help_text=_("The approved letter's PDF (a path on this site), or \"\"."))

    @staticmethod
    def of(registration, section, blocked) -> dict:
        letter = section.letter if section is not None else None
        approved = letter is not None and letter.status == "approved"
        return {
            "eligible": bool(section and section.eligible),
            "can_request": bool(section and section.can_request),
            "blocked": {"code": blocked[0], "message": blocked[1]} if blocked else None,
            "letter": letter,
            "pdf_url": reverse("travel:letter-pdf", args=[registration.edition.year, registration.token]) if approved else "",
        }


class LetterRequestInputSerializer(serializers.Serializer):
    """The request's shape: every value as text, as the page's form sends it (travel.guest.
    LetterRequestForm); travel.letters.clean says what is wrong with it, field by field."""

    passport_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000, help_text=_("As printed in the passport."))
    nationality = serializers.CharField(required=False, allow_blank=True, default="", max_length=10, help_text=_("ISO 3166-1 alpha-2 code."))
    passport_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, default="", max_length=30, help_text=_("YYYY-MM-DD"))
    passport_expires_on = serializers.CharField(required=False, allow_blank=True, default="", max_length=30, help_text=_("YYYY-MM-DD"))
    apply_at = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000, help_text=_("The embassy or consulate where the guest applies."))
    stay_from = serializers.CharField(required=False, allow_blank=True, default="", max_length=30, help_text=_("Arrival in China, YYYY-MM-DD."))
    stay_until = serializers.CharField(required=False, allow_blank=True, default="", max_length=30, help_text=_("Departure from China, YYYY-MM-DD."))
