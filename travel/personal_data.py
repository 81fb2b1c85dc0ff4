"""What the travel app holds of one person (wic.personal_data runs this handler, contributed
through travel/contrib_organizers.py): the visa invitation letters of the person's registrations
(found by their email or their account, as registration's handler finds them).

- travel.VisaLetter: deleted, whatever its status (the passport number and date of birth with it).
  The letter's verification page then answers "unknown", as for a code never issued.
- travel.TravelLeg: the arrival and departure, deleted, with their seats in pickup runs (the run
  stays, one guest fewer).
- travel.RoomStay: the hotel stays, deleted, with their bed-nights (the room is free again).

The export gives each letter whole, the passport number and date of birth included (they are the
person's own data, decrypted; empty once erased after the summit). The name as in the passport is
one of the values scrubbed from free text (the audit trail names a letter by it). The verification
code is left out, like the other keys to pages (wic.personal_data).

Runs before registration's handler (order 10): deleting the registrations would take the letters
with them, uncounted."""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from registration.models import Registration
from wic.personal_data import PersonalDataHandler, deleted, iso

from .models import RoomStay, TravelLeg, VisaLetter


@dataclass
class Part:
    registrations: QuerySet

    @property
    def letters(self) -> QuerySet:
        return VisaLetter.objects.filter(registration__in=self.registrations)

    @property
    def legs(self) -> QuerySet:
        return TravelLeg.objects.filter(registration__in=self.registrations)

    @property
    def stays(self) -> QuerySet:
        return RoomStay.objects.filter(registration__in=self.registrations)


class TravelPersonalData(PersonalDataHandler):
    counts = (("travel.VisaLetter", "deleted"), ("travel.TravelLeg", "deleted"), ("travel.RoomStay", "deleted"))

    def find(self, *, email, account_ids):
        return Part(registrations=Registration.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids)))

    def values(self, part):
        return sorted(set(part.letters.values_list("passport_name", flat=True)))

    def export(self, part, person):
        sections = []
        letters = list(part.letters.select_related("registration__edition").order_by("requested_at", "pk"))
        if letters:
            sections.append((16, "visa_letters", [_letter(letter) for letter in letters]))
        legs = list(part.legs.select_related("registration__edition", "pickup__run").order_by("scheduled_at", "pk"))
        if legs:
            sections.append((17, "arrivals_and_departures", [_leg(leg) for leg in legs]))
        stays = list(part.stays.select_related("registration__edition", "block__hotel").order_by("first_night", "pk"))
        if stays:
            sections.append((18, "hotel_stays", [_stay(stay) for stay in stays]))
        return sections

    def own_email_keys(self, part):
        keys = Q()
        for pk in part.letters.values_list("pk", flat=True):
            keys |= Q(key__startswith=f"travel.letter:{pk}:")
        for pk in part.legs.values_list("pk", flat=True):
            keys |= Q(key__startswith=f"travel.pickup:{pk}:")
        return keys

    def objects(self, part):
        return [
            (VisaLetter, list(part.letters.values_list("pk", flat=True))),
            (TravelLeg, list(part.legs.values_list("pk", flat=True))),
            (RoomStay, list(part.stays.values_list("pk", flat=True))),
        ]

    def erase(self, part, person, counts):
        counts["travel.VisaLetter"]["deleted"] = deleted(VisaLetter.objects.filter(pk__in=list(part.letters.values_list("pk", flat=True))))
        counts["travel.TravelLeg"]["deleted"] = deleted(TravelLeg.objects.filter(pk__in=list(part.legs.values_list("pk", flat=True))))  # their pickup seats with them
        counts["travel.RoomStay"]["deleted"] = deleted(RoomStay.objects.filter(pk__in=list(part.stays.values_list("pk", flat=True))))  # their bed-nights with them


def _letter(letter: VisaLetter) -> dict:
    return {
        "edition": letter.registration.edition.year, "registration": letter.registration.reference, "reference": letter.reference,
        "status": letter.status, "passport_name": letter.passport_name, "nationality": letter.nationality.code,
        "passport_number": letter.passport_number, "date_of_birth": letter.date_of_birth,
        "passport_expires_on": iso(letter.passport_expires_on), "apply_at": letter.apply_at,
        "stay_from": iso(letter.stay_from), "stay_until": iso(letter.stay_until), "language": letter.language,
        "requested_at": iso(letter.requested_at), "decided_at": iso(letter.decided_at), "refusal_reason": letter.refusal_reason,
        "revoked_at": iso(letter.revoked_at), "revoke_reason": letter.revoke_reason, "passport_data_erased_at": iso(letter.passport_erased_at),
    }


def _leg(leg: TravelLeg) -> dict:
    seat = getattr(leg, "pickup", None)  # a reverse one-to-one: its DoesNotExist is an AttributeError too
    return {
        "edition": leg.registration.edition.year, "registration": leg.registration.reference, "direction": leg.direction, "mode": leg.mode,
        "number": leg.number, "hub": leg.hub, "scheduled_at": iso(leg.scheduled_at), "delayed_to": iso(leg.delayed_to), "seats": leg.seats,
        "needs_pickup": leg.needs_pickup, "pickup_run": seat.run.number if seat is not None else None,
    }


def _stay(stay: RoomStay) -> dict:
    return {
        "edition": stay.registration.edition.year, "registration": stay.registration.reference, "hotel": stay.block.hotel.name_zh,
        "room_type": stay.block.room_type_zh, "room": stay.room_number, "first_night": iso(stay.first_night), "last_night": iso(stay.last_night),
        "shares_room": stay.shares_room,
    }
