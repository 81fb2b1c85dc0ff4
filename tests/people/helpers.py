"""Sessions and people for the people app's tests."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from people import services
from tests.factories import EditionFactory, SessionFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def session(edition, day: date, start: tuple | None = None, end: tuple | None = None, period: str = "", **fields):
    """An agenda item on `day`, from `start` to `end` ((hour, minute)), or at a part of the day."""
    return SessionFactory(
        edition=edition, date=day, start=at(day, *start) if start else None, end=at(day, *end) if end else None, period=period, **fields,
    )


def person(key: str, name_zh: str = "", name_en: str = "", **fields):
    return services.person_upsert(key=key, name_zh=name_zh, name_en=name_en, **fields)


def edition():
    return EditionFactory()
