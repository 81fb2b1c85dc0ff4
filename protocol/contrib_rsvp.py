"""The protocol app's contributions: invitation cards (wic/contrib.py). The dashboard panel
"invitation_cards": per invitation-only item of the edition, its cards by reply (invited,
accepted, declined, no answer, substitutes awaiting approval), in one query whatever the number
of items and cards."""
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from wic.contrib import DashboardPanel
from wic.i18n import pick


@dataclass(frozen=True)
class ItemCards:
    item_id: int
    session_id: int
    title: str
    starts: datetime | None
    closes_at: datetime | None
    replies_open: bool
    invited: int
    accepted: int
    declined: int
    no_answer: int
    substitutes_awaiting: int


@dataclass(frozen=True)
class CardsPanel:
    items: list[ItemCards]
    totals: dict[str, int]

    @property
    def substitutes_awaiting(self) -> int:
        return self.totals["substitutes_awaiting"]


COUNTED = ("invited", "accepted", "declined", "no_answer", "substitutes_awaiting")


def cards_panel(edition, *, now: datetime | None = None) -> CardsPanel:
    """The edition's invitation-only items, by start, with their cards counted by reply
    (protocol.invitations.card_counts), and the totals. One query."""
    from .invitations import card_counts, replies_close_at
    from .models import InvitationItem

    now = now or timezone.now()
    rows = (
        InvitationItem.objects.filter(session__edition=edition).select_related("session")
        .annotate(**card_counts()).order_by("session__sort_key", "session__sort_order", "pk")
    )
    items = []
    for item in rows:
        closes = replies_close_at(item)
        items.append(ItemCards(
            item.pk, item.session_id, pick(item.session, "title"), item.session.start, closes, closes is None or now < closes,
            *(getattr(item, name) for name in COUNTED),
        ))
    totals = {name: sum(getattr(row, name) for row in items) for name in COUNTED}
    return CardsPanel(items=items, totals=totals)


CONTRIBUTIONS = [
    # After registrations (10), before the sub-forums (20): who comes to the invitation-only items.
    DashboardPanel("invitation_cards", cards_panel, "protocol/admin/dashboard_cards.html", order=15),
]
