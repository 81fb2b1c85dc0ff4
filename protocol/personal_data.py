"""What the protocol app holds of one person (wic.personal_data runs this handler, contributed
through protocol/contrib_delegations.py), found through the person's registrations (their email
or their account, as registration's handler finds them), a person of the programme with the
email, and the substitute fields of other people's cards naming the email:

- protocol.DelegationMember: the person's memberships, deleted.
- protocol.Delegation: a delegation the person heads is kept (it is the country's or the
  organization's), its head cleared: anonymized.
- protocol.InvitationCard: the person's own cards (of their registrations, or of their person
  record), deleted, with their seats (protocol.SeatAssignment, deleted); the gate's rows
  (registration.Invitation) go with the registration. A card on which someone else proposed the
  person as their substitute is kept, the substitute's name, email and title blanked: anonymized.

Runs before registration's and people's handlers (order 5): their deletions would take the rows
with them, uncounted."""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from registration.models import Registration, seat_label
from wic.personal_data import PersonalDataHandler, deleted, iso

from .models import Delegation, DelegationMember, InvitationCard, SeatAssignment


@dataclass
class Part:
    email: str
    registrations: QuerySet

    @property
    def memberships(self) -> QuerySet:
        return DelegationMember.objects.filter(registration__in=self.registrations)

    @property
    def headships(self) -> QuerySet:
        return Delegation.objects.filter(head__in=self.registrations)

    @property
    def cards(self) -> QuerySet:
        return InvitationCard.objects.filter(Q(registration__in=self.registrations) | Q(person__email__iexact=self.email))

    @property
    def proposed(self) -> QuerySet:
        """Other people's cards naming the person as their substitute."""
        return InvitationCard.objects.filter(substitute_email__iexact=self.email).exclude(pk__in=self.cards.values("pk"))

    @property
    def seats(self) -> QuerySet:
        return SeatAssignment.objects.filter(card__in=self.cards)


class ProtocolPersonalData(PersonalDataHandler):
    counts = (
        ("protocol.DelegationMember", "deleted"),
        ("protocol.Delegation", "anonymized"),
        ("protocol.InvitationCard", "deleted"),
        ("protocol.InvitationCard", "anonymized"),
        ("protocol.SeatAssignment", "deleted"),
    )

    def find(self, *, email, account_ids):
        return Part(email=email, registrations=Registration.objects.filter(Q(email__iexact=email) | Q(user_id__in=account_ids)))

    def values(self, part):
        """The person's name as someone proposed them as a substitute (their registration's names
        are registration's to give)."""
        return [name for name in part.proposed.values_list("substitute_name", flat=True) if name]

    def holds(self, part):
        return part.proposed.exists() or InvitationCard.objects.filter(person__email__iexact=part.email).exists()

    def export(self, part, person):
        memberships = list(part.memberships.select_related("delegation__edition", "principal__registration").order_by("pk"))
        headships = set(part.headships.values_list("pk", flat=True))
        cards = list(part.cards.select_related("item__session__edition", "delegation", "seat__block", "seat__plan").order_by("pk"))
        proposed = list(part.proposed.select_related("item__session__edition").order_by("pk"))
        if not (memberships or headships or cards or proposed):
            return []
        data = {
            "delegations": [
                {
                    "edition": m.delegation.edition.year, "delegation": m.delegation.name_zh, "is_head": m.delegation_id in headships,
                    "is_interpreter": m.is_interpreter, "interprets_for": m.principal.registration.name if m.principal else None,
                }
                for m in memberships
            ],
            "headed_without_membership": sorted(Delegation.objects.filter(pk__in=headships - {m.delegation_id for m in memberships}).values_list("name_zh", flat=True)),
            "invitation_cards": [_card(c) for c in cards],
            "proposed_as_substitute": [
                {"edition": c.item.session.edition.year, "item": c.item.session.title_zh, "substitute_name": c.substitute_name, "substitute_email": c.substitute_email,
                 "substitute_title": c.substitute_title, "status": c.status}
                for c in proposed
            ],
        }
        return [(15, "protocol", data)]

    def objects(self, part):
        return [
            (DelegationMember, list(part.memberships.values_list("pk", flat=True))),
            (InvitationCard, list(part.cards.values_list("pk", flat=True))),
            (SeatAssignment, list(part.seats.values_list("pk", flat=True))),
        ]

    def erase(self, part, person, counts):
        counts["protocol.SeatAssignment"]["deleted"] = deleted(SeatAssignment.objects.filter(pk__in=list(part.seats.values_list("pk", flat=True))))
        counts["protocol.InvitationCard"]["anonymized"] = part.proposed.update(substitute_name="", substitute_email="", substitute_title="")
        counts["protocol.InvitationCard"]["deleted"] = deleted(InvitationCard.objects.filter(pk__in=list(part.cards.values_list("pk", flat=True))))
        counts["protocol.Delegation"]["anonymized"] = part.headships.update(head=None)
        counts["protocol.DelegationMember"]["deleted"] = deleted(DelegationMember.objects.filter(pk__in=list(part.memberships.values_list("pk", flat=True))))


def _card(card: InvitationCard) -> dict:
    seat = getattr(card, "seat", None)
    return {
        "edition": card.item.session.edition.year, "item": card.item.session.title_zh, "delegation": card.delegation.name_zh if card.delegation else None,
        "status": card.status, "language": card.language, "invited_at": iso(card.invited_at), "answered_at": iso(card.responded_at),
        "substitute_name": card.substitute_name, "substitute_email": card.substitute_email, "substitute_title": card.substitute_title,
        "seat": str(seat_label("table" if seat.plan.layout == "tables" else "row", seat.block.label, seat.number)) if seat is not None else None,
    }
