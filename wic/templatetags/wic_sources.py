"""Citations of the seed texts on public pages: `{{ record.source|cited }}` gives the readable
citation (never a file name); `{% quoted quote source %}` folds a quotation and its citation in a
<details>. See wic.citations."""
from django import template

from wic.citations import citation

register = template.Library()


@register.filter
def cited(source) -> str:
    return citation(source)


@register.inclusion_tag("includes/quoted.html")
def quoted(quote, source=""):
    return {"quote": quote or "", "cited": citation(source)}
