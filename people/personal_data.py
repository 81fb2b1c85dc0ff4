"""A person's own data in the people app, found by the private email an organizer entered:

- exported: the person's names, country, bio, private contact fields and appearances;
- erased: the private fields (email, phone, assistant) and the bio are blanked. The names and the
  appearances stay: a public appearance in the programme is history (the issue's rule), and a
  person added by an organizer who never appeared publicly is deleted with their appearances."""
from django.db.models import Q

from wic.personal_data import PersonalDataHandler

from .enums import AppearanceStatus
from .models import Appearance, Person


PUBLIC = Q(appearances__status__in=(AppearanceStatus.APPEARED, AppearanceStatus.CONFIRMED))


class PeoplePersonalData(PersonalDataHandler):
    counts = (("people.Person", "anonymized"), ("people.Person", "deleted"))

    def find(self, *, email, account_ids):
        return Person.objects.filter(email__iexact=email) if email else Person.objects.none()

    def values(self, part):
        """What the audit trail and emails are scrubbed of: the private fields, and the names of a
        person who is deleted (a public person's names stay on the programme's pages)."""
        public = set(part.filter(PUBLIC).values_list("pk", flat=True))
        for person in part:
            names = () if person.pk in public else (person.name_zh, person.name_en)
            yield from (v for v in (*names, person.phone, person.assistant) if v)

    def holds(self, part) -> bool:
        return part.exists()

    def export(self, part, person):
        rows = []
        for p in part.prefetch_related("appearances__session"):
            rows.append({
                "name_zh": p.name_zh, "name_en": p.name_en, "country": p.country, "bio_zh": p.bio_zh, "bio_en": p.bio_en,
                "email": p.email, "phone": p.phone, "assistant": p.assistant,
                "appearances": [
                    {"session": a.session.title_zh, "role": a.role, "title_zh": a.title_zh, "affiliation_zh": a.affiliation_zh, "status": a.status}
                    for a in p.appearances.all()
                ],
            })
        return [(90, "people", rows)] if rows else []

    def objects(self, part):
        return [(Person, list(part.values_list("pk", flat=True)))]

    def erase(self, part, person, counts):
        keep = list(part.filter(PUBLIC).distinct().values_list("pk", flat=True))
        for p in Person.objects.filter(pk__in=keep):
            p.email = p.phone = p.assistant = p.bio_zh = p.bio_en = ""
            p.save(update_fields=["email", "phone", "assistant", "bio_zh", "bio_en"])
        counts.setdefault("people.Person", {})["anonymized"] = len(keep)
        others = part.exclude(pk__in=keep)
        Appearance.objects.filter(person__in=others).delete()
        deleted, _ = others.delete()
        counts["people.Person"]["deleted"] = deleted
