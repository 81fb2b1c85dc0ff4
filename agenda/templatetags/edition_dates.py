"""An edition's dates as a reader wants them: "3–5 Dec 2017" ("2017年12月3日至5日"), and, where
the agenda runs wider than the edition's main dates (the 2017 expo opened on 12-02), both:
"Main dates 3–5 Dec 2017 · agenda 2–5 Dec 2017"."""
from datetime import date

from django import template
from django.db.models import Max, Min
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

register = template.Library()


def day_range(start: date, end: date) -> str:
    """One day or a range of days, the month and year said once where they are shared."""
    parts = {
        "d1": start.day, "m1": start.month, "y1": start.year, "month1": date_format(start, "M"),
        "d2": end.day, "m2": end.month, "y2": end.year, "month2": date_format(end, "M"),
    }
    if start == end:
        # xgettext:no-python-format (Chinese uses the month's number, m1/m2, from the same mapping)
        return pgettext("one day", "%(d1)s %(month1)s %(y1)s") % parts
    if (start.year, start.month) == (end.year, end.month):
        # xgettext:no-python-format (Chinese uses the month's number, m1/m2, from the same mapping)
        return pgettext("days in one month", "%(d1)s–%(d2)s %(month1)s %(y1)s") % parts
    if start.year == end.year:
        # xgettext:no-python-format (Chinese uses the month's number, m1/m2, from the same mapping)
        return pgettext("days in one year", "%(d1)s %(month1)s – %(d2)s %(month2)s %(y1)s") % parts
    # xgettext:no-python-format (Chinese uses the month's number, m1/m2, from the same mapping)
    return pgettext("days across years", "%(d1)s %(month1)s %(y1)s – %(d2)s %(month2)s %(y2)s") % parts


@register.simple_tag
def agenda_spans(editions) -> dict:
    """{edition id: (first day, last day)} of the published agenda of these editions (one edition
    or many), in one query. Items before the summit (`pre_event`: a press conference weeks ahead)
    and items without a day are not the agenda's span; satellite items (the expo opening the day
    before) are."""
    from agenda.models import Session

    ids = [editions.pk] if hasattr(editions, "pk") else [e.pk for e in editions]
    rows = Session.objects.filter(edition_id__in=ids, is_published=True, pre_event=False).values("edition_id").annotate(first=Min("date"), last=Max("date"))
    return {row["edition_id"]: (row["first"], row["last"]) for row in rows.order_by()}


@register.simple_tag
def edition_dates(edition, spans=None) -> str:
    """The edition's dates; "Main dates …" with the agenda's span after it where the agenda has days
    outside them (`spans` from agenda_spans). An edition whose dates the texts do not give (2015,
    2016) shows its year and says so, never a guessed day."""
    if edition.start_date is None or edition.end_date is None:
        return gettext("%(year)s (dates not given)") % {"year": edition.year}
    main = day_range(edition.start_date, edition.end_date)
    first, last = (spans or {}).get(edition.pk, (None, None))
    if first is None or (first >= edition.start_date and last <= edition.end_date):
        return main
    wide = day_range(min(first, edition.start_date), max(last, edition.end_date))
    return gettext("Main dates %(main)s · agenda %(agenda)s") % {"main": main, "agenda": wide}
