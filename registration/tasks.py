from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(name="registration.send_decision", acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_registration_decision(registration_id: int, status: str) -> bool:
    """Tell the guest of a decision, in their language, once (`notified_status`)."""
    from .models import Registration

    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("edition").get(pk=registration_id)
        if registration.status != status or registration.notified_status == status:
            return False
        with translation.override(registration.language or "zh-hans"):
            context = {"registration": registration, "edition": registration.edition, "site_url": settings.SITE_URL}
            subject = render_to_string("registration/email/decision_subject.txt", context).strip()
            body = render_to_string("registration/email/decision_body.txt", context)
        send_mail(subject, body, None, [registration.email])
        registration.notified_status = status
        registration.save(update_fields=["notified_status"])
    return True


@shared_task(name="registration.send_link", acks_late=True, autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_registration_link(registration_id: int) -> bool:
    """Send the guest the link to their registration page (after a second registration attempt)."""
    from .models import Registration

    registration = Registration.objects.select_related("edition").get(pk=registration_id)
    with translation.override(registration.language or "zh-hans"):
        context = {"registration": registration, "edition": registration.edition, "site_url": settings.SITE_URL}
        subject = render_to_string("registration/email/link_subject.txt", context).strip()
        body = render_to_string("registration/email/decision_body.txt", context)
    send_mail(subject, body, None, [registration.email])
    return True


@shared_task(name="registration.render_badge", acks_late=True)
def render_badge(credential_id: int) -> bool:
    """Draw and store the badge PDF of a credential (see services.credential_badge_render)."""
    from .services import credential_badge_render

    return credential_badge_render(credential_id=credential_id)
