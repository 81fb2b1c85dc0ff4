from django.db import models
from django.utils.translation import gettext_lazy as _


class GuestCategory(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    ENTERPRISE = "enterprise", _("Enterprise")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


# One colour per guest category, as badge bands are read from across a hall; the check-in screen
# shows the same colour beside the category.
CATEGORY_COLOURS = {
    GuestCategory.GOVERNMENT: "#C62828",  # red
    GuestCategory.INTERNATIONAL_ORGANIZATION: "#1565C0",  # blue
    GuestCategory.ENTERPRISE: "#2E7D32",  # green
    GuestCategory.ACADEMIA: "#6A1B9A",  # purple
    GuestCategory.MEDIA: "#EF6C00",  # orange
    GuestCategory.STAFF: "#546E7A",  # grey
    GuestCategory.OTHER: "#00838F",  # teal
}


class Participation(models.TextChoices):
    ON_SITE = "on_site", _("On site in Wuzhen")
    ONLINE = "online", _("Online")


class Diet(models.TextChoices):
    """The dietary needs a guest gives on registering (issue 24): what the kitchens count per meal.
    One choice; allergies are free text beside it (Registration.allergies)."""

    NONE = "", _("No special diet")
    HALAL = "halal", _("Halal")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    NO_PORK = "no_pork", _("No pork")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Rejected")


# The organizers' decisions; nothing else changes a registration's status.
DECISIONS: dict[str, tuple[str, ...]] = {
    RegistrationStatus.PENDING: (RegistrationStatus.APPROVED, RegistrationStatus.WAITLISTED, RegistrationStatus.REJECTED),
    RegistrationStatus.WAITLISTED: (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED),
    RegistrationStatus.APPROVED: (),
    RegistrationStatus.REJECTED: (),
}


# What a scan's result means, in words (the API and `data-code` keep the codes).
SCAN_RESULTS = {
    "ok": _("Admitted"),
    "already_checked_in": _("Already checked in"),
    "revoked": _("Revoked credential"),
    "not_invited": _("Not invited to this item"),
    "not_approved": _("Registration not approved"),
    "wrong_day": _("Not valid today"),
    "invalid": _("Unknown code"),
}
EXIT_RECORDED = _("Exit recorded")
# Why an item's list refused a guest (the scan's `reason`; registration.checkin.not_invited_reason).
NOT_INVITED_REASONS = {
    "not_on_list": _("Not on this item's guest list."),
    "declined": _("The guest declined the invitation."),
    "no_answer": _("The guest has not accepted the invitation yet."),
}
