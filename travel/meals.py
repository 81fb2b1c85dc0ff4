"""Meals (issue 24): the guests' dietary needs, and how many eat each meal, by need. The guest's
page, the admin, the kitchen sheet and the dashboard call these; each refusal is a DomainError
with a stable code and the field it names, and nothing saved changes on a refusal.

Who eats a meal. Only APPROVED registrations of the meal's edition taking part ON_SITE count:
- a banquet (a meal with an agenda item, `session`): the guests whose invitation to that item
  (registration.Invitation, which protocol's invitation cards write) is accepted. Nobody else: an
  invitation awaiting a reply or declined is not a seat at the table.
- a hotel's meal: the guests with a bed-night (RoomNight) at that hotel, in any of its blocks, on
  the night before the meal's day for a breakfast (they wake up there), on the night of the day for
  a lunch or a dinner.
- a venue's meal (no agenda item): every guest present on the day, from the Beijing date of their
  arrival to that of their departure, both included (TravelLeg, the reported new time if any). A
  missing departure means until the edition's last day, a missing arrival from its first day, so a
  guest who gave neither is counted on every day of the edition (the kitchens need the upper
  bound); one who has no hotel night either is also counted in `unknown_dates` (hotel nights do not
  move the dates: they only tell that the guest's stay is known to the secretariat). A day outside
  the edition's dates therefore counts only the guests whose travel covers it.

`meal_counts(edition)` counts every meal of an edition in at most four queries whatever the number
of meals and guests (the meals; the guests with their arrival, departure and whether they sleep in
a hotel; the hotel nights, only if a hotel serves one of the meals; the accepted invitations, only
if one is a banquet); `counts_for(meals)` the same for any meals (an admin page). `kitchen_rows(meal)`
lists the guests of one meal with a diet or an allergy, for the kitchen sheet.

Refusals:
  `unknown_diet` (diet)            not one of registration.enums.Diet
  `too_long` (allergies)           more than 200 characters
  `invalid_characters` (allergies) a NUL, a broken character or a control character
  `not_eligible` (409, registration) a rejected registration
and for a meal (`meal_check`, the admin's form): `unknown_kind` (kind), `place_required` (venue),
`two_places` (hotel), `banquet_at_hotel` (session), `hotel_other_edition` (hotel),
`session_other_edition` (session), `edition_has_no_dates` (409, day), `day_out_of_range` (day: more
than 7 days before the edition's first day or after its last), `times_out_of_order` (ends_at)."""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from registration.enums import Diet, Participation, RegistrationStatus
from registration.models import Invitation, Registration
from wic.display import BEIJING
from wic.errors import DomainError
from wic.i18n import pick
from wic.inputs import unreadable

from .enums import Direction, MealKind
from .models import Meal, RoomNight, RoomStay, TravelLeg

ALLERGIES_MAX = 200  # Registration.allergies' max_length
RANGE = timedelta(days=7)  # how far before the first day, or after the last, a meal may be
KIND_ORDER = {kind: index for index, kind in enumerate(MealKind.values)}
DIET_ORDER = {value: index for index, value in enumerate([*Diet.values[1:], Diet.NONE])}  # special diets first


# -- the guest's dietary needs ------------------------------------------------------------------------


def diet_label(value: str) -> str:
    """The diet's name in the active language ("" for an unknown value)."""
    return str(Diet(value).label) if value in Diet.values else ""


def shows_diet(registration: Registration) -> bool:
    """Whether the guest's page offers the dietary needs: a guest coming to Wuzhen (online guests
    eat at home) whose registration is not rejected."""
    return registration.participation == Participation.ON_SITE and registration.status != RegistrationStatus.REJECTED


def clean_diet(value) -> str:
    diet = str(value if value is not None else "").strip()
    if diet not in Diet.values:
        raise DomainError(
            "unknown_diet", _("Choose your dietary needs from the list: %(choices)s.") % {"choices": ", ".join(str(label) for label in Diet.labels)},
            field="diet",
        )
    return diet


def clean_allergies(value) -> str:
    """The allergies as typed, trimmed, runs of spaces and line breaks made one space (the kitchen
    sheet holds one line per guest). Refused: a NUL, a broken character or any other control
    character (`invalid_characters`), more than ALLERGIES_MAX characters (`too_long`)."""
    text = str(value if value is not None else "")
    if unreadable(text) or any(unicodedata.category(c) == "Cc" and not c.isspace() for c in text):
        raise DomainError(
            "invalid_characters", _("Your food allergies hold a character that cannot be stored (a control character): type them as plain text."),
            field="allergies",
        )
    text = " ".join(text.split())
    if len(text) > ALLERGIES_MAX:
        raise DomainError(
            "too_long", _("Shorten your food allergies to %(limit)s characters at most (now %(count)s).") % {"limit": ALLERGIES_MAX, "count": len(text)},
            field="allergies",
        )
    return text


def diet_save(registration: Registration, *, diet, allergies) -> Registration:
    """The guest's dietary needs (a Diet value, "" for none) and food allergies (free text), from
    their page. The registration's row is locked, so a rejection decided meanwhile is seen
    (`not_eligible`); the values are checked before anything is written."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == RegistrationStatus.REJECTED:
            raise DomainError(
                "not_eligible", _("Your registration was not accepted, so the secretariat does not plan meals for you."), status=409, field="registration",
            )
        locked.diet, locked.allergies = clean_diet(diet), clean_allergies(allergies)
        locked.save(update_fields=["diet", "allergies"])
    registration.diet, registration.allergies = locked.diet, locked.allergies
    return locked


@dataclass(frozen=True)
class DietSection:
    """What the guest's page shows of their dietary needs (contrib_meals)."""

    diet: str
    diet_label: str
    allergies: str


def diet_section(registration: Registration, request=None) -> DietSection | None:
    """The "Meals" section of the guest's registration page: their needs as saved; None for a
    guest taking part online or a rejected registration. No query."""
    if not shows_diet(registration):
        return None
    return DietSection(diet=registration.diet, diet_label=diet_label(registration.diet), allergies=registration.allergies)


# -- a meal's checks (the admin's form) ------------------------------------------------------------------


def meal_check(*, edition, day: date, kind: str, venue=None, hotel=None, session=None, starts_at: time | None = None, ends_at: time | None = None) -> None:
    """Whether a meal may be saved so (a new meal or a change): served at a venue or at a hotel,
    not both; a banquet's agenda item only at a venue; the hotel and the item of the meal's
    edition; the day within RANGE of the edition's days; the end after the start. What the
    database's check constraint refuses is refused here first, naming the field."""
    if kind not in MealKind.values:
        raise DomainError("unknown_kind", _("Choose the meal: breakfast, lunch, dinner or banquet."), field="kind")
    if venue is None and hotel is None:
        raise DomainError("place_required", _("Choose where the meal is served: a venue or a hotel."), field="venue")
    if venue is not None and hotel is not None:
        raise DomainError("two_places", _("A meal is served at a venue or at a hotel, not both: clear one of them."), field="hotel")
    if session is not None and hotel is not None:
        raise DomainError(
            "banquet_at_hotel", _("A banquet with an invitation-only agenda item is served at a venue: choose the venue instead of the hotel, or clear the agenda item."),
            field="session",
        )
    if hotel is not None and hotel.edition_id != edition.pk:
        raise DomainError("hotel_other_edition", _("%(hotel)s is a hotel of another edition.") % {"hotel": pick(hotel, "name")}, field="hotel")
    if session is not None and session.edition_id != edition.pk:
        raise DomainError("session_other_edition", _("“%(item)s” is an agenda item of another edition.") % {"item": pick(session, "title")}, field="session")
    if not edition.has_dates:
        raise DomainError("edition_has_no_dates", _("The edition's dates are not known yet: give them before planning its meals."), status=409, field="day")
    if day < edition.start_date - RANGE or day > edition.end_date + RANGE:
        raise DomainError(
            "day_out_of_range",
            _("The summit runs from %(first)s to %(last)s: a meal's day may be at most %(days)s days before or after.")
            % {"first": edition.start_date.isoformat(), "last": edition.end_date.isoformat(), "days": RANGE.days},
            field="day",
        )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise DomainError(
            "times_out_of_order", _("The meal ends (%(end)s) before it starts (%(start)s).") % {"start": starts_at.strftime("%H:%M"), "end": ends_at.strftime("%H:%M")},
            field="ends_at",
        )


def place_name(meal: Meal) -> str:
    """Where the meal is served, in the active language (the venue or the hotel loaded)."""
    place = meal.venue if meal.venue_id else meal.hotel
    return pick(place, "name") if place is not None else ""


def time_text(meal: Meal) -> str:
    """"07:00–09:30", "07:00", or "" (Beijing time, as every time of the summit)."""
    if meal.starts_at and meal.ends_at:
        return f"{meal.starts_at:%H:%M}–{meal.ends_at:%H:%M}"
    return f"{meal.starts_at:%H:%M}" if meal.starts_at else ""


# Where a meal has no time, the time it is placed at in a day's list.
USUAL_TIMES = {MealKind.BREAKFAST: time(7, 0), MealKind.LUNCH: time(12, 0), MealKind.DINNER: time(18, 0), MealKind.BANQUET: time(19, 0)}


def meal_order(meal: Meal) -> tuple:
    """Day, then time (a meal without one at its kind's usual time), then the kind's order: the
    same on every database (SQLite and PostgreSQL sort NULL times apart)."""
    return (meal.day, meal.starts_at or USUAL_TIMES.get(meal.kind, time.max), KIND_ORDER.get(meal.kind, 99), meal.pk)


# -- who eats ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Guest:
    """An approved on-site guest as the counts read them: dates in Beijing time (None where no leg)."""

    pk: int
    edition_id: int
    name: str
    name_zh: str
    organization: str
    diet: str
    allergies: str
    arrives: date | None
    leaves: date | None
    sleeps: bool  # has a hotel stay

    @property
    def dates_unknown(self) -> bool:
        return self.arrives is None and self.leaves is None and not self.sleeps


def _expected(direction: str) -> Subquery:
    legs = TravelLeg.objects.filter(registration=OuterRef("pk"), direction=direction).annotate(at=Coalesce("delayed_to", "scheduled_at"))
    return Subquery(legs.values("at")[:1])


def _day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, BEIJING).date() if moment is not None else None


def eligible_guests(edition_ids) -> list[Guest]:
    """The approved on-site guests of these editions, with their arrival and departure dates and
    whether they have a hotel stay. One query."""
    rows = (
        Registration.objects.filter(edition_id__in=list(edition_ids), status=RegistrationStatus.APPROVED, participation=Participation.ON_SITE)
        .annotate(arrives_at=_expected(Direction.ARRIVAL), leaves_at=_expected(Direction.DEPARTURE), sleeps=Exists(RoomStay.objects.filter(registration=OuterRef("pk"))))
        .values_list("pk", "edition_id", "name", "name_zh", "organization_name", "diet", "allergies", "arrives_at", "leaves_at", "sleeps")
        .order_by("pk")
    )
    return [
        Guest(pk, edition_id, name, name_zh, organization, diet, allergies, _day(arrives), _day(leaves), bool(sleeps))
        for pk, edition_id, name, name_zh, organization, diet, allergies, arrives, leaves, sleeps in rows
    ]


def sleepers_night(meal: Meal) -> date:
    """The night whose sleepers eat a hotel's meal: the night before for a breakfast, else the day's."""
    return meal.day - timedelta(days=1) if meal.kind == MealKind.BREAKFAST else meal.day


def present(guest: Guest, day: date, edition) -> bool:
    """Whether the guest is in Wuzhen on `day` (the module's rule for a venue's meal)."""
    first = guest.arrives or edition.start_date
    last = guest.leaves or edition.end_date
    return (first is None or first <= day) and (last is None or day <= last)


def _eaters(meals: list[Meal], guests: list[Guest]) -> dict[int, list[Guest]]:
    """Who eats each meal (by the meal's id): at most two queries, the hotel nights and the
    accepted invitations, each only when one of the meals needs it."""
    by_edition: dict[int, dict[int, Guest]] = defaultdict(dict)
    for guest in guests:
        by_edition[guest.edition_id][guest.pk] = guest
    hotel_meals = [meal for meal in meals if meal.hotel_id and not meal.venue_id]
    banquets = [meal for meal in meals if meal.session_id and meal.venue_id]
    sleepers: dict[tuple[int, date], set[int]] = defaultdict(set)
    if hotel_meals:
        nights = RoomNight.objects.filter(
            block__hotel_id__in={meal.hotel_id for meal in hotel_meals}, night__in={sleepers_night(meal) for meal in hotel_meals},
        ).values_list("stay__registration_id", "block__hotel_id", "night")
        for registration_id, hotel_id, night in nights:
            sleepers[hotel_id, night].add(registration_id)
    invited: dict[int, set[int]] = defaultdict(set)
    if banquets:
        accepted = Invitation.objects.filter(session_id__in={meal.session_id for meal in banquets}, rsvp=Invitation.ACCEPTED)
        for registration_id, session_id in accepted.values_list("registration_id", "session_id"):
            invited[session_id].add(registration_id)
    eaters = {}
    for meal in meals:
        theirs = by_edition.get(meal.edition_id, {})
        if meal.session_id and meal.venue_id:
            ids = invited.get(meal.session_id, set())
            eaters[meal.pk] = [guest for pk, guest in theirs.items() if pk in ids]
        elif meal.hotel_id and not meal.venue_id:
            ids = sleepers.get((meal.hotel_id, sleepers_night(meal)), set())
            eaters[meal.pk] = [guest for pk, guest in theirs.items() if pk in ids]
        else:
            eaters[meal.pk] = [guest for guest in theirs.values() if present(guest, meal.day, meal.edition)]
    return eaters


# -- the counts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MealCount:
    """One meal's count: `diets` holds every Diet value ("" for no special diet), zeros included;
    `allergies` the guests who gave an allergy; `unknown_dates` the guests counted without knowing
    their dates (no arrival, departure or hotel night: a venue's meal counts them every day)."""

    meal: Meal
    total: int
    diets: dict
    allergies: int
    unknown_dates: int

    @property
    def halal(self) -> int:
        return self.diets[Diet.HALAL]

    @property
    def vegetarian(self) -> int:
        return self.diets[Diet.VEGETARIAN]

    @property
    def vegan(self) -> int:
        return self.diets[Diet.VEGAN]

    @property
    def no_pork(self) -> int:
        return self.diets[Diet.NO_PORK]

    @property
    def special(self) -> list[tuple[str, str, int]]:
        """(value, label, count) of the special diets with a guest, in Diet's order."""
        return [(value, str(label), self.diets[value]) for value, label in Diet.choices if value and self.diets[value]]

    @property
    def place(self) -> str:
        return place_name(self.meal)

    @property
    def name(self) -> str:
        return pick(self.meal, "name")

    @property
    def time(self) -> str:
        return time_text(self.meal)


def _count(meal: Meal, eaters: list[Guest]) -> MealCount:
    diets = dict.fromkeys(Diet.values, 0)
    for guest in eaters:
        diets[guest.diet if guest.diet in diets else Diet.NONE] += 1
    return MealCount(
        meal=meal, total=len(eaters), diets=diets, allergies=sum(1 for guest in eaters if guest.allergies),
        unknown_dates=sum(1 for guest in eaters if guest.dates_unknown and not (meal.session_id or meal.hotel_id)),
    )


def counts_for(meals) -> dict[int, MealCount]:
    """The counts of these meals (their edition, venue, hotel loaded), by the meal's id: three
    queries at most whatever their number and editions (the guests, the hotel nights, the
    accepted invitations)."""
    meals = list(meals)
    if not meals:
        return {}
    eaters = _eaters(meals, eligible_guests({meal.edition_id for meal in meals}))
    return {meal.pk: _count(meal, eaters[meal.pk]) for meal in meals}


def edition_meals(edition) -> list[Meal]:
    """The edition's meals, in meal_order, their place and agenda item loaded. One query."""
    meals = list(Meal.objects.filter(edition=edition).select_related("venue", "hotel", "session"))
    for meal in meals:
        meal.edition = edition
    return sorted(meals, key=meal_order)


def meal_counts(edition) -> list[MealCount]:
    """Every meal of the edition with its count, in meal_order: four queries at most."""
    meals = edition_meals(edition)
    counts = counts_for(meals)
    return [counts[meal.pk] for meal in meals]


# -- the kitchen sheet --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KitchenRow:
    name: str
    name_zh: str
    organization: str
    diet: str
    diet_label: str
    allergies: str


def _kitchen(eaters: list[Guest]) -> list[KitchenRow]:
    needing = [guest for guest in eaters if guest.diet or guest.allergies]
    needing.sort(key=lambda guest: (DIET_ORDER.get(guest.diet, 99), guest.name.casefold(), guest.pk))
    return [KitchenRow(guest.name, guest.name_zh, guest.organization, guest.diet, diet_label(guest.diet) if guest.diet else "", guest.allergies) for guest in needing]


def kitchen_rows(meal: Meal) -> list[KitchenRow]:
    """The guests of the meal with a special diet or an allergy, by diet (in Diet's order, those
    with only an allergy last), then name: two queries at most (three if the meal's edition is
    not loaded)."""
    return meal_detail(meal)[1]


def meal_detail(meal: Meal) -> tuple[MealCount, list[KitchenRow]]:
    """The meal's count and its kitchen rows, from one reading of its guests (as kitchen_rows)."""
    eaters = _eaters([meal], eligible_guests([meal.edition_id]))[meal.pk]
    return _count(meal, eaters), _kitchen(eaters)


# -- the dashboard's panel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MealsDay:
    day: date
    meals: tuple  # MealCount, in meal_order


@dataclass(frozen=True)
class MealsPanel:
    edition_id: int
    days: tuple  # MealsDay, by day
    meals: int
    guests: int  # approved guests on site
    with_diet: int  # of them, with a special diet
    with_allergies: int
    dates_unknown: int  # of them, with no arrival, departure or hotel night


def meals_panel(edition, *, now: datetime | None = None) -> MealsPanel:
    """The dashboard's "meals" panel: per day, each meal's count with its special diets and
    allergies; the guests' needs edition-wide. Four queries at most (as meal_counts)."""
    meals = edition_meals(edition)
    guests = eligible_guests([edition.pk])
    eaters = _eaters(meals, guests)
    days: dict[date, list[MealCount]] = defaultdict(list)
    for meal in meals:
        days[meal.day].append(_count(meal, eaters[meal.pk]))
    return MealsPanel(
        edition_id=edition.pk, days=tuple(MealsDay(day, tuple(counts)) for day, counts in sorted(days.items())), meals=len(meals),
        guests=len(guests), with_diet=sum(1 for guest in guests if guest.diet), with_allergies=sum(1 for guest in guests if guest.allergies),
        dates_unknown=sum(1 for guest in guests if guest.dates_unknown),
    )
