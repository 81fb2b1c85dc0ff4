from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agenda.selectors import edition_by_year
from agenda.views import no_edition, not_found
from wic.errors import DomainError

from . import services
from .forms import RegistrationForm
from .models import Registration


def register(request, year):
    edition = edition_by_year(year)
    if edition is None:
        return no_edition(request, year)
    initial = {"email": request.user.email, "name": request.user.get_full_name()} if request.user.is_authenticated else {}
    form = RegistrationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.FIELDS}
            try:
                registration = services.registration_create(edition=edition, data=data, user=request.user, language=get_language())
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, f"{error.message} [{error.code}]")
                status = error.status
            else:
                return redirect("registration:page", year=edition.year, token=registration.token)
        else:
            status = 400
    closed = edition.end_date < timezone.localdate()
    return render(request, "registration/register.html", {"edition": edition, "form": form, "closed": closed}, status=status)


def guest_page(request, year, token):
    registration = Registration.objects.filter(token=token, edition__year=year if str(year).isdigit() else -1).select_related("edition").first()
    if registration is None:
        return not_found(request, _("No registration has this address."))
    credential = registration.credentials.filter(revoked_at__isnull=True).first()
    qr_svg = ""
    if credential is not None:
        import segno
        from django.utils.safestring import mark_safe

        # The secret is from a fixed alphanumeric alphabet, so the generated SVG carries no user text.
        qr_svg = mark_safe(segno.make(credential.secret, error="m").svg_inline(scale=6, title=_("Credential QR code")))
    context = {"registration": registration, "edition": registration.edition, "credential": credential, "qr_svg": qr_svg}
    response = render(request, "registration/guest_page.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
