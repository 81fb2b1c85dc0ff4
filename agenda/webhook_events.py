"""The agenda's webhook events (wic.webhooks, docs/webhooks.md): a session published, or a
published session's day, time, hall or status changed (the changes that alert its starrers:
`Session.watched_fields`). `agenda.services` (session_upsert, session_place) emits them."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent


class SessionWebhookData(serializers.Serializer):
    """A session as the agenda publishes it: where and when, in Beijing time."""

    session = serializers.IntegerField(source="pk", help_text="The session's id (GET /api/v1/sessions/{id}/)")
    key = serializers.CharField(help_text="Its stable key within the edition")
    edition = serializers.IntegerField(source="edition.year", help_text="The edition (year)")
    title_zh = serializers.CharField()
    title_en = serializers.CharField(help_text="May be empty")
    kind = serializers.CharField(help_text="agenda.enums.SessionKind")
    date = serializers.DateField(allow_null=True, help_text="Null: the whole edition, no day given")
    start = serializers.DateTimeField(allow_null=True, help_text="Beijing time (+08:00); null without a clock time")
    end = serializers.DateTimeField(allow_null=True, help_text="Beijing time (+08:00)")
    period = serializers.CharField(help_text="A coarse time of day (`morning`...) where no clock time is given; else empty")
    hall = serializers.IntegerField(source="hall_id", allow_null=True, help_text="The hall's id, or null")
    hall_name_zh = serializers.CharField(source="hall.name_zh", default="", help_text="Empty without a hall")
    hall_name_en = serializers.CharField(source="hall.name_en", default="", help_text="Empty without a hall, or without an English name")
    access = serializers.CharField(source="access_summary", help_text="The admission rule (`open`, `by_invitation`, `closed_door`...)")
    is_published = serializers.BooleanField(help_text="False: withdrawn from the agenda")


def session_data(session) -> dict:
    return dict(SessionWebhookData(session).data)


EVENTS = [
    WebhookEvent("session.published", _("Session published"), _("A session was published on the agenda (new, or placed in a hall and a time slot)."),
                 payload=SessionWebhookData, order=20),
    WebhookEvent("session.changed", _("Session changed"), _("A published session changed its day, time, hall or status (withdrawn or back)."),
                 payload=SessionWebhookData, order=21),
]


def session_announce(session, *, published_before: bool) -> None:
    """After a service saved `session`: `session.published` when it is published now and was not
    (`published_before` False: new, or placed), else `session.changed` when the save changed its
    day, time, hall or status (Session.save opened or extended its change alert). No query when
    neither applies; one when nobody listens (wic.webhooks.emit)."""
    from wic import webhooks

    if session.is_published and not published_before:
        webhooks.emit("session.published", lambda: session_data(session))
    elif getattr(session, "open_change_alert", None) is not None:
        webhooks.emit("session.changed", lambda: session_data(session))
