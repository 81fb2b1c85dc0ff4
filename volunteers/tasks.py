"""Celery tasks of the volunteer programme: thin wrappers taking primary keys.

`volunteers.mark_no_shows` is meant for Celery beat, every minute:

    CELERY_BEAT_SCHEDULE = {"volunteers-mark-no-shows": {"task": "volunteers.mark_no_shows", "schedule": 60.0}}
"""
from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

from wic import outbox

RETRY = {"acks_late": True, "autoretry_for": (SMTPException, ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="volunteers.send_decision", **RETRY)
def send_volunteer_decision(volunteer_id: int, status: str) -> bool:
    """Tell the applicant of a decision, in their language, once per decision (`notified_status`)."""
    from .models import Volunteer

    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().select_related("programme__edition").get(pk=volunteer_id)
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


@shared_task(name="volunteers.send_standby_offer", **RETRY)
def send_standby_offer(offer_id: int) -> bool:
    """Email a standby volunteer the offer of a freed place, once (`emailed`)."""
    from .models import StandbyOffer

    with transaction.atomic():
        offer = StandbyOffer.objects.select_for_update().select_related("volunteer", "shift__post__programme__edition").get(pk=offer_id)
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


@shared_task(name="volunteers.mark_no_shows")
def mark_no_shows() -> dict:
    """Beat task (every minute): mark no-shows and offer their places to standby volunteers."""
    from .services import no_shows_mark

    return no_shows_mark()
