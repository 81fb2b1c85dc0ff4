"""The organizers' seating screens: the list of plans, a plan drawn as SVG (tables as circles with
their seats, rows as lines of seats) with the guests without a seat, auto-seating, a move form,
and the place cards and table plan as PDF. Organizers only (wic.roles.is_organizer); anyone else
signed in gets the 403 page, the anonymous the sign-in page."""
import math
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from wic import inputs  # noqa: F401  (registers the <id:...> path converter)
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error, messages_add_domain_error
from wic.roles import is_organizer

from . import seating
from .enums import PlanLayout
from .models import InvitationCard, SeatBlock, SeatingPlan

PALETTE = 8  # delegation colours in static/css/seating.css (.d0 .. .d7)


def _refusal(request):
    """None for an organizer; else the sign-in redirect or the 403 page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_organizer(request.user):
        return render(request, "403.html", {"message": _("Only organizers see and change seating plans.")}, status=403)
    return None


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def _plan(pk) -> SeatingPlan:
    return get_object_or_404(SeatingPlan.objects.select_related("item__session__edition", "item__session__hall"), pk=pk)


def plans(request):
    """Every seating plan, newest item first, with its seats and how many are given."""
    refused = _refusal(request)
    if refused:
        return refused
    rows = list(
        SeatingPlan.objects.select_related("item__session__edition")
        .annotate(seat_count=Sum("blocks__seats", distinct=False), blocks_count=Count("blocks", distinct=True))
        .order_by("-item__session__edition__year", "item__session__start", "pk")
    )
    seated = dict(SeatingPlan.objects.filter(pk__in=[p.pk for p in rows]).annotate(n=Count("assignments")).values_list("pk", "n"))
    for plan in rows:
        plan.seated = seated.get(plan.pk, 0)
    return _no_store(render(request, "protocol/seating_plans.html", {"plans": rows}))


# -- the drawing -----------------------------------------------------------------------------------


@dataclass
class SeatDot:
    number: int
    x: float
    y: float
    guest: object  # seating.Guest or None
    text_x: float = 0
    text_y: float = 0
    anchor: str = "middle"
    short: str = ""
    colour: str = ""
    rotate: str = ""


@dataclass
class Drawing:
    block: SeatBlock
    width: float
    height: float
    x0: float
    cx: float
    cy: float
    radius: float
    dots: list
    taken: int

    @property
    def view_box(self) -> str:
        return f"{self.x0:g} 0 {self.width:g} {self.height:g}"


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _colours(data) -> dict:
    """A colour class per delegation, in order of appearance (eight, then again)."""
    colours = {}
    for g in data.guests:
        if g.delegation is not None and g.delegation.pk not in colours:
            colours[g.delegation.pk] = f"d{len(colours) % PALETTE}"
    return colours


def _dot(number, x, y, guest, colours) -> SeatDot:
    dot = SeatDot(number=number, x=round(x, 1), y=round(y, 1), guest=guest)
    if guest is not None:
        limit = 6 if guest.display != guest.name or not guest.name.isascii() else 9
        dot.short = _short(guest.display, limit)
        dot.colour = colours.get(guest.delegation.pk, "") if guest.delegation is not None else "solo"
    return dot


def _table(row, colours) -> Drawing:
    n = row.block.seats
    ring = max(70.0, n * 24 / (2 * math.pi))  # at least 24 units from seat to seat
    table = ring - 22
    half = ring + 82
    cx = cy = half
    dots = []
    for i, guest in enumerate(row.seats):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        dot = _dot(i + 1, cx + ring * math.cos(angle), cy + ring * math.sin(angle), guest, colours)
        c, s = math.cos(angle), math.sin(angle)
        dot.text_x = round(cx + (ring + 15) * c, 1)
        dot.text_y = round(cy + (ring + 15) * s + 4 + (8 * s if abs(c) < 0.35 else 0), 1)
        dot.anchor = "start" if c > 0.35 else "end" if c < -0.35 else "middle"
        dots.append(dot)
    return Drawing(block=row.block, width=2 * half, height=2 * half, x0=0, cx=cx, cy=cy, radius=table, dots=dots, taken=row.taken)


ROW_LINE = 20  # seats per line of a row's drawing: a long row wraps, so it stays legible on a phone


def _row(row, colours) -> Drawing:
    step, left, top, line_height = 26, 60, 24, 90
    dots = []
    for i, guest in enumerate(row.seats):
        line, column = divmod(i, ROW_LINE)
        dot = _dot(i + 1, left + column * step, top + line * line_height, guest, colours)
        dot.text_x, dot.text_y, dot.anchor = dot.x - 3, dot.y + 16, "start"
        dot.rotate = f"rotate(60 {dot.text_x:g} {dot.text_y:g})"
        dots.append(dot)
    lines = max(1, -(-len(row.seats) // ROW_LINE))
    width = left + ROW_LINE * step + 40
    return Drawing(block=row.block, width=width, height=lines * line_height + 10, x0=0, cx=0, cy=top, radius=0, dots=dots, taken=row.taken)


def drawings(data) -> list[Drawing]:
    colours = _colours(data)
    draw = _table if data.plan.layout == PlanLayout.TABLES else _row
    return [draw(row, colours) for row in data.blocks]


# -- the move form ---------------------------------------------------------------------------------


class MoveForm(forms.Form):
    card = forms.ChoiceField(label=gettext_lazy("Guest"))
    block = forms.ChoiceField(label=gettext_lazy("Table or row"))
    number = forms.IntegerField(label=gettext_lazy("Seat"), min_value=-100000, max_value=100000, required=False)

    def __init__(self, *args, data_seating=None, **kwargs):
        super().__init__(*args, **kwargs)
        plan = data_seating.plan
        unseated = [(str(g.card.pk), g.both) for g in data_seating.unseated]
        seated = [
            (str(g.card.pk), f"{g.both} ({seating.label_of(plan, row.block.label, n)})")
            for row in data_seating.blocks for n, g in enumerate(row.seats, start=1) if g is not None
        ]
        self.fields["card"].choices = [("", "—"), (_("Without a seat"), unseated), (_("Seated"), seated)]
        self.fields["block"].choices = [(str(row.block.pk), _block_name(plan, row.block)) for row in data_seating.blocks]


def _block_name(plan, block) -> str:
    if plan.layout == PlanLayout.TABLES:
        name = _("Table %(label)s") % {"label": block.label}
    else:
        name = _("Row %(label)s") % {"label": block.label}
    if not block.is_head:
        return name
    head = _("head table") if plan.layout == PlanLayout.TABLES else _("front row")
    return f"{name} · {head}"


def _page(request, plan, *, form=None, status=200):
    data = seating.plan_seating(plan)
    form = form or MoveForm(data_seating=data)
    context = {
        "plan": plan, "item": plan.item, "session": plan.item.session, "data": data, "drawings": drawings(data), "form": form,
        "is_tables": plan.layout == PlanLayout.TABLES, "palette": range(PALETTE),
    }
    return _no_store(render(request, "protocol/seating_plan.html", context, status=status))


def plan_page(request, pk):
    refused = _refusal(request)
    if refused:
        return refused
    return _page(request, _plan(pk))


@require_POST
def plan_auto_seat(request, pk):
    refused = _refusal(request)
    if refused:
        return refused
    plan = _plan(pk)
    try:
        report = seating.auto_seat(plan, actor=request.user)
    except DomainError as error:
        messages_add_domain_error(request, error)
        return redirect("protocol:seating-plan", pk=plan.pk)
    if report.seated:
        messages.success(request, ngettext("Seated %(count)s guest.", "Seated %(count)s guests.", report.seated) % {"count": report.seated})
    elif not report.unseated:
        messages.info(request, _("Every accepted guest has a seat already."))
    for code, message in report.messages():
        messages.warning(request, message, extra_tags=code)
    return redirect("protocol:seating-plan", pk=plan.pk)


@require_POST
def plan_move(request, pk):
    """Move a guest to a seat, or (the "clear" button) take their seat away."""
    refused = _refusal(request)
    if refused:
        return refused
    plan = _plan(pk)
    data = seating.plan_seating(plan)
    form = MoveForm(request.POST, data_seating=data)
    if not form.is_valid():
        return _page(request, plan, form=form, status=400)
    card = InvitationCard.objects.filter(pk=form.cleaned_data["card"], item_id=plan.item_id).first()
    block = SeatBlock.objects.filter(pk=form.cleaned_data["block"], plan=plan).first()
    clearing = request.POST.get("action") == "clear"
    try:
        if card is None:
            raise DomainError("does_not_exist", _("Choose a guest of this item."), field="card")
        if clearing:
            seating.seat_clear(card, actor=request.user)
            messages.success(request, _("%(guest)s no longer has a seat.") % {"guest": seating.card_name(card)})
            return redirect("protocol:seating-plan", pk=plan.pk)
        if block is None:
            raise DomainError("no_such_seat", _("Choose a table or row of this plan."), field="block")
        if form.cleaned_data["number"] is None:
            raise DomainError("no_such_seat", _("Give the seat's number."), field="number")
        seat = seating.seat_move(card, block=block, number=form.cleaned_data["number"], actor=request.user)
    except DomainError as error:
        form_add_domain_error(form, error)
        return _page(request, plan, form=form, status=error.status)
    messages.success(request, _("%(guest)s now sits at %(seat)s.") % {"guest": seating.card_name(card), "seat": seating.label_of(plan, block.label, seat.number)})
    return redirect("protocol:seating-plan", pk=plan.pk)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


def place_cards(request, pk):
    refused = _refusal(request)
    if refused:
        return refused
    from .pdf import place_cards_pdf

    plan = _plan(pk)
    return _pdf(place_cards_pdf(plan, seating.plan_seating(plan)), f"place-cards-{plan.pk}.pdf")


def table_plan(request, pk):
    refused = _refusal(request)
    if refused:
        return refused
    from .pdf import table_plan_pdf

    plan = _plan(pk)
    return _pdf(table_plan_pdf(plan, seating.plan_seating(plan)), f"seating-plan-{plan.pk}.pdf")


urlpatterns = [
    path("protocol/plans/", plans, name="seating-plans"),
    path("protocol/plans/<id:pk>/", plan_page, name="seating-plan"),
    path("protocol/plans/<id:pk>/auto-seat/", plan_auto_seat, name="seating-auto"),
    path("protocol/plans/<id:pk>/move/", plan_move, name="seating-move"),
    path("protocol/plans/<id:pk>/place-cards.pdf", place_cards, name="seating-place-cards"),
    path("protocol/plans/<id:pk>/table-plan.pdf", table_plan, name="seating-table-plan"),
]
