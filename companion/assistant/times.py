"""Time words in a question, read in Beijing time against a `now` (injectable for tests).

What is read (Chinese and English, in a normalized question, parsing.normal_question):
- now: 现在, 此刻, 目前, 正在, 当前, 这会儿; "now", "right now", "currently", "at the moment";
- next: 接下来, 下一场, 稍后; "next", "coming up", "later";
- a day: 今天, 明天, 后天, 昨天, 11月16日, 16日, 16号, 第二天, 首日, 最后一天, 周三/星期三; "today",
  "tonight", "tomorrow", "the day after tomorrow", "yesterday", "Nov 16", "16 November", "the 16th",
  "day 2", "the first day", "the last day", "Wednesday";
- a part of the day: 上午/早上 (08:00-12:00), 中午 (11:30-13:30), 下午 (12:00-18:00), 晚上 (18:00-24:00);
  "morning", "noon"/"lunchtime", "afternoon", "evening"/"tonight";
- a clock time: 三点, 3点, 十五点, 下午三点半, 3点15分, 15:00; "3 pm", "3:30pm", "15:00", "3 o'clock",
  "at 3". An hour from 1 to 6 without a part of the day is taken as afternoon (13:00-18:00): the
  summit's sessions run from morning to evening.

A day without a date is today when today is a day of the edition, else the edition's first day
(the answer names the day it used). The result is a `When`: "now" and "at" are an instant, "next"
an instant from which the next sessions are wanted, "during" a range (a part of a day, or a day).
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

PARTS = {
    "morning": (time(8, 0), time(12, 0)),
    "noon": (time(11, 30), time(13, 30)),
    "afternoon": (time(12, 0), time(18, 0)),
    "evening": (time(18, 0), time(23, 59)),
}
# A session the texts date only by a period (Session.period) falls in these parts of the day.
PERIOD_PARTS = {"morning": {"morning"}, "noon": {"noon"}, "afternoon": {"afternoon"}, "evening": {"evening"}}

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = r"[零〇一二两三四五六七八九十]{1,3}"
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAYS_EN = {name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
MONTHS_EN = {
    name: i + 1
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"), ("july", "jul"),
         ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"))
    )
    for name in names
}
ORDINALS_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}

NOW_ZH = re.compile(r"现在|此刻|目前|正在|当前|这会儿|眼下|此时")
NOW_EN = re.compile(r"\b(?:now|right now|currently|at the moment|at present|ongoing|under way|underway)\b")
NEXT_ZH = re.compile(r"接下来|下一场|下一个|稍后|待会|等会|一会儿")
NEXT_EN = re.compile(r"\b(?:next|coming up|later|upcoming)\b")

DAY_ZH = [
    (re.compile(r"大后天"), 3), (re.compile(r"后天"), 2), (re.compile(r"明天|明日|明早|明晚|明儿"), 1),
    (re.compile(r"昨天|昨日"), -1), (re.compile(r"今天|今日|今晚|今早|今儿|当天"), 0),
]
DAY_EN = [
    (re.compile(r"\bday after tomorrow\b"), 2), (re.compile(r"\btomorrow\b"), 1), (re.compile(r"\byesterday\b"), -1),
    (re.compile(r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b"), 0),
]
PART_ZH = [
    (re.compile(r"上午|早上|早晨|清晨|上半天|午前|明早|今早"), "morning"),
    (re.compile(r"中午|午间|午饭|午餐时"), "noon"),
    (re.compile(r"下午|午后|下半天"), "afternoon"),
    (re.compile(r"晚上|晚间|今晚|明晚|夜里|傍晚|夜间"), "evening"),
]
PART_EN = [
    (re.compile(r"\bmornings?\b"), "morning"),
    (re.compile(r"\bnoon\b|\blunch ?time\b|\bmidday\b"), "noon"),
    (re.compile(r"\bafternoons?\b"), "afternoon"),
    (re.compile(r"\bevenings?\b|\btonight\b|\bnight\b"), "evening"),
]
CLOCK_COLON = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?:\s*(am|pm|a\.m\.|p\.m\.))?")
CLOCK_ZH = re.compile(rf"(\d{{1,2}}|{CN_NUMBER})\s*[点时](?:\s*(半|一刻|三刻|(\d{{1,2}}|{CN_NUMBER})\s*分?))?")
CLOCK_EN = re.compile(r"(?<![\d:])(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.|oclock|o clock)\b")
AT_HOUR_EN = re.compile(r"\b(?:at|around|about|by)\s+(1[0-2]|0?[1-9])\b(?!\s*(?:halls?|rooms?|sessions?|people|forums?|booths?|:))")
DATE_ZH = re.compile(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[日号]")
NTH_DAY_ZH = re.compile(rf"第\s*(\d|{CN_NUMBER})\s*天")
FIRST_LAST_ZH = [(re.compile(r"首日|第一天|开幕日|开幕当天"), 1), (re.compile(r"最后一天|闭幕日|闭幕当天|末日"), -1)]
WEEKDAY_ZH = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
DATE_EN = re.compile(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?)\b")
THE_NTH_EN = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b")
NTH_DAY_EN = re.compile(r"\bday\s+(\d)\b|\b(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+day\b")


@dataclass(frozen=True)
class When:
    """What a question's time words ask about. `kind`: "now", "next" (from `start` on), "at" (the
    instant `start`), "during" (`start` to `end`). `day` is the day in Beijing time; `part` the
    part of the day asked for ("morning"...), `clock` whether a clock time was given, `dated`
    whether the question named the day (else the default day was taken)."""

    kind: str
    start: datetime
    end: datetime | None
    day: date
    part: str = ""
    clock: bool = False
    dated: bool = False


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
        return value
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS[text]
    return None


def _default_day(today: date, days: list[date]) -> date:
    if not days or today in days:
        return today
    return days[0]


def _day(text: str, zh: bool, today: date, days: list[date]) -> date | None:
    """The day the question names, or None."""
    patterns = DAY_ZH if zh else DAY_EN
    for pattern, offset in patterns:
        if pattern.search(text):
            return today + timedelta(days=offset)
    month_default = days[0].month if days else today.month
    year = days[0].year if days else today.year
    if zh:
        for pattern, which in FIRST_LAST_ZH:
            if pattern.search(text) and days:
                return days[0] if which == 1 else days[-1]
        match = NTH_DAY_ZH.search(text)
        if match and days:
            n = _cn_number(match.group(1))
            if n and 1 <= n <= len(days):
                return days[n - 1]
        match = DATE_ZH.search(text)
        if match:
            month = int(match.group(1)) if match.group(1) else month_default
            try:
                return date(year, month, int(match.group(2)))
            except ValueError:
                return None
        match = WEEKDAY_ZH.search(text)
        if match:
            return _weekday(WEEKDAYS_ZH[match.group(1)], today, days)
        return None
    match = NTH_DAY_EN.search(text)
    if match and days:
        if match.group(1):
            n = int(match.group(1))
        elif match.group(2) == "last":
            n = len(days)
        else:
            n = ORDINALS_EN[match.group(2)]
        if 1 <= n <= len(days):
            return days[n - 1]
    for match in DATE_EN.finditer(text):
        day, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        if month in MONTHS_EN:
            try:
                return date(year, MONTHS_EN[month], int(day))
            except ValueError:
                return None
    match = THE_NTH_EN.search(text)
    if match:
        try:
            return date(year, month_default, int(match.group(1)))
        except ValueError:
            return None
    for name, weekday in WEEKDAYS_EN.items():
        if re.search(rf"\b{name}\b", text):
            return _weekday(weekday, today, days)
    return None


def _weekday(weekday: int, today: date, days: list[date]) -> date:
    """That weekday among the edition's days, else the next one from today."""
    for day in days:
        if day.weekday() == weekday:
            return day
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _part(text: str, zh: bool) -> str:
    for pattern, part in PART_ZH if zh else PART_EN:
        if pattern.search(text):
            return part
    return ""


def _clock(text: str, zh: bool, part: str) -> tuple[int, int] | None:
    """(hour, minute) of a clock time in the question, in 24 hours, or None."""
    hour = minute = None
    suffix = ""
    match = CLOCK_COLON.search(text)
    if match:
        hour, minute, suffix = int(match.group(1)), int(match.group(2)), (match.group(3) or "")
    elif zh and (match := CLOCK_ZH.search(text)):
        hour = _cn_number(match.group(1))
        extra = match.group(2) or ""
        minute = {"半": 30, "一刻": 15, "三刻": 45}.get(extra)
        if minute is None:
            minute = _cn_number(match.group(3)) if match.group(3) else 0
    elif not zh and (match := CLOCK_EN.search(text)):
        hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    elif not zh and (match := AT_HOUR_EN.search(text)):
        hour, minute = int(match.group(1)), 0
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    suffix = suffix.replace(".", "")
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif not suffix.startswith(("am", "pm")) and (
        (part in ("afternoon", "evening") and hour < 12) or (part == "noon" and hour < 6) or (not part and 1 <= hour <= 6)
    ):
        hour += 12
    if hour == 24:
        hour = 23 if minute == 0 else hour
        minute = 59 if minute == 0 else minute
    return (hour, minute) if hour < 24 else None


def parse_when(text: str, *, now: datetime, days: list[date], zh: bool) -> When | None:
    """The time a normalized question asks about (see the module's docstring), or None."""
    now = now.astimezone(BEIJING)
    today = now.date()
    day = _day(text, zh, today, days)
    part = _part(text, zh)
    clock = _clock(text, zh, part)
    is_now = (NOW_ZH if zh else NOW_EN).search(text)
    is_next = (NEXT_ZH if zh else NEXT_EN).search(text)
    if clock is None and not part and day is None:
        if is_now:
            return When("now", now, None, today)
        if is_next:
            return When("next", now, None, today)
        return None
    dated = day is not None
    if day is None:
        day = _default_day(today, days)
    if clock is not None:
        moment = datetime.combine(day, time(*clock), tzinfo=BEIJING)
        return When("at", moment, None, day, part=part, clock=True, dated=dated)
    if part:
        first, last = PARTS[part]
        return When("during", datetime.combine(day, first, tzinfo=BEIJING), datetime.combine(day, last, tzinfo=BEIJING), day, part=part, dated=dated)
    if is_next and day == today:
        return When("next", now, None, today, dated=dated)
    start = datetime.combine(day, time(0, 0), tzinfo=BEIJING)
    return When("during", start, start + timedelta(days=1), day, dated=dated)
