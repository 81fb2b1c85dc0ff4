"""Starred sessions and the calendar feed in one person's data (wic.personal_data runs this
handler, contributed through agenda/contrib.py).

Erasure, model by model:
- agenda.Star, agenda.AgendaFeed: deleted.
"""
from wic.personal_data import PersonalDataHandler, deleted, iso

from .models import AgendaFeed, Star


class AgendaPersonalData(PersonalDataHandler):
    counts = (("agenda.Star", "deleted"), ("agenda.AgendaFeed", "deleted"))

    def export(self, part, person):
        stars = Star.objects.filter(user_id__in=person.account_ids).select_related("session__edition").order_by("created", "pk")
        return [
            (80, "starred_sessions", [{"edition": s.session.edition.year, "session": s.session.title_zh, "starred_at": iso(s.created)} for s in stars]),
            (81, "calendar_feed", AgendaFeed.objects.filter(user_id__in=person.account_ids).exists()),
        ]

    def erase(self, part, person, counts):
        counts["agenda.Star"]["deleted"] = deleted(Star.objects.filter(user_id__in=person.account_ids))
        counts["agenda.AgendaFeed"]["deleted"] = deleted(AgendaFeed.objects.filter(user_id__in=person.account_ids))
