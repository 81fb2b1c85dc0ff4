"""Guest registrations for an edition. Status changes only through registration.services."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from wic.i18n import BilingualMixin

from .enums import DECISIONS, Diet, GuestCategory, Participation, RegistrationStatus


class Registration(models.Model):
    """A guest's registration for one edition.

    What must hold: one registration per email and edition (case-insensitive, a database
    constraint); `consent` is true; `token` is the secret of the guest's own page (linked from the
    emails), `reference` the short code the guest quotes to the secretariat.
    """

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations")
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    token = models.CharField(_("page secret"), max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    organization_name = models.CharField(_("organization"), max_length=200)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    country = CountryField(_("country or region"))
    category = models.CharField(_("category"), max_length=30, choices=GuestCategory.choices)
    participation = models.CharField(_("participation"), max_length=20, choices=Participation.choices)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    needs_visa_letter = models.BooleanField(_("needs a visa invitation letter"), default=False)
    needs_accommodation = models.BooleanField(_("needs accommodation"), default=False)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    diet = models.CharField(_("dietary needs"), max_length=12, choices=Diet.choices, blank=True, default="")
    allergies = models.CharField(_("food allergies"), max_length=200, blank=True, help_text=_("Such as: peanuts, shellfish. The kitchens read it."))
    consent = models.BooleanField(_("consented to the privacy notice"), default=False)
    language = models.CharField(_("guest's language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))
    notified_status = models.CharField(_("guest told of"), max_length=20, blank=True, editable=False)
    created = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(Lower("email"), "edition", name="registration_one_per_email_and_edition"),
            models.CheckConstraint(condition=models.Q(consent=True), name="registration_requires_consent"),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def awaits_credential(self) -> bool:
        """On site and still waiting for a decision that may approve it (approval issues the credential)."""
        return self.participation == Participation.ON_SITE and RegistrationStatus.APPROVED in DECISIONS.get(self.status, ())


class Credential(models.Model):
    """An approved on-site guest's credential: a random secret shown as a QR code.

    What must hold: at most one active (not revoked) credential per registration, a database
    constraint backing it. Revoking keeps the row, so the old secret scans as `revoked`.
    """

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="credentials")
    secret = models.CharField(_("secret"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revoked by"))
    # The printable badge (PDF), rendered by a Celery task after issue. MEDIA_ROOT is never
    # served as such: the guest downloads it from their own page, organizers from the admin.
    badge = models.FileField(_("badge (PDF)"), upload_to="badges/%Y/", blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=models.Q(revoked_at__isnull=True), name="credential_one_active_per_registration"),
        ]

    def __str__(self) -> str:
        state = _("Revoked") if self.revoked_at else _("Active")
        return f"{self.registration.reference} · {state}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def grouped_secret(self) -> str:
        """The secret as a person reads and types it: in groups of four ("ABCD EFGH …"). The gate
        accepts it with any grouping (registration.checkin.typed_secret)."""
        return group_code(self.secret)


def group_code(code: str, size: int = 4) -> str:
    return " ".join(code[i:i + size] for i in range(0, len(code), size))


class CheckinList(BilingualMixin, models.Model):
    """Where credentials are scanned: a day's main gate, or an invitation-only agenda item.
    A credential is admitted once per list; exits may be scanned on gate lists."""

    GATE, ITEM, ROSTER = "gate", "item", "roster"
    KINDS = [(GATE, _("Main gate of a day")), (ITEM, _("Invitation-only item")), (ROSTER, _("Guest list kept by another part of the app"))]

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="checkin_lists")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    day = models.DateField(_("day"), null=True, blank=True)
    session = models.ForeignKey("agenda.Session", verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.CASCADE, related_name="checkin_lists")
    # For a roster list: which app's roster decides who belongs (a wic.contrib.CheckinRoster's key,
    # such as "pickup_run"); the app keeps the list's guests (travel: a pickup run's seats).
    roster = models.CharField(_("roster"), max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["edition", "kind", "day", "id"]
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="gate", day__isnull=False, session__isnull=True, roster="")
                | models.Q(kind="item", session__isnull=False, roster="")
                | models.Q(kind="roster", session__isnull=True, roster__gt=""),
                name="checkin_list_gate_has_day_item_has_session",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh


class Invitation(models.Model):
    """An approved guest invited to an invitation-only agenda item: what the item's check-in list
    reads. The gate admits the guest only when `rsvp` is accepted; an invitation an organizer adds
    here directly is accepted, one sent as an invitation card (the protocol app) awaits the guest's
    reply until they answer. The seat is the one the item's seating plan gives (written by the
    protocol app when it seats or moves the guest), so the gate's answer can name it without
    another query."""

    ACCEPTED, AWAITING, DECLINED = "accepted", "awaiting", "declined"
    RSVP = [(ACCEPTED, _("Accepted")), (AWAITING, _("Awaiting reply")), (DECLINED, _("Declined"))]
    TABLE, ROW = "table", "row"
    SEAT_KINDS = [(TABLE, _("Table")), (ROW, _("Row"))]

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="invitations")
    session = models.ForeignKey("agenda.Session", verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="invitations")
    rsvp = models.CharField(_("reply"), max_length=10, choices=RSVP, default=ACCEPTED)
    seat_kind = models.CharField(_("seated at"), max_length=5, choices=SEAT_KINDS, blank=True, editable=False)
    seat_block = models.CharField(_("table or row"), max_length=40, blank=True, editable=False)
    seat_number = models.PositiveSmallIntegerField(_("seat"), null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="invitation_once"),
            models.CheckConstraint(condition=models.Q(rsvp__in=["accepted", "awaiting", "declined"]), name="invitation_known_rsvp"),
        ]

    def seat_label(self) -> str:
        return seat_label(self.seat_kind, self.seat_block, self.seat_number)


def seat_label(kind: str, block: str, number) -> str:
    """"Table 3 · seat 5" / "Row B · seat 12" in the active language; "" without a seat."""
    if not kind or number is None:
        return ""
    if kind == Invitation.TABLE:
        return _("Table %(block)s · seat %(number)s") % {"block": block, "number": number}
    return _("Row %(block)s · seat %(number)s") % {"block": block, "number": number}


class Checkin(models.Model):
    """Every scan, refused ones too: list, credential, result, when, by whom, at which gate, from which device.

    What must hold: one admitted entry per credential and list (a database constraint); a
    client's nonce is unique, so a retried scan returns the first answer and writes nothing.
    """

    ENTRY, EXIT = "entry", "exit"
    TYPES = [(ENTRY, _("Entry")), (EXIT, _("Exit"))]

    checkin_list = models.ForeignKey(CheckinList, verbose_name=_("check-in list"), on_delete=models.CASCADE, related_name="checkins")
    credential = models.ForeignKey(Credential, verbose_name=_("credential"), null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins")
    raw_secret = models.CharField(_("scanned code"), max_length=100)
    nonce = models.CharField(_("client nonce"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=TYPES, default=ENTRY)
    result = models.CharField(_("result"), max_length=30)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gate staff"), null=True, on_delete=models.SET_NULL, related_name="+")
    gate = models.CharField(
        _("gate"), max_length=100, blank=True,
        help_text=_("The entrance the scan was made at, as gate staff named it on the check-in page (for example 东门 2 / East gate 2)."),
    )
    device = models.CharField(_("device"), max_length=100, blank=True)
    reconciled_at = models.DateTimeField(
        _("reconciled"), null=True, blank=True,
        help_text=_("Set when an earlier scan, uploaded later from an offline phone, took this admission's place."),
    )

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [
            models.UniqueConstraint(
                fields=["checkin_list", "credential"], condition=models.Q(result="ok", type="entry"), name="checkin_one_admission_per_list"
            )
        ]
        indexes = [models.Index(fields=["checkin_list", "result"])]
