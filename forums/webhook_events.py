"""The forums' webhook event (wic.webhooks, docs/webhooks.md): a sub-forum application decided
(accepted, wait-listed, rejected). The payload names the application and its agenda session, never
the applicant's contact details. `forums.services.application_transition` emits it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent


class ForumApplicationDecidedWebhookData(serializers.Serializer):
    """A sub-forum application accepted, wait-listed or rejected."""

    application = serializers.IntegerField(source="pk", help_text="The application's id")
    edition = serializers.IntegerField(source="call.edition.year", help_text="The edition (year)")
    call = serializers.IntegerField(source="call_id", help_text="The call's id")
    title_zh = serializers.CharField()
    title_en = serializers.CharField(help_text="May be empty")
    state = serializers.CharField(help_text="The decision: `accepted`, `waitlisted` or `rejected` (forums.enums.ApplicationState)")
    decided_at = serializers.DateTimeField(help_text="Beijing time (+08:00)")
    session = serializers.IntegerField(source="session_id", allow_null=True, help_text="The agenda session made on acceptance (unpublished until placed), or null")


def application_decided(application) -> dict:
    return dict(ForumApplicationDecidedWebhookData(application).data)


EVENTS = [
    WebhookEvent("forum_application.decided", _("Sub-forum application decided"),
                 _("A sub-forum application was accepted (its agenda session made), wait-listed or rejected."),
                 payload=ForumApplicationDecidedWebhookData, order=30),
]
