from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECISIONS = (ApplicationState.ACCEPTED, ApplicationState.WAITLISTED, ApplicationState.REJECTED)

# The only transitions there are. Submitting has its own checks (application_submit).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ApplicationState.DRAFT: (ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN),
    ApplicationState.SUBMITTED: (ApplicationState.UNDER_REVIEW, ApplicationState.WITHDRAWN),
    ApplicationState.UNDER_REVIEW: (
        ApplicationState.ACCEPTED,
        ApplicationState.WAITLISTED,
        ApplicationState.REJECTED,
        ApplicationState.WITHDRAWN,
    ),
    ApplicationState.WAITLISTED: (ApplicationState.ACCEPTED, ApplicationState.REJECTED),
    ApplicationState.ACCEPTED: (),
    ApplicationState.REJECTED: (),
    ApplicationState.WITHDRAWN: (),
}


class ForumFormat(models.TextChoices):
    KEYNOTES = "keynotes", _("Keynote speeches")
    ROUND_TABLE = "round_table", _("Round table")
    RELEASE = "release", _("Release of results")
    DIALOGUE = "dialogue", _("High-level dialogue")
    MIXED = "mixed", _("Keynotes and round table")
    OTHER = "other", _("Other")


class HalfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
