"""The agenda's part of the demo (`seed --demo`, contributed through agenda/contrib.py): the
demo edition's main venue, a board and six sessions in the main venue's halls, hosted by the
demo host organization."""
from datetime import time, timedelta

from wic.demo import demo_host
from wic.enums import OrganizationRole

from . import services as agenda_services
from .models import Hall, Venue

MAIN_VENUE = "乌镇互联网国际会展中心"


def demo_edition_fields() -> dict:
    """The demo edition's main venue, set by the core when it makes the edition."""
    return {"main_venue": Venue.objects.filter(name_zh=MAIN_VENUE).first()}


def seed_demo_agenda(edition, *, password=None) -> None:
    host = demo_host()
    start = edition.start_date
    board = agenda_services.board_upsert(
        edition=edition, key="demo-ai", number=1, name_zh="人工智能板块（演示）", name_en="AI board (demo)", source="demo"
    )
    halls = list(Hall.objects.filter(venue__name_zh=MAIN_VENUE).order_by("sort_order")[:3])
    sessions = (
        ("demo-opening", "开幕式（演示）", "Opening ceremony (demo)", "ceremony", 1, time(9, 30), time(10, 30), 0, None),
        ("demo-main-forum", "主论坛（演示）", "Main forum (demo)", "main_forum", 1, time(14, 0), time(17, 30), 0, None),
        ("demo-forum-ai", "人工智能分论坛（演示）", "AI sub-forum (demo)", "sub_forum", 2, time(9, 0), time(12, 0), 1, board),
        ("demo-forum-data", "数据治理分论坛（演示）", "Data governance sub-forum (demo)", "sub_forum", 2, time(9, 0), time(12, 0), 2, None),
        ("demo-forum-youth", "青年与数字未来分论坛（演示）", "Youth and the digital future (demo)", "sub_forum", 2, time(14, 0), time(17, 0), 1, None),
        ("demo-closing", "闭幕式（演示）", "Closing ceremony (demo)", "ceremony", 3, time(11, 0), time(12, 0), 0, None),
    )
    for index, (key, title_zh, title_en, kind, day, t0, t1, hall_index, session_board) in enumerate(sessions):
        session = agenda_services.session_upsert(
            edition=edition,
            key=key,
            title_zh=title_zh,
            title_en=title_en,
            kind=kind,
            date=start + timedelta(days=day),
            start_time=t0,
            end_time=t1,
            hall=halls[hall_index] if len(halls) > hall_index else None,
            board=session_board,
            source="demo",
            sort_order=index,
        )
        agenda_services.session_set_organizations(session=session, roles=[(host, OrganizationRole.HOST)])
