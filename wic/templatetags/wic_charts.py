"""Server-rendered inline SVG charts for the organizers' dashboard, and the small helpers its
templates use. No JavaScript: every chart is an <svg role="img"> whose aria-label reads out all
its figures, each bar carries a <title> (a tooltip), and every number is printed beside its bar.

The SVGs have no viewBox: widths are percentages of the chart's own width and text sizes are
pixels, so a chart fills its panel at any width without its text growing or shrinking. The CSS
makes each chart a little narrower than its box and lets it overflow, so the number after the
longest bar sits in that room instead of being cut off. Colours
come from CSS classes (static/admin/css/wic_dashboard.css), so the admin's dark theme applies.
Every text placed in the SVG is escaped by format_html.
"""
from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

ROW = 30  # px per bar row: the label line, then the bar
BAR_Y, BAR_H = 16, 10
BAR_MAX = 100.0  # the longest bar fills the chart; its number goes in the room CSS keeps on the right
QUALIFIER_MARKS = {"at_least": ("", "+"), "about": ("≈", ""), "nearly": ("~", "")}


@register.filter
def num(value) -> str:
    """An integer with grouped thousands in the active language ("1,800"); "—" for None."""
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def reported_text(reported) -> str:
    """A reported figure as text with its qualifier mark: "1,500+" (more than), "≈15" (about),
    "~40" (nearly); "—" when the texts give none."""
    if reported is None:
        return "—"
    before, after = QUALIFIER_MARKS.get(reported.qualifier, ("", ""))
    return f"{before}{num(reported.value)}{after}"


@register.simple_tag
def reported_cell(reported):
    """The reported figure for a table cell: the number with its mark, the qualifier spelled out
    for screen readers, and the words of the text as a tooltip."""
    if reported is None:
        return format_html('<span class="wic-quiet" title="{}">—</span>', _("The texts give no figure."))
    hint = reported.qualifier_label if reported.qualifier != "exact" else ""
    tooltip = " · ".join(part for part in (reported.label, reported.quote, reported.source) if part)
    return format_html(
        '<span title="{}">{}{}</span>',
        tooltip,
        format_html('<span class="visually-hidden">{} </span>', hint) if hint else "",
        reported_text(reported),
    )


def _width(value: float, largest: float) -> str:
    """The bar's width in % of the chart, as SVG text; a non-zero count always shows a sliver."""
    if not value or not largest:
        return "0"
    return f"{max(BAR_MAX * value / largest, 0.6):.2f}"


def _summary(title: str, pairs) -> str:
    return f"{title}: " + "; ".join(f"{label} {text}" for label, text in pairs)


@register.simple_tag
def hbar_chart(items, title, value="value", label="label", suffix="", largest=None, css=""):
    """A horizontal bar chart of `items` (objects with `label` and `value` attributes, or the
    attributes named): one row per item, its label above its bar, the number after the bar.
    `largest` fixes the scale (100 for percentages); by default the largest value fills BAR_MAX."""
    rows = []
    for item in items:
        raw = getattr(item, value)
        rows.append((str(getattr(item, label)), raw or 0, "—" if raw is None else f"{num(raw)}{suffix}"))
    if not any(amount for _l, amount, _t in rows):
        # All zeros (a past edition, a new call): a line says so instead of a column of empty bars.
        return format_html('<p class="wic-quiet wic-none">{}</p>', _("None yet."))
    scale = largest if largest is not None else max(v for _l, v, _t in rows)
    height = ROW * len(rows)
    body = []
    for i, (text, amount, shown) in enumerate(rows):
        y = i * ROW
        width = _width(amount, scale)
        body.append(
            format_html(
                '<g class="row"><title>{label}: {shown}</title>'
                '<text class="label" x="0" y="{ly}">{label}</text>'
                '<rect class="track" x="0" y="{by}" width="{max}%" height="{bh}" rx="2"></rect>'
                '<rect class="bar" x="0" y="{by}" width="{w}%" height="{bh}" rx="2"></rect>'
                '<text class="value" x="{w}%" dx="6" y="{vy}">{shown}</text></g>',
                label=text, shown=shown, ly=y + 12, by=y + BAR_Y, bh=BAR_H, max=BAR_MAX, w=width, vy=y + BAR_Y + BAR_H - 1,
            )
        )
    return format_html(
        '<svg class="wic-chart {}" width="100%" height="{}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        css, height, _summary(str(title), [(t, s) for t, _a, s in rows]), title, mark_safe("".join(body)),
    )


HISTORY_ROW = 40  # px per edition: the year, then the reported bar and the in-the-system bar
HISTORY_BAR_H = 8


@register.simple_tag
def history_chart(series):
    """One small multiple of the history: per edition (oldest first), the figure the texts
    report (a grey bar; its qualifier mark beside the number) and what the system counts (a
    coloured bar), on one scale for the metric."""
    points = series.points
    if not points:
        return format_html('<p class="wic-quiet">{}</p>', _("Nothing to show yet."))
    scale = max([p.system for p in points] + [p.reported.value for p in points if p.reported] + [0])
    reported_word, system_word = _("reported"), _("in the system")
    body, pairs = [], []
    for i, p in enumerate(points):
        y = i * HISTORY_ROW
        year = f"{p.year} ({_('demo')})" if p.is_demo else str(p.year)
        shown = reported_text(p.reported)
        pairs.append((year, f"{reported_word} {shown}, {system_word} {num(p.system)}"))
        reported_bar = (
            format_html(
                '<rect class="bar reported" x="0" y="{y}" width="{w}%" height="{h}" rx="2"></rect>'
                '<text class="value" x="{w}%" dx="5" y="{ty}">{shown}</text>',
                y=y + 15, w=_width(p.reported.value, scale), h=HISTORY_BAR_H, ty=y + 15 + HISTORY_BAR_H, shown=shown,
            )
            if p.reported
            else format_html('<text class="value none" x="0" y="{ty}">{}</text>', _("not reported"), ty=y + 15 + HISTORY_BAR_H)
        )
        body.append(
            format_html(
                '<g class="row"><title>{year}: {reported_word} {shown}; {system_word} {system}</title>'
                '<text class="label" x="0" y="{ly}">{year}</text>{reported_bar}'
                '<rect class="bar system" x="0" y="{sy}" width="{sw}%" height="{h}" rx="2"></rect>'
                '<text class="value" x="{sw}%" dx="5" y="{sty}">{system}</text></g>',
                year=year, reported_word=reported_word, system_word=system_word, shown=shown, system=num(p.system),
                ly=y + 11, reported_bar=reported_bar, sy=y + 15 + HISTORY_BAR_H + 2, sw=_width(p.system, scale), h=HISTORY_BAR_H,
                sty=y + 15 + 2 * HISTORY_BAR_H + 2,
            )
        )
    title = str(series.metric.label)
    return format_html(
        '<svg class="wic-chart history" width="100%" height="{}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        HISTORY_ROW * len(points), _summary(title, pairs), title, mark_safe("".join(body)),
    )


@register.simple_tag
def dashboard_editions(user):
    """(year, name, is_demo) of every edition, newest first, for the admin index's "Dashboards"
    module; empty for anyone but organizers and superusers. One query (two for a non-superuser)."""
    from wic.admin_dashboard import is_organizer
    from wic.i18n import pick
    from wic.models import Edition

    if not getattr(user, "is_authenticated", False) or not is_organizer(user):
        return []
    return [(e.year, pick(e, "name"), e.is_demo) for e in Edition.objects.order_by("-year").only("year", "name_zh", "name_en", "is_demo")]


@register.filter
def percent_of(part, whole) -> str:
    """"45%" of `part` in `whole`; "—" when `whole` is 0."""
    if not whole:
        return "—"
    return f"{round(100 * (part or 0) / whole)}%"
