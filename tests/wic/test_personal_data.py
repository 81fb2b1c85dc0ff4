"""One person's data: exported (everything, exact values, Beijing times), erased (exact counts per
model, nobody else touched, no trace left in the audit trail), the command around it, and guests'
contact data kept out of the logs."""
import json
import logging
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from smtplib import SMTPRecipientsRefused

import pytest
from auditlog.context import set_actor
from celery.exceptions import Retry
from django.apps import apps
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.storage import default_storage
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import translation

from agenda.models import AgendaFeed, Star
from awards.models import AwardProgramme, Nomination
from expo import tasks as expo_tasks
from expo.models import Exhibitor, MeetingRequest
from forums.models import ForumApplication, ForumCall, Reviewer
from registration import services as registration_services
from registration.checkin import checkin_scan
from registration.models import Checkin, CheckinList, Credential, Invitation, Registration
from tests.factories import EditionFactory, OrganizationFactory, SessionFactory, make_organizer
from tests.registration.test_services_and_pages import guest
from tests.volunteers.helpers import make_post, make_programme, make_shift, make_team
from volunteers.models import Assignment, ChangeRequest, Interview, ShiftCheck, TrainingAttendance, TrainingModule, Volunteer, VolunteerLanguage
from wic import roles
from wic.errors import DomainError
from wic.models import ApiToken, Member, OutgoingEmail
from wic.personal_data import personal_data_erase, personal_data_export
from wic.tasks import deliver_email
from wic.tokens import token_create

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
EMAIL = "zhang.wei@example.org"
PHONE = "13912345678"
# Everything that identifies the person in free text: none may be left anywhere after erasure.
TRACES = (EMAIL, "Zhang Wei", "张伟", "zhangwei", PHONE, "Wei Zhang")
REGISTERED = datetime(2099, 9, 1, 10, 0, tzinfo=BEIJING)
DECIDED = datetime(2099, 9, 2, 15, 30, tzinfo=BEIJING)
DAY1 = datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _nonce() -> str:
    return str(uuid.uuid4())


def _approve(registration, organizer, capture):
    with capture(execute=True):
        registration_services.registration_decide(registration=registration, status="approved", actor=organizer)
    return registration.credentials.get()


def _sign_in_records(username: str) -> None:
    """What django-axes keeps of sign-ins: a failed one (attempt and failure log) and a successful
    one (access log, when AXES_DISABLE_ACCESS_LOG is off)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    common = {"username": username, "ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0", "http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**common)
    AccessLog.objects.create(**common)


AXES = apps.is_installed("axes")


@pytest.fixture
def world(db, django_user_model, client, django_capture_on_commit_callbacks, settings):
    """张伟 (zhang.wei@example.org) in every place the system keeps people, and Maria Silva beside
    them in some of the same places."""
    edition = EditionFactory(year=2099)
    organizer = make_organizer("organizer-pd")
    staff = django_user_model.objects.create_user("gate-pd", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    user = django_user_model.objects.create_user("zhangwei", email="Zhang.Wei@Example.org", password="a-long-test-password-1", first_name="Wei", last_name="Zhang")
    maria_user = django_user_model.objects.create_user("maria", email="maria@example.org", password="a-long-test-password-1")

    # Registrations: an approved on-site one (credential, badge, invitation, two scans) and one in another edition.
    registration = registration_services.registration_create(
        edition=edition, data=guest(name="Zhang Wei", name_zh="张伟", email=EMAIL, organization_name="乌镇数字研究院", country="CN"), user=user, language="en",
    )
    credential = _approve(registration, organizer, django_capture_on_commit_callbacks)
    Registration.objects.filter(pk=registration.pk).update(created=REGISTERED, decided_at=DECIDED)
    Credential.objects.filter(pk=credential.pk).update(issued_at=DECIDED)
    earlier = registration_services.registration_create(
        edition=EditionFactory(year=2098), data=guest(name="Zhang Wei", name_zh="张伟", email="ZHANG.WEI@example.org", participation="online"), language="zh-hans",
    )
    Registration.objects.filter(pk=earlier.pk).update(created=REGISTERED - timedelta(days=365))
    banquet = SessionFactory(edition=edition, title_zh="欢迎晚宴", kind="banquet", access="by_invitation")
    invitation = Invitation.objects.create(registration=registration, session=banquet)
    Invitation.objects.filter(pk=invitation.pk).update(created=DECIDED)
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口 11月10日", kind="gate", day=DAY1.date())
    checkin_scan(checkin_list=gate, secret=credential.secret, nonce=_nonce(), user=staff, scanned_at=DAY1, gate="东门 A", device="gate-A")
    checkin_scan(checkin_list=gate, secret=credential.secret, nonce=_nonce(), user=staff, scanned_at=DAY1 + timedelta(minutes=5), gate="东门 B", device="gate-B")

    # Maria: a registration with a credential and a scan, an account, a volunteer application.
    maria = registration_services.registration_create(edition=edition, data=guest(), user=maria_user)
    maria_credential = _approve(maria, organizer, django_capture_on_commit_callbacks)
    checkin_scan(checkin_list=gate, secret=maria_credential.secret, nonce=_nonce(), user=staff, scanned_at=DAY1, gate="东门 A", device="gate-A")

    # Volunteering: an application with a language, an interview, training, a shift worked, a swap asked; a team led.
    programme = make_programme(edition)
    post = make_post(programme, name="主会场引导")
    shift = make_shift(post, start=datetime(2099, 11, 10, 9, 0, tzinfo=BEIJING), hours=3, needed=2)
    team = make_team(programme, name="引导一组", post=post, leader=user)
    team.leader_phone = PHONE
    team.save()
    volunteer = Volunteer.objects.create(
        programme=programme, user=user, name="张伟", university="浙江大学", student_number="3190100001", phone=PHONE, email=EMAIL,
        motivation="服务乌镇峰会", status="accepted", language="zh-hans",
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(created=REGISTERED)
    VolunteerLanguage.objects.create(volunteer=volunteer, language="en", level="fluent")
    Interview.objects.create(volunteer=volunteer, round=1, score=88, note="英语流利，张伟表现好")
    module = TrainingModule.objects.create(programme=programme, kind="general", name_zh="通识培训")
    TrainingAttendance.objects.create(module=module, volunteer=volunteer)
    assignment = Assignment.objects.create(
        shift=shift, volunteer=volunteer, checked_in_at=datetime(2099, 11, 10, 8, 55, tzinfo=BEIJING), arrival="on_time",
        checked_out_at=datetime(2099, 11, 10, 12, 5, tzinfo=BEIJING), departure="on_time",
    )
    ShiftCheck.objects.create(assignment=assignment, kind="in", at=datetime(2099, 11, 10, 8, 55, tzinfo=BEIJING), via="self")
    ChangeRequest.objects.create(assignment=assignment, kind="drop", reason="张伟 has an exam", status="rejected")
    Volunteer.objects.create(programme=programme, user=maria_user, name="Maria Silva", university="USP", phone="5511999990000", email="maria@example.org")

    # Sub-forum application (applicant and contact), individual nomination (nominator and contact).
    call = ForumCall.objects.create(edition=edition, title_zh="分论坛申报", opens_at=REGISTERED, closes_at=REGISTERED + timedelta(days=30))
    ForumApplication.objects.create(
        call=call, applicant=user, title_zh="数字丝路合作论坛", contact_name="张伟", contact_email=EMAIL, contact_phone=PHONE, language="zh-hans",
    )
    ForumApplication.objects.create(call=call, applicant=maria_user, title_zh="另一个论坛", contact_name="Maria Silva", contact_email="maria@example.org")
    award = AwardProgramme.objects.create(edition=edition, key="youth", name_zh="全球青年领军者", has_individual_direction=True)
    Nomination.objects.create(
        programme=award, direction="individual", person_name="李青", created_by=user, contact_name="张伟", contact_email=EMAIL, citation="贡献",
    )

    # Expo: the contact and a representative of one exhibitor; a meeting asked of another (its email to that exhibitor names them).
    exhibitor = Exhibitor.objects.create(edition=edition, organization=OrganizationFactory(name_zh="乌镇智造"), contact_name="张伟", contact_email=EMAIL, contact_phone=PHONE)
    exhibitor.representatives.add(user)
    with set_actor(user):
        exhibitor.booth_size = 18
        exhibitor.save()
    other_exhibitor = Exhibitor.objects.create(edition=edition, organization=OrganizationFactory(name_zh="桐乡科技"), contact_name="王芳", contact_email="wang.fang@example.org")
    meeting = MeetingRequest.objects.create(
        exhibitor=other_exhibitor, guest=user, start=datetime(2099, 11, 10, 14, 0, tzinfo=BEIJING), end=datetime(2099, 11, 10, 14, 30, tzinfo=BEIJING),
        message="想了解贵公司的产品", language="zh-hans",
    )
    MeetingRequest.objects.filter(pk=meeting.pk).update(created=REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        expo_tasks.send_meeting_requested.delay(meeting.pk)

    # Roles the account holds: it speaks for a WIC member, it reviews sub-forums.
    Member.objects.create(organization=OrganizationFactory(name_zh="乌镇研究会"), tier="member").representatives.add(user)
    Reviewer.objects.create(edition=edition, user=user)

    # The account's own things: a starred session, a calendar feed, an API token, a signed-in session.
    star = Star.objects.create(user=user, session=banquet)
    Star.objects.filter(pk=star.pk).update(created=REGISTERED)
    AgendaFeed.objects.create(user=user, token="feed-secret-zhang")
    token_create(user=user)
    settings.AXES_DISABLE_ACCESS_LOG = True  # the sign-in records are made below, the same whatever the settings
    client.force_login(user)
    if AXES:
        _sign_in_records("zhangwei")
        _sign_in_records("maria")

    # An email to someone else that names them, and the admin's own history of their registration.
    OutgoingEmail.objects.create(key="test:mention", event="test.note", to=["boss@example.org"], language="en", subject="Guest Zhang Wei",
                                 body_text="Please meet Zhang Wei (张伟) at the gate.", body_html="<p>Please meet Zhang Wei (张伟).</p>")
    AdminLogEntry.objects.create(
        user=organizer, content_type=ContentType.objects.get_for_model(Registration), object_id=str(registration.pk),
        object_repr=str(Registration.objects.get(pk=registration.pk)), action_flag=CHANGE, change_message=json.dumps([{"changed": {"fields": ["Title"]}}]),
    )
    return {
        "user": user, "maria_user": maria_user, "registration": Registration.objects.get(pk=registration.pk), "credential": Credential.objects.get(pk=credential.pk),
        "earlier": earlier, "maria": maria, "maria_credential": maria_credential, "volunteer": volunteer, "meeting": meeting, "organizer": organizer,
    }


def _traces_in(texts) -> list[str]:
    blob = "\n".join(texts).lower()
    return [trace for trace in TRACES if trace.lower() in blob]


def _audit_texts() -> list[str]:
    texts = []
    for entry in LogEntry.objects.all():
        texts += [entry.object_repr, json.dumps(entry.changes, ensure_ascii=False), entry.changes_text or "", entry.actor_email or "",
                  json.dumps(entry.serialized_data, ensure_ascii=False), json.dumps(entry.additional_data, ensure_ascii=False)]
    for entry in AdminLogEntry.objects.all():
        texts += [entry.object_repr, entry.change_message]
    return texts


def _email_texts() -> list[str]:
    return [json.dumps([e.to, e.subject, e.body_text, e.body_html], ensure_ascii=False) for e in OutgoingEmail.objects.all()]


# -- export ----------------------------------------------------------------------------------------

def test_export_holds_everything_with_exact_values_and_beijing_times(world):
    data = personal_data_export(email="ZHANG.WEI@example.org ", now=datetime(2099, 12, 1, 9, 0, tzinfo=ZoneInfo("UTC")))

    assert list(data) == [
        "email", "exported_at", "accounts", "registrations", "volunteers", "forum_applications", "award_nominations", "expo_exhibitors",
        "expo_meeting_requests", "roles", "teams_led", "starred_sessions", "calendar_feed", "session_change_notices", "outgoing_emails", "audit_log",
        "sign_ins", "failed_sign_ins",
    ]
    assert (data["email"], data["exported_at"]) == ("ZHANG.WEI@example.org", "2099-12-01T17:00:00+08:00")
    assert [(a["username"], a["email"], a["first_name"], a["last_name"], a["is_active"], a["groups"]) for a in data["accounts"]] == [
        ("zhangwei", "Zhang.Wei@example.org", "Wei", "Zhang", True, [])
    ]
    reference = world["registration"].reference
    assert data["registrations"][1] == {
        "edition": 2099, "reference": reference, "name": "Zhang Wei", "name_zh": "张伟", "email": EMAIL, "organization": "乌镇数字研究院",
        "title": "Director", "country": "CN", "category": "government", "participation": "on_site", "languages": "Português, English",
        "needs_visa_letter": True, "needs_accommodation": True, "accessibility_needs": "", "consent": True, "diet": "", "allergies": "", "language": "en",
        "status": "approved", "decided_at": "2099-09-02T15:30:00+08:00", "registered_at": "2099-09-01T10:00:00+08:00",
        "credentials": [{
            "issued_at": "2099-09-02T15:30:00+08:00", "revoked_at": None, "has_badge": True,
            "scans": [
                {"list": "主入口 11月10日", "type": "entry", "result": "ok", "scanned_at": "2099-11-10T08:30:00+08:00", "gate": "东门 A", "device": "gate-A"},
                {"list": "主入口 11月10日", "type": "entry", "result": "already_checked_in", "scanned_at": "2099-11-10T08:35:00+08:00", "gate": "东门 B", "device": "gate-B"},
            ],
        }],
        "invitations": [{"session": "欢迎晚宴", "invited_at": "2099-09-02T15:30:00+08:00"}],
    }
    assert [(r["edition"], r["email"], r["participation"], r["status"], r["credentials"]) for r in data["registrations"]] == [
        (2098, "ZHANG.WEI@example.org", "online", "pending", []), (2099, EMAIL, "on_site", "approved", data["registrations"][1]["credentials"]),
    ]
    volunteer = data["volunteers"][0]
    assert len(data["volunteers"]) == 1
    assert {k: volunteer[k] for k in ("edition", "name", "university", "student_number", "phone", "email", "motivation", "status", "team", "applied_at")} == {
        "edition": 2099, "name": "张伟", "university": "浙江大学", "student_number": "3190100001", "phone": PHONE, "email": EMAIL,
        "motivation": "服务乌镇峰会", "status": "accepted", "team": None, "applied_at": "2099-09-01T10:00:00+08:00",
    }
    assert volunteer["languages"] == [{"language": "en", "level": "fluent"}]
    assert [(i["round"], i["score"], i["note"]) for i in volunteer["interviews"]] == [(1, 88, "英语流利，张伟表现好")]
    assert [t["module"] for t in volunteer["training"]] == ["通识培训"]
    assert volunteer["shifts"] == [{
        "post": "主会场引导", "starts_at": "2099-11-10T09:00:00+08:00", "ends_at": "2099-11-10T12:00:00+08:00", "status": "assigned",
        "checked_in_at": "2099-11-10T08:55:00+08:00", "arrival": "on_time", "checked_out_at": "2099-11-10T12:05:00+08:00", "departure": "on_time",
        "checks": [{"kind": "in", "at": "2099-11-10T08:55:00+08:00", "via": "self"}],
        "change_requests": [{"kind": "drop", "reason": "张伟 has an exam", "status": "rejected", "asked_at": volunteer["shifts"][0]["change_requests"][0]["asked_at"]}],
    }]
    assert volunteer["shifts"][0]["change_requests"][0]["asked_at"].endswith("+08:00")
    assert [(a["title"], a["roles"], a["contact_name"], a["contact_email"], a["contact_phone"]) for a in data["forum_applications"]] == [
        ("数字丝路合作论坛", ["contact", "applicant"], "张伟", EMAIL, PHONE)
    ]
    assert [(n["programme"], n["nominee"], n["roles"], n["contact_name"], n["contact_email"]) for n in data["award_nominations"]] == [
        ("全球青年领军者", "李青", ["contact", "nominator"], "张伟", EMAIL)
    ]
    assert data["expo_exhibitors"] == [{
        "edition": 2099, "organization": "乌镇智造", "status": "pending", "roles": ["contact", "representative"],
        "contact_name": "张伟", "contact_email": EMAIL, "contact_phone": PHONE,
    }]
    assert data["expo_meeting_requests"] == [{
        "exhibitor": "桐乡科技", "starts_at": "2099-11-10T14:00:00+08:00", "ends_at": "2099-11-10T14:30:00+08:00", "message": "想了解贵公司的产品",
        "status": "pending", "asked_at": "2099-09-01T10:00:00+08:00",
    }]
    assert data["roles"] == {
        "wic_member_representative": ["乌镇研究会 (Member)"], "award_enterprise_representative": [], "forum_reviewer": [2099], "award_reviewer": [],
    }
    assert data["teams_led"] == [{"team": "引导一组", "programme": "2099志愿者计划", "leader_phone": PHONE}]
    assert data["starred_sessions"] == [{"edition": 2099, "session": "欢迎晚宴", "starred_at": "2099-09-01T10:00:00+08:00", "language": "zh-hans"}]
    assert data["calendar_feed"] is True
    assert (data["session_change_notices"], volunteer["shift_change_notices"]) == ([], [])  # issue 25: none in this world
    # Their decision email, and the exhibitor's email about their meeting request.
    assert [(e["event"], e["to"], e["status"]) for e in data["outgoing_emails"]] == [
        ("registration.decision", [EMAIL], "sent"), ("expo.meeting_requested", ["wang.fang@example.org"], "sent")
    ]
    assert all(e["queued_at"].endswith("+08:00") and e["sent_at"].endswith("+08:00") for e in data["outgoing_emails"])
    assert sorted((row["model"], row["action"], row["by_you"]) for row in data["audit_log"]) == sorted([
        ("auth.user", "create", False),
        ("registration.registration", "create", False), ("registration.registration", "update", False), ("registration.credential", "create", False),
        ("registration.registration", "create", False),
        ("registration.invitation", "create", False),
        ("volunteers.team", "update", False), ("volunteers.volunteer", "create", False), ("volunteers.assignment", "create", False),
        ("expo.exhibitor", "update", False), ("expo.exhibitor", "update", True), ("expo.meetingrequest", "create", False),
        ("wic.member", "update", False),
    ])
    assert all(row["at"].endswith("+08:00") for row in data["audit_log"])
    if AXES:  # the fixture's sign-ins, as django-axes recorded them
        assert [(s["ip_address"], s["user_agent"], s["signed_out_at"], s["at"].endswith("+08:00")) for s in data["sign_ins"]] == [
            ("203.0.113.7", "Mozilla/5.0", None, True)
        ]
        assert [(s["ip_address"], s["locked_out"]) for s in data["failed_sign_ins"]] == [("203.0.113.7", False)]
    secrets = [world["credential"].secret, world["registration"].token, world["volunteer"].code, world["volunteer"].feed_token, "feed-secret-zhang"]
    # Keys to their pages are left out (the emails they were sent are exported as sent, links included).
    assert [s for s in secrets if s in json.dumps({**data, "outgoing_emails": []}, ensure_ascii=False)] == []


def test_export_command_writes_utf8_json_to_a_file(world, tmp_path):
    path = tmp_path / "zhang.json"
    call_command("personal_data", "export", "--email", EMAIL, "--output", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "\"张伟\"" in path.read_text(encoding="utf-8")  # written as UTF-8, not \\u escapes
    assert (data["registrations"][1]["name_zh"], data["registrations"][1]["decided_at"]) == ("张伟", "2099-09-02T15:30:00+08:00")


# -- erasure ---------------------------------------------------------------------------------------

EXPECTED_COUNTS = {
    # issue 23: the protocol app reports first (order 5, before the registrations its rows hang on);
    # this world has no delegation or invitation card (tests/protocol/test_delegations.py has them)
    "protocol.DelegationMember": {"deleted": 0},
    "protocol.Delegation": {"anonymized": 0},
    "protocol.InvitationCard": {"deleted": 0, "anonymized": 0},
    "protocol.SeatAssignment": {"deleted": 0},
    "travel.VisaLetter": {"deleted": 0},  # issue 24: travel reports next (order 7)
    "travel.TravelLeg": {"deleted": 0},
    "travel.RoomStay": {"deleted": 0},
    "registration.Registration": {"deleted": 2},
    "registration.Credential": {"deleted": 1},
    "registration.Invitation": {"deleted": 1},
    "registration.Checkin": {"anonymized": 2},
    "volunteers.Volunteer": {"anonymized": 1},
    "volunteers.Interview": {"anonymized": 1},
    "volunteers.ChangeRequest": {"anonymized": 1},
    "volunteers.Team": {"anonymized": 1},
    "volunteers.ShiftNotice": {"deleted": 0},  # issue 25: change notices (tests/volunteers/test_shift_alerts.py erases one)
    "forums.ForumApplication": {"anonymized": 1},
    "awards.Nomination": {"anonymized": 1},
    "expo.Exhibitor": {"anonymized": 1},
    "expo.MeetingRequest": {"deleted": 1},
    "agenda.Star": {"deleted": 1},
    "agenda.AgendaFeed": {"deleted": 1},
    "agenda.SessionNotice": {"deleted": 0},  # issue 25: change notices (tests/agenda/test_change_alerts.py erases one)
    "people.Person": {"anonymized": 0, "deleted": 0},  # issue 22: the people app reports; this world has no person in it
    "wic.ApiToken": {"deleted": 1},
    "sessions.Session": {"deleted": 1},
    "wic.OutgoingEmail": {"deleted": 2, "anonymized": 1},
    "auditlog.LogEntry": {"anonymized": 11},
    "admin.LogEntry": {"anonymized": 1},
    "auth.User": {"anonymized": 1},
    "axes.AccessAttempt": {"deleted": 1 if AXES else 0},
    "axes.AccessLog": {"deleted": 1 if AXES else 0},
    "axes.AccessFailureLog": {"deleted": 1 if AXES else 0},
}


def _maria_counts() -> dict:
    """What the other person has, to compare before and after."""
    maria = get_user_model().objects.get(username="maria")
    return {
        "registrations": Registration.objects.filter(email="maria@example.org").count(),
        "credentials": Credential.objects.filter(registration__email="maria@example.org").count(),
        "scans": Checkin.objects.filter(credential__registration__email="maria@example.org").count(),
        "volunteers": Volunteer.objects.filter(email="maria@example.org", name="Maria Silva", phone="5511999990000").count(),
        "applications": ForumApplication.objects.filter(contact_email="maria@example.org", contact_name="Maria Silva").count(),
        "emails": OutgoingEmail.objects.filter(to__icontains="maria@example.org").count(),
        "audit": LogEntry.objects.filter(object_repr__contains="Maria Silva").count(),
        "account": (maria.is_active, maria.email, maria.has_usable_password()),
        "sign_in_records": _sign_in_record_count("maria"),
    }


def _sign_in_record_count(username: str) -> int:
    if not AXES:
        return 0
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return sum(model.objects.filter(username=username).count() for model in (AccessAttempt, AccessFailureLog, AccessLog))


def test_erase_deletes_or_anonymizes_with_exact_counts_and_leaves_others_alone(world, django_capture_on_commit_callbacks):
    maria_before = _maria_counts()
    assert maria_before == {
        "registrations": 1, "credentials": 1, "scans": 1, "volunteers": 1, "applications": 1, "emails": 1, "audit": 3,
        "account": (True, "maria@example.org", True), "sign_in_records": 3 if AXES else 0,
    }
    badge = world["credential"].badge.name
    assert default_storage.exists(badge)

    with django_capture_on_commit_callbacks(execute=True):
        erasure = personal_data_erase(email=EMAIL)

    assert (erasure.counts, erasure.dry_run) == (EXPECTED_COUNTS, False)
    assert not default_storage.exists(badge)
    # Nothing of theirs is left to find...
    assert Registration.objects.filter(email__iexact=EMAIL).count() == 0
    assert Credential.objects.filter(pk=world["credential"].pk).count() == 0
    assert Invitation.objects.count() == 0
    assert MeetingRequest.objects.count() == 0
    assert (Star.objects.count(), AgendaFeed.objects.count(), ApiToken.objects.filter(user=world["user"]).count()) == (0, 0, 0)
    assert Session.objects.count() == 0
    assert _sign_in_record_count("zhangwei") == 0
    # ...while the counts that others rely on stay true.
    gate_scans = Checkin.objects.filter(checkin_list__name_zh="主入口 11月10日")
    assert sorted(gate_scans.values_list("result", "credential_id", "raw_secret"), key=str) == sorted([
        ("ok", None, ""), ("already_checked_in", None, ""), ("ok", world["maria_credential"].pk, world["maria_credential"].secret),
    ], key=str)
    volunteer = Volunteer.objects.get(pk=world["volunteer"].pk)
    assert (volunteer.name, volunteer.email, volunteer.phone, volunteer.student_number, volunteer.motivation, volunteer.user_id, volunteer.status) == (
        "[erased]", f"erased-{volunteer.pk}@erased.invalid", "", "", "", None, "accepted",
    )
    assert (volunteer.code, volunteer.feed_token) != (world["volunteer"].code, world["volunteer"].feed_token)
    assert Assignment.objects.filter(volunteer=volunteer, checked_out_at__isnull=False).count() == 1
    assert (Interview.objects.get().note, ChangeRequest.objects.get().reason) == ("", "")
    assert list(ForumApplication.objects.filter(title_zh="数字丝路合作论坛").values_list("contact_name", "contact_email", "contact_phone")) == [("", "", "")]
    assert list(Nomination.objects.values_list("person_name", "contact_name", "contact_email")) == [("李青", "", "")]
    assert list(Exhibitor.objects.filter(organization__name_zh="乌镇智造").values_list("contact_name", "contact_email", "contact_phone")) == [("", "", "")]
    user = get_user_model().objects.get(pk=world["user"].pk)
    assert (user.username, user.email, user.first_name, user.last_name, user.is_active, user.has_usable_password()) == (
        f"erased-{user.pk}", "", "", "", False, False,
    )
    assert OutgoingEmail.objects.get(key="test:mention").body_text == "Please meet [erased] ([erased]) at the gate."
    # No trace of them in the audit trails or the email log; one entry records the erasure, without them.
    assert _traces_in(_audit_texts()) == []
    assert _traces_in(_email_texts()) == []
    record = LogEntry.objects.get(object_repr="personal data erasure")
    assert (record.action, record.object_pk, record.content_type.model) == (LogEntry.Action.DELETE, str(user.pk), "user")
    assert record.additional_data == {"personal_data_erasure": {k: v for k, v in EXPECTED_COUNTS.items() if any(v.values())}}
    # The other person's data is untouched.
    assert _maria_counts() == maria_before
    with pytest.raises(DomainError) as error:
        personal_data_export(email=EMAIL)
    assert error.value.code == "personal_data_not_found"


def test_dry_run_counts_the_same_and_changes_nothing(world):
    before = (Registration.objects.count(), LogEntry.objects.count(), OutgoingEmail.objects.count(), Volunteer.objects.filter(name="张伟").count())
    assert personal_data_erase(email=EMAIL, dry_run=True).counts == EXPECTED_COUNTS
    assert (Registration.objects.count(), LogEntry.objects.count(), OutgoingEmail.objects.count(), Volunteer.objects.filter(name="张伟").count()) == before
    assert get_user_model().objects.get(pk=world["user"].pk).is_active is True


def test_delete_command_prints_the_counts_per_model(world, capsys):
    call_command("personal_data", "delete", "--email", EMAIL, "--yes")
    lines = capsys.readouterr().out.splitlines()
    assert lines[8:11] == ["registration.Registration: deleted 2", "registration.Credential: deleted 1", "registration.Invitation: deleted 1"]
    assert "auditlog.LogEntry: anonymized 11" in lines and "wic.OutgoingEmail: anonymized 1" in lines
    assert lines[-1] == f"The personal data of {EMAIL} was erased."
    assert len(lines) == 37  # 36 counts (issue 22: the people app's two; issue 23: protocol's five; 24: travel's three; 25: two notices) and the closing line


def test_delete_command_dry_run_changes_nothing(world, capsys):
    call_command("personal_data", "delete", "--email", EMAIL, "--dry-run")
    lines = capsys.readouterr().out.splitlines()
    assert (lines[8], lines[-1]) == ("registration.Registration: would be deleted 2", "Dry run: nothing was changed.")
    assert Registration.objects.filter(email__iexact=EMAIL).count() == 2


def test_delete_command_asks_and_stops_unless_told_yes(world, monkeypatch, capsys):
    answers = []
    monkeypatch.setattr("builtins.input", lambda prompt: answers.append(prompt) or "no")
    with pytest.raises(CommandError) as error:
        call_command("personal_data", "delete", "--email", EMAIL)
    assert str(error.value) == "aborted: Nothing was erased."
    assert answers == [f"Erase the personal data of {EMAIL}? This cannot be undone. Type 'yes' to go on: "]
    assert capsys.readouterr().out.splitlines()[8] == "registration.Registration: would be deleted 2"
    assert Registration.objects.filter(email__iexact=EMAIL).count() == 2
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("personal_data", "delete", "--email", EMAIL)
    assert Registration.objects.filter(email__iexact=EMAIL).count() == 0


def test_unknown_email_is_a_clear_error_with_a_code(db, capsys, monkeypatch):
    OutgoingEmail.objects.create(key="test:other", event="test", to=["zhang.wei@example.org"], language="en", subject="Hi", body_text="Hi")
    with pytest.raises(DomainError) as error:
        personal_data_export(email="wei@example.org")  # a part of someone else's address is not theirs
    assert error.value.code == "personal_data_not_found"
    with pytest.raises(DomainError) as error:
        personal_data_erase(email="nobody@example.org")
    assert (error.value.code, error.value.message) == ("personal_data_not_found", "No personal data is held for nobody@example.org.")
    with pytest.raises(CommandError) as command_error:
        call_command("personal_data", "export", "--email", "nobody@example.org")
    assert str(command_error.value) == "personal_data_not_found: No personal data is held for nobody@example.org."
    # From the command line: the message on stderr and a failing exit status. (The command line
    # closes the database connections when it ends; the test's own must stay open.)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["manage.py", "personal_data", "delete", "--email", "nobody@example.org", "--yes"]).execute()
    assert exit_status.value.code == 1
    assert "personal_data_not_found: No personal data is held for nobody@example.org." in capsys.readouterr().err
    with pytest.raises(DomainError) as invalid:
        personal_data_export(email="not-an-address")
    assert invalid.value.code == "invalid_email"
    assert LogEntry.objects.filter(object_repr="personal data erasure").count() == 0


def test_erasing_one_person_twice_finds_nothing_the_second_time(world):
    personal_data_erase(email=EMAIL)
    with pytest.raises(DomainError) as error:
        personal_data_erase(email=EMAIL)
    assert error.value.code == "personal_data_not_found"
    assert LogEntry.objects.filter(object_repr="personal data erasure").count() == 1


# -- guests' contact data never in the logs --------------------------------------------------------

def test_guest_contact_data_never_reaches_the_logs(db, client, api_client, caplog, capsys, django_capture_on_commit_callbacks, django_user_model, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}}
    for name in ("", "django", "django.request", "django.server", "celery", "kombu", "wic", "registration", "auditlog"):
        caplog.set_level(logging.DEBUG, logger=name)
    edition = EditionFactory(year=2099)
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=DAY1.date())
    staff = django_user_model.objects.create_user("gate-logs", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    organizer = make_organizer("organizer-logs")
    form = {
        "name": "Zhang Wei", "name_zh": "张伟", "email": EMAIL, "organization_name": "乌镇数字研究院", "title": "研究员", "country": "CN",
        "category": "academia", "participation": "on_site", "languages": "中文", "accessibility_needs": "wheelchair", "consent": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(f"/editions/{edition.year}/register/", form, HTTP_ACCEPT_LANGUAGE="en")
        duplicate = client.post(f"/editions/{edition.year}/register/", form, HTTP_ACCEPT_LANGUAGE="en")
    registration = Registration.objects.get(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.registration_decide(registration=registration, status="approved", actor=organizer)
    secret = registration.credentials.get().secret
    api_client.force_authenticate(staff)
    scans = [
        api_client.post("/api/v1/checkins/", {"list": gate.pk, "secret": secret, "nonce": _nonce(), "scanned_at": DAY1.isoformat()}, format="json"),
        api_client.post("/api/v1/checkins/", {"list": gate.pk, "secret": secret, "nonce": _nonce(), "scanned_at": DAY1.isoformat()}, format="json"),
        api_client.post("/api/v1/checkins/", {"list": gate.pk, "secret": "NOSUCHCODE", "nonce": _nonce()}, format="json"),
        api_client.post("/api/v1/checkins/", {"list": 999999, "secret": secret, "nonce": _nonce()}, format="json"),
    ]

    assert (registered.status_code, duplicate.status_code) == (302, 302)  # the same answer, registered or not
    assert [s.json().get("result") for s in scans[:3]] == ["ok", "already_checked_in", "invalid"]
    assert scans[3].status_code == 400
    assert sorted(m.to[0] for m in mail.outbox) == [EMAIL, EMAIL]  # the link (once, the second attempt within the hour), and the decision
    assert any(r.name == "django.request" for r in caplog.records)  # the capture works: the 400 was logged
    logged = [
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''} {getattr(r, 'request', '')!r} {getattr(r, 'data', '')!r}" for r in caplog.records
    ]
    personal = [EMAIL, "Zhang Wei", "张伟", secret, registration.token, "wheelchair"]
    assert [value for value in personal if any(value.lower() in line.lower() for line in logged)] == []
    out = capsys.readouterr()
    assert [value for value in personal if value.lower() in (out.out + out.err).lower()] == []


class RefusingBackend(EmailBackend):
    """A mail server that refuses the recipient, quoting the address in its answer."""

    def send_messages(self, messages):
        raise SMTPRecipientsRefused({EMAIL: (550, f"5.1.1 <{EMAIL}>: Recipient address rejected".encode())})


def test_a_refused_recipient_is_not_named_in_the_retry_celery_logs(db, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "tests.wic.test_personal_data.RefusingBackend", "OPTIONS": {}}}
    caplog.set_level(logging.DEBUG)
    email = OutgoingEmail.objects.create(key="test:refused", event="test", to=[EMAIL], language="en", subject="Hello", body_text="Hello")
    with pytest.raises(Retry) as retry:
        deliver_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert str(retry.value) == "Retry in 2s: DeliveryFailed('SMTPRecipientsRefused')"  # what the worker logs
    assert (email.status, email.attempts) == ("queued", 1)
    assert EMAIL in email.last_error  # the server's words stay on the row, for the organizers
    assert [r.getMessage() for r in caplog.records if EMAIL in r.getMessage()] == []


def test_a_refused_password_reset_email_is_retried_without_the_recipient_in_the_logs(db, settings, caplog):
    from wic.tasks import send_email

    settings.MAILERS = {"default": {"BACKEND": "tests.wic.test_personal_data.RefusingBackend", "OPTIONS": {}}}
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Retry) as retry:
        send_email.apply(kwargs={"subject": "Password reset", "body": "https://summit.example.org/reset/x/", "to": [EMAIL]})
    assert str(retry.value) == "Retry in 2s: DeliveryFailed('SMTPRecipientsRefused')"
    assert [r.getMessage() for r in caplog.records if EMAIL in r.getMessage()] == []
