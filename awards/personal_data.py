"""Award nominations and the roles in the awards in one person's data (wic.personal_data runs
this handler, contributed through awards/contrib.py).

Erasure, model by model:
- awards.Nomination: kept (an award record), with the contact's name and email blanked where the
  person is the contact.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wic.personal_data import PersonalDataHandler, contact_roles, iso

from .models import AwardReviewer, EnterpriseRepresentative, Nomination


@dataclass
class Part:
    nominations: QuerySet  # as nominator or as contact
    contacts: QuerySet  # as contact only


class AwardsPersonalData(PersonalDataHandler):
    counts = (("awards.Nomination", "anonymized"),)

    def find(self, *, email, account_ids):
        return Part(
            nominations=Nomination.objects.filter(Q(contact_email__iexact=email) | Q(created_by_id__in=account_ids)),
            contacts=Nomination.objects.filter(contact_email__iexact=email),
        )

    def values(self, part):
        return list(part.contacts.values_list("contact_name", flat=True))

    def holds(self, part):
        return part.contacts.exists()

    def export(self, part, person):
        nominations = part.nominations.select_related("programme__edition", "organization").order_by("created", "pk")
        return [(40, "award_nominations", [_nomination(n, person) for n in nominations])]

    def roles(self, part, person):
        ids = person.account_ids
        return [
            (10, "award_enterprise_representative", sorted(EnterpriseRepresentative.objects.filter(user_id__in=ids).values_list("organization__name_zh", flat=True))),
            (30, "award_reviewer", sorted(AwardReviewer.objects.filter(user_id__in=ids).values_list("programme__name_zh", flat=True))),
        ]

    def erase(self, part, person, counts):
        counts["awards.Nomination"]["anonymized"] = part.contacts.update(contact_name="", contact_email="")


def _nomination(n: Nomination, person) -> dict:
    return {
        "edition": n.programme.edition.year, "programme": n.programme.name_zh, "direction": n.direction, "state": n.state,
        "nominee": n.display_name, "roles": contact_roles(n.contact_email.lower() in person.addresses, n.created_by_id in person.account_ids, "nominator"),
        "contact_name": n.contact_name, "contact_email": n.contact_email, "submitted_at": iso(n.submitted_at), "created_at": iso(n.created),
    }
