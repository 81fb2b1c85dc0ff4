"""The agenda day page's reads as plain rows (issue 26, "cold paths"): the day's sessions, their
cards' organizations and people, and the filter choices, one query each, as the database driver
returns them (`RawRows`). The page keys its cached cards and its cached frame by digests of these
rows (agenda.cache), so a render after an edit makes no model instance but for the cards it
re-renders (`card_sessions`), and those only from the same rows: a card cannot show what its key
does not hold. The instances are made in Django's FETCH_RAISE mode, so a card template that
starts showing a field missing from DAY_ROW fails (FieldFetchBlocked) instead of querying it and
being cached under a key that does not follow it: add the field to DAY_ROW.

The unfiltered reads have a fixed shape: their SQL is compiled once per process
(`PreparedRead`), since Django takes about as long to build and compile them as the database
takes to run them.
"""
from collections import namedtuple
from collections.abc import Callable
from datetime import UTC, date
from itertools import chain

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import FETCH_RAISE, F, IntegerField, QuerySet, Value
from django.db.models import CharField as CharValue
from django.db.models.sql.constants import MULTI

from people.models import Appearance
from people.selectors import public_appearances
from wic.enums import OrganizationRole
from wic.i18n import pick
from wic.models import Organization

from .models import Board, Hall, Session, SessionOrganization, Venue
from .selectors import CARD_APPEARANCE_ROW, CARD_ROLE_ROW, with_card_details

# What the agenda shows of a session (its card, its place in the grid, its hall's column head),
# in the order of `DayRow`'s fields.
DAY_ROW = (
    "id", "kind", "access", "closed_door", "title_zh", "title_en", "translation_provenance",
    "start", "end", "period", "sort_order",
    "hall_id", "hall__name_zh", "hall__name_en", "hall__translation_provenance", "hall__room", "hall__sort_order",
    "hall__venue_id", "hall__venue__name_zh", "hall__venue__name_en", "hall__venue__translation_provenance",
    "board_id", "board__name_zh", "board__name_en", "board__translation_provenance",
)
_HALL = slice(DAY_ROW.index("hall_id"), DAY_ROW.index("board_id"))
# By day (one day here), then time: agenda.selectors.SESSION_ORDER within a day.
DAY_ORDER = ("sort_key", "sort_order", "id")


class DayRow(namedtuple("DayRow", [name.replace("__", "_") for name in DAY_ROW])):
    """One session of the day as the driver returns it (`title_zh`, `hall_venue_name_zh`...)."""

    __slots__ = ()

    @property
    def pk(self) -> int:
        return self.id

    def hall_shown(self) -> tuple | None:
        """Its hall's fields as read (with the venue's), None for no hall."""
        return None if self.hall_id is None else self[_HALL]

    @property
    def start_utc(self):
        """`start`, aware (SQLite's driver gives it naive, in UTC)."""
        return _aware(self.start)

    @property
    def end_utc(self):
        return _aware(self.end)


def _aware(moment):
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class RawRows:
    """Rows as the database driver returns them, no field converter run (`rows`), and
    `converted(rows)`: some of them as the queryset that read them would give them (JSON parsed,
    datetimes aware...)."""

    def __init__(self, rows: list, compiler, db: str):
        self.rows, self._compiler, self.db = rows, compiler, db

    @classmethod
    def of(cls, queryset, row=tuple) -> "RawRows":
        """The rows of a `values_list` queryset (of plain field names, so its columns are in their
        order)."""
        compiler = queryset.query.get_compiler(using=queryset.db)
        return cls([row(r) for r in chain.from_iterable(compiler.execute_sql(MULTI))], compiler, queryset.db)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def converted(self, rows) -> list[tuple]:
        return list(self._compiler.results_iter(results=[rows], tuple_expected=True)) if rows else []


class PreparedRead:
    """A read of fixed shape whose SQL Django compiles once per process and database, then runs with
    new values. `build(**values)` gives its `values_list` queryset (of `model`); it is compiled
    once with `stand_ins`, values no real row has, each of which must then be found among the
    compiled parameters: the real values take their places. The compiler is kept for its field
    converters (`RawRows.converted`), which read the connection's settings and never query: it
    serves every thread."""

    def __init__(self, model, build: Callable[..., QuerySet], **stand_ins):
        self.model, self.build, self.stand_ins = model, build, stand_ins
        self._compiled: dict = {}

    def _compile(self, alias: str) -> tuple:
        connection = connections[alias]
        compiler = self.build(**self.stand_ins).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        stand_ins = {name: _parameter(value, connection) for name, value in self.stand_ins.items()}
        slots = {i: name for i, param in enumerate(params) for name, value in stand_ins.items() if type(param) is type(value) and param == value}
        if set(slots.values()) != set(stand_ins):
            raise ImproperlyConfigured(f"A {self.model.__name__} read: a stand-in value is not among its compiled parameters.")
        compiled = self._compiled[(alias, connection.vendor)] = (sql, tuple(params), slots, compiler)
        return compiled

    def rows(self, row=tuple, **values) -> RawRows:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        sql, params, slots, compiler = self._compiled.get((alias, connection.vendor)) or self._compile(alias)
        params = [_parameter(values[slots[i]], connection) if i in slots else param for i, param in enumerate(params)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return RawRows([row(r) for r in cursor.fetchall()], compiler, alias)


def _parameter(value, connection):
    """A value as the compiled parameters hold it."""
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


# Stand-ins: values no edition id and no agenda day has.
STAND_IN_EDITION = -2_026_126_026
STAND_IN_DAY = date(1, 2, 6)


def _sessions(edition: int, day_filter: dict):
    return Session.objects.filter(edition_id=edition, is_published=True, **day_filter).order_by(*DAY_ORDER).values_list(*DAY_ROW)


def _roles(edition: int, day_filter: dict):
    return (
        SessionOrganization.objects.filter(session__edition_id=edition, session__is_published=True, **{f"session__{k}": v for k, v in day_filter.items()})
        .order_by("sort_order", "id").values_list(*CARD_ROLE_ROW)
    )


def _appearances(edition: int, day_filter: dict):
    return (
        public_appearances().filter(session__edition_id=edition, session__is_published=True, **{f"session__{k}": v for k, v in day_filter.items()})
        .order_by("sort_order", "id").values_list(*CARD_APPEARANCE_ROW)
    )


def _prepared(model, build) -> dict[str, PreparedRead]:
    """A read of a day ("day") and of the items without one ("undated")."""
    return {
        "day": PreparedRead(model, lambda edition, day: build(edition, {"date": day}), edition=STAND_IN_EDITION, day=STAND_IN_DAY),
        "undated": PreparedRead(model, lambda edition: build(edition, {"date__isnull": True}), edition=STAND_IN_EDITION),
    }


_SESSIONS = _prepared(Session, _sessions)
_ROLES = _prepared(SessionOrganization, _roles)
_APPEARANCES = _prepared(Appearance, _appearances)


def _read(reads: dict, edition, day, row=tuple) -> RawRows:
    if day is None:
        return reads["undated"].rows(row, edition=edition.pk)
    return reads["day"].rows(row, edition=edition.pk, day=day)


def day_rows(edition, day, matching=None) -> RawRows:
    """The published sessions of `edition` on one day tab (`day`: a date, None for the items
    without a day), only those of `matching` where given (the filtered agenda's queryset, from
    agenda.selectors.sessions_for_agenda), as `DayRow`s in the agenda's order. One query."""
    if matching is None:
        return _read(_SESSIONS, edition, day, DayRow._make)
    day_filter = {"date": day} if day is not None else {"date__isnull": True}
    return RawRows.of(matching.filter(**day_filter).order_by(*DAY_ORDER).values_list(*DAY_ROW), row=DayRow._make)


def card_detail_rows(edition, day, ids: list[int] | None = None) -> tuple[RawRows, RawRows]:
    """What the cards show of their organizations and of their people's public appearances, as
    agenda.selectors.card_details reads them (its CARD_ROLE_ROW and CARD_APPEARANCE_ROW), raw:
    for the sessions of `day_rows(edition, day)`, or for the sessions `ids` where given (the
    filtered agenda's). Two queries."""
    if ids is None:
        return _read(_ROLES, edition, day), _read(_APPEARANCES, edition, day)
    roles = SessionOrganization.objects.filter(session_id__in=ids).order_by("sort_order", "id").values_list(*CARD_ROLE_ROW)
    appearances = public_appearances().filter(session_id__in=ids).order_by("sort_order", "id").values_list(*CARD_APPEARANCE_ROW)
    return RawRows.of(roles), RawRows.of(appearances)


# --- instances for the cards to render ---------------------------------------------------------------


def _instance(model, db, values: dict):
    """An instance of `model` holding `values` (attnames) only, its other fields blocked."""
    names = set(values)
    return model.from_db(db, names, [values[f.attname] for f in model._meta.concrete_fields if f.attname in names], fetch_mode=FETCH_RAISE)


def card_sessions(rows: RawRows, chosen: list, roles: RawRows, appearances: RawRows) -> list[Session]:
    """Session instances for the `chosen` DayRows of `rows` (the cards to render), made from the
    rows read (no query): with their hall, venue and board, their organizations' roles
    (`card_roles`) and their people (`public_appearances`, `key_speakers`...), as
    agenda.selectors.for_cards gives them."""
    if not chosen:
        return []
    wanted = {row[0] for row in chosen}
    details = {pk: ([], []) for pk in wanted}
    for row in roles.converted([r for r in roles if r[0] in wanted]):
        details[row[0]][0].append(row)
    for row in appearances.converted([r for r in appearances if r[0] in wanted]):
        details[row[0]][1].append(row)
    sessions, halls, venues, boards = [], {}, {}, {}
    for row in (DayRow._make(r) for r in rows.converted(chosen)):
        session = _instance(Session, rows.db, {
            "id": row.id, "kind": row.kind, "access": row.access, "closed_door": row.closed_door,
            "title_zh": row.title_zh, "title_en": row.title_en, "translation_provenance": row.translation_provenance,
            "start": row.start, "end": row.end, "period": row.period, "sort_order": row.sort_order,
            "hall_id": row.hall_id, "board_id": row.board_id,
        })
        session.hall = _hall(row, rows.db, halls, venues)
        if row.board_id is not None and row.board_id not in boards:
            boards[row.board_id] = _instance(Board, rows.db, {
                "id": row.board_id, "name_zh": row.board_name_zh, "name_en": row.board_name_en,
                "translation_provenance": row.board_translation_provenance,
            })
        session.board = boards.get(row.board_id)
        sessions.append(session)
    return with_card_details(sessions, details)


def _hall(row: DayRow, db, halls: dict, venues: dict):
    if row.hall_id is None:
        return None
    if row.hall_id not in halls:
        if row.hall_venue_id not in venues:
            venues[row.hall_venue_id] = _instance(Venue, db, {
                "id": row.hall_venue_id, "name_zh": row.hall_venue_name_zh, "name_en": row.hall_venue_name_en,
                "translation_provenance": row.hall_venue_translation_provenance,
            })
        hall = halls[row.hall_id] = _instance(Hall, db, {
            "id": row.hall_id, "venue_id": row.hall_venue_id, "name_zh": row.hall_name_zh, "name_en": row.hall_name_en,
            "translation_provenance": row.hall_translation_provenance, "room": row.hall_room, "sort_order": row.hall_sort_order,
        })
        hall.venue = venues[row.hall_venue_id]
    return halls[row.hall_id]


def column_halls(rows: RawRows, chosen: list) -> list:
    """Hall instances (with their venue) of the DayRows `chosen` of `rows` (the grid's columns),
    made from the rows read (no query); None for a row with no hall."""
    halls, venues = {}, {}
    return [_hall(DayRow._make(row), rows.db, halls, venues) for row in rows.converted(chosen)]


# --- the filter choices ---------------------------------------------------------------------------


class Choice:
    """A hall, board or host organization as the agenda's filter lists it (agenda.filters.AgendaFilter
    reads `pk`, `t("name")`, `room` and `is_whole_venue`)."""

    __slots__ = ("pk", "name_zh", "name_en", "room", "is_whole_venue")

    def __init__(self, pk, name_zh, name_en, room="", is_whole_venue=False):
        self.pk, self.name_zh, self.name_en, self.room, self.is_whole_venue = pk, name_zh, name_en, room, is_whole_venue

    def t(self, field: str) -> str:
        return pick(self, field)


def _choices(edition: int):
    text, number = CharValue(), IntegerField()
    columns = ("what", "s1", "s2", "s3", "id", "name_zh", "name_en", "room_", "venue_zh")
    halls = (
        Hall.objects.filter(sessions__edition_id=edition, sessions__is_published=True)
        .annotate(what=Value("h", text), s1=F("venue__name_zh"), s2=F("sort_order"), s3=F("name_zh"), room_=F("room"), venue_zh=F("venue__name_zh"))
        .order_by().distinct().values_list(*columns)
    )
    boards = (
        Board.objects.filter(edition_id=edition)
        .annotate(what=Value("b", text), s1=Value("", text), s2=F("number"), s3=F("key"), room_=Value("", text), venue_zh=Value("", text))
        .order_by().values_list(*columns)
    )
    hosts = (
        Organization.objects.filter(session_roles__session__edition_id=edition, session_roles__role=OrganizationRole.HOST)
        .annotate(what=Value("o", text), s1=Value("", text), s2=Value(0, number), s3=F("name_zh"), room_=Value("", text), venue_zh=Value("", text))
        .order_by().distinct().values_list(*columns)
    )
    return halls.union(boards, hosts, all=True).order_by("what", "s1", "s2", "s3")


_CHOICES = PreparedRead(Hall, _choices, edition=STAND_IN_EDITION)


def filter_choice_rows(edition) -> RawRows:
    """The agenda filter's choices, ordered as agenda.selectors.agenda_options orders them, in one
    query (a UNION of the three): rows (what, its sort keys..., id, name_zh, name_en, room, its
    venue's name_zh), `what` "b" for a board, "h" a hall, "o" a host organization."""
    return _CHOICES.rows(edition=edition.pk)


def filter_choices(rows: RawRows) -> dict[str, list[Choice]]:
    """AgendaFilter's `halls`, `boards` and `hosts` from `filter_choice_rows`."""
    choices = {"halls": [], "boards": [], "hosts": []}
    for what, _s1, _s2, _s3, pk, zh, en, room, venue_zh in rows:
        if what == "h":
            choices["halls"].append(Choice(pk, zh, en, room or "", zh == venue_zh))
        else:
            choices["boards" if what == "b" else "hosts"].append(Choice(pk, zh, en))
    return choices
