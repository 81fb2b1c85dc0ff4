"""The venue map (issue 25): what a venue's plan shows for an edition, and the checks of what
organizers place on it.

Selectors (a fixed number of queries, whatever the rows):

- `edition_venues(edition)`: the venues an edition's map offers (one query): its main venue, the
  venues of its published sessions' halls, of its service points and of its zones' places. The
  main venue first, then by Chinese name. `home_venue(edition, venues)` is the one the map opens
  on: the main venue, else the first of them.
- `venue_plan(venue, edition)`: what to draw (three queries): every hall of the venue, every
  expo zone of the edition placed at this venue, and the edition's service points there.
  A hall or a zone with a `PlanShape` is drawn there; one without is laid out on a grid
  (`grid_cells`), so a venue has a plan "drawn from the halls that exist" before anyone places
  anything. Each hall and zone keeps its own cell of the grid (halls in their order, then zones),
  placed or not, so placing one never moves another.

  Zones have no venue: a zone's `PlanShape` names its venue; a zone without one is drawn on the
  edition's home venue (its main venue, else the first venue of its map). With `edition=None`
  (the admin of a hall's place, which belongs to no edition) only the halls are drawn.
- `venue_hall_sessions(hall, edition, now)`: the sessions of the edition in a hall for the hall's
  link: those not over yet while the edition runs or is ahead, else all of them (one query).

Checks (the admin's forms call them; each refusal a `DomainError` with a stable code and the
field it concerns, so no database constraint ever refuses what a form accepted):

- `point_problems(...)`: `venue_required` (venue), `off_plan` (x, y: 0 to 1000), `too_long`
  (a name or hours over 200 characters, field by field).
- `shape_problems(...)`: `venue_required`, `hall_or_zone` (a place is a hall's or a zone's, not
  both, not neither; field hall), `hall_of_another_venue` (hall), `already_placed` (hall or zone:
  it has a place already), `off_plan` (x, y, width, height: the rectangle lies within the plan and
  is at least one unit wide and high).
- `shape_overlaps(shape)`: the other places its rectangle overlaps, of the same kind (halls with
  halls; zones with the same edition's zones): a warning, never a refusal (a zone inside an
  exhibition hall is what zones are; two halls drawn over each other are probably a slip).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Hall, Session, Venue
from agenda.selectors import SESSION_ORDER
from expo.models import Zone
from wic.errors import DomainError
from wic.i18n import pick

from .enums import ServicePointKind
from .models import PLAN_SIZE, PlanShape, ServicePoint

MARGIN = 50  # plan units between the plan's edge and the grid
GAP = 20  # plan units between two cells of the grid
KIND_ORDER = {value: index for index, value in enumerate(ServicePointKind.values)}
HALL_SESSIONS = 8  # sessions a hall's link lists at most


# -- the plan ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def center_x(self) -> int:
        return self.x + self.width // 2

    @property
    def center_y(self) -> int:
        return self.y + self.height // 2

    def overlaps(self, other: Rect) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


def grid_cells(count: int) -> list[Rect]:
    """`count` cells filling the plan row by row: ceil(sqrt(count)) columns, as many rows as
    needed, MARGIN from the edge and GAP between cells (whole plan units, rounded down)."""
    if count <= 0:
        return []
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    span = PLAN_SIZE - 2 * MARGIN
    width = (span - (columns - 1) * GAP) // columns
    height = (span - (rows - 1) * GAP) // rows
    return [
        Rect(MARGIN + (index % columns) * (width + GAP), MARGIN + (index // columns) * (height + GAP), width, height)
        for index in range(count)
    ]


def _is_wide(char: str) -> bool:
    return ord(char) >= 0x2E80  # CJK and full-width forms


def _text_width(text: str, size: int) -> float:
    return sum(size if _is_wide(c) else size * 0.56 for c in text)


def wrap_label(text: str, width: int, size: int, max_lines: int) -> list[str]:
    """`text` in lines of at most `width` plan units at font `size`, at most `max_lines` of them,
    the last ending in "…" when the text does not fit. Latin text breaks between words (a word
    longer than a line is cut), Chinese between characters."""
    tokens: list[tuple[str, bool]] = []  # (token, whether a space came before it in `text`)
    for word in text.split(" "):
        if any(_is_wide(c) for c in word):
            tokens.extend((c, n == 0) for n, c in enumerate(word))  # each character may start a line
        elif word:
            tokens.append((word, True))
    lines: list[str] = []
    line = ""
    for token, spaced in tokens:
        candidate = f"{line} {token}" if line and spaced else f"{line}{token}"
        if line and _text_width(candidate, size) > width:
            lines.append(line)
            line = token
        else:
            line = candidate
    if line:
        lines.append(line)
    lines = [_fit(one, width, size) for one in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1], width, size, ellipsis=True)
    return lines


def _fit(line: str, width: int, size: int, ellipsis: bool = False) -> str:
    """`line` as it fits `width`: cut, ending in "…", when it does not (or always, with `ellipsis`)."""
    if not ellipsis and _text_width(line, size) <= width:
        return line
    base = line.rstrip("…")
    while base and _text_width(base + "…", size) > width:
        base = base[:-1]
    return base.rstrip() + "…"


@dataclass
class PlanItem:
    """A hall or a zone on a plan: its rectangle, placed by an organizer or laid out."""

    kind: str  # "hall" or "zone"
    obj: Hall | Zone
    rect: Rect
    placed: bool

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def name(self) -> str:
        return pick(self.obj, "name")

    @property
    def room(self) -> str:
        return getattr(self.obj, "room", "") if self.kind == "hall" else ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.room}" if self.room else self.name

    @property
    def font_size(self) -> int:
        return max(14, min(30, min(self.rect.width, self.rect.height) // 7))

    @property
    def lines(self) -> list[str]:
        """The label in the page's language, wrapped to the rectangle (see wrap_label)."""
        size = self.font_size
        room = max(1, min(3, int((self.rect.height - size) // (size * 1.25))))
        return wrap_label(self.label, self.rect.width - size, size, room)

    @property
    def text_rows(self) -> list[tuple[int, str]]:
        """(baseline y, line) of each line, centred in the rectangle."""
        size, lines = self.font_size, self.lines
        step = round(size * 1.2)
        first = self.rect.center_y - (step * (len(lines) - 1)) // 2 + size // 3
        return [(first + n * step, line) for n, line in enumerate(lines)]


@dataclass
class PointItem:
    """A service point on a plan, numbered on the plan and in the list (1, 2, ... in kind order)."""

    number: int
    point: ServicePoint

    @property
    def pk(self) -> int:
        return self.point.pk

    @property
    def kind(self) -> str:
        return self.point.kind

    @property
    def name(self) -> str:
        return pick(self.point, "name")

    @property
    def hours(self) -> str:
        return pick(self.point, "hours")

    @property
    def note(self) -> str:
        return pick(self.point, "note")

    @property
    def kind_label(self) -> str:
        return str(ServicePointKind(self.point.kind).label) if self.point.kind in ServicePointKind.values else self.point.kind


@dataclass
class VenuePlan:
    venue: Venue
    edition: object | None
    halls: list[PlanItem] = field(default_factory=list)
    zones: list[PlanItem] = field(default_factory=list)
    points: list[PointItem] = field(default_factory=list)
    unplaced_zones_here: bool = False  # zones without a place are drawn on this plan (the home venue)

    @property
    def items(self) -> list[PlanItem]:
        return [*self.halls, *self.zones]

    @property
    def laid_out(self) -> int:
        """How many halls and zones are drawn where the grid put them (no place yet)."""
        return sum(1 for item in self.items if not item.placed)

    def kinds(self) -> list[tuple[str, str, int]]:
        """(kind, label, how many) of the kinds of service point on this plan, in the kinds' order."""
        counts: dict[str, int] = {}
        for item in self.points:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return [(value, str(label), counts[value]) for value, label in ServicePointKind.choices if value in counts]


def _rect(shape: PlanShape) -> Rect:
    return Rect(shape.x, shape.y, shape.width, shape.height)


def shape_of(obj) -> PlanShape | None:
    try:
        return obj.plan_shape
    except PlanShape.DoesNotExist:
        return None


def venue_halls(venue) -> list[Hall]:
    """Every hall of the venue in its order, with its place (one query)."""
    return list(Hall.objects.filter(venue=venue).select_related("plan_shape").order_by("sort_order", "name_zh", "pk"))


def venue_plan(venue, edition, *, home_venue_id: int | None = None) -> VenuePlan:
    """What `venue`'s plan shows for `edition` (see the module's docstring): three queries, or one
    with `edition=None`. `home_venue_id` is the venue that takes the zones without a place:
    the edition's main venue when not given."""
    halls = venue_halls(venue)
    zones: list[Zone] = []
    points: list[ServicePoint] = []
    home = False
    if edition is not None:
        home = venue.pk == (home_venue_id if home_venue_id is not None else edition.main_venue_id)
        here = Q(plan_shape__venue=venue)
        if home:
            here |= Q(plan_shape__isnull=True)
        zones = list(Zone.objects.filter(here, edition=edition).select_related("plan_shape").order_by("sort_order", "key", "pk"))
        points = sorted(
            ServicePoint.objects.filter(edition=edition, venue=venue),
            key=lambda p: (KIND_ORDER.get(p.kind, len(KIND_ORDER)), p.name_zh, p.pk),
        )
    cells = grid_cells(len(halls) + len(zones))
    plan = VenuePlan(venue=venue, edition=edition, unplaced_zones_here=home)
    for index, obj in enumerate([*halls, *zones]):
        shape = shape_of(obj)
        item = PlanItem("hall" if index < len(halls) else "zone", obj, _rect(shape) if shape else cells[index], shape is not None)
        (plan.halls if item.kind == "hall" else plan.zones).append(item)
    plan.points = [PointItem(number, point) for number, point in enumerate(points, start=1)]
    return plan


def edition_venues(edition) -> list[Venue]:
    """The venues of the edition's map (one query; see the module's docstring)."""
    used = (
        Q(pk__in=Session.objects.filter(edition=edition, is_published=True, hall__isnull=False).values("hall__venue_id"))
        | Q(pk__in=ServicePoint.objects.filter(edition=edition).values("venue_id"))
        | Q(pk__in=PlanShape.objects.filter(zone__edition=edition).values("venue_id"))
    )
    if edition.main_venue_id:
        used |= Q(pk=edition.main_venue_id)
    venues = list(Venue.objects.filter(used).order_by("name_zh"))
    return sorted(venues, key=lambda v: v.pk != edition.main_venue_id)  # stable: the main venue first


def home_venue(edition, venues: list[Venue]) -> Venue | None:
    """The venue the edition's map opens on, and the one that takes its zones without a place."""
    for venue in venues:
        if venue.pk == edition.main_venue_id:
            return venue
    return venues[0] if venues else None


def venue_hall_sessions(hall, edition, *, now: datetime | None = None) -> tuple[list[Session], bool]:
    """The edition's published sessions in `hall`, at most HALL_SESSIONS (one query), and whether
    they are the coming ones: while the edition runs or is ahead, the sessions not over yet
    (and those without a time, on a day not past); once it is over, all of them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sessions = Session.objects.filter(edition=edition, hall=hall, is_published=True)
    coming = not edition.has_ended(today)
    if coming:
        sessions = sessions.filter(Q(end__gte=now) | Q(end__isnull=True, date__gte=today) | Q(date__isnull=True))
    return list(sessions.order_by(*SESSION_ORDER)[:HALL_SESSIONS]), coming


# -- checks -----------------------------------------------------------------------------------------

def _off_plan(name: str, label: str, value: int) -> DomainError:
    return DomainError(
        "off_plan",
        _("The %(field)s must be between 0 and %(size)d plan units (the plan is %(size)d × %(size)d); %(value)d is off the plan.")
        % {"field": label, "size": PLAN_SIZE, "value": value},
        field=name,
    )


def _length_problems(model, values: dict[str, str]) -> list[DomainError]:
    problems = []
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and len(value or "") > limit:
            label = model._meta.get_field(name).verbose_name
            problems.append(DomainError(
                "too_long", _("The %(field)s may hold %(max)d characters; this one has %(n)d.") % {"field": label, "max": limit, "n": len(value)}, field=name,
            ))
    return problems


def _venue_required() -> DomainError:
    return DomainError("venue_required", _("Choose the venue: a position is on the plan of one venue."), field="venue")


def point_problems(*, venue, x: int | None, y: int | None, texts: dict[str, str] | None = None) -> list[DomainError]:
    """Every refusal of a service point as it would be saved (see the module's docstring), in the
    form's order; [] when it may be saved. `x` or `y` None: that field's own error says so."""
    problems = []
    if venue is None:
        problems.append(_venue_required())
    problems += _length_problems(ServicePoint, texts or {})
    for name, label, value in (("x", _("left (x)"), x), ("y", _("top (y)"), y)):
        if value is not None and not 0 <= value <= PLAN_SIZE:
            problems.append(_off_plan(name, label, value))
    return problems


def point_check(*, venue, x: int | None, y: int | None, texts: dict[str, str] | None = None) -> None:
    """Raise the first of `point_problems`."""
    problems = point_problems(venue=venue, x=x, y=y, texts=texts)
    if problems:
        raise problems[0]


def shape_problems(*, venue, hall=None, zone=None, x=None, y=None, width=None, height=None, shape: PlanShape | None = None) -> list[DomainError]:
    """Every refusal of a place on a plan as it would be saved (`shape`: the place being changed,
    None for a new one); [] when it may be saved. Two queries at most (is the hall or the zone
    placed already)."""
    problems = []
    if venue is None:
        problems.append(_venue_required())
    if (hall is None) == (zone is None):
        problems.append(DomainError(
            "hall_or_zone", _("Choose a hall or an expo zone, not both: a place on the plan is a hall's or a zone's."), field="hall",
        ))
    elif hall is not None:
        if venue is not None and hall.venue_id != venue.pk:
            problems.append(DomainError(
                "hall_of_another_venue",
                _("The hall %(hall)s is at %(other)s, not at %(venue)s: choose a hall of this venue, or this hall's venue.")
                % {"hall": pick(hall, "name"), "other": pick(hall.venue, "name"), "venue": pick(venue, "name")},
                field="hall",
            ))
        elif PlanShape.objects.filter(hall=hall).exclude(pk=getattr(shape, "pk", None)).exists():
            problems.append(DomainError("already_placed", _("The hall %(hall)s has a place on the plan already: change that one.") % {"hall": pick(hall, "name")}, field="hall"))
    elif PlanShape.objects.filter(zone=zone).exclude(pk=getattr(shape, "pk", None)).exists():
        problems.append(DomainError("already_placed", _("The zone %(zone)s has a place on the plan already: change that one.") % {"zone": pick(zone, "name")}, field="zone"))
    for name, label, value in (("x", _("left (x)"), x), ("y", _("top (y)"), y)):
        if value is not None and not 0 <= value <= PLAN_SIZE:
            problems.append(_off_plan(name, label, value))
    for name, label, value, start in (("width", _("width"), width, x), ("height", _("height"), height, y)):
        if value is None:
            continue
        if value < 1:
            problems.append(DomainError("off_plan", _("The %(field)s must be at least 1 plan unit; it is %(value)d.") % {"field": label, "value": value}, field=name))
        elif start is not None and 0 <= start <= PLAN_SIZE and start + value > PLAN_SIZE:
            problems.append(DomainError(
                "off_plan",
                _("The rectangle leaves the plan: %(start)d + %(field)s %(value)d ends at %(end)d, past %(size)d. Make it at most %(most)d.")
                % {"start": start, "field": label, "value": value, "end": start + value, "size": PLAN_SIZE, "most": PLAN_SIZE - start},
                field=name,
            ))
    return problems


def shape_overlaps(shape: PlanShape) -> list[PlanShape]:
    """The other places on the venue's plan that `shape` overlaps, of its kind (one query)."""
    others = PlanShape.objects.filter(venue_id=shape.venue_id).exclude(pk=shape.pk).select_related("hall", "zone")
    if shape.hall_id:
        others = others.filter(hall__isnull=False)
    else:
        others = others.filter(zone__edition_id=shape.zone.edition_id)
    mine = _rect(shape)
    return [other for other in others.order_by("y", "x", "pk") if _rect(other).overlaps(mine)]
