"""Exports of an edition's agenda: an iCalendar feed, and the frab/C3VOC schedule in JSON and XML.

All three are pure functions of the edition and the sessions they are given (iterate
`agenda.selectors.sessions_for_listing()` so relations are prefetched); they run no query of their
own and give the same output for the same data, so callers can hash the bytes for ETags.
Chinese is the primary language; English goes along where the data has it.

- `agenda_ics`: RFC 5545 VCALENDAR with a VTIMEZONE for Asia/Shanghai and one VEVENT per
  session. A session with a clock time gets DTSTART/DTEND with TZID=Asia/Shanghai; one the texts
  date only coarsely becomes an all-day event on its date (DTEND = next day) whose DESCRIPTION
  names the time of day where known ("中午 / Noon"), marked TRANSP:TRANSPARENT so it does not
  block a whole day of free/busy time: never a made-up clock time. One the texts place in the
  edition without a day spans the edition's days, transparent, its DESCRIPTION saying the day
  is not given. The access line lists the rules the texts state ("闭门会 / Closed-door；应邀出席 /
  Invited participants only", "开放 / Open"); there is none where they state no rule. The people
  follow, a line per role in protocol order ("发言 / Speech: 任贤良 (世界互联网大会秘书长)、赵承
  (浙江省委常委、宣传部部长)"), with each title as printed for that appearance. CATEGORIES names the session's
  kind in Chinese and English ("分论坛", "Sub-forum"), never its stored code. UID is
  `session-<pk>@<year>.wic-summit` and URL `/editions/<year>/sessions/<pk>/`, with the year of
  the session's own edition (a personal feed may mix editions); DTSTAMP is fixed (the edition's first day, 00:00 UTC, unless
  `stamp` is given) so the bytes only change when the data does.
- `schedule_json` / `schedule_xml`: the frab schedule (valid against the C3VOC `schema.json` and
  `schedule.xml.xsd`) that apps such as Giggity or EventFahrplan read. Days run from the edition's
  first to last day plus any other day an exported event falls on; rooms are halls, named
  `str(hall)` ("乌镇互联网国际会展中心枕水厅(201)"), or the edition's location ("浙江乌镇",
  else "未定 / TBA") for a timed session without a hall. Titles are Chinese; the English title is
  the `subtitle`. Events carry `type` = session kind, `track` = board name (else the kind's
  Chinese label), `language` "zh", `abstract` = summary, `description` = theme, organizations,
  access, outcomes; `persons` lists the item's people (confirmed or past appearances) in protocol
  order, each once, as `{"id", "guid", "name", "url"}` (the C3VOC schema's pretalx form: `name`,
  never also the deprecated `public_name`, which would match both of its person forms); the XML
  has `<person id guid>name</person>`. A day spans 00:00 to 23:59:59
  Beijing time; `version` is a hash of the content. The XML is built from the JSON dict, so the
  two never disagree; characters XML 1.0 cannot carry (control characters) are dropped there.

  Sessions WITHOUT a clock time are LEFT OUT of schedule.json/xml: both formats require a start
  time and duration for every event, and we will not invent one. The JSON says how many were
  left out in `conference.meta.untimed_sessions_omitted`; the iCalendar feed has them all.
  For an edition with no clock times at all (2024) the schedule therefore has its days, no rooms
  and no events.

guids are uuid5 under a fixed namespace: events from "<year>/session/<pk>", rooms from
"hall/<pk>" (or "room/<name>" for the location room), so they survive re-exports and reseeds
that keep primary keys.
"""
import hashlib
import json
import math
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from django.utils import translation
from icalendar import Calendar, Event, Timezone
from lxml import etree

from people.enums import Role
from people.selectors import in_protocol_order, public_appearances
from wic.enums import OrganizationRole

from .enums import Access, Period, SessionKind

TZID = "Asia/Shanghai"
BEIJING = ZoneInfo(TZID)
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://wic-summit/schedule")  # fixed for good: changing it changes every guid
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "wic-summit agenda.exports"
TBA_ROOM = "未定 / TBA"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _labels(member) -> list[str]:
    """A TextChoices member's label in Chinese, then English (one where they are the same)."""
    with translation.override("zh-hans"):
        zh = str(member.label)
    with translation.override("en"):
        en = str(member.label)
    return [zh] if zh == en else [zh, en]


def _bilingual(member) -> str:
    """'中文 / English' for a TextChoices member, whatever language is active."""
    with translation.override("zh-hans"):
        zh = str(member.label)
    with translation.override("en"):
        en = str(member.label)
    return zh if zh == en else f"{zh} / {en}"


def _zh(member) -> str:
    with translation.override("zh-hans"):
        return str(member.label)


def _guid(name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def _year(edition, session) -> int:
    """The year of the session's own edition: a personal feed mixes editions under one `edition`."""
    return edition.year if session.edition_id == edition.pk else session.edition.year


def session_url(base_url: str, edition, session) -> str:
    return f"{base_url.rstrip('/')}/editions/{_year(edition, session)}/sessions/{session.pk}/"


def _room(edition, session) -> tuple[str, str]:
    """(name, guid) of the frab room of a session."""
    if session.hall is not None:
        return str(session.hall), _guid(f"hall/{session.hall.pk}")
    name = edition.location_zh or TBA_ROOM
    return name, _guid(f"room/{name}")


def _facts(session) -> list[str]:
    """The lines saying what a session is beyond its title: time of day, theme, who, access, outcomes."""
    lines = [session.title_en] if session.title_en else []
    if session.date is None:
        lines.append("日期 / Day: 会期内，具体日期未公布 / During the summit, day not given")
    elif session.start is None:
        when = _bilingual(Period(session.period)) if session.period else "具体时间未公布 / Time not given"
        lines.append(f"时段 / Time of day: {when}")
    theme = " / ".join(t for t in (session.theme_zh, session.theme_en) if t)
    if theme:
        lines.append(f"主题 / Theme: {theme}")
    roles: dict[str, list[str]] = {}
    for link in session.organization_roles.all():
        roles.setdefault(link.role, []).append(link.organization.name_zh)
    lines += [f"{_bilingual(OrganizationRole(role))}: {'、'.join(names)}" for role, names in roles.items()]
    # Only what the texts state: no line where they state no rule ("not stated" is not "open").
    rules = session.access_rules
    if rules:
        lines.append("参会 / Access: " + "；".join(_bilingual(Access(rule)) for rule in rules))
    outcomes = [o.title_zh for o in session.outcomes.all()]
    if outcomes:
        lines.append("发布成果 / Outcomes: " + "；".join(outcomes))
    return lines


def _appearances(session) -> list:
    """The session's public appearances in protocol order (prefetched by sessions_for_listing;
    queried only for a session that was not)."""
    appearances = getattr(session, "public_appearances", None)
    if appearances is None:
        appearances = list(public_appearances().filter(session=session))
    return in_protocol_order(appearances)


def _person_name(person) -> str:
    """"任贤良"; "托马斯·苏德霍夫 / Thomas Südhof" where both names are known."""
    return " / ".join(name for name in (person.name_zh, person.name_en) if name)


def _speaker_lines(session) -> list[str]:
    """A line per role, in protocol order: "发言 / Speech: 任贤良 (世界互联网大会秘书长)"."""
    groups: dict[str, list[str]] = {}
    for appearance in _appearances(session):
        name = _person_name(appearance.person)
        groups.setdefault(appearance.role, []).append(f"{name} ({appearance.title_zh})" if appearance.title_zh else name)
    return [f"{_bilingual(Role(role))}: {'、'.join(names)}" for role, names in groups.items()]


def _persons(session, base_url: str) -> list[dict]:
    """The frab `persons` of an event: each person once, in protocol order."""
    persons, seen = [], set()
    for appearance in _appearances(session):
        person = appearance.person
        if person.pk in seen:
            continue
        seen.add(person.pk)
        persons.append(
            {"id": person.pk, "guid": _guid(f"person/{person.pk}"), "name": _person_name(person), "url": f"{base_url.rstrip('/')}/people/{person.pk}/"}
        )
    return persons


def _summary(session) -> str:
    return "\n\n".join(t for t in (session.summary_zh, session.summary_en) if t)


def agenda_ics(*, edition, sessions, base_url: str, calendar_name: str | None = None, stamp: datetime | None = None) -> bytes:
    """The sessions as an iCalendar feed (bytes, CRLF lines), byte-stable for the same data."""
    sessions = list(sessions)
    first_day = edition.start_date or date(edition.year, 1, 1)  # an edition without known dates: its year
    dtstamp = (stamp or datetime.combine(first_day, time(0), tzinfo=timezone.utc)).astimezone(timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//World Internet Conference Wuzhen Summit//Agenda//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", str(calendar_name or f"{edition.name_zh} 议程"))
    cal.add("x-wr-timezone", TZID)
    dates = [first_day, edition.end_date or first_day, *(s.date for s in sessions if s.date is not None)]
    cal.add_component(Timezone.from_tzid(TZID, first_date=date(min(dates).year, 1, 1), last_date=date(max(dates).year + 1, 1, 1)))
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@{_year(edition, session)}.wic-summit")
        event.add("dtstamp", dtstamp)
        event.add("summary", session.title_zh)
        if session.start is not None:
            event.add("dtstart", session.start.astimezone(BEIJING))
            event.add("dtend", session.end.astimezone(BEIJING))
        elif session.date is not None:
            event.add("dtstart", session.date)
            event.add("dtend", session.date + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:  # no day given: an all-day event over the edition's days, its scope, never a made-up day
            own = session.edition if session.edition_id != edition.pk else edition
            if own.has_dates:
                event.add("dtstart", own.start_date)
                event.add("dtend", own.end_date + timedelta(days=1))
            else:  # nor are the edition's: its year
                event.add("dtstart", date(own.year, 1, 1))
                event.add("dtend", date(own.year + 1, 1, 1))
            event.add("transp", "TRANSPARENT")
        if session.hall is not None:
            event.add("location", str(session.hall))
        description = "\n\n".join(part for part in ("\n".join(_facts(session) + _speaker_lines(session)), _summary(session)) if part)
        if description:
            event.add("description", description)
        event.add("url", session_url(base_url, edition, session))
        event.add("categories", _labels(SessionKind(session.kind)))
        cal.add_component(event)
    return cal.to_ical()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _event(edition, session, base_url: str, acronym: str) -> dict:
    start, end = session.start.astimezone(BEIJING), session.end.astimezone(BEIJING)
    key = re.sub(r"[^a-z0-9_]+", "-", session.key.lower()).strip("-_")
    key = key if len(key) >= 2 else f"session-{key}".rstrip("-")  # the XSD wants 4+ characters after the acronym
    track = session.board.name_zh if session.board_id else _zh(SessionKind(session.kind))
    return {
        "guid": _guid(f"{edition.year}/session/{session.pk}"),
        "id": session.pk,
        "date": start.isoformat(timespec="seconds"),
        "start": start.strftime("%H:%M"),
        "end": end.isoformat(timespec="seconds"),
        "duration": _hhmm(int((end - start).total_seconds()) // 60),
        "room": _room(edition, session)[0],
        "slug": f"{acronym}-{session.pk}-{key}",
        "url": session_url(base_url, edition, session),
        "title": session.title_zh,
        "subtitle": session.title_en or None,
        "track": track,
        "type": session.kind,
        "language": "zh",
        "abstract": _summary(session) or None,
        "description": "\n".join(_facts(session)) or None,
        "persons": _persons(session, base_url),
        "links": [],
    }


def schedule_json(*, edition, sessions, base_url: str) -> dict:
    """The frab schedule as a dict for `json.dumps`; sessions without a clock time are left out."""
    sessions = list(sessions)
    timed = [s for s in sessions if s.start is not None]
    acronym = f"wic{edition.year}"
    edition_days = set(edition.days)
    rooms: dict[str, str] = {}
    tracks: list[str] = []
    days = []
    for index, day in enumerate(sorted(edition_days | {s.date for s in timed}), start=1):
        day_rooms: dict[str, list] = {}
        for session in (s for s in timed if s.date == day):
            event = _event(edition, session, base_url, acronym)
            day_rooms.setdefault(event["room"], []).append(event)
            rooms.setdefault(*_room(edition, session))
            if event["track"] not in tracks:
                tracks.append(event["track"])
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": datetime.combine(day, time(0), tzinfo=BEIJING).isoformat(),
                "day_end": datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING).isoformat(),
                "rooms": day_rooms,
            }
        )
    slot = math.gcd(60, *(t.astimezone(BEIJING).minute for s in timed for t in (s.start, s.end)))
    base = base_url.rstrip("/")
    conference = {
        "acronym": acronym,
        "title": edition.name_zh,
        "description": " / ".join(t for t in (edition.name_en, edition.theme_zh, edition.theme_en) if t),
        "start": days[0]["date"] if days else None,  # None only for an edition without known dates or timed items
        "end": days[-1]["date"] if days else None,
        "daysCount": len(days),
        "timeslot_duration": _hhmm(slot),
        "time_zone_name": TZID,
        "url": f"{base}/editions/{edition.year}/",
        "tracks": [{"name": name} for name in tracks],
        "rooms": [{"name": name, "guid": guid} for name, guid in rooms.items()],
        "meta": {"untimed_sessions_omitted": len(sessions) - len(timed)},
        "days": days,
    }
    version = hashlib.sha256(json.dumps(conference, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {"version": version, "base_url": f"{base}/", "conference": conference},
    }


def _sub(parent, tag: str, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k: _XML_INVALID.sub("", str(v)) for k, v in attrs.items()})
    if text is not None:
        element.text = _XML_INVALID.sub("", str(text))
    return element


def schedule_xml(*, edition, sessions, base_url: str) -> bytes:
    """The same schedule as `schedule_json`, in the frab XML format (UTF-8, with declaration)."""
    schedule = schedule_json(edition=edition, sessions=sessions, base_url=base_url)["schedule"]
    conf = schedule["conference"]
    root = etree.Element("schedule")
    _sub(root, "generator", name=GENERATOR)
    _sub(root, "version", schedule["version"])
    c = _sub(root, "conference")
    for tag in ("title", "acronym", "start", "end"):
        _sub(c, tag, conf[tag])
    _sub(c, "days", conf["daysCount"])
    _sub(c, "timeslot_duration", conf["timeslot_duration"])
    _sub(c, "base_url", schedule["base_url"])
    _sub(c, "url", conf["url"])
    _sub(c, "time_zone_name", conf["time_zone_name"])
    for track in conf["tracks"]:
        _sub(c, "track", name=track["name"])
    room_guids = {room["name"]: room["guid"] for room in conf["rooms"]}
    for day in conf["days"]:
        d = _sub(root, "day", index=day["index"], date=day["date"], start=day["day_start"], end=day["day_end"])
        for room_name, events in day["rooms"].items():
            r = _sub(d, "room", name=room_name, guid=room_guids[room_name])
            for ev in events:
                e = _sub(r, "event", id=ev["id"], guid=ev["guid"])
                for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track", "type", "language"):
                    if ev[tag] is not None:
                        _sub(e, tag, ev[tag])
                _sub(e, "abstract", ev["abstract"] or "")
                if ev["description"]:
                    _sub(e, "description", ev["description"])
                persons = _sub(e, "persons")
                for person in ev["persons"]:
                    _sub(persons, "person", person["name"], id=person["id"], guid=person["guid"])
                _sub(e, "links")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
