"""One world for the permission matrix: an account per role, each with the objects its role is
tied to, and a second object of each kind that belongs to someone else (or to another edition),
so the matrix shows the object-level checks as well as the role checks.

Built once per test module through the same services the pages and the API call (the ORM only
where a state would take a process to reach, e.g. a submitted application of a past call).

    edition            the current edition (2088): forum call, award programme, volunteer
                       programme, expo, gate list. `other_edition` (2087) has a submitted forum
                       application the reviewer of 2088 must not review.
    organizer          staff, in the organizer group (the only staff account).
    reviewer           a forum reviewer of 2088 (and an expert of the award programme).
    gate               in the gate group, nothing else.
    volunteer-lead     leads team A; `lead-b` (not a role column) leads team B.
    volunteer          an accepted volunteer of team A with shifts: one starting now (check-in
                       open), one checked in (check-out open), two next week (one with a pending
                       drop request the lead decides); `volunteer-b` in team B has the same.
    applicant          owns a complete forum draft and a submitted application; acts for the
                       enterprise X, whose complete award application (draft) X has. `applicant-b`
                       owns another draft.
    member-representative
                       represents member M1 (an enterprise), which recommends X; `member-b`
                       represents M2, which recommends another enterprise.
    exhibitor          represents the approved exhibitor EX1; `exhibitor-b` represents EX2 and
                       an application still pending.
                       The attendee asked both for a meeting.
    attendee           in the attendee group, registered as a guest, asked EX1 and EX2 for a
                       meeting.
    protocol           (issue 23) an invitation-only session of 2088 (by invitation card) whose item
                       is transferable; the delegation D1 (its head and only member: the attendee's
                       registration); cards: the attendee's (accepted, without a seat yet), a
                       second guest's (invited: its link is `rsvp_token`), a third guest's (a
                       substitute proposed: a fourth guest, registered and approved, with no card);
                       a seating plan of one head table (8 seats); a guest-liaison post, so a
                       liaison can be chosen for D1.
    every role         has an API token of its own (`tokens`; the gate's is a scan token), the
                       attendee's id is `attendee_token`.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from agenda import services as agenda_services
from awards import services as awards_services
from awards.models import AwardReviewer, Nomination
from expo import services as expo_services
from expo.models import Booth, Zone
from forums import services as forums_services
from forums.models import ApplicationOrganization, ForumApplication, ForumCall, ReviewCriterion, Reviewer
from people import services as people_services
from protocol import delegations as protocol_delegations
from protocol import invitations as protocol_invitations
from protocol import seating as protocol_seating
from registration import services as registration_services
from registration.models import CheckinList, Registration
from tests.factories import BoardFactory, EditionFactory, HallFactory, OrganizationFactory, SessionFactory
from tests.volunteers.helpers import make_module, make_post, make_programme, make_shift, make_team, make_volunteer
from volunteers import services as volunteers_services
from volunteers.models import Programme, StandbyOffer
from wic import roles
from wic.demo import ensure_role_groups
from wic.models import Member
from wic.tokens import token_create

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR, OTHER_YEAR = 2088, 2087

ROLES = (
    "anonymous",
    roles.ORGANIZER,
    roles.REVIEWER,
    roles.GATE,
    roles.VOLUNTEER_LEAD,
    roles.VOLUNTEER,
    roles.APPLICANT,
    roles.MEMBER_REPRESENTATIVE,
    roles.EXHIBITOR,
    roles.ATTENDEE,
)


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no "anonymous")
    ids: dict = field(default_factory=dict)  # placeholder in a path template -> value
    # kind -> {"all": ids of the world's objects of that kind, role: the ids that role owns}
    owned: dict = field(default_factory=dict)
    secret: str = ""  # the attendee's credential, for the gate's scan
    tokens: dict = field(default_factory=dict)  # role -> the key of its API token (gate staff: a scan token)


def _user(username: str, group: str | None, **fields):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org", **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def build_world() -> World:
    ensure_role_groups()
    world = World()
    now = timezone.now().replace(microsecond=0)
    edition = EditionFactory(year=YEAR, start_date=date(YEAR, 11, 10), end_date=date(YEAR, 11, 12), is_published=True)
    other_edition = EditionFactory(year=OTHER_YEAR, start_date=date(OTHER_YEAR, 11, 10), end_date=date(OTHER_YEAR, 11, 12))
    users = world.users
    users[roles.ORGANIZER] = _user("pm-organizer", roles.ORGANIZER, is_staff=True)
    for role in ROLES[2:]:
        users[role] = _user(f"pm-{role}", role)
    lead_b = _user("pm-lead-b", roles.VOLUNTEER_LEAD)
    volunteer_b = _user("pm-volunteer-b", roles.VOLUNTEER)
    applicant_b = _user("pm-applicant-b", roles.APPLICANT)
    member_b = _user("pm-member-b", roles.MEMBER_REPRESENTATIVE)
    exhibitor_b = _user("pm-exhibitor-b", roles.EXHIBITOR)
    ids = world.ids
    ids.update(year=YEAR, other_year=OTHER_YEAR)

    # Agenda: a published session to star, starred by the attendee, whose personal feed lists it.
    session = SessionFactory(edition=edition, hall=HallFactory(), is_published=True)
    agenda_services.star_set(user=users["attendee"], session=session, starred=True)
    ids.update(session=session.pk, hall=session.hall_id, agenda_feed=agenda_services.agenda_feed_get_or_create(user=users["attendee"]).token)
    speaker = people_services.person_upsert(key="matrix-speaker", name_zh="矩阵发言人")
    people_services.appearance_upsert(person=speaker, session=session, role="speech", status="appeared")
    ids["person"] = speaker.pk

    _forums(world, edition, other_edition, now, applicant_b)
    _registration(world, edition)
    _volunteers(world, edition, now, lead_b, volunteer_b)
    _awards(world, edition, now, member_b)
    _expo(world, edition, exhibitor_b)
    _protocol(world, edition)
    import tests.wic.test_permission_matrix  # noqa: F401  (defines `row` and the cells before matrix_api's modules import them)
    from tests.wic.matrix_api import AREAS  # issue 28: each API area's objects

    for area in AREAS:
        area.extend_world(world, edition)
    for role, user in users.items():
        token, world.tokens[role] = token_create(user=user)
        if role == roles.ATTENDEE:
            ids["attendee_token"] = token.pk
    return world


def _forums(world, edition, other_edition, now, applicant_b):
    users, ids = world.users, world.ids
    call = ForumCall.objects.create(edition=edition, title_zh="分论坛申报（权限测试）", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10))
    call.boards.add(BoardFactory(edition=edition))
    for index, name in enumerate(("主题契合度", "主协办单位与嘉宾")):
        ReviewCriterion.objects.create(call=call, name_zh=name, sort_order=index)
    Reviewer.objects.create(edition=edition, user=users["reviewer"], organization=OrganizationFactory(name_zh="评审单位"))
    host = OrganizationFactory(name_zh="申报主办单位")
    fields = {
        "title_zh": "数字丝路合作论坛", "theme_zh": "共建数字丝路", "format": "round_table", "preferred_date": edition.start_date,
        "preferred_half_day": "morning", "contact_name": "李四", "contact_email": "contact@example.org", "rationale": "促进合作",
    }
    hosts = [{"role": "host", "organization": host}]
    draft = forums_services.application_save_draft(call=call, applicant=users["applicant"], fields=fields, organizations=hosts)
    submitted = forums_services.application_save_draft(call=call, applicant=users["applicant"], fields={**fields, "title_zh": "已提交的论坛"}, organizations=hosts)
    forums_services.application_submit(application=submitted, actor=users["applicant"])
    other_draft = forums_services.application_save_draft(call=call, applicant=applicant_b, fields={**fields, "title_zh": "别人的草稿"}, organizations=hosts)
    # A past call's application, submitted while that call was open: reached through the ORM.
    old_call = ForumCall.objects.create(
        edition=other_edition, title_zh="往届分论坛申报", opens_at=now - timedelta(days=400), closes_at=now + timedelta(days=10)
    )
    ReviewCriterion.objects.create(call=old_call, name_zh="主题契合度")
    old = ForumApplication.objects.create(call=old_call, applicant=applicant_b, state="submitted", submitted_at=now, title_zh="往届论坛")
    ApplicationOrganization.objects.create(application=old, organization=host, role="host")
    ids.update(call=call.pk, draft=draft.pk, submitted=submitted.pk, other_draft=other_draft.pk, old_submitted=old.pk)
    ids["criteria"] = list(call.criteria.order_by("sort_order").values_list("pk", flat=True))
    world.owned["forum-application"] = {"all": {draft.pk, submitted.pk, other_draft.pk}, "applicant": {draft.pk, submitted.pk}}


def _registration(world, edition):
    data = {
        "name": "Maria Silva", "email": "pm-attendee@example.org", "organization_name": "Ministry of Communications", "country": "BR",
        "category": "government", "participation": "on_site", "consent": True,
    }
    registration = registration_services.registration_create(edition=edition, data=data, user=world.users["attendee"])
    registration_services.registration_decide(registration=registration, status="approved", actor=world.users["organizer"])
    gate_list = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=edition.start_date)
    world.ids.update(
        registration=registration.pk, registration_token=registration.token, credential=registration.credentials.get().pk, checkin_list=gate_list.pk
    )
    world.secret = registration.credentials.get().secret
    world.owned["registration"] = {"all": {registration.pk}}


def _volunteers(world, edition, now, lead_b, volunteer_b):
    users, ids = world.users, world.ids
    programme = make_programme(edition=edition)
    post_a, post_b = make_post(programme, "注册台"), make_post(programme, "媒体中心")
    team_a = make_team(programme, "南门一组", post=post_a, leader=users["volunteer-lead"])
    team_b = make_team(programme, "媒体组", post=post_b, leader=lead_b)
    module = make_module(programme)
    volunteer = make_volunteer(programme, name="Volunteer A", user=users["volunteer"], team=team_a)
    other = make_volunteer(programme, name="Volunteer B", user=volunteer_b, team=team_b)
    start = now.replace(second=0)
    rows = {}
    for who, post in (("mine", post_a), ("theirs", post_b)):
        person = volunteer if who == "mine" else other
        running = make_shift(post, start=start - timedelta(hours=3), hours=2, needed=2)  # ended; check-out still open
        soon = make_shift(post, start=start + timedelta(minutes=10), hours=2, needed=2)
        later = make_shift(post, start=start + timedelta(days=7), hours=3, needed=2)
        requested = make_shift(post, start=start + timedelta(days=8), hours=3, needed=2)
        checked = volunteers_services.shift_assign(shift=running, volunteer=person)
        volunteers_services.assignment_check_in(assignment=checked, at=running.starts_at)
        rows[who] = {
            "soon": volunteers_services.shift_assign(shift=soon, volunteer=person),
            "checked_in": checked,
            "later": volunteers_services.shift_assign(shift=later, volunteer=person),
            "request": volunteers_services.change_request_create(assignment=volunteers_services.shift_assign(shift=requested, volunteer=person), kind="drop", actor=None),
        }
    offer = StandbyOffer.objects.create(shift=rows["mine"]["later"].shift, volunteer=other)
    ids.update(
        volunteer_feed=volunteer.feed_token, standby_offer=offer.token,
        assignment_soon=rows["mine"]["soon"].pk, assignment_checked_in=rows["mine"]["checked_in"].pk, assignment_later=rows["mine"]["later"].pk,
        other_assignment_soon=rows["theirs"]["soon"].pk, change_request=rows["mine"]["request"].pk, other_change_request=rows["theirs"]["request"].pk,
        volunteer=volunteer.pk, volunteer_code=volunteer.code, other_volunteer_code=other.code, module=module.pk,
    )


def _awards(world, edition, now, member_b):
    users, ids = world.users, world.ids
    programme = awards_services.programme_upsert(
        edition=edition, key="pm-award", name_zh="权限测试杰出贡献奖", has_enterprise_direction=True, has_individual_direction=True,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), max_categories=2, requires_endorsement=True,
        min_further_conditions=1, non_members_need_recommendation=True,
    )
    category = awards_services.category_upsert(programme=programme, key="social", name_zh="社会贡献类", direction="enterprise", basic_condition_zh="基本条件")
    condition = awards_services.further_condition_upsert(programme=programme, text_zh="其他条件一")
    awards_services.quotas_set(programme=programme, quotas={"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1})
    AwardReviewer.objects.create(programme=programme, user=users["reviewer"])
    enterprise_x = OrganizationFactory(name_zh="申报企业X", kind="enterprise")
    enterprise_z = OrganizationFactory(name_zh="被推荐企业Z", kind="enterprise")
    member = Member.objects.create(tier="member", organization=OrganizationFactory(name_zh="会员企业M1", kind="enterprise"))
    member.representatives.add(users["member-representative"])
    other_member = Member.objects.create(tier="member", organization=OrganizationFactory(name_zh="会员企业M2", kind="enterprise"))
    other_member.representatives.add(member_b)
    awards_services.enterprise_representative_grant(user=users["applicant"], organization=enterprise_x)
    recommendation = awards_services.recommendation_create(programme=programme, member=member, enterprise=enterprise_x, actor=users["member-representative"])
    other_recommendation = awards_services.recommendation_create(programme=programme, member=other_member, enterprise=enterprise_z, actor=member_b)
    application = awards_services.nomination_save_draft(
        programme=programme, organization=enterprise_x, actor=users["applicant"], categories=[category], further_conditions=[condition],
        endorses_purposes=True, basic_condition_statement="符合社会贡献类基本条件", contact_name="王五", contact_email="x@example.org",
    )
    other_application = awards_services.nomination_save_draft(programme=programme, organization=other_member.organization, actor=member_b)
    individual = awards_services.nomination_nominate_individual(
        programme=programme, actor=users["member-representative"], member=member, person_name="张三", citation="贡献"
    )
    ids.update(
        programme=programme.pk, category=category.pk, member=member.pk, enterprise_x=enterprise_x.pk,
        recommendation=recommendation.pk, other_recommendation=other_recommendation.pk,
        nomination=application.pk, other_nomination=other_application.pk, individual_nomination=individual.pk,
    )
    world.owned["recommendation"] = {"all": {recommendation.pk, other_recommendation.pk}, "member-representative": {recommendation.pk}}
    world.owned["nomination"] = {
        "all": set(Nomination.objects.filter(programme=programme).values_list("pk", flat=True)),
        "applicant": {application.pk},
        "member-representative": {individual.pk},
        "reviewer": {individual.pk},  # an expert of the programme reads its submitted nominations
    }


def _expo(world, edition, exhibitor_b):
    users, ids = world.users, world.ids
    zone = Zone.objects.create(edition=edition, key="theme", name_zh="主题展区", kind="theme")
    Booth.objects.create(edition=edition, zone=zone, code="A-01", area=Decimal("9"))
    exhibitors = []
    for n, rep in ((1, users["exhibitor"]), (2, exhibitor_b)):
        data = {"organization_name_zh": f"权限测试参展商{n}", "organization_name_en": f"Matrix Exhibitor {n}", "country": "CN", "fields": ["ai"],
                "products_zh": "智能翻译机", "booth_size": 9, "contact_name": "联系人", "contact_email": f"ex{n}@example.org"}
        exhibitor = expo_services.exhibitor_create(edition=edition, data=data)
        exhibitor.representatives.add(rep)
        exhibitors.append(exhibitor)
    # An application still pending: not public, so not for anyone but its representative and the organizers.
    pending = expo_services.exhibitor_apply(edition=edition, user=exhibitor_b, data={
        "organization_name_zh": "待审参展商", "organization_name_en": "Pending Exhibitor", "country": "CN", "fields": ["ai"],
        "products_zh": "产品", "booth_size": 9, "contact_name": "联系人", "contact_email": "pending@example.org",
    })
    ids["pending_exhibitor"] = pending.pk
    meeting_start = datetime.combine(edition.start_date, time(10, 0), tzinfo=BEIJING)
    meetings = [expo_services.meeting_request(exhibitor=e, guest=users["attendee"], start=meeting_start) for e in exhibitors]
    ids.update(exhibitor=exhibitors[0].pk, other_exhibitor=exhibitors[1].pk, meeting=meetings[0].pk, other_meeting=meetings[1].pk)
    ids["meeting_start"] = datetime.combine(edition.start_date, time(14, 0)).strftime("%Y-%m-%dT%H:%M")
    world.owned["exhibitor"] = {"all": {e.pk for e in exhibitors}}


def _guest(edition, n: int, organizer):
    """An approved guest registration of the edition (no account)."""
    data = {
        "name": f"Protocol Guest {n}", "email": f"pm-protocol-{n}@example.org", "organization_name": "Example Ministry", "country": "FR",
        "category": "government", "participation": "on_site", "consent": True,
    }
    registration = registration_services.registration_create(edition=edition, data=data)
    return registration_services.registration_decide(registration=registration, status="approved", actor=organizer)


def _protocol(world, edition):
    """Issue 23: a delegation, an invitation-only item with cards in three states, its seating plan."""
    users, ids = world.users, world.ids
    organizer = users[roles.ORGANIZER]
    attendee = Registration.objects.get(pk=ids["registration"])
    second, third, fourth = (_guest(edition, n, organizer) for n in (2, 3, 4))
    delegation = protocol_delegations.delegation_save(edition=edition, name_zh="权限测试代表团", name_en="Matrix Delegation", kind="government", head=attendee, actor=organizer)
    member = delegation.members.get()
    # A guest-liaison post in the edition's programme: the roster's rules then find a liaison for D1.
    make_post(Programme.objects.get(edition=edition), "贵宾联络", kind="guest_liaison")
    session = SessionFactory(edition=edition, hall=HallFactory(), is_published=True, access="by_invitation", title_zh="权限测试欢迎宴会", kind="banquet")
    item = protocol_invitations.item_for_session(session, transferable=True)
    card, invited, proposing = protocol_invitations.cards_send(item, registrations=[attendee, second, third], actor=organizer)
    protocol_invitations.rsvp_answer(protocol_invitations.card_token(card), answer="accept")
    protocol_invitations.rsvp_answer(
        protocol_invitations.card_token(proposing), answer="substitute", substitute_name=fourth.name, substitute_email=fourth.email, substitute_title="Deputy"
    )
    plan = protocol_seating.plan_create(item, layout="tables", blocks=[("1", 8, True)], actor=organizer)
    ids.update(
        delegation=delegation.pk, delegation_member=member.pk, delegation_link=protocol_delegations.head_link_token(delegation),
        protocol_guest=second.pk, substitute_guest=fourth.pk, invitation_session=session.pk, invitation_item=item.pk,
        invitation_card=card.pk, invited_card=invited.pk, substitute_card=proposing.pk, rsvp_token=protocol_invitations.card_token(invited),
        seating_plan=plan.pk, seating_block=plan.blocks.get().pk, seating_card=card.pk,
    )
    world.owned["delegation"] = {"all": {delegation.pk}}
    world.owned["invitation-card"] = {"all": {card.pk, invited.pk, proposing.pk}}
    world.owned["seating-plan"] = {"all": {plan.pk}}
