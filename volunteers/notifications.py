"""Who is told what in the volunteer programme: the applicants' and standby volunteers' emails,
recorded in the outbox (wic.outbox) inside the caller's transaction, so each email exists exactly
when what it announces does; delivery follows the commit. volunteers/tasks.py wraps these for
messages a broker still holds."""
from django.db import transaction

from wic import outbox


def volunteer_decision_announce(*, volunteer_id: int, status: str) -> bool:
    """Record the applicant's email about a decision, in their language, once per decision (`notified_status`)."""
    from .models import Volunteer

    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("programme__edition").get(pk=volunteer_id)
        if volunteer.status != status or volunteer.notified_status == status:
            return False
        outbox.queue(
            key=f"volunteers.decision:{volunteer.pk}:{status}:{volunteer.decided_at.isoformat() if volunteer.decided_at else ''}",
            event="volunteers.decision", to=[volunteer.email], language=volunteer.language, template="volunteers/email/decision",
            context={"volunteer": volunteer, "programme": volunteer.programme, "edition": volunteer.programme.edition},
        )
        volunteer.notified_status = status
        volunteer.save(update_fields=["notified_status"])
    return True


def standby_offer_announce(*, offer_id: int) -> bool:
    """Record the email offering a standby volunteer a freed place, once (`emailed`)."""
    from .models import StandbyOffer

    with transaction.atomic():
        offer = StandbyOffer.objects.select_for_update(of=("self",)).select_related("volunteer", "shift__post__programme__edition").get(pk=offer_id)
        if offer.emailed or offer.status != "offered":
            return False
        volunteer = offer.volunteer
        outbox.queue(
            key=f"volunteers.standby_offer:{offer.pk}", event="volunteers.standby_offer", to=[volunteer.email], language=volunteer.language,
            template="volunteers/email/standby", context={"offer": offer, "volunteer": volunteer, "shift": offer.shift},
        )
        offer.emailed = True
        offer.save(update_fields=["emailed"])
    return True
