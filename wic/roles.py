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

# Apps whose every permission an organizer holds in the admin: these of the core, and every app
# that contributes a `wic.contrib.OrganizerApp` (see organizer_apps()). Not the API tokens
# (wic.ApiToken has no permissions to hold): each user makes their own, superusers revoke any.
CORE_ORGANIZER_APPS = ("wic",)
# And these besides: people and their roles (the user admin keeps the organizer role, staff status
# and permissions to superusers), reading the audit trail, and the failed sign-ins (django-axes):
# seeing who is locked out and unlocking them (deleting the attempt). The sign-in and failure logs
# (addresses, browsers of every sign-in) are for superusers only.
ORGANIZER_PERMISSIONS = (
    "auth.view_user", "auth.change_user", "auth.view_group", "auditlog.view_logentry",
    "axes.view_accessattempt", "axes.delete_accessattempt",
)


def withheld_permissions() -> tuple[tuple[str, str], ...]:
    """(app label, codename) of the permissions an app keeps from the organizer role."""
    from . import contrib

    return tuple((item.app_label, codename) for item in contrib.items(contrib.OrganizerApp) for codename in item.withheld_permissions)


def organizer_apps() -> tuple[str, ...]:
    from . import contrib

    return CORE_ORGANIZER_APPS + tuple(item.app_label for item in contrib.items(contrib.OrganizerApp))


def has_role(user, role: str) -> bool:
    """Whether an active, signed-in user is in the role's group (one query, then remembered on the
    user object for the rest of the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = user.__dict__.setdefault("_wic_roles", None)
    if cache is None:
        cache = user.__dict__["_wic_roles"] = set(user.groups.values_list("name", flat=True))
    return role in cache


def is_organizer(user) -> bool:
    """Organizers run the summit: superusers, and staff accounts in the organizer group. Staff status alone
    (needed to open the admin) is not enough: a staff account without the role sees only what its
    model permissions allow there, and nothing of the organizers' powers on the site or the API."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # Organizers work in the admin, so they are staff: other accounts need no query to be told no.
    return user.is_superuser or (user.is_staff and has_role(user, ORGANIZER))
