"""Who is told what about a sub-forum application: the applicant's emails, recorded in the outbox
(wic.outbox) inside the caller's transaction, so the email exists exactly when the decision does;
delivery follows the commit. forums/tasks.py wraps these for messages a broker still holds."""
from django.db import transaction

from wic import outbox


def application_decision_announce(*, application_id: int, state: str) -> bool:
    """Record the applicant's email about a decision, in their language, to the applicant's account
    and the contact address, once per decision (`notified_state`). Returns whether anyone was
    written to."""
    from .models import ForumApplication

    with transaction.atomic():
        application = ForumApplication.objects.select_for_update(of=("self",)).select_related("call__edition", "applicant").get(pk=application_id)
        if application.state != state or application.notified_state == state:
            return False
        recipients = [a for a in {application.applicant.email, application.contact_email} if a]
        outbox.queue(
            key=f"forums.decision:{application.pk}:{state}:{application.decided_at.isoformat() if application.decided_at else ''}",
            event="forums.decision", to=recipients, language=application.language, template="forums/email/decision",
            context={"application": application, "edition": application.call.edition},
        )
        application.notified_state = state
        application.save(update_fields=["notified_state"])
    return bool(recipients)
