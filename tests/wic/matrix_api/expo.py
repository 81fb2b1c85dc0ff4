"""The permission matrix's rows for the expo API (issue 28); see tests/wic/matrix_api/__init__.py.

The world's expo (tests/wic/permission_world.py `_expo`): EX1 (`exhibitor`, the exhibitor role's),
EX2 (`other_exhibitor`, exhibitor-b's), a pending application (`pending_exhibitor`, exhibitor-b's),
the attendee's meeting requests to EX1 (`meeting`) and EX2 (`other_meeting`), the zone "theme" with
the free booth A-01. This area adds the booth A-02, allotted to EX2 (`taken_booth`; A-01 is
`free_booth`, the zone `expo_zone`), a launch of each on the stage (`launch` EX1's 09:00-09:30,
`other_launch` EX2's 10:00-10:30, on the edition's first day) and openings: EX1's (`opening`), EX2's
(`other_opening`) and a closed one of EX1 (`closed_opening`).

Who: decisions, booths' allotments are the organizers' (403 `permission_denied` to anyone else);
launches and openings their exhibitor's representatives' and the organizers' (403
`not_your_exhibitor` on a public one, 404 on one that is not: a closed opening); a meeting request
is its guest's, the exhibitor's representatives' and the organizers' (404 to anyone else). Only the
guest cancels (`not_your_meeting`), as on the page of meetings; only the exhibitor's side accepts
(`not_your_exhibitor`)."""
from datetime import datetime, time
from decimal import Decimal

from expo import services as expo_services
from expo.models import Booth, Exhibitor, Zone
from tests.wic.permission_world import BEIJING, YEAR
from tests.wic.test_permission_matrix import ALL, NONE, OWN, SCAN_ONLY, row, with_ids
from wic import roles


def _only_organizers(status):
    #       anon   org     rev    gate   lead   vol    appl   memb   exh    att
    return (401,   status, 403,   403,   403,   403,   403,   403,   403,   403)


def _at(hour: int, minute: int = 0) -> str:
    return f"{YEAR}-11-10T{hour:02d}:{minute:02d}:00+08:00"


def _launch(hour, minute, until_hour, until_minute):
    return lambda world, role: {"exhibitor": world.ids["exhibitor"], "title_zh": "矩阵发布", "start": _at(hour, minute), "end": _at(until_hour, until_minute)}


EVERYONE = (200,) * 10
ALL_OF_THEM = (ALL,) * 10
NOT_YOURS = {403: "not_your_exhibitor"}

# fmt: off
ROWS: list = [
    # -- exhibitor entries whatever their status, and the organizers' decisions --------------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/exhibitor-applications/?edition={year}",            401,   ALL,   NONE,  NONE,  NONE,  NONE,  NONE,  NONE,  OWN,   NONE,
        kind="exhibitor-application"),
    row("GET", "/api/v1/exhibitor-applications/{exhibitor}/",               401,   200,   404,   404,   404,   404,   404,   404,   200,   404),
    row("GET", "/api/v1/exhibitor-applications/{pending_exhibitor}/",       401,   200,   404,   404,   404,   404,   404,   404,   404,   404),
    row("POST", "/api/v1/exhibitor-applications/{pending_exhibitor}/decide/",
                                                                             *_only_organizers(200),
        data={"status": "approved", "message": "欢迎"}),
    row("POST", "/api/v1/exhibitor-applications/{exhibitor}/decide/",       *_only_organizers(409),
        data={"status": "declined"}, label="already approved", code={409: "invalid_transition"}),
    row("POST", "/api/v1/exhibitor-decisions/",                              *_only_organizers(200),
        data=lambda world, role: {"exhibitors": [world.ids["pending_exhibitor"], world.ids["exhibitor"]], "status": "approved"}),

    # -- zones and booths: anyone reads; organizers allot and release --------------------------------------------------------------
    row("GET", "/api/v1/expo-zones/?edition={year}",                         *ALL_OF_THEM, kind="expo-zone"),
    row("GET", "/api/v1/expo-zones/{expo_zone}/",                            *EVERYONE),
    row("GET", "/api/v1/expo-booths/?edition={year}",                        *ALL_OF_THEM, kind="expo-booth"),
    row("GET", "/api/v1/expo-booths/{taken_booth}/",                         *EVERYONE),
    row("POST", "/api/v1/expo-booths/{free_booth}/allot/",                   *_only_organizers(200),
        data=with_ids(exhibitor="exhibitor")),
    row("POST", "/api/v1/expo-booths/{taken_booth}/allot/",                  *_only_organizers(409),
        data=with_ids(exhibitor="exhibitor"), label="EX2's booth", code={409: "booth_taken"}),
    row("POST", "/api/v1/expo-booths/{taken_booth}/release/",                *_only_organizers(200)),
    row("DELETE", "/api/v1/expo-booths/{taken_booth}/",                      405,   405,   405,   405,   405,   405,   405,   405,   405,   405),

    # -- launches on the stage: anyone reads; EX1's representative and the organizers schedule and cancel EX1's ----------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/expo-launches/?edition={year}",                      *ALL_OF_THEM, kind="expo-launch"),
    row("GET", "/api/v1/expo-launches/{launch}/",                            *EVERYONE),
    row("POST", "/api/v1/expo-launches/",                                    401,   201,   403,   403,   403,   403,   403,   403,   201,   403,
        data=_launch(11, 0, 11, 30), code=NOT_YOURS),
    row("POST", "/api/v1/expo-launches/",                                    401,   409,   403,   403,   403,   403,   403,   403,   409,   403,
        data=_launch(9, 15, 9, 45), label="over EX1's launch", code={**NOT_YOURS, 409: "slot_conflict"}),
    row("POST", "/api/v1/expo-launches/{launch}/cancel/",                    401,   200,   403,   403,   403,   403,   403,   403,   200,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-launches/{other_launch}/cancel/",              401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        code=NOT_YOURS),
    row("PATCH", "/api/v1/expo-launches/{launch}/",                          401,   405,   405,   405,   405,   405,   405,   405,   405,   405,
        data={"title_zh": "改名"}),

    # -- the recruitment list: anyone reads the open ones; EX1's representative and the organizers post and close EX1's ---------------
    row("GET", "/api/v1/expo-openings/?edition={year}",                      *ALL_OF_THEM, kind="expo-opening"),
    row("GET", "/api/v1/expo-openings/{opening}/",                           *EVERYONE),
    row("GET", "/api/v1/expo-openings/{closed_opening}/",                    404,   200,   404,   404,   404,   404,   404,   404,   200,   404),
    row("POST", "/api/v1/expo-openings/",                                    401,   201,   403,   403,   403,   403,   403,   403,   201,   403,
        data=lambda world, role: {"exhibitor": world.ids["exhibitor"], "title_zh": "矩阵岗位", "field": "ai", "city": "乌镇", "count": 2},
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-openings/{opening}/close/",                    401,   200,   403,   403,   403,   403,   403,   403,   200,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-openings/{other_opening}/close/",              401,   200,   403,   403,   403,   403,   403,   403,   403,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-openings/{closed_opening}/close/",             401,   200,   404,   404,   404,   404,   404,   404,   200,   404),

    # -- meeting requests: the guest's, the exhibitor's representatives', the organizers' ---------------------------------------------
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/expo-meetings/?edition={year}",                      401,   ALL,   NONE,  NONE,  NONE,  NONE,  NONE,  NONE,  OWN,   OWN,
        kind="expo-meeting"),
    row("GET", "/api/v1/expo-meetings/{meeting}/",                           401,   200,   404,   404,   404,   404,   404,   404,   200,   200),
    row("GET", "/api/v1/expo-meetings/{other_meeting}/",                     401,   200,   404,   404,   404,   404,   404,   404,   404,   200),
    # Asking for a meeting: anyone signed in, except a representative asking their own stand.
    row("POST", "/api/v1/expo-meetings/",                                    401,   201,   201,   201,   201,   201,   201,   201,   400,   201,
        data=lambda world, role: {"exhibitor": world.ids["exhibitor"], "start": _at(14), "minutes": 30, "message": "你好"},
        code={400: "own_exhibitor"}),
    row("POST", "/api/v1/expo-meetings/{meeting}/accept/",                   401,   200,   404,   404,   404,   404,   404,   404,   200,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-meetings/{other_meeting}/accept/",             401,   200,   404,   404,   404,   404,   404,   404,   404,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/expo-meetings/{meeting}/decline/",                  401,   200,   404,   404,   404,   404,   404,   404,   200,   403,
        code=NOT_YOURS),
    # Only the guest who asked cancels (as on the page of meetings).
    row("POST", "/api/v1/expo-meetings/{meeting}/cancel/",                   401,   403,   404,   404,   404,   404,   404,   404,   403,   200,
        code={403: "not_your_meeting"}),
    row("DELETE", "/api/v1/expo-meetings/{meeting}/",                        401,   405,   405,   405,   405,   405,   405,   405,   405,   405),
]
# The same with each role's own API token: a scan token opens none of it.
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/expo-meetings/?edition={year}",                      401,   ALL,   NONE,  SCAN_ONLY, NONE, NONE, NONE,  NONE,  OWN,   OWN,
        kind="expo-meeting"),
    row("POST", "/api/v1/expo-meetings/{meeting}/cancel/",                   401,   403,   404,   SCAN_ONLY, 404, 404,  404,   404,   403,   200,
        code={403: "not_your_meeting"}),
    row("POST", "/api/v1/expo-launches/{launch}/cancel/",                    401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   200,   403,
        code=NOT_YOURS),
    row("POST", "/api/v1/exhibitor-applications/{pending_exhibitor}/decide/",
                                                                             401,   200,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data={"status": "declined"}),
    row("GET", "/api/v1/expo-booths/{taken_booth}/",                         200,   200,   200,   SCAN_ONLY, 200, 200,  200,   200,   200,   200),
]
# fmt: on


def extend_world(world, edition) -> None:
    """Adds booths, launches and openings to the world's expo (see the module's docstring)."""
    users, ids = world.users, world.ids
    organizer, representative = users[roles.ORGANIZER], users[roles.EXHIBITOR]
    ex1, ex2 = Exhibitor.objects.get(pk=ids["exhibitor"]), Exhibitor.objects.get(pk=ids["other_exhibitor"])
    zone = Zone.objects.get(edition=edition, key="theme")
    free = Booth.objects.get(edition=edition, code="A-01")
    taken = Booth.objects.create(edition=edition, zone=zone, code="A-02", area=Decimal("9"), sort_order=2)
    expo_services.booth_allot(booth=taken, exhibitor=ex2, actor=organizer)

    def at(hour, minute=0):
        return datetime.combine(edition.start_date, time(hour, minute), tzinfo=BEIJING)

    launch = expo_services.launch_schedule(exhibitor=ex1, title_zh="权限测试发布", start=at(9), end=at(9, 30), actor=representative)
    other_launch = expo_services.launch_schedule(exhibitor=ex2, title_zh="别家的发布", start=at(10), end=at(10, 30), actor=organizer)
    opening = expo_services.opening_create(exhibitor=ex1, actor=representative, title_zh="权限测试岗位", field="ai", city="乌镇")
    other_opening = expo_services.opening_create(exhibitor=ex2, actor=organizer, title_zh="别家的岗位", field="cloud", city="杭州")
    closed = expo_services.opening_create(exhibitor=ex1, actor=representative, title_zh="已招满的岗位", field="ai", city="乌镇")
    expo_services.opening_close(listing=closed, actor=representative)
    ids.update(
        expo_zone=zone.pk, free_booth=free.pk, taken_booth=taken.pk, launch=launch.pk, other_launch=other_launch.pk,
        opening=opening.pk, other_opening=other_opening.pk, closed_opening=closed.pk,
    )
    everyone_exhibitor = {ex1.pk, ex2.pk, ids["pending_exhibitor"]}
    world.owned["exhibitor-application"] = {"all": everyone_exhibitor, roles.EXHIBITOR: {ex1.pk}}
    world.owned["expo-zone"] = {"all": {zone.pk}}
    world.owned["expo-booth"] = {"all": {free.pk, taken.pk}}
    world.owned["expo-launch"] = {"all": {launch.pk, other_launch.pk}}
    world.owned["expo-opening"] = {"all": {opening.pk, other_opening.pk}}
    world.owned["expo-meeting"] = {
        "all": {ids["meeting"], ids["other_meeting"]}, roles.EXHIBITOR: {ids["meeting"]}, roles.ATTENDEE: {ids["meeting"], ids["other_meeting"]},
    }
