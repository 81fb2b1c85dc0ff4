"""Registration's webhook events (wic.webhooks, docs/webhooks.md): a decision on a registration,
a credential issued or revoked. Each payload carries ids, the reference, statuses, the edition
and the names a partner needs (a badge printer prints the name and the organization); never the
guest's email, phone, passport or the credential's secret. `registration.services` emits them."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent

from .enums import RegistrationStatus


class RegistrationDecidedWebhookData(serializers.Serializer):
    """A registration approved, wait-listed or rejected."""

    registration = serializers.IntegerField(source="pk", help_text="The registration's id")
    reference = serializers.CharField(help_text="The reference the guest quotes")
    edition = serializers.IntegerField(source="edition.year", help_text="The edition (year)")
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, help_text="The decision")
    name = serializers.CharField()
    name_zh = serializers.CharField(help_text="The name in Chinese; may be empty")
    organization_name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code")
    category = serializers.CharField(help_text="The guest category (registration.enums.GuestCategory)")
    participation = serializers.CharField(help_text="`on_site` or `online`")
    decided_at = serializers.DateTimeField(help_text="Beijing time (+08:00)")


class CredentialWebhookData(serializers.Serializer):
    """A guest's credential (the badge's QR code) issued or revoked; never its secret."""

    credential = serializers.IntegerField(source="pk", help_text="The credential's id")
    registration = serializers.IntegerField(source="registration.pk", help_text="The registration's id")
    reference = serializers.CharField(source="registration.reference", help_text="The registration's reference")
    edition = serializers.IntegerField(source="registration.edition.year", help_text="The edition (year)")
    name = serializers.CharField(source="registration.name")
    name_zh = serializers.CharField(source="registration.name_zh", help_text="The name in Chinese; may be empty")
    organization_name = serializers.CharField(source="registration.organization_name")
    category = serializers.CharField(source="registration.category", help_text="The guest category")
    active = serializers.BooleanField(source="is_active", help_text="False once revoked")
    issued_at = serializers.DateTimeField(help_text="Beijing time (+08:00)")
    revoked_at = serializers.DateTimeField(allow_null=True, help_text="Beijing time (+08:00); null while active")


def registration_decided(registration) -> dict:
    return dict(RegistrationDecidedWebhookData(registration).data)


def credential_data(credential) -> dict:
    return dict(CredentialWebhookData(credential).data)


EVENTS = [
    WebhookEvent("registration.decided", _("Registration decided"), _("A guest's registration was approved, wait-listed or rejected."),
                 payload=RegistrationDecidedWebhookData, order=10),
    WebhookEvent("credential.issued", _("Credential issued"), _("An approved on-site guest was issued a credential (a new one after a reissue)."),
                 payload=CredentialWebhookData, order=11),
    WebhookEvent("credential.revoked", _("Credential revoked"), _("A guest's credential was revoked: it no longer opens the gates."),
                 payload=CredentialWebhookData, order=12),
]
