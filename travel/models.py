"""Travel and stay (issue 24): visa invitation letters, arrivals and pickups, hotels.

A guest asks for a letter from their private registration page; organizers with the visa
permission approve or refuse it; an approved letter is a bilingual PDF with a reference number and
a verification code, whose QR opens a public page where a consulate checks that the letter is
genuine and still valid. The passport number and date of birth are encrypted at rest
(wic.crypto.EncryptedTextField) and erased 30 days after the edition ends (`passport_erased_at`),
or by the personal-data erasure. The app sits above registration (docs/architecture.md)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from wic.crypto import EncryptedTextField
from wic.i18n import BilingualMixin

from .enums import Direction, Hub, LetterStatus, MealKind, TravelMode


class VisaLetter(models.Model):
    """One letter request of a registration (at most one that is not refused or revoked). The
    name is as printed in the passport; `stay_from`-`stay_until` the dates of stay the letter
    states; `apply_at` the embassy or consulate where the guest applies. `reference` (printed on
    the letter) and `verify_code` (the public page's address) are set on approval."""

    registration = models.ForeignKey("registration.Registration", verbose_name=_("registration"), on_delete=models.CASCADE, related_name="visa_letters")
    passport_name = models.CharField(_("name as in the passport"), max_length=200)
    nationality = CountryField(_("nationality"))
    passport_number = EncryptedTextField(_("passport number"), blank=True)
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True, help_text=_("YYYY-MM-DD"))
    passport_expires_on = models.DateField(_("passport expiry date"), null=True, blank=True)
    apply_at = models.CharField(_("embassy or consulate where you apply"), max_length=200)
    stay_from = models.DateField(_("arrival in China"))
    stay_until = models.DateField(_("departure from China"))
    status = models.CharField(_("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REQUESTED)
    reference = models.CharField(_("reference"), max_length=32, blank=True)
    verify_code = models.CharField(_("verification code"), max_length=32, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)
    passport_erased_at = models.DateTimeField(_("passport data erased at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    class Meta:
        verbose_name = _("visa invitation letter")
        verbose_name_plural = _("visa invitation letters")
        ordering = ["-requested_at", "-pk"]
        permissions = [("view_passport", _("Can see passport numbers and dates of birth"))]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(status__in=["requested", "approved"]), name="travel_one_live_letter_per_registration",
            ),
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="travel_letter_reference_unique"),
            models.UniqueConstraint(fields=["verify_code"], condition=~Q(verify_code=""), name="travel_letter_verify_code_unique"),
            models.CheckConstraint(condition=Q(stay_until__gte=models.F("stay_from")), name="travel_letter_stay_in_order"),
        ]

    def __str__(self):
        return f"{self.reference or self.get_status_display()} · {self.passport_name}"


# -- arrivals and pickups -------------------------------------------------------------------------

class TravelLeg(models.Model):
    """A guest's arrival or departure: the hub, the flight or train number and its scheduled time
    (aware, shown in Beijing time), and whether they need the summit's car. One of each direction
    per registration. `delayed_to` is the time a guest reported after their pickup was planned."""

    registration = models.ForeignKey("registration.Registration", verbose_name=_("registration"), on_delete=models.CASCADE, related_name="travel_legs")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    mode = models.CharField(_("travelling by"), max_length=10, choices=TravelMode.choices)
    number = models.CharField(_("flight or train number"), max_length=16, blank=True)
    hub = models.CharField(_("airport or station"), max_length=40, choices=Hub.choices)
    scheduled_at = models.DateTimeField(_("scheduled time"))
    delayed_to = models.DateTimeField(_("reported new time"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1, help_text=_("The guest and whoever travels with them (an assistant)."))
    needs_pickup = models.BooleanField(_("needs a pickup"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("arrival or departure")
        verbose_name_plural = _("arrivals and departures")
        ordering = ["scheduled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "direction"], name="travel_one_leg_per_direction"),
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=9), name="travel_leg_seats_1_to_9"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} · {self.number or self.get_mode_display()} · {self.get_hub_display()}"

    @property
    def expected_at(self):
        return self.delayed_to or self.scheduled_at


class PickupRun(models.Model):
    """One vehicle run from a hub to Wuzhen, as travel.pickups planned it: `number` is the run's
    number in the edition's plan (the driver's sign and the manifest), kept when a re-plan changes
    the run. `departs_at` is the latest arrival of its guests."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="pickup_runs")
    number = models.PositiveIntegerField(_("run number"))
    hub = models.CharField(_("airport or station"), max_length=40, choices=Hub.choices)
    departs_at = models.DateTimeField(_("departs at"))
    vehicle = models.CharField(_("vehicle"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("seats in the vehicle"))
    vip = models.BooleanField(_("VIP car"), default=False)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    # The run's boarding list in the check-in engine (registration.checkin, a roster list): made
    # when someone first opens the run's boarding scan (travel.boarding.boarding_list).
    checkin_list = models.OneToOneField(
        "registration.CheckinList", verbose_name=_("boarding list"), null=True, blank=True, on_delete=models.SET_NULL, related_name="pickup_run", editable=False
    )

    class Meta:
        verbose_name = _("pickup run")
        verbose_name_plural = _("pickup runs")
        ordering = ["departs_at", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="travel_run_number_unique_per_edition")]

    def __str__(self):
        return f"#{self.number} · {self.get_hub_display()} · {self.vehicle}"


class PickupSeat(models.Model):
    """A guest's arrival in a run: every planned arrival is in exactly one run (OneToOne)."""

    run = models.ForeignKey(PickupRun, verbose_name=_("pickup run"), on_delete=models.CASCADE, related_name="seats")
    leg = models.OneToOneField(TravelLeg, verbose_name=pgettext_lazy("travel direction", "arrival"), on_delete=models.CASCADE, related_name="pickup")
    boarded_at = models.DateTimeField(_("boarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("seat in a pickup run")
        verbose_name_plural = _("seats in pickup runs")

    def __str__(self):
        return f"{self.run} · {self.leg.registration_id}"


# -- hotels ----------------------------------------------------------------------------------------

class Hotel(BilingualMixin, models.Model):
    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="hotels")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("reservations email"), blank=True, help_text=_("Where rooming lists and changes are sent."))

    class Meta:
        verbose_name = _("hotel")
        verbose_name_plural = _("hotels")
        ordering = ["edition", "name_zh"]

    def __str__(self):
        return self.name_zh


class RoomBlock(BilingualMixin, models.Model):
    """Rooms of one type held at a hotel for the nights first_night..last_night (each night is the
    date the guest goes to sleep), `rooms` of them, each for up to `guests_per_room`."""

    hotel = models.ForeignKey(Hotel, verbose_name=_("hotel"), on_delete=models.CASCADE, related_name="blocks")
    room_type_zh = models.CharField(_("room type (Chinese)"), max_length=100)
    room_type_en = models.CharField(_("room type (English)"), max_length=100, blank=True)
    rooms = models.PositiveIntegerField(_("rooms"))
    guests_per_room = models.PositiveSmallIntegerField(_("guests per room"), default=1)
    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))

    class Meta:
        verbose_name = _("room block")
        verbose_name_plural = _("room blocks")
        ordering = ["hotel", "first_night", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_night__gte=models.F("first_night")), name="travel_block_nights_in_order"),
            models.CheckConstraint(condition=Q(guests_per_room__gte=1, guests_per_room__lte=4), name="travel_block_guests_per_room_1_to_4"),
        ]

    def __str__(self):
        return f"{self.hotel} · {self.room_type_zh}"


class RoomStay(models.Model):
    """A guest's stay in a room of a block, nights first_night..last_night. `room_number` is the
    room within the block (1..rooms); two guests share a room only if both consented
    (`shares_room`). The nights are held in RoomNight rows, whose unique constraint makes
    overbooking impossible even if two organizers allocate at once."""

    block = models.ForeignKey(RoomBlock, verbose_name=_("room block"), on_delete=models.CASCADE, related_name="stays")
    registration = models.ForeignKey("registration.Registration", verbose_name=_("registration"), on_delete=models.CASCADE, related_name="room_stays")
    room_number = models.PositiveIntegerField(_("room"))
    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))
    shares_room = models.BooleanField(_("agrees to share the room"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hotel stay")
        verbose_name_plural = _("hotel stays")
        ordering = ["block", "room_number", "first_night"]
        constraints = [models.CheckConstraint(condition=Q(last_night__gte=models.F("first_night")), name="travel_stay_nights_in_order")]

    def __str__(self):
        return f"{self.block} · {self.room_number} · {self.first_night}–{self.last_night}"


class RoomNight(models.Model):
    """One bed-night: the unique (block, room, night, bed) is the database's guard against
    overbooking; `bed` is 1..guests_per_room."""

    stay = models.ForeignKey(RoomStay, on_delete=models.CASCADE, related_name="nights")
    block = models.ForeignKey(RoomBlock, on_delete=models.CASCADE, related_name="+")
    room_number = models.PositiveIntegerField()
    night = models.DateField()
    bed = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["block", "room_number", "night", "bed"], name="travel_one_guest_per_bed_night")]


# -- meals -----------------------------------------------------------------------------------------

class Meal(BilingualMixin, models.Model):
    """A meal served to the summit's guests on one day, at a venue or at a hotel (travel.meals
    counts who eats it, by dietary need). A meal with an agenda item (a banquet) is for the
    guests who accepted their invitation to it; a hotel's meal for the guests sleeping there; a
    venue's meal for every approved guest on site that day."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="meals")
    day = models.DateField(_("day"))
    kind = models.CharField(_("meal"), max_length=10, choices=MealKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    venue = models.ForeignKey("agenda.Venue", verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    hotel = models.ForeignKey(Hotel, verbose_name=_("hotel"), null=True, blank=True, on_delete=models.CASCADE, related_name="meals")
    session = models.ForeignKey(
        "agenda.Session", verbose_name=_("invitation-only agenda item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("For a banquet: the guests who accepted their invitation to this item are counted."),
    )

    class Meta:
        verbose_name = _("meal")
        verbose_name_plural = _("meals")
        ordering = ["edition", "day", "starts_at", "pk"]
        constraints = [
            # Served at a venue or at a hotel, not both; a banquet (an agenda item) at a venue.
            models.CheckConstraint(condition=Q(venue__isnull=False, hotel__isnull=True) | Q(venue__isnull=True, hotel__isnull=False, session__isnull=True), name="travel_meal_at_venue_or_hotel"),
        ]

    def __str__(self):
        return f"{self.day} · {self.name_zh}"


# -- shuttles --------------------------------------------------------------------------------------

class ShuttleLoop(BilingualMixin, models.Model):
    """A shuttle bus loop between hotels and the venues, run every `every_minutes` from
    `first_departure` to `last_departure` (Beijing time) on the days first_day..last_day. Its
    stops (ShuttleStop) are reached `minutes` after each departure; travel.shuttles builds the
    timetable."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="shuttle_loops")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    first_departure = models.TimeField(_("first departure"))
    last_departure = models.TimeField(_("last departure"))
    every_minutes = models.PositiveSmallIntegerField(_("every (minutes)"))

    class Meta:
        verbose_name = _("shuttle loop")
        verbose_name_plural = _("shuttle loops")
        ordering = ["edition", "name_zh"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="travel_shuttle_days_in_order"),
            models.CheckConstraint(condition=Q(last_departure__gte=models.F("first_departure")), name="travel_shuttle_times_in_order"),
            models.CheckConstraint(condition=Q(every_minutes__gte=5, every_minutes__lte=240), name="travel_shuttle_every_5_to_240_minutes"),
        ]

    def __str__(self):
        return self.name_zh


class ShuttleStop(BilingualMixin, models.Model):
    """A stop of a loop: a hotel, a venue, or a named place (name_zh/name_en), reached `minutes`
    after the loop's departure from its first stop (0)."""

    loop = models.ForeignKey(ShuttleLoop, verbose_name=_("shuttle loop"), on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(_("order"))
    minutes = models.PositiveSmallIntegerField(_("minutes after departure"))
    hotel = models.ForeignKey(Hotel, verbose_name=_("hotel"), null=True, blank=True, on_delete=models.CASCADE, related_name="shuttle_stops")
    venue = models.ForeignKey("agenda.Venue", verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True, help_text=_("For a stop that is neither a hotel nor a venue."))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shuttle stop")
        verbose_name_plural = _("shuttle stops")
        ordering = ["loop", "position"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "position"], name="travel_shuttle_stop_position_unique"),
            models.CheckConstraint(
                condition=Q(hotel__isnull=False, venue__isnull=True) | Q(hotel__isnull=True, venue__isnull=False) | Q(hotel__isnull=True, venue__isnull=True, name_zh__gt=""),
                name="travel_shuttle_stop_is_one_place",
            ),
        ]

    def __str__(self):
        return f"{self.loop} · {self.position}"
