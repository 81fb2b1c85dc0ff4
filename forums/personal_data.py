"""Sub-forum applications and reviews in one person's data (wic.personal_data runs this handler,
contributed through forums/contrib.py).

Erasure, model by model:
- forums.ForumApplication: kept (an organization's application), with the contact's name, email
  and phone blanked where the person is the contact.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wic.personal_data import PersonalDataHandler, contact_roles, iso

from .models import ForumApplication, Reviewer


@dataclass
class Part:
    applications: QuerySet  # as applicant or as contact
    contacts: QuerySet  # as contact only


class ForumsPersonalData(PersonalDataHandler):
    counts = (("forums.ForumApplication", "anonymized"),)

    def find(self, *, email, account_ids):
        return Part(
            applications=ForumApplication.objects.filter(Q(contact_email__iexact=email) | Q(applicant_id__in=account_ids)),
            contacts=ForumApplication.objects.filter(contact_email__iexact=email),
        )

    def values(self, part):
        return [value for row in part.contacts.values_list("contact_name", "contact_phone") for value in row]

    def holds(self, part):
        return part.contacts.exists()

    def export(self, part, person):
        return [(30, "forum_applications", [_forum_application(a, person) for a in part.applications.select_related("call__edition").order_by("created", "pk")])]

    def roles(self, part, person):
        return [(20, "forum_reviewer", sorted(Reviewer.objects.filter(user_id__in=person.account_ids).values_list("edition__year", flat=True)))]

    def erase(self, part, person, counts):
        counts["forums.ForumApplication"]["anonymized"] = part.contacts.update(contact_name="", contact_email="", contact_phone="")


def _forum_application(a: ForumApplication, person) -> dict:
    return {
        "edition": a.call.edition.year, "title": a.title_zh, "state": a.state,
        "roles": contact_roles(a.contact_email.lower() in person.addresses, a.applicant_id in person.account_ids, "applicant"),
        "contact_name": a.contact_name, "contact_email": a.contact_email, "contact_phone": a.contact_phone,
        "submitted_at": iso(a.submitted_at), "created_at": iso(a.created),
    }
