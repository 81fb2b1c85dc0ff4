"""The speaker's side in the API (issue 22, people.invitations): an appearance with its invitation
as organizers follow it, what an organizer sends to invite, and what the speaker reads and answers
through their private link. Input serializers check the shape only; every rule (and its code) is
people.invitations'. Times are ISO 8601 in Beijing time (+08:00)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .enums import AttendanceMode, Role
from .models import Appearance

# The status as text, not an enum: the schema has other fields named status with other values.
STATUS_HELP = _("invited, confirmed, declined, cancelled or appeared (people.enums.AppearanceStatus).")
TEXT_MAX = 10_000  # a bound on the shape only: the service refuses what its fields cannot hold (`too_long`)


class AsciiIdInput(serializers.IntegerField):
    """An id in a body: a number, or ASCII digits (not "١٢": 400 `invalid`), from 1 to below 10**18."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**18 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class SpeakerInvitationSerializer(serializers.ModelSerializer):
    """An appearance and where its invitation stands, as organizers see it (the person's email included)."""

    person = serializers.IntegerField(source="person_id", read_only=True, help_text=_("The person's id."))
    name_zh = serializers.CharField(source="person.name_zh", read_only=True, allow_blank=True)
    name_en = serializers.CharField(source="person.name_en", read_only=True, allow_blank=True)
    email = serializers.CharField(source="person.email", read_only=True, allow_blank=True, help_text=_("Where the invitation goes (private)."))
    session = serializers.IntegerField(source="session_id", read_only=True, help_text=_("The agenda item's id (/api/v1/sessions/<id>/)."))
    edition = serializers.IntegerField(source="session.edition.year", read_only=True, help_text=_("The year of the item's edition."))
    session_title_zh = serializers.CharField(source="session.title_zh", read_only=True, allow_blank=True)
    session_title_en = serializers.CharField(source="session.title_en", read_only=True, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    has_slides = serializers.SerializerMethodField(help_text=_("Whether slides were uploaded."))

    class Meta:
        model = Appearance
        fields = [
            "id", "person", "name_zh", "name_en", "email", "session", "edition", "session_title_zh", "session_title_en", "role",
            "title_zh", "title_en", "affiliation_zh", "affiliation_en", "status", "language", "invited_at", "responded_at",
            "reminded_at", "attendance_mode", "has_slides",
        ]
        read_only_fields = fields

    def get_has_slides(self, appearance) -> bool:
        return bool(appearance.slides)


class SpeakerInviteSerializer(serializers.Serializer):
    """Invite someone by name and email to a role in an agenda item (people.invitations.invite_person)."""

    session = AsciiIdInput(help_text=_("The agenda item (session id)."))
    role = serializers.CharField(max_length=40, help_text=_("remarks, keynote, moderator, panelist, speech, video, presenter or award_presenter."))
    email = serializers.CharField(max_length=TEXT_MAX, help_text=_("The speaker's email: the invitation and its private link go there. "
                                                                    "A person already on file with it is the one invited."))
    name_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text=_("For a new person: a name in Chinese or in English."))
    name_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    title_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text=_("The title as printed (Chinese)."))
    title_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    affiliation_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    affiliation_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=20, required=False, default="zh-hans", help_text=_("The invitation's language: zh-hans or en."))


class SpeakerSendSerializer(serializers.Serializer):
    language = serializers.CharField(
        max_length=20, required=False, allow_null=True, default=None,
        help_text=_("zh-hans or en: the invitation's language from now on; not sent: the appearance's."),
    )


# -- the speaker, at their private link ---------------------------------------------------------------

class ReplyPersonSerializer(serializers.Serializer):
    name_zh = serializers.CharField(allow_blank=True)
    name_en = serializers.CharField(allow_blank=True)
    bio_zh = serializers.CharField(allow_blank=True)
    bio_en = serializers.CharField(allow_blank=True)
    has_photo = serializers.SerializerMethodField()

    def get_has_photo(self, person) -> bool:
        return bool(person.photo)


class ReplySessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    edition = serializers.IntegerField(source="edition.year")
    title_zh = serializers.CharField(allow_blank=True)
    title_en = serializers.CharField(allow_blank=True)
    date = serializers.DateField(allow_null=True)
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    hall_zh = serializers.SerializerMethodField()
    hall_en = serializers.SerializerMethodField()

    def get_hall_zh(self, session) -> str:
        return session.hall.name_zh if session.hall_id else ""

    def get_hall_en(self, session) -> str:
        return session.hall.name_en if session.hall_id else ""


class SpeakerReplySerializer(serializers.Serializer):
    """What the speaker's private link shows: the agenda item, the role, the printed title and
    affiliation, the bio, and where the answer stands."""

    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.CharField(help_text=STATUS_HELP)
    title_zh = serializers.CharField(allow_blank=True)
    title_en = serializers.CharField(allow_blank=True)
    affiliation_zh = serializers.CharField(allow_blank=True)
    affiliation_en = serializers.CharField(allow_blank=True)
    attendance_mode = serializers.ChoiceField(choices=[("", ""), *AttendanceMode.choices], allow_blank=True)
    language = serializers.CharField(help_text=_("The invitation's language."))
    invited_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    has_slides = serializers.SerializerMethodField()
    started = serializers.SerializerMethodField(help_text=_("Whether the item has begun: a confirmation is refused then (`session_started`)."))
    person = ReplyPersonSerializer()
    session = ReplySessionSerializer()

    def get_has_slides(self, appearance) -> bool:
        return bool(appearance.slides)

    def get_started(self, appearance) -> bool:
        from .invitations import session_started

        return session_started(appearance.session)


class SpeakerAnswerSerializer(serializers.Serializer):
    """The speaker's answer (people.invitations.speaker_answer). The texts not sent keep what the
    link shows; JSON, or multipart/form-data with the photo and the slides."""

    answer = serializers.CharField(max_length=20, allow_blank=True, help_text=_("confirm or decline."))
    attendance_mode = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text=_("on_site, online or video; needed to confirm."))
    title_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, help_text=_("Your title as printed (Chinese)."))
    title_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    affiliation_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    affiliation_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    bio_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, help_text=_("A short bio, at most 3,000 characters."))
    bio_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    photo = serializers.FileField(required=False, allow_null=True, help_text=_("JPEG, PNG or WebP, at most 5 MB (multipart only)."))
    slides = serializers.FileField(required=False, allow_null=True, help_text=_("A PDF (multipart only); the whole request carries at most 6 MiB here."))

    TEXTS = ("attendance_mode", "title_zh", "title_en", "affiliation_zh", "affiliation_en")
    BIOS = ("bio_zh", "bio_en")

    def service_arguments(self, appearance) -> dict:
        """The answer for people.invitations.speaker_answer: what was sent, the rest as the link shows it."""
        data = self.validated_data
        current = {name: getattr(appearance, name) for name in self.TEXTS} | {name: getattr(appearance.person, name) for name in self.BIOS}
        sent = {name: data[name] for name in (*self.TEXTS, *self.BIOS) if name in data}
        return {"answer": data["answer"], **current, **sent, "photo": data.get("photo"), "slides": data.get("slides")}
