"""Celery tasks of the volunteer programme: thin wrappers taking primary keys.

`volunteers.mark_no_shows` is meant for Celery beat, every minute:

    CELERY_BEAT_SCHEDULE = {"volunteers-mark-no-shows": {"task": "volunteers.mark_no_shows", "schedule": 60.0}}
"""
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

RETRY = {"acks_late": True, "autoretry_for": (SMTPException, ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="volunteers.send_decision", **RETRY)
def send_volunteer_decision(volunteer_id: int, status: str) -> bool:
    """Tell the applicant of a decision, in their language, once per decision (`notified_status`)."""
    from .models import Volunteer

    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().select_related("programme__edition").get(pk=volunteer_id)
        if volunteer.status != status or volunteer.notified_status == status:
            return False
        with translation.override(volunteer.language or "zh-hans"):
            context = {"volunteer": volunteer, "programme": volunteer.programme, "edition": volunteer.programme.edition, "site_url": settings.SITE_URL}
            subject = render_to_string("volunteers/email/decision_subject.txt", context).strip()
            body = render_to_string("volunteers/email/decision_body.txt", context)
        send_mail(subject, body, None, [volunteer.email])
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
        with translation.override(volunteer.language or "zh-hans"):
            context = {"offer": offer, "volunteer": volunteer, "shift": offer.shift, "site_url": settings.SITE_URL}
            subject = render_to_string("volunteers/email/standby_subject.txt", context).strip()
            body = render_to_string("volunteers/email/standby_body.txt", context)
        send_mail(subject, body, None, [volunteer.email])
        offer.emailed = True
        offer.save(update_fields=["emailed"])
    return True


@shared_task(name="volunteers.mark_no_shows")
def mark_no_shows() -> dict:
    """Beat task (every minute): mark no-shows and offer their places to standby volunteers."""
    from .services import no_shows_mark

    return no_shows_mark()
