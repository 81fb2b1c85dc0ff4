"""What the guest's pages contribute (wic/contrib.py): the visa invitation letter's section of the
private registration page (registration.views.guest_page), after the credential and invitations."""
from wic.contrib import GuestSection


def _visa_letter(registration, request):
    from .guest import letter_section

    return letter_section(registration, request)


CONTRIBUTIONS = [
    GuestSection(key="visa_letter", build=_visa_letter, template="travel/guest_section.html", order=50),
]
