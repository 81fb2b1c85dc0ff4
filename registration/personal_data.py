"""A guest's registrations in one person's data (wic.personal_data runs this handler, contributed
through registration/contrib.py).

Erasure, model by model:
- registration.Registration: deleted, with its registration.Credential and registration.Invitation
  rows; the credentials' badge PDFs are removed from storage once the transaction commits.
- registration.Checkin: kept, so the lists' admission counts stay true, but anonymized: the link to
  the (deleted) credential is cleared and the scanned code blanked.
"""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from wic.personal_data import PersonalDataHandler, deleted, iso

from .models import Checkin, Credential, Invitation, Registration


@dataclass
class Part:
    registrations: QuerySet

    @property
    def credentials(self) -> QuerySet:
        return Credential.objects.filter(registration__in=self.registrations)

    @property
    def scans(self) -> QuerySet:
        return Checkin.objects.filter(credential__in=self.credentials)


class RegistrationPersonalData(PersonalDataHandler):
    counts = (
        ("registration.Registration", "deleted"),
        ("registration.Credential", "deleted"),
        ("registration.Invitation", "deleted"),
        ("registration.Checkin", "anonymized"),
    )

    def find(self, *, email, account_ids):
        return Part(Registration.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids)))

    def addresses(self, part):
        return part.registrations.values_list("email", flat=True)

    def values(self, part):
        return [value for row in part.registrations.values_list("name", "name_zh") for value in row]

    def holds(self, part):
        return part.registrations.exists()

    def export(self, part, person):
        registrations = part.registrations.select_related("edition").prefetch_related(
            "credentials__checkins__checkin_list", "invitations__session").order_by("created", "pk")
        return [(10, "registrations", [_registration(r) for r in registrations])]

    def own_email_keys(self, part):
        keys = Q()
        for pk in part.registrations.values_list("pk", flat=True):
            keys |= Q(key__startswith=f"registration.decision:{pk}:") | Q(key__startswith=f"registration.link:{pk}:") | Q(key=f"registration.received:{pk}")
        return keys

    def objects(self, part):
        return [
            (Registration, list(part.registrations.values_list("pk", flat=True))),
            (Credential, list(part.credentials.values_list("pk", flat=True))),
            (Invitation, list(Invitation.objects.filter(registration__in=part.registrations).values_list("pk", flat=True))),
        ]

    def erase(self, part, person, counts):
        # Scans kept anonymous, credentials (and badge files), invitations, registrations deleted.
        credentials = part.credentials
        badges = [name for name in credentials.exclude(badge="").values_list("badge", flat=True) if name]
        counts["registration.Checkin"]["anonymized"] = part.scans.update(credential=None, raw_secret="")
        counts["registration.Invitation"]["deleted"] = deleted(Invitation.objects.filter(registration__in=part.registrations))
        counts["registration.Credential"]["deleted"] = deleted(Credential.objects.filter(pk__in=list(credentials.values_list("pk", flat=True))))
        counts["registration.Registration"]["deleted"] = deleted(Registration.objects.filter(pk__in=list(part.registrations.values_list("pk", flat=True))))
        if badges:
            from django.core.files.storage import default_storage

            transaction.on_commit(lambda: [default_storage.delete(name) for name in badges])


def _registration(r: Registration) -> dict:
    return {
        "edition": r.edition.year, "reference": r.reference, "name": r.name, "name_zh": r.name_zh, "email": r.email,
        "organization": r.organization_name, "title": r.title, "country": r.country.code, "category": r.category,
        "participation": r.participation, "languages": r.languages, "needs_visa_letter": r.needs_visa_letter,
        "needs_accommodation": r.needs_accommodation, "accessibility_needs": r.accessibility_needs, "consent": r.consent,
        "diet": r.diet, "allergies": r.allergies,
        "language": r.language, "status": r.status, "decided_at": iso(r.decided_at), "registered_at": iso(r.created),
        "credentials": [
            {
                "issued_at": iso(c.issued_at), "revoked_at": iso(c.revoked_at), "has_badge": bool(c.badge),
                "scans": [
                    {"list": s.checkin_list.name_zh, "type": s.type, "result": s.result, "scanned_at": iso(s.scanned_at), "gate": s.gate, "device": s.device}
                    for s in sorted(c.checkins.all(), key=lambda s: (s.scanned_at, s.pk))
                ],
            }
            for c in sorted(r.credentials.all(), key=lambda c: (c.issued_at, c.pk))
        ],
        "invitations": [{"session": i.session.title_zh, "invited_at": iso(i.created)} for i in sorted(r.invitations.all(), key=lambda i: i.pk)],
    }
