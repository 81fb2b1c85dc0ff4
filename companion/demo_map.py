"""The demo's service points (issue 25, `seed --demo`, contributed in contrib_map.py): one of
each kind at the demo edition's main venue, named in both languages and marked as demo
("（演示）" / "(demo)"), with hours and a position on the venue's plan: around the edge of the
plan and in the gaps between the grid's cells, so they sit beside the halls whatever their
number. Made through companion.map's checks.

Idempotent: a kind the edition already has a demo point of, at that venue, is left alone (an
organizer's changes to it stay). Without a main venue nothing is made."""
from .enums import ServicePointKind
from .map import point_check
from .models import ServicePoint

# kind: (name_zh, name_en, hours_zh, hours_en, note_zh, note_en, x, y)
POINTS = {
    ServicePointKind.INFORMATION: ("综合服务台（演示）", "Information desk (demo)", "每天 08:00–20:00", "Daily 08:00–20:00", "证件、议程和失物咨询。", "Badges, the agenda, general questions.", 500, 25),
    ServicePointKind.MEDICAL: ("医疗点（演示）", "Medical point (demo)", "会期全天", "All day during the summit", "", "", 975, 300),
    ServicePointKind.SHUTTLE_STOP: ("接驳车站（演示）", "Shuttle stop (demo)", "每天 07:00–22:00", "Daily 07:00–22:00", "会场环线在此上下车。", "The venue loop stops here.", 250, 975),
    ServicePointKind.RESTROOM: ("洗手间（演示）", "Restroom (demo)", "全天开放", "Open all day", "", "", 25, 500),
    ServicePointKind.CHARGING: ("充电站（演示）", "Charging point (demo)", "每天 08:00–20:00", "Daily 08:00–20:00", "", "", 975, 700),
    ServicePointKind.PRAYER_ROOM: ("祈祷室（演示）", "Prayer room (demo)", "每天 08:00–20:00", "Daily 08:00–20:00", "", "", 25, 800),
    ServicePointKind.MEDIA_CENTRE: ("新闻中心（演示）", "Media centre (demo)", "每天 07:30–22:00", "Daily 07:30–22:00", "凭媒体证件进入。", "With a media badge.", 750, 975),
    ServicePointKind.LOST_AND_FOUND: ("失物招领（演示）", "Lost and found (demo)", "每天 08:00–20:00", "Daily 08:00–20:00", "", "", 25, 200),
    ServicePointKind.ACCESSIBLE_ENTRANCE: ("无障碍入口（演示）", "Accessible entrance (demo)", "每天 07:00–22:00", "Daily 07:00–22:00", "有坡道和无障碍电梯。", "A ramp and a lift.", 500, 975),
}


def seed_demo_map(edition, password=None) -> int:
    """Add the demo's service points to the demo edition (once); returns how many it made."""
    venue = edition.main_venue
    if venue is None:
        return 0
    having = set(ServicePoint.objects.filter(edition=edition, venue=venue, name_zh__endswith="（演示）").values_list("kind", flat=True))
    made = 0
    for kind, (name_zh, name_en, hours_zh, hours_en, note_zh, note_en, x, y) in POINTS.items():
        if kind.value in having:
            continue
        texts = {"name_zh": name_zh, "name_en": name_en, "hours_zh": hours_zh, "hours_en": hours_en}
        point_check(venue=venue, x=x, y=y, texts=texts)
        ServicePoint.objects.create(edition=edition, venue=venue, kind=kind.value, note_zh=note_zh, note_en=note_en, x=x, y=y, **texts)
        made += 1
    return made
