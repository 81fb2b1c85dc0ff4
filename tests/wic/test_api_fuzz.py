"""Property-based fuzzing of the REST API against its own OpenAPI schema (schemathesis).

Every operation of `/api/schema/` is called in-process through the WSGI application with data
generated from the schema (valid and invalid), anonymously and with the token of an organizer
(the broadest access). Every response must be no 5xx, carry a status code the operation
documents, the documented content type and a body matching the documented schema.

The calls hit a world built once per module by factories and services: an edition with sessions,
an open call for sub-forums with a draft and a submitted application, an approved registration
with a credential and today's gate list, an open award programme with a member, a recommendation
and nominations, an approved exhibitor; the organizer acts in every role. Path ids are drawn
mostly from the world's real ids (otherwise from the schema), and half the request bodies get the
world's real ids in the fields that name other objects, so writes get past `does_not_exist` to
the services' rules. Each operation's test rolls its writes back; the examples of one operation
share its state (a create, then a duplicate: 409).

Bounded and reproducible: a fixed number of examples per operation, derandomized. The coverage
phase (boundary and negative variants of every parameter: about 10,000 calls, several minutes)
runs only on demand, with FUZZ_COVERAGE=1."""
import os
from datetime import timedelta

import pytest
import schemathesis
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from wic.wsgi import application

EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", application, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
)

# Filled by the `world` fixture (the hooks read it when examples are drawn, after it exists):
# "ids" per collection of the API; "refs", the values of the fields that name other objects, and
# "refs_in", those of one collection only (a nomination's `category` is not a guest's).
WORLD: dict = {"ids": {}, "refs": {}, "refs_in": {}}


def _collection(path: str) -> str:
    """/api/v1/forum-applications/{id}/submit/ -> forum-applications"""
    return path.removeprefix("/api/v1/").split("/")[0]


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Mostly the collection's real ids, sometimes the schema's own values."""
    collection = _collection(context.operation.path)
    name = {"editions": "year", "rsvp": "token", "speaker-replies": "token"}.get(collection, "id")

    def real(index: int) -> dict:
        ids = WORLD["ids"].get(collection) or [0]
        value = ids[index % len(ids)]
        return value if isinstance(value, dict) else {name: value}  # a path of several parameters: all of them

    return st.one_of(st.integers(min_value=0, max_value=7).map(real), strategy)


# What a create needs, added where the generated body lacks it (the schema leaves optional what
# the services require), so some creates succeed; None stands for the world's object.
COMPLETE = {
    "registrations": {"name": "Fuzz Guest", "email": "fuzz@example.org", "organization_name": "Example", "country": "CN",
                      "category": "academia", "participation": "on_site", "consent": True},
    "exhibitors": {"edition": None, "organization_name_zh": "测试参展商乙", "country": "CN", "fields": ["ai"], "products_zh": "翻译机",
                   "booth_size": 9, "contact_name": "联系人", "contact_email": "exhibitor2@example.org"},
    "recommendations": {"programme": None, "enterprise": None},
    "nominations": {"programme": None, "organization": None, "categories": None, "further_conditions": None, "endorses_purposes": True,
                    "basic_condition_statement": "符合", "contact_name": "联系人", "contact_email": "nomination@example.org"},
    "forum-applications": {"call": None, "title_zh": "测试分论坛"},
    # webhooks (issue 28): an address where nothing listens (nothing is sent: the world's transaction never commits)
    "webhooks": {"url": "http://127.0.0.1:9/fuzz", "events": ["registration.decided"]},
    # the expo (issue 28): an exhibitor the organizer represents (a meeting: one it does not), slots on the edition's first day
    "expo-launches": {"exhibitor": None, "title_zh": "测试发布", "start": None, "end": None},
    "expo-openings": {"exhibitor": None, "title_zh": "测试岗位", "field": "ai", "city": "乌镇"},
    "expo-meetings": {"exhibitor": None, "start": None},
    "exhibitor-decisions": {"exhibitors": None, "status": "approved"},
    # volunteers (issue 28): the organizer leads the world's team and has a volunteer record of its own
    "volunteers": {"programme": None, "name": "Fuzz Applicant", "university": "浙江大学", "phone": "13800000000", "email": "fuzz-volunteer@example.org"},
    "volunteer-decisions": {"volunteers": None, "decision": "declined"},
    "shift-assignments": {"shift": None, "volunteer": None},
    "shift-scans": {"code": None},
    "standby-offers": {"shift": None, "places": 1},
    "change-requests": {"assignment": None, "kind": "drop"},
    # registration (issue 28): a credential for the world's guest, invitations to an invitation-only item
    "credentials": {"registration": None},
    "invitations": {"session": None, "registrations": None},
    # the agenda, people, forums' and awards' organizers (issue 28): new keys in the world's edition
    "sessions": {"edition": None, "key": "fuzz-session", "title_zh": "测试会议", "kind": "meeting"},
    "venues": {"name_zh": "测试场馆乙"},
    "halls": {"venue": None, "name_zh": "测试厅乙"},
    "boards": {"edition": None, "key": "fuzz-board", "name_zh": "测试板块"},
    "outcomes": {"edition": None, "title_zh": "测试成果"},
    "people": {"key": "fuzz-person", "name_zh": "测试人"},
    # protocol, speakers and the map (issue 28): a plan for the item without one, a speaker invited to the first session,
    # a service point and a hall's place at that session's venue
    "seating-plans": {"item": None, "layout": "tables", "blocks": [{"label": "1", "seats": 8, "is_head": True}]},
    "speaker-invitations": {"session": None, "role": "speech", "email": "fuzz-speaker@example.org", "name_zh": "测试嘉宾"},
    "service-points": {"edition": None, "venue": None, "kind": "medical", "name_zh": "测试医疗点", "x": 100, "y": 100},
    "plan-shapes": {"venue": None, "hall": None, "x": 100, "y": 100, "width": 100, "height": 100},
    "forum-application-decisions": {"applications": None, "to_state": "under_review"},
    "nomination-decisions": {"nominations": None, "to_state": "eligible"},
    # travel (issue 24): a second approved guest's arrival and stay; a loop of two stops; the world's edition planned
    "travel-legs": {"registration": None, "direction": "arrival", "mode": "flight", "number": "CA1702", "hub": "hangzhou_xiaoshan", "scheduled_at": None},
    "room-stays": {"block": None, "registration": None, "first_night": None, "last_night": None},
    "pickup-plans": {"edition": None},
    "shuttle-loops": {"edition": None, "name_zh": "测试线路", "first_day": None, "last_day": None, "first_departure": "07:00", "last_departure": "09:00",
                      "every_minutes": 30, "stops": None},
}


def with_real_references(body, collection: str, create: str | None = None):
    """The body with the world's objects in the fields that name one (the rest as generated);
    for a create (`create` is then the collection), completed with what its service requires."""
    if not isinstance(body, dict):
        return body
    refs = {**WORLD["refs"], **WORLD["refs_in"].get(collection, {})}
    body = {**COMPLETE.get(create, {}), **body}
    body = {**body, **{name: refs[name] for name in body if name in refs}}
    if isinstance(body.get("organizations"), list):
        body["organizations"] = [{"role": "host", "organization": refs["host"]}]
    if isinstance(body.get("scores"), dict):
        body["scores"] = {str(pk): {"score": 4} for pk in refs["criteria"]}
    return body


@schema.hook
def flatmap_body(context, body):
    """Half the bodies as generated, half with the world's references (and, for a create, completed)."""
    operation = context.operation
    collection = _collection(operation.path)
    create = collection if operation.method.upper() == "POST" and operation.path.count("/") == 4 else None  # /api/v1/<collection>/
    return st.booleans().map(lambda real: with_real_references(body, collection, create) if real else body)


def build_world() -> dict:
    from django.contrib.auth import get_user_model
    from wic.tokens import token_create

    from awards import services as award_services
    from awards.models import AwardReviewer
    from expo import services as expo_services
    from expo.models import Zone
    from forums import services as forum_services
    from forums.models import CallQuestion, ForumCall, ReviewCriterion, Reviewer
    from registration import services as registration_services
    from registration.models import CheckinList
    from tests.factories import OrganizationFactory, edition_with_everything, make_organizer, session_with_everything
    from wic.models import Member

    now = timezone.now()
    organizer = make_organizer("fuzz-organizer", password=None, email="fuzz-organizer@example.org")
    _token, token = token_create(user=organizer)
    applicant = get_user_model().objects.create_user("fuzz-applicant", email="fuzz-applicant@example.org", password=None)

    edition = edition_with_everything()
    sessions = [session_with_everything(edition, index) for index in range(3)]

    call = ForumCall.objects.create(edition=edition, title_zh="测试分论坛申报", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    call.boards.set(edition.boards.all())
    criteria = [ReviewCriterion.objects.create(call=call, name_zh=name, sort_order=i) for i, name in enumerate(("主题契合度", "主协办单位与嘉宾"))]
    CallQuestion.objects.create(call=call, text_zh="是否需要同声传译？", sort_order=0)
    Reviewer.objects.create(edition=edition, user=organizer)
    host = OrganizationFactory()
    fields = {
        "title_zh": "数字丝路合作论坛", "theme_zh": "共建数字丝路", "format": "round_table", "preferred_date": edition.start_date,
        "preferred_half_day": "morning", "expected_attendance": 150, "planned_speakers": "张三", "planned_outcomes": "倡议",
        "contact_name": "李四", "contact_email": "contact@example.org", "rationale": "促进合作",
    }
    hosts = [{"role": "host", "organization": host}]
    own_draft = forum_services.application_save_draft(call=call, applicant=organizer, fields=fields, organizations=hosts)
    submitted = forum_services.application_save_draft(call=call, applicant=applicant, fields=fields, organizations=hosts)
    submitted = forum_services.application_submit(application=submitted, actor=applicant)

    registration = registration_services.registration_create(
        edition=edition,
        data={"name": "Fuzz Guest", "email": "guest@example.org", "organization_name": "Example Org", "country": "BR",
              "category": "academia", "participation": "on_site", "consent": True},
    )
    registration_services.registration_decide(registration=registration, status="approved", actor=organizer)
    gate = CheckinList.objects.create(edition=edition, kind=CheckinList.GATE, day=timezone.localdate(), name_zh="主入口")

    programme = award_services.programme_upsert(
        edition=edition, key="fuzz-award", name_zh="测试奖", has_enterprise_direction=True, has_individual_direction=True,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), max_categories=2, requires_endorsement=True,
        min_further_conditions=1, non_members_need_recommendation=True,
    )
    categories = [award_services.category_upsert(programme=programme, key=k, name_zh=f"类别{i}", direction="enterprise", sort_order=i) for i, k in enumerate(("social", "innovation"))]
    condition = award_services.further_condition_upsert(programme=programme, text_zh="其他条件", sort_order=0)
    award_services.quotas_set(programme=programme, quotas={"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1})
    member = Member.objects.create(organization=OrganizationFactory(), tier="member")
    member.representatives.add(organizer)
    enterprise = OrganizationFactory()
    recommendation = award_services.recommendation_create(programme=programme, member=member, enterprise=enterprise, actor=organizer)
    award_services.enterprise_representative_grant(user=organizer, organization=enterprise)
    draft = award_services.nomination_save_draft(programme=programme, organization=enterprise, actor=organizer, categories=categories[:1])
    individual = award_services.nomination_nominate_individual(
        programme=programme, actor=organizer, person_name="张三", person_affiliation="某大学", citation="贡献", member=None, categories=None,
    )
    AwardReviewer.objects.create(programme=programme, user=organizer)

    zone = Zone.objects.create(edition=edition, key="theme", name_zh="主题展区", kind="theme")
    exhibitor = expo_services.exhibitor_create(
        edition=edition,
        data={"organization_name_zh": "测试参展商", "country": "CN", "fields": ["ai"], "products_zh": "翻译机", "booth_size": 9,
              "contact_name": "联系人", "contact_email": "exhibitor@example.org", "preferred_zone": zone.pk},
    )
    exhibitor.representatives.add(organizer)
    expo = _expo_world(edition, zone, exhibitor, organizer, applicant)
    volunteers = _volunteers_world(edition, organizer)
    registrations = _registration_world(edition, registration)
    agenda = _agenda_world(edition, sessions, submitted, individual)
    travel = _travel_world(edition, registration, organizer)

    WORLD["ids"] = {
        "editions": [edition.year, 2017, 2024],
        "sessions": [s.pk for s in sessions],
        "halls": [s.hall_id for s in sessions],
        "organizations": [host.pk, enterprise.pk],
        "forum-applications": [own_draft.pk, submitted.pk],
        "registrations": [registration.pk],
        "exhibitors": [exhibitor.pk],
        "award-programmes": [programme.pk],
        "recommendations": [recommendation.pk],
        "nominations": [draft.pk, individual.pk],
        "webhooks": [_webhook_world(organizer)],
        **expo["ids"],
        **volunteers["ids"],
        **registrations["ids"],
        **agenda["ids"],
        **travel["ids"],
    }
    WORLD["refs"] = {
        "call": call.pk, "board": edition.boards.first().pk, "edition": edition.year, "programme": programme.pk,
        "enterprise": OrganizationFactory().pk, "organization": enterprise.pk, "member": member.pk,
        "categories": [categories[0].pk], "further_conditions": [condition.pk],
        "list": gate.pk, "secret": registration.credentials.get().secret, "country": "CN", "fields": ["ai"],
        "preferred_zone": zone.pk, "booth_size": 9, "answers": {}, "host": host.pk, "criteria": [c.pk for c in criteria],
    }
    WORLD["refs"]["exhibitor"] = exhibitor.pk
    WORLD["refs_in"] = {"nominations": {"category": categories[0].pk}, **expo["refs_in"], **volunteers["refs_in"], **registrations["refs_in"], **agenda["refs_in"],
                       **travel["refs_in"]}
    _protocol_map_world(edition, sessions, registration, organizer)  # adds to WORLD
    return {"token": token}


def _expo_world(edition, zone, exhibitor, organizer, applicant) -> dict:
    """Issue 28: booths (one taken), a launch, an opening, a pending application, another exhibitor
    and the applicant's meeting request to the organizer's exhibitor."""
    from datetime import datetime, time
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from expo import services as expo_services
    from expo.models import Booth

    def at(hour):
        return datetime.combine(edition.start_date, time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))

    data = {"country": "CN", "fields": ["ai"], "products_zh": "翻译机", "booth_size": 9, "contact_name": "联系人"}
    other = expo_services.exhibitor_create(edition=edition, data={**data, "organization_name_zh": "测试参展商丙", "contact_email": "c@example.org"})
    pending = expo_services.exhibitor_apply(edition=edition, user=applicant, data={**data, "organization_name_zh": "待审参展商", "contact_email": "p@example.org"})
    free = Booth.objects.create(edition=edition, zone=zone, code="A-01", area=Decimal("9"))
    taken = Booth.objects.create(edition=edition, zone=zone, code="A-02", area=Decimal("9"))
    expo_services.booth_allot(booth=taken, exhibitor=other, actor=organizer)
    launch = expo_services.launch_schedule(exhibitor=exhibitor, title_zh="测试发布", start=at(9), end=at(10), actor=organizer)
    opening = expo_services.opening_create(exhibitor=exhibitor, actor=organizer, title_zh="测试岗位", field="ai", city="乌镇")
    meeting = expo_services.meeting_request(exhibitor=exhibitor, guest=applicant, start=at(11))
    return {
        "ids": {
            "exhibitor-applications": [exhibitor.pk, pending.pk], "exhibitor-decisions": [pending.pk], "expo-zones": [zone.pk],
            "expo-booths": [free.pk, taken.pk], "expo-launches": [launch.pk], "expo-openings": [opening.pk], "expo-meetings": [meeting.pk],
        },
        "refs_in": {
            "expo-launches": {"start": at(14).isoformat(), "end": at(15).isoformat()},
            "expo-meetings": {"exhibitor": other.pk, "start": at(16).isoformat()},
            "exhibitor-decisions": {"exhibitors": [pending.pk]},
        },
    }


def _volunteers_world(edition, organizer) -> dict:
    """Issue 28: the edition's volunteer programme. The organizer leads its team and is a volunteer
    in it (so check-ins, requests and offers reach the services), with a shift starting in 10
    minutes, one next week with a pending drop request, one later without, and a standby offer on
    a fourth; a teammate, an applicant, a standby volunteer; a notice of a changed shift."""
    from volunteers import services as volunteer_services
    from volunteers.models import ShiftChangeAlert, ShiftNotice, StandbyOffer
    from volunteers.shift_alerts import shown
    from tests.volunteers.helpers import make_module, make_post, make_programme, make_shift, make_team, make_volunteer

    programme = make_programme(edition=edition)
    module = make_module(programme)
    post = make_post(programme, "注册台")
    team = make_team(programme, "测试一组", post=post, leader=organizer)
    mine = make_volunteer(programme, name="Fuzz Volunteer", user=organizer, team=team)
    mate = make_volunteer(programme, name="Fuzz Mate", team=team)
    applicant = make_volunteer(programme, name="Fuzz Applicant", status="applied")
    standby = make_volunteer(programme, name="Fuzz Standby", status="standby")
    now = timezone.now().replace(microsecond=0)
    soon, later, offered, last = (make_shift(post, start=now + delay, hours=2) for delay in (
        timedelta(minutes=10), timedelta(days=7), timedelta(days=3), timedelta(days=10)))
    on_soon, on_later, on_last = (volunteer_services.shift_assign(shift=s, volunteer=mine) for s in (soon, later, last))
    change = volunteer_services.change_request_create(assignment=on_later, kind="drop", actor=None)
    offer = StandbyOffer.objects.create(shift=offered, volunteer=mine)
    alert = ShiftChangeAlert.objects.create(shift=soon, before=soon.watched_values(), opened_at=now, changed_at=now, due_at=now)
    values = shown(soon.watched_values(), {post.pk: post})
    notice = ShiftNotice.objects.create(alert=alert, shift=soon, volunteer=mine, before=values, after=values)
    return {
        "ids": {
            "volunteer-programmes": [programme.pk], "volunteers": [mine.pk, applicant.pk], "volunteer-teams": [team.pk],
            "volunteer-posts": [post.pk], "training-modules": [module.pk], "shifts": [soon.pk, later.pk, offered.pk],
            "shift-assignments": [on_soon.pk, on_last.pk], "standby-offers": [offer.pk], "change-requests": [change.pk],
            "shift-notices": [notice.pk],
        },
        "refs_in": {
            "volunteers": {"programme": programme.pk},
            "volunteer-decisions": {"volunteers": [applicant.pk]},
            "volunteer-teams": {"volunteer": standby.pk},
            "training-modules": {"volunteer": mate.pk, "code": mate.code, "shown": [mine.pk, mate.pk], "present": [mate.pk]},
            "shift-assignments": {"shift": offered.pk, "volunteer": mate.pk},
            "shift-scans": {"code": mine.code},
            "standby-offers": {"shift": soon.pk},
            "change-requests": {"assignment": on_last.pk, "colleague": mate.pk},
        },
    }


def _agenda_world(edition, sessions, submitted, individual) -> dict:
    """Issue 28: a venue, a board, an outcome, a person with a key, and a session without a hall or
    a time (unpublished) for `place`; the submitted application and the individual nomination for
    the bulk decisions."""
    from agenda import services as agenda_services
    from people import services as people_services

    venue = agenda_services.venue_upsert(name_zh="测试场馆甲")
    board = agenda_services.board_upsert(edition=edition, key="fuzz-board-a", name_zh="测试板块甲")
    outcome = agenda_services.outcome_upsert(edition=edition, session=sessions[0], title_zh="测试成果甲")
    unplaced = agenda_services.session_upsert(edition=edition, key="fuzz-unplaced", title_zh="待排会议", kind="meeting", date=edition.start_date, is_published=False)
    person = people_services.person_upsert(key="fuzz-speaker", name_zh="测试嘉宾")
    return {
        "ids": {
            "sessions": [s.pk for s in sessions] + [unplaced.pk], "venues": [venue.pk], "boards": [board.pk], "outcomes": [outcome.pk], "people": [person.pk],
        },
        "refs_in": {
            "sessions": {"hall": sessions[0].hall_id, "date": edition.start_date.isoformat()},
            "halls": {"venue": venue.pk},
            "outcomes": {"session": sessions[0].pk},
            "forum-application-decisions": {"applications": [submitted.pk]},
            "nomination-decisions": {"nominations": [individual.pk]},
            "award-programmes": {"username": "fuzz-applicant"},
        },
    }


def _webhook_world(organizer) -> int:
    """A webhook endpoint with one delivery in its log (issue 28)."""
    from wic import webhooks

    endpoint, _secret = webhooks.endpoint_create(url="http://127.0.0.1:9/fuzz", events=["registration.decided"], actor=organizer)
    webhooks.emit("registration.decided", {"registration": 1, "edition": 2099})
    return endpoint.pk


def _registration_world(edition, registration) -> dict:
    """Issue 28: a pending registration to decide, another approved guest to invite, an
    invitation-only item with the world's guest invited."""
    from registration import services as registration_services
    from tests.factories import SessionFactory

    def guest(n, **extra):
        data = {"name": f"Fuzz Guest {n}", "email": f"guest{n}@example.org", "organization_name": "Example Org", "country": "FR",
                "category": "media", "participation": "on_site", "consent": True, **extra}
        return registration_services.registration_create(edition=edition, data=data)

    pending = guest(2)
    invitee = registration_services.registration_decide(registration=guest(3), status="approved", actor=None)
    banquet = SessionFactory(edition=edition, access="by_invitation", kind="banquet", title_zh="测试晚宴")
    registration.refresh_from_db()  # approved since it was made
    registration_services.invitations_create(session=banquet, registrations=[registration])
    return {
        "ids": {
            "registrations": [registration.pk, pending.pk], "credentials": [registration.credentials.get().pk, invitee.credentials.get().pk],
            "invitations": list(banquet.invitations.values_list("pk", flat=True)),
        },
        "refs_in": {
            "registrations": {"registrations": [pending.pk, registration.pk]},
            "credentials": {"registration": invitee.pk},
            "invitations": {"session": banquet.pk, "registrations": [invitee.pk], "category": "media"},
        },
    }


def _protocol_map_world(edition, sessions, registration, organizer) -> None:
    """Issue 28, added to WORLD: a delegation of two members; an invitation-only item with a plan and
    the guest's accepted card, another without a plan; a speaker invited to the first session (and
    their private link); a service point at that session's venue and its hall's place on the plan,
    beside a hall without one."""
    from companion.models import PlanShape, ServicePoint
    from people import invitations as speaker_invitations
    from people import services as people_services
    from protocol import delegations, invitations, seating
    from registration import services as registration_services
    from tests.factories import HallFactory, SessionFactory

    data = {"name": "Fuzz Delegate", "email": "delegate@example.org", "organization_name": "Example Org", "country": "FR",
            "category": "government", "participation": "on_site", "consent": True}
    delegate = registration_services.registration_decide(
        registration=registration_services.registration_create(edition=edition, data=data), status="approved", actor=None,
    )
    delegation = delegations.delegation_save(edition=edition, name_zh="测试代表团", kind="government", head=delegate, actor=organizer)
    delegations.member_add(delegation, registration, actor=organizer)
    planned, unplanned = (
        invitations.item_for_session(SessionFactory(edition=edition, access="by_invitation", kind="banquet", title_zh=title))
        for title in ("测试宴会", "测试午宴")
    )
    plan = seating.plan_create(planned, layout="tables", blocks=[("1", 8, True)], actor=organizer)
    card = invitations.cards_send(planned, registrations=[registration], actor=organizer)[0]
    invitations.rsvp_answer(invitations.card_token(card), answer="accept")
    hall = sessions[0].hall
    speaker = people_services.person_upsert(key="fuzz-invited-speaker", name_zh="测试受邀嘉宾", email="invited-speaker@example.org")
    appearance = speaker_invitations.appearance_invite(
        people_services.appearance_upsert(person=speaker, session=sessions[0], role="keynote"), actor=organizer,
    )
    point = ServicePoint.objects.create(edition=edition, venue=hall.venue, kind="information", name_zh="测试咨询台", x=10, y=10)
    shape = PlanShape.objects.create(venue=hall.venue, hall=hall, x=0, y=0, width=100, height=100)
    WORLD["ids"].update({
        "delegations": [delegation.pk], "seating-plans": [plan.pk], "speaker-invitations": [appearance.pk],
        "speaker-replies": [speaker_invitations.speaker_token(appearance)], "service-points": [point.pk], "plan-shapes": [shape.pk],
    })
    WORLD["refs_in"].update({
        "seating-plans": {"item": unplanned.pk, "card": card.pk, "block": plan.blocks.get().pk},
        "delegations": {"registration": registration.pk},
        "speaker-invitations": {"session": sessions[0].pk, "role": "speech", "language": "en"},
        "speaker-replies": {"answer": "confirm", "attendance_mode": "online"},
        "service-points": {"venue": hall.venue_id, "kind": "medical"},
        "plan-shapes": {"venue": hall.venue_id, "hall": HallFactory(venue=hall.venue).pk, "zone": None},
    })


def _travel_world(edition, registration, organizer) -> dict:
    """Issue 24: the world's guest with a requested visa letter, an arrival in a planned pickup run
    and a stay in a hotel's block; a second approved guest (no travel yet: the creates are theirs);
    a lunch at the edition's venue; a shuttle loop from the hotel to the venue."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from registration import services as registration_services
    from travel import arrivals, hotels, letters, shuttles
    from travel.models import Hotel, Meal, RoomBlock

    year, first = edition.year, edition.start_date
    beijing = ZoneInfo("Asia/Shanghai")
    other = registration_services.registration_decide(
        registration=registration_services.registration_create(edition=edition, data={
            "name": "Fuzz Traveller", "email": "traveller@example.org", "organization_name": "Example Org", "country": "FR",
            "category": "academia", "participation": "on_site", "consent": True}),
        status="approved", actor=organizer,
    )
    letter = letters.letter_request(registration, data={
        "passport_name": "FUZZ GUEST", "nationality": "BR", "passport_number": "FA123456", "date_of_birth": "1980-04-02",
        "passport_expires_on": f"{year + 5}-01-31", "apply_at": "Consulate-General of China in São Paulo",
        "stay_from": first.isoformat(), "stay_until": edition.end_date.isoformat()})
    leg = arrivals.leg_save(registration, direction="arrival", mode="flight", number="CA1702", hub="hangzhou_xiaoshan",
                            scheduled_at=datetime.combine(first, time(9, 30), tzinfo=beijing))
    run = arrivals.plan_pickups(edition)[0]
    hotel = Hotel.objects.create(edition=edition, name_zh="测试酒店", name_en="Fuzz Hotel")
    block = RoomBlock.objects.create(hotel=hotel, room_type_zh="标准间", rooms=5, guests_per_room=2, first_night=first, last_night=edition.end_date)
    stay = hotels.stay_allocate(block, registration, first_night=first, last_night=first, actor=organizer)
    meal = Meal.objects.create(edition=edition, day=first, kind="lunch", name_zh="午餐", venue=edition.main_venue, starts_at=time(12))
    stops = [{"position": 1, "minutes": 0, "hotel": hotel.pk}, {"position": 2, "minutes": 15, "venue": edition.main_venue_id}]
    loop = shuttles.loop_create(edition, name_zh="一号线", first_day=first, last_day=edition.end_date, first_departure=time(7),
                                last_departure=time(9), every_minutes=30, stops=[{**stop, "hotel": hotel} if "hotel" in stop else {
                                    **stop, "venue": edition.main_venue} for stop in stops])
    nights = {"first_night": date(year, 11, 11).isoformat(), "last_night": date(year, 11, 12).isoformat()}
    return {
        "ids": {
            "visa-letters": [letter.pk], "travel-legs": [leg.pk], "pickup-runs": [run.pk], "hotels": [hotel.pk], "room-blocks": [block.pk],
            "room-stays": [stay.pk], "meals": [meal.pk], "diets": [registration.pk, other.pk], "shuttle-loops": [loop.pk],
            "guest-links": [{"year": str(year), "token": registration.token}, {"year": str(year), "token": other.token}],
        },
        "refs_in": {
            "travel-legs": {"registration": other.pk, "scheduled_at": datetime.combine(first, time(10), tzinfo=beijing).isoformat(),
                            "delayed_to": datetime.combine(first, time(11), tzinfo=beijing).isoformat()},
            "room-stays": {"block": block.pk, "registration": other.pk, **nights},
            "shuttle-loops": {"first_day": first.isoformat(), "last_day": edition.end_date.isoformat(), "stops": stops},
        },
    }


@pytest.fixture(scope="module")
def connection_kept():
    """The WSGI app runs in the test's own transaction: as Django's test client does, requests do
    not close the database connection when they start and finish (on PostgreSQL, closing it
    would end the transaction the test runs in)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, connection_kept):
    """Built once inside a transaction rolled back when the module ends; each test's own `db`
    transaction nests in it as a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    WORLD.update(ids={}, refs={}, refs_in={})


@pytest.fixture
def fast_hasher(settings):
    """Each sign-in attempt on the token endpoint hashes a password: a fast hasher keeps the run
    short (what is tested is the answers, not the hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "organizer"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    # The fixtures are the shared world (rolled back per operation); big generated bodies are the point.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example],
)
def test_api_conforms_to_its_schema(case, who, world, empty_cache, fast_hasher):
    headers = {"Authorization": f"Token {world['token']}"} if who == "organizer" else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
