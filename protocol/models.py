"""Protocol (issue 23): delegations, invitation cards with replies, and seating plans.

The app sits above the domain apps it builds on (docs/architecture.md): a delegation's members
are registrations, its liaison a volunteer, an invitation card may name a person of the
programme. The gate reads only `registration.Invitation` (its reply and seat); this app keeps
that row in step with the card in the same transaction (protocol.services)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from wic.i18n import BilingualMixin

from .enums import CardStatus, DelegationKind, PlanLayout


class Delegation(BilingualMixin, models.Model):
    """A delegation: a country's government, an international organization, a company. Its head
    and members are registrations of the edition; `precedence` ranks it (lower first) wherever
    delegations are listed or seated; `languages` are the codes of volunteers.enums.Language its
    liaison must speak. The head's private page is reached by a signed link carrying `link_nonce`."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="delegations")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DelegationKind.choices)
    country = CountryField(_("country or region"), blank=True)
    precedence = models.PositiveIntegerField(_("precedence"), default=1000, help_text=_("Protocol rank: lower comes first."))
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Languages the delegation's liaison must speak."))
    head = models.ForeignKey(
        "registration.Registration", verbose_name=_("head of delegation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arrives_on = models.DateField(_("first day"), null=True, blank=True, help_text=_("Empty: the edition's first day."))
    departs_on = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty: the edition's last day."))
    liaison = models.ForeignKey(
        "volunteers.Volunteer", verbose_name=_("liaison"), null=True, blank=True, on_delete=models.SET_NULL, related_name="delegations"
    )
    liaison_shifts = models.ManyToManyField("volunteers.Shift", verbose_name=_("liaison's shifts"), blank=True, related_name="+")
    link_nonce = models.CharField(_("private link nonce"), max_length=32, blank=True, editable=False)
    notes = models.TextField(_("notes (organizers only)"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["edition", "precedence", "name_zh"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name_zh"], name="delegation_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=DelegationKind.values), name="delegation_known_kind"),
        ]

    def __str__(self) -> str:
        return self.name_zh


class DelegationMember(models.Model):
    """A registration in a delegation (one delegation per registration). An interpreter names the
    member they interpret for (`principal`): seating puts them side by side."""

    delegation = models.ForeignKey(Delegation, verbose_name=_("delegation"), on_delete=models.CASCADE, related_name="members")
    registration = models.OneToOneField(
        "registration.Registration", verbose_name=_("registration"), on_delete=models.CASCADE, related_name="delegation_membership"
    )
    is_interpreter = models.BooleanField(_("interpreter"), default=False)
    principal = models.ForeignKey(
        "self", verbose_name=_("interprets for"), null=True, blank=True, on_delete=models.SET_NULL, related_name="interpreters"
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["delegation", "sort_order", "id"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")

    def __str__(self) -> str:
        return str(self.registration)


class InvitationItem(models.Model):
    """An invitation-only agenda item run with invitation cards (banquet, closed-door meeting,
    ministerial meeting, the main forum's front rows). Replies close at `rsvp_deadline`; a
    `transferable` invitation lets the invitee propose a substitute (an organizer approves)."""

    session = models.OneToOneField("agenda.Session", verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="protocol_item")
    rsvp_deadline = models.DateTimeField(_("replies close"), null=True, blank=True, help_text=_("Empty: replies close when the item starts."))
    transferable = models.BooleanField(_("substitutes allowed"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation-only item")
        verbose_name_plural = _("invitation-only items")

    def __str__(self) -> str:
        return str(self.session)


class InvitationCard(models.Model):
    """One invitation card: an item's invitation to a registration (or, before they register, a
    person of the programme), sent by email with a private RSVP link. `delegation` records that
    it was sent to the delegation as a whole. Cards of registrations are mirrored, reply and seat,
    in `registration.Invitation`, which the gate reads."""

    item = models.ForeignKey(InvitationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="cards")
    registration = models.ForeignKey(
        "registration.Registration", verbose_name=_("registration"), null=True, blank=True, on_delete=models.CASCADE, related_name="invitation_cards"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="invitation_cards")
    delegation = models.ForeignKey(Delegation, verbose_name=_("delegation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="cards")
    status = models.CharField(_("status"), max_length=20, choices=CardStatus.choices, default=CardStatus.INVITED)
    language = models.CharField(_("language of the card"), max_length=10, choices=[("zh-hans", "中文"), ("en", "English")], default="zh-hans")
    link_nonce = models.CharField(_("private link nonce"), max_length=32, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    substitute_name = models.CharField(_("substitute's name"), max_length=200, blank=True)
    substitute_email = models.EmailField(_("substitute's email"), blank=True)
    substitute_title = models.CharField(_("substitute's title"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self", verbose_name=_("in place of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="substitute_card"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("substitute decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("substitute decided at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("invitation card")
        verbose_name_plural = _("invitation cards")
        constraints = [
            models.CheckConstraint(condition=Q(registration__isnull=False) | Q(person__isnull=False), name="card_names_an_invitee"),
            models.CheckConstraint(condition=Q(status__in=CardStatus.values), name="card_known_status"),
            models.UniqueConstraint(fields=["item", "registration"], condition=Q(registration__isnull=False), name="card_once_per_registration"),
            models.UniqueConstraint(fields=["item", "person"], condition=Q(person__isnull=False), name="card_once_per_person"),
        ]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self) -> str:
        return f"{self.item} · {self.registration or self.person}"


class SeatingPlan(models.Model):
    """The seating of an invitation-only item: round tables or theatre rows (SeatBlock), each
    with numbered seats."""

    item = models.OneToOneField(InvitationItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="plan")
    layout = models.CharField(_("layout"), max_length=10, choices=PlanLayout.choices)
    capacity = models.PositiveIntegerField(
        _("hall capacity"), null=True, blank=True, help_text=_("Seats the hall holds; the plan may not have more. Empty: not known.")
    )

    class Meta:
        verbose_name = _("seating plan")
        verbose_name_plural = _("seating plans")

    def __str__(self) -> str:
        return str(self.item)


class SeatBlock(models.Model):
    """A table (round, `seats` around it) or a row (numbered seats left to right). The head
    table(s) are seated first, by precedence."""

    plan = models.ForeignKey(SeatingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="blocks")
    label = models.CharField(_("table or row"), max_length=40)
    seats = models.PositiveSmallIntegerField(_("seats"))
    is_head = models.BooleanField(_("head table or front row"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "sort_order", "id"]
        verbose_name = _("table or row")
        verbose_name_plural = _("tables and rows")
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="seat_block_unique_label"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="seat_block_has_seats"),
        ]

    def __str__(self) -> str:
        return self.label


class SeatAssignment(models.Model):
    """A card's seat: block and seat number. No seat holds two people, no card two seats
    (database constraints); protocol.seating moves people."""

    plan = models.ForeignKey(SeatingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments")
    block = models.ForeignKey(SeatBlock, verbose_name=_("table or row"), on_delete=models.CASCADE, related_name="assignments")
    number = models.PositiveSmallIntegerField(_("seat"))
    card = models.OneToOneField(InvitationCard, verbose_name=_("invitation card"), on_delete=models.CASCADE, related_name="seat")

    class Meta:
        ordering = ["plan", "block", "number"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["block", "number"], name="seat_holds_one_person"),
            models.CheckConstraint(condition=Q(number__gte=1), name="seat_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.block.label}-{self.number}"
