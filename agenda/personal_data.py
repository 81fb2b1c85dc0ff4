"""Starred sessions, the calendar feed and the notices of changes to starred sessions in one
person's data (wic.personal_data runs this handler, contributed through agenda/contrib.py).

Erasure, model by model:
- agenda.Star, agenda.AgendaFeed, agenda.SessionNotice: deleted.
- The change-alert emails (wic.OutgoingEmail, keys `agenda.change_alert:<alert>:<account>`) are
  the person's own: deleted with the core's emails.
"""
from django.db.models import Q

from wic.personal_data import PersonalDataHandler, deleted, iso

from .models import AgendaFeed, SessionNotice, Star


class AgendaPersonalData(PersonalDataHandler):
    counts = (("agenda.Star", "deleted"), ("agenda.AgendaFeed", "deleted"), ("agenda.SessionNotice", "deleted"))

    def find(self, *, email, account_ids):
        return list(account_ids)

    def export(self, part, person):
        stars = Star.objects.filter(user_id__in=person.account_ids).select_related("session__edition").order_by("created", "pk")
        notices = SessionNotice.objects.filter(user_id__in=person.account_ids).select_related("session__edition").order_by("created_at", "pk")
        return [
            (80, "starred_sessions", [
                {"edition": s.session.edition.year, "session": s.session.title_zh, "starred_at": iso(s.created), "language": s.language} for s in stars
            ]),
            (81, "calendar_feed", AgendaFeed.objects.filter(user_id__in=person.account_ids).exists()),
            (82, "session_change_notices", [
                {"edition": n.session.edition.year, "session": n.session.title_zh, "before": n.before, "after": n.after,
                 "created_at": iso(n.created_at), "dismissed_at": iso(n.read_at)}
                for n in notices
            ]),
        ]

    def own_email_keys(self, part):
        keys = Q()
        for account_id in part or ():
            keys |= Q(key__startswith="agenda.change_alert:", key__endswith=f":{account_id}")
        return keys

    def erase(self, part, person, counts):
        counts["agenda.Star"]["deleted"] = deleted(Star.objects.filter(user_id__in=person.account_ids))
        counts["agenda.AgendaFeed"]["deleted"] = deleted(AgendaFeed.objects.filter(user_id__in=person.account_ids))
        counts["agenda.SessionNotice"]["deleted"] = deleted(SessionNotice.objects.filter(user_id__in=person.account_ids))
