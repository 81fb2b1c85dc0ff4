"""Domain errors as a page shows them: a sentence for the reader, the field it concerns marked, and
the machine-readable code kept out of the text, in a `data-code` attribute only.

The API maps a `DomainError` to `{code, message, errors}` (wic.api_base) and keeps its codes and
field names; a page never prints either. A form gets the error through `form_add_domain_error`:
attached to the field it names (Django then renders the widget with `aria-invalid="true"`, and
`templates/includes/form_errors.html` prints the sentence beside it with the code in `data-code`),
else to the form as a whole. A refusal that lists several fields by name (`incomplete`) is
rewritten with the fields' labels in the page's language, and each of them is marked. A page that
redirects shows the sentence through `messages_add_domain_error`, its code in `data-code`.
"""
from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

# What a page says about a refusal that lists fields: the summary above the form (naming the
# fields by their labels) and the sentence beside each field. Codes not listed get the generic pair.
_LISTED_FIELDS = {
    "incomplete": (gettext_lazy("Fill in before submitting: %(fields)s."), gettext_lazy("Fill this in to submit.")),
}
_LISTED_FIELDS_DEFAULT = (gettext_lazy("Check these fields: %(fields)s."), gettext_lazy("Check this field."))


def _form_field(form: forms.BaseForm, name: str | None, aliases: dict[str, str] | None) -> str | None:
    """The form's field for the service's field name (directly, or through `aliases`), else None."""
    if not name:
        return None
    name = (aliases or {}).get(name, name)
    return name if name in form.fields else None


def _label(form: forms.BaseForm, name: str) -> str:
    return str(form.fields[name].label or name.replace("_", " ").capitalize())


def _join(labels: list[str]) -> str:
    return _(", ").join(labels)


def domain_error_sentence(error: DomainError, form: forms.BaseForm | None = None, *, aliases: dict[str, str] | None = None) -> str:
    """The sentence a page shows for `error`: its message, or, for a refusal listing fields, the
    page's sentence naming them by the form's labels (fields the form lacks are left out)."""
    if not error.fields:
        return error.message
    summary, _beside = _LISTED_FIELDS.get(error.code, _LISTED_FIELDS_DEFAULT)
    names = [_form_field(form, name, aliases) for name in error.fields] if form is not None else []
    labels = list(dict.fromkeys(_label(form, name) for name in names if name))
    if not labels:
        return _("Some required information is missing.") if error.code == "incomplete" else error.message
    return str(summary) % {"fields": _join(labels)}


def form_add_domain_error(form: forms.BaseForm, error: DomainError, *, aliases: dict[str, str] | None = None, prefix: str = "") -> None:
    """Attach (to a bound form) `error` to `form` as a page shows it (see the module's docstring). `aliases` maps the
    service's field names to the form's (`{"answers.3": "q_3"}`); `prefix` opens the sentence
    ("Your draft is saved, but it was not submitted:")."""
    if error.fields:
        _summary, beside = _LISTED_FIELDS.get(error.code, _LISTED_FIELDS_DEFAULT)
        for name in dict.fromkeys(_form_field(form, n, aliases) for n in error.fields):
            if name and name not in form.errors:
                form.add_error(name, forms.ValidationError(str(beside), code=error.code))
        form.add_error(None, forms.ValidationError(_prefixed(prefix, domain_error_sentence(error, form, aliases=aliases)), code=error.code))
        return
    field = _form_field(form, error.field, aliases)
    # Some services open a shape error with the field's name ("email: Enter a valid email
    # address."); beside the field, the name goes.
    message = error.message.removeprefix(f"{error.field}: ") if error.field else error.message
    if field and not prefix:
        form.add_error(field, forms.ValidationError(message, code=error.code))
        return
    if field:  # the field is marked; the sentence, with its opening, stands above the form
        form.add_error(field, forms.ValidationError(message, code=error.code))
        message = f"{_label(form, field)}: {message}"
    form.add_error(None, forms.ValidationError(_prefixed(prefix, message), code=error.code))


def _prefixed(prefix: str, sentence: str) -> str:
    return f"{prefix} {sentence}" if prefix else sentence


def messages_add_domain_error(request, error: DomainError, *, prefix: str = "", subject: str = "") -> None:
    """Show `error` on the next page as a message: `prefix` and the sentence (after `subject`,
    e.g. "ACME Ltd: ..."), the code in the message's `extra_tags`, rendered as `data-code`."""
    sentence = _prefixed(prefix, domain_error_sentence(error))
    if subject:
        sentence = _("%(subject)s: %(sentence)s") % {"subject": subject, "sentence": sentence}
    messages.error(request, sentence, extra_tags=error.code)


def errors_by_label(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors keyed by the fields' labels in the page's language (never their names);
    errors of the whole form under "". For pages that list the errors apart from the fields."""
    labelled: dict[str, list[str]] = {}
    for name, errors in form.errors.items():
        label = _label(form, name) if name in form.fields else ""
        labelled.setdefault(label, []).extend(errors)
    return labelled
