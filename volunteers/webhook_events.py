"""The volunteers' webhook event (wic.webhooks, docs/webhooks.md): a volunteer rostered on a shift
by an organizer or a lead, the auto-roster, a standby place or a swap. The payload names the
shift, its post and the volunteer (by name and team), never the volunteer's phone, email or student
number. `volunteers.services._assign_locked` (every single assignment) and `volunteers.roster.roster_auto`
(its bulk insert) emit it."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wic.contrib import WebhookEvent


class VolunteerAssignedWebhookData(serializers.Serializer):
    """A volunteer assigned to a shift."""

    assignment = serializers.IntegerField(source="pk", help_text="The assignment's id")
    edition = serializers.IntegerField(source="shift.post.programme.edition.year", help_text="The edition (year)")
    shift = serializers.IntegerField(source="shift_id", help_text="The shift's id")
    starts_at = serializers.DateTimeField(source="shift.starts_at", help_text="Beijing time (+08:00)")
    ends_at = serializers.DateTimeField(source="shift.ends_at", help_text="Beijing time (+08:00)")
    post = serializers.IntegerField(source="shift.post_id", help_text="The post's id")
    post_kind = serializers.CharField(source="shift.post.kind", help_text="volunteers.enums.PostKind")
    post_name_zh = serializers.CharField(source="shift.post.name_zh")
    post_name_en = serializers.CharField(source="shift.post.name_en", help_text="May be empty")
    volunteer = serializers.IntegerField(source="volunteer_id", help_text="The volunteer's id")
    volunteer_name = serializers.CharField(source="volunteer.name")
    team = serializers.IntegerField(source="volunteer.team_id", allow_null=True, help_text="The volunteer's team, or null")
    source = serializers.CharField(help_text="How: `manual` (an organizer or a lead), `auto`, `standby`, `swap`")


def volunteer_assigned(assignment) -> dict:
    return dict(VolunteerAssignedWebhookData(assignment).data)


EVENTS = [
    WebhookEvent("volunteer.assigned", _("Volunteer assigned"), _("A volunteer was rostered on a shift (by an organizer or a team lead, the auto-roster, a standby place or a swap)."),
                 payload=VolunteerAssignedWebhookData, order=60),
]
