"""The roles people play, as Django groups. Later issues attach permissions per app."""
from django.utils.translation import gettext_lazy as _

ORGANIZER = "organizer"
REVIEWER = "reviewer"
GATE = "gate"
VOLUNTEER_LEAD = "volunteer-lead"
VOLUNTEER = "volunteer"
APPLICANT = "applicant"
ATTENDEE = "attendee"
MEMBER_REPRESENTATIVE = "member-representative"
EXHIBITOR = "exhibitor"

ROLE_LABELS = {
    ORGANIZER: _("Organizer"),
    REVIEWER: _("Reviewer"),
    GATE: _("Gate staff"),
    VOLUNTEER_LEAD: _("Volunteer lead"),
    VOLUNTEER: _("Volunteer"),
    APPLICANT: _("Applicant"),
    ATTENDEE: _("Attendee"),
    MEMBER_REPRESENTATIVE: _("Member representative"),
    EXHIBITOR: _("Exhibitor"),
}

# Apps whose every permission an organizer holds in the admin.
ORGANIZER_APPS = ("wic", "agenda", "forums", "registration", "volunteers", "awards", "expo", "authtoken")
# And these besides: people and their roles (the user admin keeps the organizer role, staff status
# and permissions to superusers), and reading the audit trail.
ORGANIZER_PERMISSIONS = ("auth.view_user", "auth.change_user", "auth.view_group", "auditlog.view_logentry")
