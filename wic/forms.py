from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from . import queueing
from .tasks import send_email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email rendered here and sent by Celery once the request
    commits. A broker that is down loses this one email (it holds a live link, so it is not
    recorded in the outbox), never the request: the user asks again (wic.queueing)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        queueing.enqueue_on_commit(send_email, subject=subject, body=body, to=[to_email], from_email=from_email, html_body=html_body)
