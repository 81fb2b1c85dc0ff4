"""An edition's calendar and described content on its page, each in one query.

`{% edition_calendar edition %}` lists the dated milestones (wic.EditionMilestone) in date order,
a month-precise date shown as the month only (never an invented day); the texts' differing accounts
of one step (a shared `conflict_key`) are shown together, marked "sources disagree", each with its
quote visible. `{% edition_described edition %}` lists the edition's described items
(wic.EditionDescribedItem) by kind, in the text's order."""
from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from wic.enums import DatePrecision, DescribedItemKind

register = template.Library()

HEADINGS = {
    DescribedItemKind.CHARACTERISTIC: _("Characteristics"),
    DescribedItemKind.TOPIC: _("Topics discussed"),
    DescribedItemKind.ACTIVITY: _("Activities"),
    DescribedItemKind.HOST_CITY_ACTIVITY: _("Host-city activities"),
}


@register.filter
def milestone_date(milestone) -> str:
    """The milestone's date as precisely as the text gives it: "2024年5月" / "May 2024" for a month,
    "2024年9月11日" / "Sept. 11, 2024" for a day."""
    if milestone.precision == DatePrecision.MONTH:
        return date_format(milestone.date, "YEAR_MONTH_FORMAT")
    return date_format(milestone.date, "DATE_FORMAT")


def calendar_entries(milestones) -> list[dict]:
    """The calendar's rows: one per milestone, or one per step the texts disagree on (holding every
    account), placed at its earliest account."""
    entries, groups = [], {}
    for m in sorted(milestones, key=lambda m: (m.date, m.sort_order, m.key)):
        if m.conflict_key:
            if m.conflict_key in groups:
                groups[m.conflict_key]["accounts"].append(m)
                continue
            groups[m.conflict_key] = {"conflict": True, "accounts": [m]}
            entries.append(groups[m.conflict_key])
        else:
            entries.append({"conflict": False, "accounts": [m]})
    return entries


@register.inclusion_tag("wic/includes/edition_calendar.html")
def edition_calendar(edition):
    return {"entries": calendar_entries(edition.milestones.all())}


@register.inclusion_tag("wic/includes/edition_described.html")
def edition_described(edition):
    items = list(edition.described_items.all())
    kinds = [(kind.value, HEADINGS[kind], [i for i in items if i.kind == kind.value]) for kind in DescribedItemKind]
    return {"kinds": [k for k in kinds if k[2]]}
