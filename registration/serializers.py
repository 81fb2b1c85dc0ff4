"""Guest registrations in the API. The serializers check the shape of the input (types, choices,
an ISO 3166 country, an edition that exists); every rule lives in registration.services."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Session
from wic.inputs import ID_DIGITS, ascii_int
from wic.models import Edition

from .enums import Diet, GuestCategory, Participation, RegistrationStatus
from .models import Credential, Invitation, Registration
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


# -- decisions, credentials and invitations (organizers) --------------------------------------------

MAX_ID = 10**ID_DIGITS - 1  # every id below fits a bigint (SQLite's too)
MAX_BULK = 500  # registrations decided or invited in one call, as many as a page of the list

def _decision(**options):
    # Any status in shape: which decisions a registration's status allows is the service's rule
    # (`invalid_transition`, pending included).
    return serializers.ChoiceField(choices=RegistrationStatus.choices, help_text=_("approved, waitlisted or rejected."), **options)


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that is a whole number below 10**18 before the database is asked (a larger
    one is `does_not_exist`, never an overflow)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)) or (isinstance(data, str) and not data.strip().isdigit()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if ascii_int(data if isinstance(data, int) else data.strip()) is None:
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


class AsciiIntegerField(serializers.IntegerField):
    """An integer, given as a number or as ASCII digits: DRF's own takes "١" (int() reads any
    Unicode digit) for 1."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


def _id_list(help_text, **options):
    return serializers.ListField(child=AsciiIntegerField(min_value=1, max_value=MAX_ID), max_length=MAX_BULK, help_text=help_text, **options)


def registrations_by_ids(ids: list[int]) -> list[Registration]:
    """The registrations with these ids, in one query, by id (as the admin's bulk actions take
    them); `does_not_exist` naming the ids that are not there (a field's validator)."""
    ids = list(dict.fromkeys(ids))
    found = {r.pk: r for r in Registration.objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise serializers.ValidationError(_("No such registrations: %(ids)s.") % {"ids": ", ".join(missing[:20])}, code="does_not_exist")
    return [found[pk] for pk in sorted(found)]


class DecisionSerializer(serializers.Serializer):
    """An organizer's decision on one registration."""

    status = _decision()


class BulkDecisionSerializer(serializers.Serializer):
    """The same decision on several registrations, each decided on its own (one refused leaves the
    others decided)."""

    registrations = _id_list(_("Registration ids."), min_length=1)
    status = _decision()

    def validate_registrations(self, ids):
        return registrations_by_ids(ids)


class DecisionDecidedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "reference", "name", "status", "decided_at"]
        read_only_fields = fields


class DecisionRefusedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="registration.pk")
    reference = serializers.CharField(source="registration.reference")
    name = serializers.CharField(source="registration.name")
    status = serializers.ChoiceField(source="registration.status", choices=RegistrationStatus.choices, help_text=_("Its status, unchanged."))
    code = serializers.CharField(source="error.code", help_text=_("Why it was refused, e.g. invalid_transition."))
    message = serializers.CharField(source="error.message")


class BulkDecisionResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    decided = DecisionDecidedSerializer(many=True, help_text=_("The registrations that now have the status."))
    refused = DecisionRefusedSerializer(many=True, help_text=_("The registrations that were not changed, each with the refusal's code."))


class LinkResentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)


class CredentialSerializer(serializers.ModelSerializer):
    """A credential as the organizers see it in a list: never its secret, only the code's last four
    characters (as the admin's credential panel shows it). Times are Beijing time (+08:00)."""

    registration = serializers.IntegerField(source="registration_id", read_only=True)
    reference = serializers.CharField(source="registration.reference", read_only=True)
    name = serializers.CharField(source="registration.name", read_only=True)
    edition = serializers.IntegerField(source="registration.edition.year", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True, help_text=_("False once revoked: the code then scans as `revoked`."))
    code_end = serializers.SerializerMethodField(help_text=_("The code's last four characters."))
    revoked_by = serializers.IntegerField(source="revoked_by_id", read_only=True, allow_null=True, help_text=_("The account that revoked it."))
    badge_url = serializers.SerializerMethodField(help_text=_("The badge PDF in the admin (organizers); null while it is being drawn or once revoked."))

    class Meta:
        model = Credential
        fields = ["id", "registration", "reference", "name", "edition", "active", "code_end", "issued_at", "revoked_at", "revoked_by", "badge_url"]
        read_only_fields = fields

    def get_code_end(self, credential) -> str:
        return credential.secret[-4:]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_badge_url(self, credential):
        if not credential.badge:
            return None
        url = reverse("admin:registration_credential_badge", args=[credential.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class CredentialDetailSerializer(CredentialSerializer):
    """One credential, with its code (the admin's credential page shows it too): what the QR code
    holds and the gate accepts typed in groups of four."""

    secret = serializers.CharField(read_only=True)
    grouped_secret = serializers.CharField(read_only=True, help_text=_("The code in groups of four, as a person reads it."))

    class Meta(CredentialSerializer.Meta):
        fields = [*CredentialSerializer.Meta.fields, "secret", "grouped_secret"]
        read_only_fields = fields


class CredentialIssueSerializer(serializers.Serializer):
    registration = IdField(queryset=Registration.objects.all(), help_text=_("The registration id of an approved on-site guest."))


class InvitationSerializer(serializers.ModelSerializer):
    """A guest invited to an invitation-only agenda item, with their reply and seat."""

    registration = serializers.IntegerField(source="registration_id", read_only=True)
    reference = serializers.CharField(source="registration.reference", read_only=True)
    name = serializers.CharField(source="registration.name", read_only=True)
    name_zh = serializers.CharField(source="registration.name_zh", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True)
    title_zh = serializers.CharField(source="session.title_zh", read_only=True)
    title_en = serializers.CharField(source="session.title_en", read_only=True)
    edition = serializers.IntegerField(source="session.edition.year", read_only=True)
    seat = serializers.CharField(source="seat_label", read_only=True, help_text=_("“Table 3 · seat 5”, “Row B · seat 12”; empty without a seat."))

    class Meta:
        model = Invitation
        fields = [
            "id", "registration", "reference", "name", "name_zh", "session", "title_zh", "title_en", "edition", "rsvp",
            "seat", "seat_kind", "seat_block", "seat_number", "created",
        ]
        read_only_fields = fields


class InvitationsCreateSerializer(serializers.Serializer):
    """Invite approved guests to an invitation-only item: the given registrations and, with a
    category, every approved guest of that category in the item's edition."""

    session = IdField(queryset=Session.objects.all(), help_text=_("The agenda item (session id); it must be invitation-only."))
    registrations = _id_list(_("Registration ids (approved guests of the item's edition)."), required=False, default=list)
    category = serializers.ChoiceField(choices=GuestCategory.choices, required=False, allow_blank=True, default="", help_text=_("Also invite every approved guest of this category."))

    def validate_registrations(self, ids):
        return registrations_by_ids(ids)


class InvitationsCreatedSerializer(serializers.Serializer):
    session = serializers.IntegerField(read_only=True)
    created = serializers.IntegerField(read_only=True, help_text=_("How many invitations are new; inviting twice changes nothing."))
