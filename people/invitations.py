"""The speaker's side (issue 22): an organizer invites a person to their role in an agenda item;
the person gets an email in their language with a private link, `/speakers/<token>/`, where they
answer without an account.

The token is `django.core.signing.dumps` (timestamped, salt SALT) over the appearance's pk and its
`link_nonce`; it is valid SPEAKER_LINK_MAX_AGE_DAYS days (setting, default 30) after it was made.
A new invitation draws a new nonce (older links stop working), and so does an answer: a link
answers once. Refusals (DomainError, the field named):

- `link_invalid` (404, field token): not a token of ours, tampered with, or its appearance is gone;
- `link_expired` (410, field token): signed by us, older than the maximum age;
- `link_used` (410, field token): signed by us and fresh, but its nonce is no longer the
  appearance's: it was used for an answer, or a newer invitation replaced it (the page says the
  answer is recorded and the secretariat can send a new link);
- `already_confirmed` / `already_appeared` (409, field status), `no_email` (400, field email),
  `unknown_language` (400, field language): when inviting;
- `not_an_image`, `not_a_pdf` (400), `image_too_large`, `pdf_too_large` (413) (fields photo,
  slides), `too_long` (400; the printed title and affiliation by their model lengths, a bio at
  BIO_MAX characters), `unknown_attendance_mode`, `attendance_mode_required` (400, field
  attendance_mode), `unknown_answer` (400, field answer), `session_started` (409, field answer: a
  confirmation at or after the item's start; an item without clock time, from the end of its date
  in Beijing), `person_double_booked` (409, from services.appearance_upsert): when answering.

Every check comes before anything is written, and the answer is one transaction: a refusal leaves
what was saved as it was. Files are stored under a name drawn here with the extension of the
detected format, never the uploaded name's."""
import secrets
import uuid
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wic import outbox
from wic.errors import DomainError

from . import services
from .enums import AppearanceStatus, AttendanceMode
from .models import Appearance, Person

SALT = "people.speaker-link"
DEFAULT_MAX_AGE_DAYS = 30
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SLIDES_BYTES = 20 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PDF_MAGIC = b"%PDF-"
BIO_MAX = 3000  # characters of a bio, in each language
ANSWERS = ("confirm", "decline")
# A multipart answer with both files at their caps and the text fields: what the core lets a
# request under /speakers/ carry (settings.UPLOAD_MAX_REQUEST_SIZE_BY_PATH; 6 MiB elsewhere).
MAX_REQUEST_BYTES = MAX_PHOTO_BYTES + MAX_SLIDES_BYTES + 1024 * 1024


def link_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "SPEAKER_LINK_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))


def speaker_token(appearance: Appearance) -> str:
    """A fresh signed token for the appearance's current nonce (valid link_max_age() from now)."""
    return signing.dumps({"a": appearance.pk, "n": appearance.link_nonce}, salt=SALT)


def speaker_link_path(appearance: Appearance) -> str:
    return reverse("people:speaker", args=[speaker_token(appearance)])


def speaker_link_url(appearance: Appearance) -> str:
    """The private link as an email gives it (SITE_URL + path); reminders send the same."""
    return f"{settings.SITE_URL}{speaker_link_path(appearance)}"


def _link_invalid() -> DomainError:
    return DomainError("link_invalid", _("This link is not valid. Check that it was copied whole from the email, or ask the secretariat for a new one."), status=404, field="token")


def appearance_for_token(token: str, *, for_update: bool = False) -> Appearance:
    """The appearance a link opens, with its person and agenda item, or a refusal (see the
    module's docstring). A used or replaced link's refusal carries the appearance as
    `error.appearance`, so the page can say what was answered."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired:
        raise DomainError(
            "link_expired",
            _("This link has expired: a link is valid for %(days)d days. Ask the secretariat to send a new one.") % {"days": link_max_age().days},
            status=410, field="token",
        ) from None
    except signing.BadSignature:
        raise _link_invalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("n"), str):
        raise _link_invalid()
    appearances = Appearance.objects.select_related("person", "session__hall__venue", "session__edition")
    if for_update:
        appearances = appearances.select_for_update(of=("self",))
    appearance = appearances.filter(pk=data["a"]).first()
    if appearance is None:
        raise _link_invalid()
    if not appearance.link_nonce or not secrets.compare_digest(appearance.link_nonce, data["n"]):
        error = DomainError(
            "link_used",
            _("This link has already been used, or a newer invitation replaced it. The secretariat can send you a new link."),
            status=410, field="token",
        )
        error.appearance = appearance
        raise error
    return appearance


@contextmanager
def _audit_actor(actor):
    """auditlog's actor for what is saved inside: `actor` (an organizer), also outside a request (a
    task, the shell). auditlog's own context leaves its context variable set when it ends, so the
    value found before (an enclosing request's, or a leftover) is put back afterwards: an enclosing
    context still finds, and disconnects, its own receiver."""
    from auditlog.context import auditlog_value, set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def appearance_invite(appearance: Appearance, *, actor, language: str | None = None) -> Appearance:
    """Invite the person to the appearance: status invited, invited_at now, a new link (older ones
    stop working), and the email with the link queued in the outbox in the appearance's language
    (or `language`, which becomes the appearance's). An invited, declined or cancelled appearance
    may be invited again; a confirmed one is refused `already_confirmed`, a seeded one
    (appeared) `already_appeared`. A new invitation clears the previous answer's time and the
    reminders' (the audit log keeps them)."""
    if language is not None and language not in dict(settings.LANGUAGES):
        raise DomainError("unknown_language", _("There is no language %(language)s on this site.") % {"language": str(language)[:20]}, field="language")
    with transaction.atomic(), _audit_actor(actor):
        appearance = Appearance.objects.select_for_update(of=("self",)).select_related("person", "session__edition", "session__hall__venue").get(pk=appearance.pk)
        if appearance.status == AppearanceStatus.CONFIRMED:
            raise DomainError("already_confirmed", _("%(person)s has already confirmed this appearance.") % {"person": appearance.person}, status=409, field="status")
        if appearance.status == AppearanceStatus.APPEARED:
            raise DomainError("already_appeared", _("This appearance is history: %(person)s appeared in it.") % {"person": appearance.person}, status=409, field="status")
        if not appearance.person.email.strip():
            raise DomainError("no_email", _("%(person)s has no email address: add one before sending an invitation.") % {"person": appearance.person}, field="email")
        appearance.status = AppearanceStatus.INVITED
        appearance.invited_at = timezone.now()
        appearance.link_nonce = secrets.token_hex(16)
        appearance.responded_at = None
        appearance.reminded_at = None
        if language is not None:
            appearance.language = language
        appearance.save(update_fields=["status", "invited_at", "link_nonce", "responded_at", "reminded_at", "language"])
        invitation_email_queue(appearance, event="people.invitation")
    return appearance


def invite_person(
    session, *, role: str, email: str, name_zh: str = "", name_en: str = "", title_zh: str = "", title_en: str = "",
    affiliation_zh: str = "", affiliation_en: str = "", language: str = "zh-hans", actor,
) -> Appearance:
    """Invite someone by name and email to `role` in the agenda item (how a sub-forum's host
    organization invites its speakers; an organizer can too). The person is the one already on file
    with this email (case-insensitive; the caller learns nothing else of them), else a new one with
    these names. An appearance of theirs in this role is invited again (its printed title and
    affiliation updated where given); otherwise a new one is made, status invited. Then the email
    with the private link, as `appearance_invite`. Refusals, before anything is written:
    `unknown_role`, `person_has_no_name` (field name_zh), `invalid_email` (field email),
    `too_long`, `unknown_language`, `session_started` (409, field session: the item has begun),
    `already_confirmed` / `already_appeared` (409)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from .enums import Role

    if role not in Role.values:
        raise DomainError("unknown_role", _("There is no role %(role)s; choose one of the list.") % {"role": str(role)[:30]}, field="role")
    name_zh, name_en, email = name_zh.strip(), name_en.strip(), email.strip()
    if not (name_zh or name_en):
        raise DomainError("person_has_no_name", _("A person needs a name in Chinese or in English."), field="name_zh")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("invalid_email", _("Enter the speaker's email address, such as name@example.org: the invitation goes there."), field="email") from None
    printed = {k: v.strip() for k, v in {"title_zh": title_zh, "title_en": title_en, "affiliation_zh": affiliation_zh, "affiliation_en": affiliation_en}.items()}
    services._check_length(Person, {"name_zh": name_zh, "name_en": name_en, "email": email})
    services._check_length(Appearance, printed)
    if language not in dict(settings.LANGUAGES):
        raise DomainError("unknown_language", _("There is no language %(language)s on this site.") % {"language": str(language)[:20]}, field="language")
    if session_started(session):
        raise DomainError(
            "session_started", _("%(session)s has already started: nobody can be invited to it any more.") % {"session": session},
            status=409, field="session",
        )
    with transaction.atomic(), _audit_actor(actor):
        person = Person.objects.filter(email__iexact=email).order_by("pk").first()
        if person is None:
            person = Person.objects.create(name_zh=name_zh, name_en=name_en, email=email)
        appearance = Appearance.objects.filter(person=person, session=session, role=role).first()
        if appearance is None:
            appearance = services.appearance_upsert(
                person=person, session=session, role=role, status=AppearanceStatus.INVITED, language=language,
                **{k: v for k, v in printed.items() if v},
            )
        elif appearance.status not in (AppearanceStatus.CONFIRMED, AppearanceStatus.APPEARED):
            changed = [k for k, v in printed.items() if v and getattr(appearance, k) != v]
            for k in changed:
                setattr(appearance, k, printed[k])
            if changed:
                appearance.save(update_fields=changed)
        return appearance_invite(appearance, actor=actor, language=language)


def invitation_email_queue(appearance: Appearance, *, event: str = "people.invitation", key: str | None = None):
    """Queue the email with the appearance's private link (a fresh token for its current nonce) in
    the appearance's language; once per `key` (by default once per event and nonce). A reminder
    passes its own event and key."""
    session = appearance.session
    return outbox.queue(
        key=key or f"{event}:{appearance.pk}:{appearance.link_nonce}", event=event, to=[appearance.person.email],
        language=appearance.language, template="people/email/invitation",
        context={
            "appearance": appearance, "person": appearance.person, "session": session, "edition": session.edition,
            "link": speaker_link_url(appearance), "days": link_max_age().days, "secretariat": settings.DEFAULT_FROM_EMAIL,
        },
    )


# The speaker's answer.

def session_start(session) -> datetime | None:
    """From when a confirmation comes too late: the item's start, or, without clock time, the end
    of its date in Beijing; None for an item without a date."""
    if session.start is not None:
        return session.start
    if session.date is not None:
        return datetime.combine(session.date + timedelta(days=1), time(0), tzinfo=services.BEIJING)
    return None


def session_started(session, now: datetime | None = None) -> bool:
    start = session_start(session)
    return start is not None and (now or timezone.now()) >= start


def _grouped_mb(size: int) -> str:
    return f"{size // (1024 * 1024)}"


def photo_checked(upload) -> tuple[File, str]:
    """(the file, the stored name) of a photo, or `image_too_large` / `not_an_image`: at most
    MAX_PHOTO_BYTES, and an image Pillow reads and verifies as JPEG, PNG or WebP, whatever the
    name or the declared content type say."""
    from PIL import Image

    if upload.size > MAX_PHOTO_BYTES:
        raise DomainError(
            "image_too_large", _("The photo is %(size)s bytes; at most %(mb)s MB.") % {"size": f"{upload.size:,}", "mb": _grouped_mb(MAX_PHOTO_BYTES)},
            status=413, field="photo",
        )
    refusal = DomainError("not_an_image", _("The photo is not a JPEG, PNG or WebP image."), field="photo")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:  # verify() leaves the image unusable; a full decode catches truncation
            image.load()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds (OSError, SyntaxError, DecompressionBombError...)
        raise refusal from None
    if image_format not in PHOTO_FORMATS:
        raise refusal
    upload.seek(0)
    return upload, f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}"


def slides_checked(upload) -> tuple[File, str]:
    """(the file, the stored name) of slides, or `pdf_too_large` / `not_a_pdf`: at most
    MAX_SLIDES_BYTES, and the file starts with %PDF-."""
    if upload.size > MAX_SLIDES_BYTES:
        raise DomainError(
            "pdf_too_large", _("The slides are %(size)s bytes; at most %(mb)s MB.") % {"size": f"{upload.size:,}", "mb": _grouped_mb(MAX_SLIDES_BYTES)},
            status=413, field="slides",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise DomainError("not_a_pdf", _("The slides are not a PDF file."), field="slides")
    return upload, f"{uuid.uuid4().hex}.pdf"


def _check_bio(name: str, value: str) -> None:
    if len(value) > BIO_MAX:
        label = Person._meta.get_field(name).verbose_name
        raise DomainError("too_long", _("The %(field)s may hold %(max)d characters; this one has %(n)d.") % {"field": label, "max": BIO_MAX, "n": len(value)}, field=name)


def _delete_later(storage_file) -> None:
    """Delete a replaced file once the answer is committed."""
    name, storage = storage_file.name, storage_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def speaker_answer(
    token: str, *, answer: str, attendance_mode: str = "", title_zh: str = "", title_en: str = "",
    affiliation_zh: str = "", affiliation_en: str = "", bio_zh: str = "", bio_en: str = "",
    photo=None, slides=None, now: datetime | None = None,
) -> Appearance:
    """Record the speaker's answer through their link: confirm (through services.appearance_upsert's
    clash check) or decline, the printed title and affiliation, the bio, a photo and slides, and how
    they take part. The link's nonce changes: the link answers once."""
    now = now or timezone.now()
    if answer not in ANSWERS:
        raise DomainError("unknown_answer", _("Choose whether you confirm or decline."), field="answer")
    if attendance_mode and attendance_mode not in AttendanceMode.values:
        raise DomainError("unknown_attendance_mode", _("There is no way of taking part %(mode)s.") % {"mode": str(attendance_mode)[:20]}, field="attendance_mode")
    if answer == "confirm" and not attendance_mode:
        raise DomainError("attendance_mode_required", _("Say how you take part: on site, online or by video."), field="attendance_mode")
    bios = {"bio_zh": (bio_zh or "").strip(), "bio_en": (bio_en or "").strip()}
    for name, value in bios.items():
        _check_bio(name, value)
    photo_file = photo_checked(photo) if photo else None
    slides_file = slides_checked(slides) if slides else None
    with transaction.atomic():
        appearance = appearance_for_token(token, for_update=True)
        session = appearance.session
        if answer == "confirm" and session_started(session, now):
            raise DomainError(
                "session_started", _("%(session)s has already started: a participation can no longer be confirmed here. Please contact the secretariat.") % {"session": session},
                status=409, field="answer",
            )
        fields = {
            "title_zh": title_zh.strip(), "title_en": title_en.strip(), "affiliation_zh": affiliation_zh.strip(), "affiliation_en": affiliation_en.strip(),
            "attendance_mode": attendance_mode if answer == "confirm" else (attendance_mode or appearance.attendance_mode),
            "responded_at": now, "link_nonce": secrets.token_hex(16),
        }
        status = AppearanceStatus.CONFIRMED if answer == "confirm" else AppearanceStatus.DECLINED
        # A declined appearance keeps what it had; appearance_upsert skips the clash check unless it becomes shown.
        appearance = services.appearance_upsert(person=appearance.person, session=session, role=appearance.role, status=status, **fields)
        person: Person = appearance.person
        changed = [name for name, value in bios.items() if getattr(person, name) != value]
        for name in changed:
            setattr(person, name, bios[name])
        if photo_file is not None:
            if person.photo:
                _delete_later(person.photo)
            person.photo.save(photo_file[1], File(photo_file[0]), save=False)
            changed.append("photo")
        if changed:
            person.save(update_fields=changed)
        if slides_file is not None:
            if appearance.slides:
                _delete_later(appearance.slides)
            appearance.slides.save(slides_file[1], File(slides_file[0]), save=False)
            appearance.save(update_fields=["slides"])
    return appearance
