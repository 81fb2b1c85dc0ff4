"""Issue 22: the people services refuse bad input with a code and the field named (nothing saved),
and refuse a person shown in two overlapping agenda items (`person_double_booked`, 409) unless an
organizer gives a reason, which the audit log records."""
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from people.models import Appearance, Person
from people.services import appearance_upsert, person_upsert
from tests.factories import make_organizer
from wic.errors import DomainError

from .helpers import edition, person, session

pytestmark = pytest.mark.django_db


def refused(call) -> tuple:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.field, error.value.status


@pytest.fixture
def forum():
    e = edition()
    return session(e, e.start_date, (9, 0), (12, 0), title_zh="上午论坛")


def test_bad_input_is_refused_with_its_code_and_field(forum):
    ren = person("test-ren", name_zh="任测试")
    assert refused(lambda: appearance_upsert(person=ren, session=forum, role="juggler")) == ("unknown_role", "role", 400)
    assert refused(lambda: appearance_upsert(person=ren, session=forum, role="speech", status="maybe")) == ("unknown_status", "status", 400)
    assert refused(lambda: appearance_upsert(person=ren, session=forum, role="speech", title_zh="长" * 301)) == ("too_long", "title_zh", 400)
    assert refused(lambda: appearance_upsert(person=ren, session=forum, role="speech", affiliation_zh="长" * 301)) == ("too_long", "affiliation_zh", 400)
    assert refused(lambda: person_upsert(key="test-nameless")) == ("person_has_no_name", "name_zh", 400)
    assert refused(lambda: person_upsert(key="test-long", name_zh="长" * 101)) == ("too_long", "name_zh", 400)
    assert refused(lambda: person_upsert(key="test-country", name_zh="某", country="CHN")) == ("too_long", "country", 400)
    assert Appearance.objects.filter(session=forum).count() == 0
    assert not Person.objects.filter(key__in=["test-nameless", "test-long", "test-country"]).exists()
    with pytest.raises(DomainError) as error, translation.override("en"):
        appearance_upsert(person=ren, session=forum, role="speech", title_zh="长" * 301)
    assert str(error.value.message) == "The title as printed (Chinese) may hold 300 characters; this one has 301."


def test_upserts_are_idempotent(forum):
    ren = person("test-ren", name_zh="任测试")
    assert person("test-ren", name_zh="任测试").pk == ren.pk
    first = appearance_upsert(person=ren, session=forum, role="speech", status="confirmed", title_zh="秘书长")
    again = appearance_upsert(person=ren, session=forum, role="speech", status="confirmed", title_zh="秘书长")
    assert (again.pk, Appearance.objects.filter(person=ren).count()) == (first.pk, 1)
    assert LogEntry.objects.get_for_object(first).count() == 1  # the creation only: an unchanged upsert saves nothing


# -- clashes -------------------------------------------------------------------------------------

def test_a_person_confirmed_in_an_overlapping_session_is_refused_naming_it(forum):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    overlapping = session(forum.edition, forum.date, (11, 30), (13, 0), title_zh="午间对话")
    with pytest.raises(DomainError) as error, translation.override("en"):
        appearance_upsert(person=ren, session=overlapping, role="panelist", status="confirmed")
    assert (error.value.code, error.value.status, error.value.field) == ("person_double_booked", 409, "session")
    assert error.value.other_session == forum
    assert error.value.message == (
        f"任测试 is already confirmed in {forum.date} 上午论坛, which overlaps this agenda item. An organizer may give a reason to override."
    )
    assert not Appearance.objects.filter(session=overlapping).exists()  # nothing saved


def test_an_invitation_does_not_clash_but_its_confirmation_does_and_keeps_it_invited(forum):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="speech", status="appeared")
    overlapping = session(forum.edition, forum.date, (10, 0), (11, 0))
    invited = appearance_upsert(person=ren, session=overlapping, role="speech", status="invited", title_zh="旧头衔")
    assert refused(lambda: appearance_upsert(person=ren, session=overlapping, role="speech", status="confirmed", title_zh="新头衔"))[0] == "person_double_booked"
    invited.refresh_from_db()
    assert (invited.status, invited.title_zh) == ("invited", "旧头衔")


@pytest.mark.parametrize(("start", "end", "period"), [
    (None, None, "morning"),  # no clock time: the same date and part of the day
    (None, None, "all_day"),  # every part of the day
    ((8, 0), (9, 30), ""),  # the clock times overlap
])
def test_clashes_by_clock_time_or_part_of_the_day(forum, start, end, period):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    other = session(forum.edition, forum.date, start, end, period)
    assert refused(lambda: appearance_upsert(person=ren, session=other, role="speech", status="confirmed"))[0] == "person_double_booked"


@pytest.mark.parametrize(("day", "start", "end", "period"), [
    (1, (9, 0), (12, 0), ""),  # the same hours, the next day
    (1, None, None, "morning"),  # the same part of the day, the next day
    (0, (12, 0), (13, 0), ""),  # right after: 12:00 is the forum's end
    (0, None, None, "afternoon"),  # another part of the same day
    (0, None, None, "evening"),
    (0, None, None, ""),  # a date and nothing else: nothing known of its time
])
def test_no_clash_on_another_day_or_at_another_time(forum, day, start, end, period):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    other = session(forum.edition, forum.date + timedelta(days=day), start, end, period)
    assert appearance_upsert(person=ren, session=other, role="speech", status="confirmed").status == "confirmed"


def test_two_roles_in_the_same_session_and_declined_appearances_do_not_clash(forum):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="moderator", status="confirmed")
    assert appearance_upsert(person=ren, session=forum, role="speech", status="confirmed").status == "confirmed"
    other = session(forum.edition, forum.date, (10, 0), (11, 0))
    ada = person("test-ada", name_en="Ada Lovelace")
    appearance_upsert(person=ada, session=other, role="speech", status="declined")
    assert appearance_upsert(person=ada, session=forum, role="speech", status="confirmed").status == "confirmed"


def test_an_organizer_overrides_a_clash_with_a_reason_the_audit_log_records(forum):
    ren = person("test-ren", name_zh="任测试")
    first = appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    overlapping = session(forum.edition, forum.date, (11, 0), (12, 30), title_zh="闭门会")
    organizer = make_organizer()
    appearance = appearance_upsert(
        person=ren, session=overlapping, role="remarks", status="confirmed", override_reason="  致辞后即赴上午论坛  ", actor=organizer,
    )
    assert appearance.status == "confirmed"
    entry = LogEntry.objects.get_for_object(appearance).get(additional_data__has_key="person_double_booked")
    assert (entry.action, entry.actor, entry.changes_dict) == (LogEntry.Action.UPDATE, organizer, {"override_reason": ["", "致辞后即赴上午论坛"]})
    assert entry.additional_data == {"person_double_booked": {"other_session": forum.pk, "other_appearance": first.pk, "reason": "致辞后即赴上午论坛"}}
    assert LogEntry.objects.get_for_object(appearance).count() == 2  # its creation, and the override


def test_an_override_needs_an_organizer_and_a_reason(forum):
    ren = person("test-ren", name_zh="任测试")
    appearance_upsert(person=ren, session=forum, role="speech", status="confirmed")
    overlapping = session(forum.edition, forum.date, (11, 0), (12, 30))
    confirm = lambda **kw: appearance_upsert(person=ren, session=overlapping, role="speech", status="confirmed", **kw)  # noqa: E731
    assert refused(lambda: confirm(override_reason="   ", actor=make_organizer())) == ("person_double_booked", "session", 409)
    assert refused(lambda: confirm(override_reason="有理由")) == ("override_not_allowed", "override_reason", 403)
    assert refused(lambda: confirm(override_reason="长" * 501, actor=make_organizer("organizer-2"))) == ("too_long", "override_reason", 400)
    assert not Appearance.objects.filter(session=overlapping).exists()
