"""Exhibitors and meeting requests in one person's data (wic.personal_data runs this handler,
contributed through expo/contrib.py).

Erasure, model by model:
- expo.Exhibitor: kept (an organization's entry), with the contact's name, email and phone blanked
  where the person is the contact. On the entries the person is the contact or a representative
  of, the person's values (username, names, address) are replaced by "[erased]" in the entry's
  `source` and in its organization's (wic.Organization) `source`: applications before issue 19
  wrote "application by <username>" there. Counted with the entries ("expo.Exhibitor anonymized").
- expo.MeetingRequest: the person's own requests deleted.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wic.personal_data import ERASED, PersonalDataHandler, contact_roles, deleted, iso

from .models import Exhibitor, MeetingRequest


@dataclass
class Part:
    exhibitors: QuerySet  # as representative or as contact
    contacts: QuerySet  # as contact only
    meetings: QuerySet


class ExpoPersonalData(PersonalDataHandler):
    counts = (("expo.Exhibitor", "anonymized"), ("expo.MeetingRequest", "deleted"))

    def find(self, *, email, account_ids):
        return Part(
            exhibitors=Exhibitor.objects.filter(Q(contact_email__iexact=email) | Q(representatives__in=account_ids)).distinct(),
            contacts=Exhibitor.objects.filter(contact_email__iexact=email),
            meetings=MeetingRequest.objects.filter(guest_id__in=account_ids),
        )

    def values(self, part):
        return [value for row in part.contacts.values_list("contact_name", "contact_phone") for value in row]

    def holds(self, part):
        return part.contacts.exists()

    def export(self, part, person):
        return [
            (50, "expo_exhibitors", [_exhibitor(e, person) for e in part.exhibitors.select_related("edition", "organization").order_by("created", "pk")]),
            (51, "expo_meeting_requests", [_meeting(m) for m in part.meetings.select_related("exhibitor__organization").order_by("start", "pk")]),
        ]

    def own_email_keys(self, part):
        keys = Q()
        for pk in part.meetings.values_list("pk", flat=True):
            keys |= Q(key=f"expo.meeting_requested:{pk}") | Q(key__startswith=f"expo.meeting_decision:{pk}:")
        return keys

    def objects(self, part):
        return [(MeetingRequest, list(part.meetings.values_list("pk", flat=True)))]

    def erase(self, part, person, counts):
        changed = set(part.contacts.values_list("pk", flat=True))
        part.contacts.update(contact_name="", contact_email="", contact_phone="")
        for exhibitor in part.exhibitors.select_related("organization"):
            if person.mentions(exhibitor.source):
                Exhibitor.objects.filter(pk=exhibitor.pk).update(source=person.pattern.sub(ERASED, exhibitor.source))
                changed.add(exhibitor.pk)
            organization = exhibitor.organization
            if person.mentions(organization.source):
                type(organization).objects.filter(pk=organization.pk).update(source=person.pattern.sub(ERASED, organization.source))
                changed.add(exhibitor.pk)
        counts["expo.Exhibitor"]["anonymized"] = len(changed)
        counts["expo.MeetingRequest"]["deleted"] = deleted(MeetingRequest.objects.filter(guest_id__in=person.account_ids))


def _exhibitor(e: Exhibitor, person) -> dict:
    representative = e.representatives.filter(pk__in=person.account_ids).exists()
    return {
        "edition": e.edition.year, "organization": e.organization.name_zh, "status": e.status,
        "roles": contact_roles(e.contact_email.lower() in person.addresses, representative, "representative"),
        "contact_name": e.contact_name, "contact_email": e.contact_email, "contact_phone": e.contact_phone,
    }


def _meeting(m: MeetingRequest) -> dict:
    return {
        "exhibitor": m.exhibitor.organization.name_zh, "starts_at": iso(m.start), "ends_at": iso(m.end), "message": m.message,
        "status": m.status, "asked_at": iso(m.created),
    }
