"""The awards' webhook event (wic.webhooks, docs/webhooks.md): an organizer's decision on a
nomination (eligible, not eligible, shortlisted, winner, and back). The payload names the
programme, the enterprise or the person, and the category won; never contact details or the
screening note. `awards.services.nomination_transition` emits it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent

from .enums import Direction, NominationState


class NominationDecidedWebhookData(serializers.Serializer):
    """A nomination moved by an organizer (screening, shortlist, winner, or back)."""

    nomination = serializers.IntegerField(source="pk", help_text="The nomination's id")
    edition = serializers.IntegerField(source="programme.edition.year", help_text="The edition (year)")
    programme = serializers.IntegerField(source="programme_id", help_text="The award programme's id")
    programme_key = serializers.CharField(source="programme.key")
    programme_name_zh = serializers.CharField(source="programme.name_zh")
    programme_name_en = serializers.CharField(source="programme.name_en", help_text="May be empty")
    direction = serializers.ChoiceField(choices=Direction.choices)
    state = serializers.ChoiceField(choices=NominationState.choices, help_text="The state it was moved to")
    previous_state = serializers.ChoiceField(choices=NominationState.choices, help_text="The state it was in")
    organization = serializers.IntegerField(source="organization_id", allow_null=True, help_text="The enterprise's id (enterprise direction), else null")
    organization_name_zh = serializers.CharField(source="organization.name_zh", default="", help_text="Empty for a person")
    organization_name_en = serializers.CharField(source="organization.name_en", default="", help_text="May be empty")
    person_name = serializers.CharField(help_text="The person nominated (individual direction), else empty")
    won_category = serializers.IntegerField(source="won_category_id", allow_null=True, help_text="The category won (a winner), else null")
    won_category_key = serializers.CharField(source="won_category.key", default="", help_text="Empty unless a winner")


def nomination_decided(nomination, *, previous_state: str) -> dict:
    nomination.previous_state = previous_state
    return dict(NominationDecidedWebhookData(nomination).data)


EVENTS = [
    WebhookEvent("nomination.decided", _("Nomination decided"),
                 _("An organizer moved a nomination: eligible or not, shortlisted, winner (with the category won), or back."),
                 payload=NominationDecidedWebhookData, order=40),
]
