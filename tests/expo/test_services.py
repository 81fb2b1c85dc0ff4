from datetime import timedelta

import pytest
from django.core import mail

from agenda.models import Session
from expo import services
from expo.models import BoothAllotment, Exhibitor, Launch, MeetingRequest
from tests.factories import EditionFactory
from wic.errors import DomainError

from .conftest import application, approved, at

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


# -- applications -------------------------------------------------------------------------------


def test_apply_creates_pending_exhibitor_with_fields_and_representative(edition, rep, zone):
    exhibitor = services.exhibitor_apply(edition=edition, user=rep, data=application(1, preferred_zone=zone.pk, fields="AI; blockchain, 5G"), language="en")
    assert (exhibitor.status, exhibitor.country.code, exhibitor.booth_size, exhibitor.preferred_zone) == ("pending", "CN", 9, zone)
    assert sorted(exhibitor.field_codes) == ["5g", "ai", "blockchain"]
    assert list(exhibitor.representatives.all()) == [rep]
    assert (exhibitor.organization.name_zh, exhibitor.organization.name_en, exhibitor.language) == ("测试参展商1", "Test Exhibitor 1", "en")


def test_apply_twice_for_one_organization_is_duplicate(edition, rep):
    services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    with pytest.raises(DomainError) as info:
        services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    assert (info.value.code, info.value.status) == ("duplicate_exhibitor", 409)
    assert Exhibitor.objects.filter(edition=edition).count() == 1


def test_apply_reuses_an_existing_organization_without_rewriting_it(edition, rep):
    from wic.models import Organization

    org = Organization.objects.create(name_zh="既有机构", name_en="Existing Org", country="DE", kind="university")
    exhibitor = services.exhibitor_apply(edition=edition, user=rep, data=application(1, organization_name_zh="既有机构", organization_name_en="", country="FR"))
    org.refresh_from_db()
    assert (exhibitor.organization_id, org.kind, org.country.code, exhibitor.country.code) == (org.pk, "university", "DE", "FR")


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"country": ""}, "missing_field", "country"),
        ({"organization_name_zh": "", "organization_name_en": ""}, "missing_field", "organization_name_zh"),
        ({"fields": []}, "missing_field", "fields"),
        ({"products_zh": "", "products_en": ""}, "missing_field", "products_zh"),
        ({"contact_email": ""}, "missing_field", "contact_email"),
        ({"country": "XX"}, "unknown_country", "country"),
        ({"fields": ["ai", "telepathy"]}, "invalid_field", "fields"),
        ({"booth_size": 10}, "invalid_choice", "booth_size"),
        ({"preferred_zone": 999999}, "invalid_zone", "preferred_zone"),
        ({"contact_email": "not-an-email"}, "invalid", "contact_email"),
    ],
)
def test_apply_refusals(edition, rep, overrides, code, field):
    with pytest.raises(DomainError) as info:
        services.exhibitor_apply(edition=edition, user=rep, data=application(1, **overrides))
    assert (info.value.code, info.value.field) == (code, field)
    assert not Exhibitor.objects.filter(edition=edition).exists()


def test_apply_accepts_alpha3_country(edition, rep):
    assert services.exhibitor_apply(edition=edition, user=rep, data=application(1, country="deu")).country.code == "DE"


def test_apply_to_a_past_edition_is_closed(rep):
    past = EditionFactory(year=2001)
    assert code_of(lambda: services.exhibitor_apply(edition=past, user=rep, data=application(1))) == "applications_closed"


def test_apply_needs_a_signed_in_user(edition):
    from django.contrib.auth.models import AnonymousUser

    assert code_of(lambda: services.exhibitor_apply(edition=edition, user=AnonymousUser(), data=application(1))) == "not_authenticated"


def test_decide_emails_once_after_commit(edition, rep, organizer, django_capture_on_commit_callbacks):
    exhibitor = services.exhibitor_apply(edition=edition, user=rep, data=application(1), language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_decide(exhibitor=exhibitor, status="approved", actor=organizer, message="Welcome")
    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_decide(exhibitor=exhibitor, status="approved", actor=organizer)  # same decision again: nothing
    from expo.tasks import send_exhibitor_decision

    assert send_exhibitor_decision(exhibitor.pk, "approved") is False  # a retried task sends nothing
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contact1@example.org", "rep@example.org"]
    assert mail.outbox[0].subject == f"Your application to exhibit at the {edition.year} expo: Approved"
    assert "Welcome" in mail.outbox[0].body
    exhibitor.refresh_from_db()
    assert (exhibitor.status, exhibitor.notified_status, exhibitor.decided_by) == ("approved", "approved", organizer)


def test_decided_exhibitor_cannot_change(edition, rep, organizer):
    exhibitor = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    services.exhibitor_decide(exhibitor=exhibitor, status="declined", actor=organizer)
    with pytest.raises(DomainError) as info:
        services.exhibitor_decide(exhibitor=exhibitor, status="approved", actor=organizer)
    assert (info.value.code, info.value.status) == ("invalid_transition", 409)


def test_representative_edits_own_entry_only(edition, rep, django_user_model):
    mine = approved(edition, 1, rep=rep)
    other = approved(edition, 2)
    services.exhibitor_update(exhibitor=mine, actor=rep, data={"products_en": "New robot", "fields": ["robotics"]})
    mine.refresh_from_db()
    assert (mine.products_en, mine.field_codes) == ("New robot", ["robotics"])
    with pytest.raises(DomainError) as info:
        services.exhibitor_update(exhibitor=other, actor=rep, data={"products_en": "Hijacked"})
    assert (info.value.code, info.value.status) == ("not_your_exhibitor", 403)
    other.refresh_from_db()
    assert other.products_en == "A translator"
    assert code_of(lambda: services.exhibitor_update(exhibitor=mine, actor=rep, data={"status": "approved"})) == "invalid"


# -- booths --------------------------------------------------------------------------------------


def test_booth_allot_and_taken(edition, booths, organizer):
    first, second = approved(edition, 1), approved(edition, 2)
    allotment = services.booth_allot(booth=booths[0], exhibitor=first, actor=organizer)
    assert services.booth_allot(booth=booths[0], exhibitor=first, actor=organizer) == allotment  # again: unchanged
    with pytest.raises(DomainError) as info:
        services.booth_allot(booth=booths[0], exhibitor=second, actor=organizer)
    assert (info.value.code, info.value.status) == ("booth_taken", 409)
    assert info.value.message == "Booth A-01 is already allotted to 测试参展商1."
    services.booth_allot(booth=booths[1], exhibitor=first, actor=organizer)  # an exhibitor may hold several booths
    assert BoothAllotment.objects.filter(exhibitor=first, released_at__isnull=True).count() == 2


def test_booth_release_frees_it_and_keeps_history(edition, booths, organizer):
    first, second = approved(edition, 1), approved(edition, 2)
    services.booth_allot(booth=booths[0], exhibitor=first)
    assert services.booth_release(booth=booths[0], actor=organizer) == 1
    services.booth_allot(booth=booths[0], exhibitor=second)
    assert [a.exhibitor_id for a in BoothAllotment.objects.filter(booth=booths[0]).order_by("pk")] == [first.pk, second.pk]


def test_booth_constraint_holds_without_the_service(edition, booths):
    from django.db import IntegrityError, transaction

    first, second = approved(edition, 1), approved(edition, 2)
    BoothAllotment.objects.create(booth=booths[0], exhibitor=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoothAllotment.objects.create(booth=booths[0], exhibitor=second)


def test_booth_for_pending_or_other_edition_refused(edition, booths, rep):
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(1))
    assert code_of(lambda: services.booth_allot(booth=booths[0], exhibitor=pending)) == "not_approved"
    elsewhere = approved(EditionFactory(), 2)
    assert code_of(lambda: services.booth_allot(booth=booths[0], exhibitor=elsewhere)) == "wrong_edition"


# -- launches ------------------------------------------------------------------------------------


def test_launch_goes_on_the_agenda_as_a_launch_item(edition, exhibitor, rep):
    day = edition.start_date
    launch = services.launch_schedule(exhibitor=exhibitor, title_zh="新品发布", title_en="New product", start=at(day, 10), end=at(day, 10, 30), actor=rep)
    session = Session.objects.get(pk=launch.session_id)
    assert (session.kind, session.title_zh, session.key, session.is_published) == ("launch", "新品发布", f"expo-launch-{launch.pk}", True)
    assert (session.start, session.end) == (at(day, 10), at(day, 10, 30))
    assert [r.organization_id for r in session.organization_roles.all()] == [exhibitor.organization_id]


def test_launch_slot_conflict_names_the_launch_there(edition, exhibitor, rep):
    day = edition.start_date
    other = approved(edition, 2, rep=rep)
    services.launch_schedule(exhibitor=exhibitor, title_zh="先来", start=at(day, 10), end=at(day, 11), actor=rep)
    with pytest.raises(DomainError) as info:
        services.launch_schedule(exhibitor=other, title_zh="后到", start=at(day, 10, 30), end=at(day, 11, 30), actor=rep)
    assert (info.value.code, info.value.status) == ("slot_conflict", 409)
    assert info.value.message == f"The expo stage already has “先来” from {day} 10:00 to 11:00."
    touching = services.launch_schedule(exhibitor=other, title_zh="紧接", start=at(day, 11), end=at(day, 11, 30), actor=rep)
    assert touching.pk
    assert Launch.objects.filter(edition=edition).count() == 2


def test_cancelled_launch_frees_its_slot_and_leaves_the_agenda(edition, exhibitor, rep):
    day = edition.start_date
    launch = services.launch_schedule(exhibitor=exhibitor, title_zh="取消", start=at(day, 14), end=at(day, 15), actor=rep)
    services.launch_cancel(launch=launch, actor=rep)
    assert Session.objects.get(pk=launch.session_id).is_published is False
    again = services.launch_schedule(exhibitor=exhibitor, title_zh="改期", start=at(day, 14), end=at(day, 15), actor=rep)
    assert again.pk != launch.pk


@pytest.mark.parametrize(
    "start_h, end_h, day_offset, code",
    [(11, 10, 0, "launch_ends_before_start"), (10, 11, 30, "slot_outside_expo"), (10, 11, -20, "slot_outside_expo")],
)
def test_launch_refusals(edition, exhibitor, rep, start_h, end_h, day_offset, code):
    day = edition.start_date + timedelta(days=day_offset)
    assert code_of(lambda: services.launch_schedule(exhibitor=exhibitor, title_zh="x", start=at(day, start_h), end=at(day, end_h), actor=rep)) == code


def test_launch_by_a_stranger_or_unapproved_refused(edition, exhibitor, guest, rep):
    day = edition.start_date
    assert code_of(lambda: services.launch_schedule(exhibitor=exhibitor, title_zh="x", start=at(day, 9), end=at(day, 10), actor=guest)) == "not_your_exhibitor"
    pending = services.exhibitor_apply(edition=edition, user=rep, data=application(5))
    assert code_of(lambda: services.launch_schedule(exhibitor=pending, title_zh="x", start=at(day, 9), end=at(day, 10), actor=rep)) == "not_approved"


# -- openings ------------------------------------------------------------------------------------


def test_opening_create_and_refusals(exhibitor, rep, guest):
    listing = services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="算法工程师", field="ai", city="杭州", count=3)
    assert (listing.title_zh, listing.field, listing.city, listing.count, listing.is_open) == ("算法工程师", "ai", "杭州", 3, True)
    assert code_of(lambda: services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="x", field="ai", city="杭州", count=0)) == "invalid_count"
    assert code_of(lambda: services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="x", field="alchemy", city="杭州")) == "invalid_field"
    assert code_of(lambda: services.opening_create(exhibitor=exhibitor, actor=rep, title_zh="x", field="ai", city="")) == "missing_field"
    assert code_of(lambda: services.opening_create(exhibitor=exhibitor, actor=guest, title_zh="x", field="ai", city="杭州")) == "not_your_exhibitor"
    services.opening_close(listing=listing, actor=rep)
    listing.refresh_from_db()
    assert listing.is_open is False


# -- matchmaking ---------------------------------------------------------------------------------


def test_meeting_request_accept_and_email(edition, exhibitor, rep, guest, django_capture_on_commit_callbacks):
    day = edition.start_date
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 10), minutes=30, message="Hello", language="en")
    assert (meeting.status, meeting.end) == ("pending", at(day, 10, 30))
    assert mail.outbox[-1].to == ["contact1@example.org", "rep@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_decide(meeting=meeting, actor=rep, accept=True)
        services.meeting_decide(meeting=meeting, actor=rep, accept=True)  # twice: unchanged
    assert [m.to for m in mail.outbox] == [["contact1@example.org", "rep@example.org"], ["guest@example.org"]]
    assert mail.outbox[-1].subject == "Your meeting with 测试参展商1: Accepted"
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notified_status, meeting.decided_by) == ("accepted", "accepted", rep)


def test_meeting_double_booking_refused_for_both_sides(edition, exhibitor, rep, guest, django_user_model):
    day = edition.start_date
    other_guest = django_user_model.objects.create_user("guest-2", "g2@example.org", "pw")
    other_exhibitor = approved(edition, 2, rep=rep)
    first = services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 10), minutes=30)
    services.meeting_decide(meeting=first, actor=rep, accept=True)
    # the exhibitor is busy 10:00-10:30
    with pytest.raises(DomainError) as info:
        services.meeting_request(exhibitor=exhibitor, guest=other_guest, start=at(day, 10, 15), minutes=30)
    assert (info.value.code, info.value.status) == ("exhibitor_busy", 409)
    # the guest is busy too
    with pytest.raises(DomainError) as info:
        services.meeting_request(exhibitor=other_exhibitor, guest=guest, start=at(day, 10), minutes=15)
    assert info.value.code == "guest_busy"
    assert info.value.message == f"The guest already meets 测试参展商1 from {day} 10:00 to 10:30."
    # touching is fine
    assert services.meeting_request(exhibitor=exhibitor, guest=other_guest, start=at(day, 10, 30), minutes=30).status == "pending"


def test_accepting_two_overlapping_requests_refused(edition, exhibitor, rep, guest, django_user_model):
    day = edition.start_date
    other_guest = django_user_model.objects.create_user("guest-3", "g3@example.org", "pw")
    a = services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 15), minutes=60)
    b = services.meeting_request(exhibitor=exhibitor, guest=other_guest, start=at(day, 15, 30), minutes=30)
    services.meeting_decide(meeting=a, actor=rep, accept=True)
    assert code_of(lambda: services.meeting_decide(meeting=b, actor=rep, accept=True)) == "exhibitor_busy"
    services.meeting_decide(meeting=b, actor=rep, accept=False)
    assert code_of(lambda: services.meeting_decide(meeting=b, actor=rep, accept=True)) == "invalid_transition"
    assert list(MeetingRequest.objects.filter(exhibitor=exhibitor).values_list("status", flat=True).order_by("start")) == ["accepted", "declined"]


def test_guest_accepted_twice_at_one_time_refused(edition, rep, guest):
    day = edition.start_date
    one, two = approved(edition, 1, rep=rep), approved(edition, 2, rep=rep)
    a = services.meeting_request(exhibitor=one, guest=guest, start=at(day, 9), minutes=30)
    b = services.meeting_request(exhibitor=two, guest=guest, start=at(day, 9), minutes=30)
    services.meeting_decide(meeting=a, actor=rep, accept=True)
    assert code_of(lambda: services.meeting_decide(meeting=b, actor=rep, accept=True)) == "guest_busy"


def test_meeting_refusals(edition, exhibitor, rep, guest):
    day = edition.start_date
    assert code_of(lambda: services.meeting_request(exhibitor=exhibitor, guest=rep, start=at(day, 9))) == "own_exhibitor"
    assert code_of(lambda: services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 9), minutes=20)) == "invalid_duration"
    assert code_of(lambda: services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day + timedelta(days=9), 9))) == "slot_outside_expo"
    services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 9))
    assert code_of(lambda: services.meeting_request(exhibitor=exhibitor, guest=guest, start=at(day, 9, 15))) == "duplicate_request"
    meeting = MeetingRequest.objects.get(exhibitor=exhibitor)
    assert code_of(lambda: services.meeting_decide(meeting=meeting, actor=guest, accept=True)) == "not_your_exhibitor"
    services.meeting_cancel(meeting=meeting, actor=guest)
    assert code_of(lambda: services.meeting_decide(meeting=meeting, actor=rep, accept=True)) == "invalid_transition"
