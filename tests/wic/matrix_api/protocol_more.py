"""The permission matrix's rows for what issue 28 added to the protocol, speaker and map APIs; see
tests/wic/matrix_api/__init__.py.

The world's protocol (tests/wic/permission_world.py `_protocol`): the delegation D1 (`delegation`,
its member `delegation_member`), the invitation-only item with its seating plan (`invitation_item`).
This area adds a second invitation-only item without a plan (`unplanned_item`: the seating-plans
POST row of the main table creates its plan), an invited appearance of a speaker with an email in
the world's published session (`speaker_invitation`, its private link `speaker_token`), a service
point of the edition at that session's venue (`map_venue`, `service_point`), and the place of the
session's hall on that venue's plan (`plan_shape`) beside a hall without one (`unplaced_hall`).

Who: the seating plans, delegation members and speakers' invitations are the organizers'
(wic.api_base.IsOrganizer: anonymous 401, every other role 403); the speaker's link is the key,
whoever sends it (no account read there); the map is read by everyone and placed by organizers."""
from tests.wic.test_permission_matrix import ALL, SCAN_ONLY, row, with_ids


def _only_organizers(status):
    #       anon   org     rev    gate   lead   vol    appl   memb   exh    att
    return (401,   status, 403,   403,   403,   403,   403,   403,   403,   403)


EVERYONE = (200,) * 10
ALL_OF_THEM = (ALL,) * 10


def _point(world, role):
    return {"edition": world.ids["year"], "venue": world.ids["map_venue"], "kind": "restroom", "name_zh": "矩阵卫生间", "x": 300, "y": 400}


def _shape(hall):
    return lambda world, role: {"venue": world.ids["map_venue"], "hall": world.ids[hall], "x": 600, "y": 600, "width": 100, "height": 100}


# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    # -- protocol: a second plan for the world's item; a member changed ------------------------------------------------------------
    row("POST", "/api/v1/seating-plans/",                                    *_only_organizers(409),
        data=with_ids(item="invitation_item", layout="tables", blocks=[{"label": "2", "seats": 8}]), label="exists", code={409: "plan_exists"}),
    row("PATCH", "/api/v1/delegations/{delegation}/members/?member={delegation_member}",
                                                                             *_only_organizers(200),
        data={"sort_order": 5}),
    # Without `?member=` no member is named (the hostile-input tests find the endpoint by this row: a query string hides it).
    row("PATCH", "/api/v1/delegations/{delegation}/members/",                *_only_organizers(404),
        data={"sort_order": 5}, label="no member named", code={404: "no_such_member"}),
    # -- the speakers' invitations (people.invitations) -----------------------------------------------------------------------------
    row("GET", "/api/v1/speaker-invitations/?edition={year}",                401,   ALL,   403,   403,   403,   403,   403,   403,   403,   403,
        kind="speaker-invitation"),
    row("GET", "/api/v1/speaker-invitations/{speaker_invitation}/",          *_only_organizers(200)),
    row("POST", "/api/v1/speaker-invitations/",                              *_only_organizers(201),
        data=with_ids(session="session", role="speech", email="pm-new-speaker@example.org", name_zh="矩阵新嘉宾")),
    row("POST", "/api/v1/speaker-invitations/{speaker_invitation}/send/",    *_only_organizers(200)),
    # The speaker's link is the key: every role (and nobody) reads and answers through it.
    row("GET", "/api/v1/speaker-replies/{speaker_token}/",                   *EVERYONE),
    row("POST", "/api/v1/speaker-replies/{speaker_token}/",                  *EVERYONE,
        data={"answer": "decline"}),
    row("GET", "/api/v1/speaker-replies/not-the-token/",                     *(404,) * 10,
        code={404: "link_invalid"}),
    # -- the map: service points and the places of halls ----------------------------------------------------------------------------
    row("GET", "/api/v1/service-points/?edition={year}",                     *ALL_OF_THEM,
        kind="service-point"),
    row("GET", "/api/v1/service-points/{service_point}/",                    *EVERYONE),
    row("POST", "/api/v1/service-points/",                                   *_only_organizers(201),
        data=_point),
    row("PUT", "/api/v1/service-points/{service_point}/",                    *_only_organizers(200),
        data=_point),
    row("PATCH", "/api/v1/service-points/{service_point}/",                  *_only_organizers(200),
        data={"x": 10}),
    row("PATCH", "/api/v1/service-points/{service_point}/",                  *_only_organizers(400),
        data={"x": 1001}, label="off the plan", code={400: "off_plan"}),
    row("DELETE", "/api/v1/service-points/{service_point}/",                 *_only_organizers(204)),
    row("GET", "/api/v1/plan-shapes/?venue={map_venue}",                     *ALL_OF_THEM,
        kind="plan-shape"),
    row("GET", "/api/v1/plan-shapes/{plan_shape}/",                          *EVERYONE),
    row("POST", "/api/v1/plan-shapes/",                                      *_only_organizers(201),
        data=_shape("unplaced_hall")),
    row("POST", "/api/v1/plan-shapes/",                                      *_only_organizers(400),
        data=_shape("hall"), label="placed already", code={400: "already_placed"}),
    row("PUT", "/api/v1/plan-shapes/{plan_shape}/",                          *_only_organizers(200),
        data=_shape("hall")),
    row("PATCH", "/api/v1/plan-shapes/{plan_shape}/",                        *_only_organizers(200),
        data={"width": 50}),
    row("DELETE", "/api/v1/plan-shapes/{plan_shape}/",                       *_only_organizers(204)),
]
TOKEN_ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
    row("GET", "/api/v1/speaker-invitations/?edition={year}",                401,   ALL,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        kind="speaker-invitation"),
    # No token is read at the speaker's link, a scan token neither.
    row("GET", "/api/v1/speaker-replies/{speaker_token}/",                   *EVERYONE),
    row("GET", "/api/v1/service-points/?edition={year}",                     ALL,   ALL,   ALL,   SCAN_ONLY, ALL, ALL,  ALL,   ALL,   ALL,   ALL,
        kind="service-point"),
    row("POST", "/api/v1/seating-plans/",                                    401,   201,   403,   SCAN_ONLY, 403, 403,  403,   403,   403,   403,
        data=with_ids(item="unplanned_item", layout="rows", blocks=[{"label": "A", "seats": 20}])),
]
# fmt: on


def extend_world(world, edition) -> None:
    from agenda.models import Session
    from companion.models import PlanShape, ServicePoint
    from people import invitations as speaker_invitations
    from people import services as people_services
    from people.models import Appearance
    from protocol import invitations as protocol_invitations
    from tests.factories import HallFactory, SessionFactory

    organizer = world.users["organizer"]
    ids = world.ids
    unplanned = SessionFactory(edition=edition, hall=HallFactory(), is_published=True, access="by_invitation", title_zh="权限测试午宴", kind="banquet")
    ids["unplanned_item"] = protocol_invitations.item_for_session(unplanned).pk

    session = Session.objects.select_related("hall").get(pk=ids["session"])
    speaker = people_services.person_upsert(key="matrix-invited-speaker", name_zh="矩阵受邀嘉宾", email="pm-invited-speaker@example.org")
    appearance = people_services.appearance_upsert(person=speaker, session=session, role="keynote")
    appearance = speaker_invitations.appearance_invite(appearance, actor=organizer)
    ids.update(speaker_invitation=appearance.pk, speaker_token=speaker_invitations.speaker_token(appearance))
    world.owned["speaker-invitation"] = {"all": set(Appearance.objects.filter(session__edition=edition).values_list("pk", flat=True))}

    venue = session.hall.venue
    point = ServicePoint.objects.create(edition=edition, venue=venue, kind="medical", name_zh="矩阵医疗点", x=100, y=100)
    shape = PlanShape.objects.create(venue=venue, hall=session.hall, x=0, y=0, width=200, height=200)
    ids.update(map_venue=venue.pk, service_point=point.pk, plan_shape=shape.pk, unplaced_hall=HallFactory(venue=venue).pk)
    world.owned["service-point"] = {"all": {point.pk}}
    world.owned["plan-shape"] = {"all": {shape.pk}}
