"""The volunteer's personal iCalendar feed of their held shifts (the `icalendar` package, like agenda.exports)."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

TZID = "Asia/Shanghai"
BEIJING = ZoneInfo(TZID)


def roster_ics(volunteer, assignments) -> bytes:
    """One VEVENT per held shift: post (Chinese / English), place or hall, team and leader in the
    description. Pure: no query of its own when `assignments` comes with shift__post__hall__venue."""
    assignments = list(assignments)
    edition = volunteer.programme.edition
    cal = Calendar()
    cal.add("prodid", "-//World Internet Conference Wuzhen Summit//Volunteer roster//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{edition.year} 志愿者排班 / volunteer shifts")
    cal.add("x-wr-timezone", TZID)
    years = [(edition.start_date or date(edition.year, 1, 1)).year, *(a.shift.starts_at.year for a in assignments)]
    cal.add_component(Timezone.from_tzid(TZID, first_date=date(min(years), 1, 1), last_date=date(max(years) + 1, 1, 1)))
    # a fixed stamp (the feed is stable); the year's first day where the edition's dates are not known
    stamp = datetime.combine(edition.start_date or date(edition.year, 1, 1), datetime.min.time(), tzinfo=timezone.utc)
    for assignment in assignments:
        shift, post = assignment.shift, assignment.shift.post
        event = Event()
        event.add("uid", f"volunteer-shift-{assignment.pk}@{edition.year}.wic-summit")
        event.add("dtstamp", stamp)
        event.add("summary", f"{post.name_zh} / {post.name_en}" if post.name_en else post.name_zh)
        event.add("dtstart", shift.starts_at.astimezone(BEIJING))
        event.add("dtend", shift.ends_at.astimezone(BEIJING))
        place = post.place_zh or (str(post.hall) if post.hall_id else "")
        if place:
            event.add("location", place)
        lines = [line for line in (shift.note, f"语言 / languages: {', '.join(shift.required_languages)}" if shift.required_languages else "") if line]
        if lines:
            event.add("description", "\n".join(lines))
        cal.add_component(event)
    return cal.to_ical()
