"""The gate reads `registration.Invitation` (reply and seat); this keeps it in step with an
invitation card. Call `mirror(card)` inside the transaction that changed the card or its seat."""
from registration.models import Invitation

from .enums import CardStatus

RSVP_OF = {
    CardStatus.INVITED: Invitation.AWAITING,
    CardStatus.ACCEPTED: Invitation.ACCEPTED,
    CardStatus.DECLINED: Invitation.DECLINED,
    CardStatus.SUBSTITUTE_PROPOSED: Invitation.DECLINED,  # the invitee will not come themselves
    CardStatus.REPLACED: Invitation.DECLINED,
}


def mirror(card) -> None:
    """Write the card's reply and seat to the registration's invitation to the item (create it,
    update it, or, for a cancelled card, delete it). A card of a person without a registration
    has nothing to mirror: without a credential they cannot be scanned."""
    if card.registration_id is None:
        return
    session_id = card.item.session_id
    if card.status == CardStatus.CANCELLED:
        Invitation.objects.filter(registration_id=card.registration_id, session_id=session_id).delete()
        return
    seat = getattr(card, "seat", None) if card.status == CardStatus.ACCEPTED else None
    values = {
        "rsvp": RSVP_OF[card.status],
        "seat_kind": ("table" if seat.plan.layout == "tables" else "row") if seat else "",
        "seat_block": seat.block.label if seat else "",
        "seat_number": seat.number if seat else None,
    }
    Invitation.objects.update_or_create(registration_id=card.registration_id, session_id=session_id, defaults=values)
