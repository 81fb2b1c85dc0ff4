"""The expo's webhook event (wic.webhooks, docs/webhooks.md): an exhibitor's application approved
(it joins the directory). The payload names the exhibitor's organization and what it asked for,
never its contact person's details. `expo.services.exhibitor_decide` emits it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent

from .enums import ExhibitorStatus


class ExhibitorApprovedWebhookData(serializers.Serializer):
    """An exhibitor approved."""

    exhibitor = serializers.IntegerField(source="pk", help_text="The exhibitor's id (GET /api/v1/exhibitors/{id}/)")
    edition = serializers.IntegerField(source="edition.year", help_text="The edition (year)")
    organization = serializers.IntegerField(source="organization_id", help_text="The organization's id")
    organization_name_zh = serializers.CharField(source="organization.name_zh")
    organization_name_en = serializers.CharField(source="organization.name_en", help_text="May be empty")
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code; may be empty")
    status = serializers.ChoiceField(choices=ExhibitorStatus.choices, help_text="`approved`")
    booth_size = serializers.IntegerField(allow_null=True, help_text="The booth asked for, in square metres, or null")
    decided_at = serializers.DateTimeField(help_text="Beijing time (+08:00)")


def exhibitor_approved(exhibitor) -> dict:
    return dict(ExhibitorApprovedWebhookData(exhibitor).data)


EVENTS = [
    WebhookEvent("exhibitor.approved", _("Exhibitor approved"), _("An exhibitor's application was approved: it joins the expo's directory."),
                 payload=ExhibitorApprovedWebhookData, order=50),
]
