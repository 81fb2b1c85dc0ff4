"""The assistant's answers, written from the index in the language asked for, never from invented
text: every sentence is a template filled with the edition's own records (titles, halls, times,
booths, a service point's hours and notes, a help page's text as organizers wrote it). When
nothing matches, it says so and links to the searches of the agenda, the people and the expo.

`ask(question, edition=..., lang=..., now=...)` is the one entry point, for the page and the API."""
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .index import EditionIndex, index_for, pick
from .intents import Reading, read
from .parsing import check_question, language_of
from .times import BEIJING, When

ITEM_TYPES = ("session", "person", "exhibitor", "hall", "zone", "service_point", "page")
MAX_ITEMS = 8
MAX_LISTED = 5  # sessions named in an answer's text; the items list up to MAX_ITEMS
BODY_CHARS = 400  # a help page's text quoted in an answer; its item links to the whole page
# Ceremonies, plenaries and main forums come first among sessions on at the same time.
FIRST_KINDS = ("ceremony", "plenary", "main_forum", "award_ceremony")
PERIOD_HOURS = {"morning": (8, 12), "noon": (12, 13), "afternoon": (13, 18), "evening": (18, 23), "all_day": (0, 24)}


@dataclass
class Item:
    type: str
    id: int
    title: str
    url: str


@dataclass
class Link:
    title: str
    url: str


@dataclass
class Answer:
    intent: str
    answer: str
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)
    edition: int | None = None
    lang: str = "zh"

    def as_dict(self) -> dict:
        return asdict(self)


def ask(question: str, *, edition, lang: str, now: datetime | None = None) -> Answer:
    """Answer `question` (checked: parsing.Refusal for one the assistant does not take) about the
    published `edition`, in `lang` ("zh" or "en"), at `now` (Beijing time is used for its words)."""
    text = check_question(question)
    now = now or timezone.now()
    with translation.override("en" if lang == "en" else "zh-hans"):
        writer = Writer(edition, lang, now)
        if language_of(text) is None:
            return writer.unknown(text, other_language=True)
        index = index_for(edition)
        writer.index = index
        reading = read(text, index, now=now)
        build = getattr(writer, reading.intent)
        answer = build(reading) if reading.intent != "unknown" else None
        return answer or writer.unknown(text, reading=reading)


class Writer:
    """Writes one answer (its methods are named after the intents)."""

    def __init__(self, edition, lang: str, now: datetime):
        self.edition, self.lang, self.now = edition, lang, now.astimezone(BEIJING)
        self.year = edition.year
        self.index: EditionIndex | None = None

    # -- names, times, links ----------------------------------------------------------------------

    def t(self, obj, field_name: str = "name") -> str:
        return pick(getattr(obj, f"{field_name}_zh", "") or "", getattr(obj, f"{field_name}_en", "") or "", self.lang)

    def hall_name(self, hall) -> str:
        name = self.t(hall)
        if hall.room:
            name = _("%(hall)s (room %(room)s)") % {"hall": name, "room": hall.room}
        return name

    def day_text(self, day) -> str:
        return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}

    def time_text(self, session, with_day: bool = True) -> str:
        if session.start is not None:
            start, end = session.start.astimezone(BEIJING), session.end.astimezone(BEIJING)
            clock = f"{start:%H:%M}–{end:%H:%M}"
        else:
            from agenda.enums import Period

            clock = str(Period(session.period).label) if session.period in Period.values else ""
        if session.date is None:
            return clock or _("day not given")
        return f"{self.day_text(session.date)} {clock}".strip() if with_day else clock

    def session_line(self, session, *, with_day=True, with_hall=True, role: str = "") -> str:
        details = [self.time_text(session, with_day)]
        hall = self.index.halls.get(session.hall_id)
        if with_hall and hall is not None:
            details.append(self.hall_name(hall))
        title = self.t(session, "title")
        if role:
            title = f"{role} · {title}"
        return _("%(title)s (%(details)s)") % {"title": title, "details": pgettext("details separator", ", ").join(d for d in details if d)}

    def listing(self, lines: list[str], total: int | None = None) -> str:
        total = len(lines) if total is None else total
        text = pgettext("list separator", "; ").join(lines[:MAX_LISTED])
        if total > MAX_LISTED:
            more = total - MAX_LISTED
            text += ngettext(" and %(n)d more", " and %(n)d more", more) % {"n": more}
        return text

    def url(self, kind: str, obj) -> str:
        year = self.year
        if kind == "session":
            return reverse("agenda:session", args=[year, obj.id])
        if kind == "hall":
            return map_url("companion:hall", year, obj.id) or reverse("agenda:agenda", args=[year]) + f"?hall={obj.id}"
        if kind == "person":
            return reverse("people:person", args=[obj.id])
        if kind == "exhibitor":
            return reverse("expo:exhibitor", args=[year, obj.id])
        if kind == "zone":
            return map_url("companion:zone", year, obj.id) or reverse("expo:map", args=[year]) + f"#zone-{obj.id}"
        if kind == "service_point":
            return map_url("companion:point", year, obj.id) or reverse("companion:help", args=[year]) + f"#point-{obj.id}"
        if kind == "page":
            return reverse("companion:help-page", args=[year, obj.key])
        raise ValueError(kind)

    def item(self, kind: str, obj) -> Item:
        if kind == "session":
            title = self.t(obj, "title")
        elif kind == "hall":
            title = self.hall_name(obj)
        elif kind == "page":
            title = self.t(obj, "title")
        else:
            title = self.t(obj)
        return Item(kind, obj.id, title, self.url(kind, obj))

    def answer(self, reading: Reading, text: str, items: list[Item]) -> Answer:
        unique, seen = [], set()
        for item in items:
            if (item.type, item.id) not in seen:
                seen.add((item.type, item.id))
                unique.append(item)
        return Answer(reading.intent, text, unique[:MAX_ITEMS], [], self.year, self.lang)

    # -- sessions in time -------------------------------------------------------------------------

    @staticmethod
    def rank_at(session) -> tuple:
        """At an instant: ceremonies, plenaries and main forums first, then the session that began
        last (what starts at 15:00 before what has run since 13:15), period-only sessions last."""
        return (session.kind not in FIRST_KINDS, session.start is None, -(session.start.timestamp() if session.start else 0), session.order)

    @staticmethod
    def rank_during(when: When):
        """In a part of a day: what starts in it before what began earlier and runs into it."""
        def key(session):
            began_before = session.start is not None and session.start < when.start
            return (began_before, session.kind not in FIRST_KINDS, session.start is None, session.order)
        return key

    @staticmethod
    def covers(session, moment: datetime) -> bool:
        if session.start is not None:
            return session.start <= moment < session.end
        if session.date != moment.date() or not session.period:
            return False
        first, last = PERIOD_HOURS.get(session.period, (0, 0))
        return first <= moment.hour < last

    @staticmethod
    def overlaps(session, start: datetime, end: datetime, when: When) -> bool:
        if session.start is not None:
            return session.start < end and session.end > start
        if session.date != when.day:
            return False
        if not when.part:
            return True
        return session.period in (when.part, "all_day")

    def when_label(self, when: When | None) -> str:
        if when is None or when.kind in ("next", "upcoming"):
            return _("Coming up")
        if when.kind == "now":
            return _("On now")
        day = self.day_text(when.day)
        if when.kind == "at":
            return _("At %(time)s on %(day)s") % {"time": f"{when.start:%H:%M}", "day": day}
        if when.part:
            parts = {"morning": pgettext("part of a day", "morning"), "noon": pgettext("part of a day", "noon"),
                     "afternoon": pgettext("part of a day", "afternoon"), "evening": pgettext("part of a day", "evening")}
            return _("On the %(part)s of %(day)s") % {"part": parts[when.part], "day": day}
        return _("On %(day)s") % {"day": day}

    def in_time(self, sessions: list, when: When | None) -> tuple[list, list, When | None]:
        """(the sessions on at `when`, the next ones after it when none is, the `when` used)."""
        dated = [s for s in sessions if s.date is not None]
        today = self.now.date()
        if when is None:
            if today not in self.index.days:
                return sorted(dated, key=lambda s: s.order), [], None
            when = When("upcoming", self.now, None, today)
        if when.kind in ("now", "at"):
            on = sorted((s for s in dated if self.covers(s, when.start)), key=self.rank_at)
            if on:
                return on, [], when
            after = sorted((s for s in dated if s.start is not None and s.start >= when.start), key=lambda s: s.order)
            return [], after, when
        later = sorted((s for s in dated if s.start is not None and s.start >= when.start), key=lambda s: s.order)
        if when.kind == "next":  # asked for what comes next: not what is on already
            return later, [], when
        if when.kind == "upcoming":  # no time asked, during the edition: what is on, then what comes
            on = [s for s in dated if self.covers(s, when.start)]
            return sorted(on, key=self.rank_at) + later, [], when
        on = sorted((s for s in dated if self.overlaps(s, when.start, when.end, when)), key=self.rank_during(when))
        if on:
            return on, [], when
        after = sorted((s for s in dated if s.start is not None and s.start >= when.end), key=lambda s: s.order)
        return [], after, when

    # -- the intents ------------------------------------------------------------------------------

    def whats_on(self, r: Reading) -> Answer | None:
        index = self.index
        halls, boards = r.of_type("hall"), r.of_type("board")
        sessions = list(index.sessions.values())
        scope, scope_items = "", []
        if halls:
            hall = index.halls[halls[0].ref[1]]
            sessions = [s for s in sessions if s.hall_id == hall.id]
            scope, scope_items = self.hall_name(hall), [self.item("hall", hall)]
        elif boards:
            board = index.boards[boards[0].ref[1]]
            sessions = [s for s in sessions if s.board_id == board.id]
            scope = _("the %(board)s board") % {"board": self.t(board)}
        on, after, when = self.in_time(sessions, r.when)
        label = self.when_label(when)
        several_days = len({s.date for s in on}) > 1 or when is None or when.kind in ("next", "upcoming")
        if on:
            lines = [self.session_line(s, with_day=several_days, with_hall=not halls) for s in on]
            values = {"when": label, "scope": scope, "sessions": self.listing(lines)}
            text = (_("%(when)s in %(scope)s: %(sessions)s.") if scope else _("%(when)s: %(sessions)s.")) % values
            text += self.with_speakers(on[0])
            items = [self.item("session", s) for s in on] + scope_items
            return self.answer(r, text, items)
        values = {"when": label, "scope": scope}
        text = (_("%(when)s in %(scope)s: nothing is on.") if scope else _("%(when)s: nothing is on.")) % values
        items = []
        if after:
            text += " " + _("Next: %(session)s.") % {"session": self.session_line(after[0], with_hall=not halls)}
            items = [self.item("session", after[0])]
        return self.answer(r, text, items + scope_items)

    def where_is(self, r: Reading) -> Answer | None:
        index = self.index
        named = r.of_type("hall", "zone", "exhibitor", "service_point", "session")
        if not named and r.kinds:
            kind = max(r.kinds.items(), key=lambda pair: pair[1])[0]
            points = [p for p in index.points.values() if p.kind == kind]
            return self.points_answer(r, points)
        if not named:
            return None
        best = max(named, key=lambda m: ((m.end - m.start) * m.weight, m.ref[0] == "exhibitor"))
        kind, pk = best.ref
        if kind == "hall":
            return self.hall_answer(r, index.halls[pk])
        if kind == "zone":
            zone = index.zones[pk]
            values = {"zone": self.t(zone), "venue": pick(zone.venue_zh, zone.venue_en, self.lang), "n": zone.exhibitors}
            if values["venue"]:
                text = ngettext("%(zone)s is a zone of the expo in %(venue)s, with %(n)d exhibitor.", "%(zone)s is a zone of the expo in %(venue)s, with %(n)d exhibitors.", zone.exhibitors) % values
            else:
                text = ngettext("%(zone)s is a zone of the expo, with %(n)d exhibitor.", "%(zone)s is a zone of the expo, with %(n)d exhibitors.", zone.exhibitors) % values
            return self.answer(r, text, [self.item("zone", zone)])
        if kind == "exhibitor":
            return self.exhibitor_answer(r, index.exhibitors[pk])
        if kind == "service_point":
            point = index.points[pk]
            return self.points_answer(r, [point])
        session = index.sessions[pk]
        hall = index.halls.get(session.hall_id)
        values = {"title": self.t(session, "title"), "time": self.time_text(session)}
        if hall is not None:
            values["hall"] = self.hall_name(hall)
            venue = pick(hall.venue_zh, hall.venue_en, self.lang)
            if not hall.whole_venue:
                values["hall"] = _("%(hall)s, %(venue)s") % {"hall": values["hall"], "venue": venue}
            text = _("%(title)s: %(time)s, %(hall)s.") % values + self.with_speakers(session)
            return self.answer(r, text, [self.item("session", session), self.item("hall", hall)])
        text = _("%(title)s: %(time)s; the programme gives no hall.") % values + self.with_speakers(session)
        return self.answer(r, text, [self.item("session", session)])

    def with_speakers(self, session, limit: int = 3) -> str:
        """" With A, B, C." for a session's first people (public appearances only), or ""."""
        people, seen = [], set()
        for pid, _role in session.people:
            if pid not in seen:
                seen.add(pid)
                people.append(self.index.people[pid])
        if not people:
            return ""
        return " " + _("With %(people)s.") % {"people": pgettext("list separator", ", ").join(self.t(p) for p in people[:limit])}

    def hall_answer(self, r: Reading, hall) -> Answer:
        values = {"hall": self.hall_name(hall), "venue": pick(hall.venue_zh, hall.venue_en, self.lang)}
        text = _("%(hall)s is a venue of the summit.") % values if hall.whole_venue else _("%(hall)s is in %(venue)s.") % values
        sessions = [s for s in self.index.sessions.values() if s.hall_id == hall.id and s.date is not None]
        on = sorted((s for s in sessions if self.covers(s, self.now)), key=self.rank_at)
        items = [self.item("hall", hall)]
        if on:
            text += " " + _("On now: %(sessions)s.") % {"sessions": self.listing([self.session_line(s, with_day=False, with_hall=False) for s in on])}
            items += [self.item("session", s) for s in on]
        else:
            later = sorted((s for s in sessions if s.start is not None and s.start >= self.now), key=lambda s: s.order)
            if later:
                text += " " + _("Next there: %(session)s.") % {"session": self.session_line(later[0], with_hall=False)}
                items.append(self.item("session", later[0]))
        return self.answer(r, text, items)

    def exhibitor_answer(self, r: Reading, exhibitor) -> Answer:
        index = self.index
        name = self.t(exhibitor)
        items = [self.item("exhibitor", exhibitor)]
        if not exhibitor.booths:
            return self.answer(r, _("%(name)s exhibits at the expo; no booth has been given to it yet.") % {"name": name}, items)
        places = []
        for code, zone_id in exhibitor.booths:
            zone = index.zones.get(zone_id)
            places.append(_("booth %(code)s in %(zone)s") % {"code": code, "zone": self.t(zone)} if zone else _("booth %(code)s") % {"code": code})
            if zone:
                items.append(self.item("zone", zone))
        text = _("%(name)s: %(places)s.") % {"name": name, "places": pgettext("list separator", ", ").join(places)}
        return self.answer(r, text, items)

    def points_answer(self, r: Reading, points: list) -> Answer | None:
        if not points:
            return None
        lines = []
        for point in points[:MAX_LISTED]:
            parts = [pick(point.venue_zh, point.venue_en, self.lang)]
            note = pick(point.note_zh, point.note_en, self.lang).strip().rstrip("。.")
            if note:
                parts.append(note)
            hours = pick(point.hours_zh, point.hours_en, self.lang).strip()
            if hours:
                parts.append(_("hours: %(hours)s") % {"hours": hours})
            details = pgettext("details separator", ", ").join(p for p in parts if p)
            lines.append(_("%(name)s: %(where)s") % {"name": self.t(point), "where": details})
        text = self.listing(lines, len(points)) + pgettext("sentence end", ".")
        return self.answer(r, text, [self.item("service_point", p) for p in points])

    def person_sessions(self, r: Reading) -> Answer | None:
        from people.enums import Role

        index = self.index
        matches = r.of_type("person")
        person = index.people[max(matches, key=lambda m: (m.end - m.start) * m.weight).ref[1]]
        appearances = sorted(person.appearances, key=lambda pair: index.sessions[pair[0]].order)
        chosen = appearances
        note = ""
        if r.when is not None and r.when.kind in ("at", "during"):
            start = r.when.start
            end = r.when.end or start
            window = [a for a in appearances if (s := index.sessions[a[0]]).date is not None and (self.overlaps(s, start, end, r.when) if r.when.kind == "during" else self.covers(s, start) or s.date == r.when.day)]
            if window:
                chosen = window
            else:
                note = " " + _("Nothing for %(when)s; all of them are listed.") % {"when": self.when_label(r.when)}
        roles = dict(Role.choices)
        lines = [self.session_line(index.sessions[sid], role=str(roles.get(role, role))) for sid, role in chosen]
        text = _("%(person)s: %(sessions)s.") % {"person": self.t(person), "sessions": self.listing(lines)} + note
        items = [self.item("person", person)] + [self.item("session", index.sessions[sid]) for sid, _role in chosen]
        return self.answer(r, text, items)

    def org_sessions(self, r: Reading) -> Answer | None:
        from wic.enums import OrganizationRole

        index = self.index
        org = index.organizations[r.of_type("organization")[0].ref[1]]
        roles = dict(OrganizationRole.choices)
        pairs = sorted(org.roles, key=lambda pair: index.sessions[pair[0]].order)
        seen, lines, items = set(), [], []
        for sid, role in pairs:
            if sid in seen:
                continue
            seen.add(sid)
            session = index.sessions[sid]
            lines.append(self.session_line(session, role=str(roles.get(role, role))))
            items.append(self.item("session", session))
        text = ngettext("%(org)s runs %(n)d session: %(sessions)s.", "%(org)s runs %(n)d sessions: %(sessions)s.", len(lines)) % {
            "org": self.t(org), "n": len(lines), "sessions": self.listing(lines)}
        if org.exhibitor_id in index.exhibitors:
            items.append(self.item("exhibitor", index.exhibitors[org.exhibitor_id]))
        return self.answer(r, text, items)

    def help(self, r: Reading) -> Answer | None:
        if not r.pages:
            return None
        page = self.index.pages[max(r.pages.items(), key=lambda pair: (pair[1], -pair[0]))[0]]
        body = " ".join(pick(page.body_zh, page.body_en, self.lang).split())
        if len(body) > BODY_CHARS:
            body = body[: BODY_CHARS - 1].rstrip() + "…"
        text = _("%(title)s: %(text)s") % {"title": self.t(page, "title"), "text": body}
        return self.answer(r, text, [self.item("page", page)])

    def unknown(self, question: str, *, reading: Reading | None = None, other_language: bool = False) -> Answer:
        if other_language:
            text = _("I answer questions in Chinese or English only. Please ask again in one of them, or use the searches below.")
        else:
            text = _("I don't know: nothing in this edition's programme, people, expo, service points or help pages matches the question. Try the searches below.")
        terms = " ".join(reading.leftover) if reading is not None and reading.leftover else question
        terms = terms[:100]
        links = [
            Link(_("Search the agenda"), reverse("agenda:agenda", args=[self.year]) + "?" + urlencode({"search": terms})),
            Link(_("Search the people"), reverse("people:directory", args=[self.year]) + "?" + urlencode({"q": terms})),
            Link(_("Search the exhibitors"), reverse("expo:directory", args=[self.year]) + "?" + urlencode({"q": terms})),
            Link(_("Help pages and service points"), reverse("companion:help", args=[self.year])),
        ]
        return Answer("unknown", text, [], links, self.year, self.lang)


def map_url(name: str, year: int, pk: int) -> str | None:
    """The place on the companion's venue map (companion.views_map), or None where it has none."""
    try:
        return reverse(name, args=[year, pk])
    except NoReverseMatch:
        return None
