"""Issue 23, delegations: saving a delegation and its members (each refusal's code), the liaison
chosen by the roster's rules (language, availability over the delegation's days, never
double-booked, fewest hours first, nothing written when nobody fits), and the head's private
link (valid, expired, replaced)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from protocol import delegations
from protocol.models import Delegation, DelegationMember
from tests.volunteers.helpers import make_post, make_shift, make_volunteer
from volunteers.models import Assignment, Shift
from volunteers.roster import roster_violations
from volunteers.services import shift_assign
from wic.errors import DomainError

from .delegation_helpers import liaison_world, make_delegation, make_edition, make_registration, trained_volunteer

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused(call) -> tuple:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code, error.value.field, error.value.status, error.value.message


# -- delegation_save ---------------------------------------------------------------------------

def test_delegation_save_creates_with_checked_values():
    edition = make_edition()
    delegation = delegations.delegation_save(
        edition=edition, name_zh=" 法国政府代表团 ", name_en="French government delegation", kind="government", country="fr",
        precedence=5, languages=["fr", "en", "fr"], arrives_on=date(edition.year, 11, 11), departs_on=date(edition.year, 11, 12),
    )
    delegation.refresh_from_db()
    assert (delegation.name_zh, delegation.country.code, delegation.languages, delegation.precedence) == ("法国政府代表团", "FR", ["fr", "en"], 5)
    assert delegations.delegation_days(delegation) == [date(edition.year, 11, 11), date(edition.year, 11, 12)]


def test_delegation_days_default_to_the_edition():
    edition = make_edition()
    delegation = make_delegation(edition)
    assert delegations.delegation_days(delegation) == [date(edition.year, 11, 10), date(edition.year, 11, 11), date(edition.year, 11, 12)]


@pytest.mark.parametrize("fields, code, field", [
    ({"kind": "embassy"}, "unknown_kind", "kind"),
    ({"languages": ["en", "xx"]}, "unknown_language", "languages"),
    ({"country": "QQ"}, "unknown_country", "country"),
    ({"name_zh": "  "}, "name_required", "name_zh"),
    ({"name_zh": "代" * 201}, "too_long", "name_zh"),
    ({"notes": "x" * 5001}, "too_long", "notes"),
    ({"precedence": -1}, "bad_precedence", "precedence"),
])
def test_delegation_save_refuses_bad_values(fields, code, field):
    edition = make_edition()
    values = {"edition": edition, "name_zh": "测试团", "kind": "government", **fields}
    assert refused(lambda: delegations.delegation_save(**values))[:3] == (code, field, 400)
    assert Delegation.objects.filter(edition=edition).count() == 0


def test_delegation_save_refuses_days_outside_the_edition():
    edition = make_edition()
    code, field, status, message = refused(lambda: delegations.delegation_save(edition=edition, name_zh="团", kind="other", arrives_on=date(edition.year, 11, 9)))
    assert (code, field, status) == ("bad_days", "arrives_on", 400)
    assert message == f"{edition.year}-11-09 is outside the edition's days ({edition.year}-11-10 to {edition.year}-11-12)."


def test_delegation_save_refuses_reversed_days():
    edition = make_edition()
    code, field, _status, message = refused(lambda: delegations.delegation_save(
        edition=edition, name_zh="团", kind="other", arrives_on=date(edition.year, 11, 12), departs_on=date(edition.year, 11, 11)))
    assert (code, field) == ("bad_days", "departs_on")
    assert message == f"The last day ({edition.year}-11-11) comes before the first ({edition.year}-11-12)."


def test_delegation_save_refuses_a_duplicate_name():
    edition = make_edition()
    make_delegation(edition, name_zh="重名团")
    assert refused(lambda: make_delegation(edition, name_zh="重名团"))[:3] == ("duplicate_name", "name_zh", 409)


def test_a_head_in_no_delegation_joins_as_first_member():
    edition = make_edition()
    head = make_registration(edition, name="Head One")
    delegation = delegations.delegation_save(edition=edition, name_zh="团", kind="government", head=head)
    assert delegation.head_id == head.pk
    assert list(delegation.members.values_list("registration_id", "sort_order")) == [(head.pk, 0)]


def test_head_of_another_delegation_is_refused_head_not_member():
    edition = make_edition()
    head = make_registration(edition, name="Head Two")
    first = delegations.delegation_save(edition=edition, name_zh="甲团", kind="government", head=head)
    second = make_delegation(edition, name_zh="乙团")
    code, field, status, message = refused(lambda: delegations.delegation_save(edition=edition, name_zh="乙团", kind="government", head=head, delegation=second))
    assert (code, field, status) == ("head_not_member", "head", 409)
    assert message == "Head Two is a member of 甲团, not of this delegation: remove them there first."
    second.refresh_from_db()
    assert second.head_id is None and first.members.count() == 1


def test_head_of_another_edition_is_refused_wrong_edition():
    edition, other = make_edition(), make_edition()
    assert refused(lambda: delegations.delegation_save(edition=edition, name_zh="团", kind="government", head=make_registration(other)))[:2] == ("wrong_edition", "head")


# -- members -----------------------------------------------------------------------------------

def test_member_add_orders_members_and_marks_interpreters():
    edition = make_edition()
    delegation = make_delegation(edition)
    minister = delegations.member_add(delegation, make_registration(edition))
    interpreter = delegations.member_add(delegation, make_registration(edition), is_interpreter=True, principal=minister)
    assert [(m.pk, m.sort_order, m.is_interpreter, m.principal_id) for m in delegation.members.order_by("sort_order")] == [
        (minister.pk, 1, False, None), (interpreter.pk, 2, True, minister.pk),
    ]


def test_member_add_refuses_another_editions_registration():
    delegation = make_delegation(make_edition())
    assert refused(lambda: delegations.member_add(delegation, make_registration(make_edition())))[:3] == ("wrong_edition", "registration", 400)


def test_member_add_refuses_a_member_of_another_delegation_naming_it():
    edition = make_edition()
    first, second = make_delegation(edition, name_zh="第一团"), make_delegation(edition, name_zh="第二团")
    guest = make_registration(edition, name="Guest Busy")
    delegations.member_add(first, guest)
    code, field, status, message = refused(lambda: delegations.member_add(second, guest))
    assert (code, field, status, message) == ("already_in_delegation", "registration", 409, "Guest Busy is already a member of 第一团.")
    assert second.members.count() == 0


def test_member_add_refuses_a_principal_of_another_delegation():
    edition = make_edition()
    first, second = make_delegation(edition), make_delegation(edition)
    principal = delegations.member_add(first, make_registration(edition))
    assert refused(lambda: delegations.member_add(second, make_registration(edition), is_interpreter=True, principal=principal))[:2] == ("principal_not_member", "principal")


def test_member_add_refuses_a_principal_for_a_non_interpreter():
    edition = make_edition()
    delegation = make_delegation(edition)
    principal = delegations.member_add(delegation, make_registration(edition))
    assert refused(lambda: delegations.member_add(delegation, make_registration(edition), principal=principal))[:2] == ("principal_needs_interpreter", "principal")


def test_member_add_refuses_a_rejected_registration():
    edition = make_edition()
    delegation = make_delegation(edition)
    assert refused(lambda: delegations.member_add(delegation, make_registration(edition, status="rejected")))[:2] == ("registration_not_active", "registration")


def test_member_remove_of_the_head_clears_the_head_and_principals():
    edition = make_edition()
    head = make_registration(edition)
    delegation = delegations.delegation_save(edition=edition, name_zh="团", kind="government", head=head)
    head_member = DelegationMember.objects.get(registration=head)
    interpreter = delegations.member_add(delegation, make_registration(edition), is_interpreter=True, principal=head_member)
    delegations.member_remove(head_member)
    delegation.refresh_from_db()
    interpreter.refresh_from_db()
    assert (delegation.head_id, interpreter.principal_id, delegation.members.count()) == (None, None, 1)


# -- the liaison -------------------------------------------------------------------------------

def at(edition, day, hour):
    return datetime(edition.year, 11, day, hour, 0, tzinfo=BEIJING)


def test_liaison_assign_rosters_the_liaison_on_each_day():
    edition = make_edition()
    programme, post, modules = liaison_world(edition)
    volunteer = trained_volunteer(programme, modules, name="Liaison Ann")
    delegation = make_delegation(edition, arrives_on=date(edition.year, 11, 10), departs_on=date(edition.year, 11, 11))
    chosen = delegations.liaison_assign(delegation)
    delegation.refresh_from_db()
    assert chosen.pk == volunteer.pk == delegation.liaison_id
    shifts = list(delegation.liaison_shifts.order_by("starts_at"))
    assert [(s.post_id, s.starts_at, s.ends_at, s.needed, s.filled, s.required_languages) for s in shifts] == [
        (post.pk, at(edition, 10, 8), at(edition, 10, 21), 1, 1, ["en"]),
        (post.pk, at(edition, 11, 8), at(edition, 11, 21), 1, 1, ["en"]),
    ]
    assert sorted(Assignment.objects.filter(volunteer=volunteer, status="assigned").values_list("shift_id", flat=True)) == [s.pk for s in shifts]
    assert roster_violations(programme) == []


def test_liaison_must_speak_every_language():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, name="English only", languages={"en": "native"})
    speaker = trained_volunteer(programme, modules, name="Arabic speaker", languages={"en": "working", "ar": "fluent"})
    trained_volunteer(programme, modules, name="Basic Arabic", languages={"en": "fluent", "ar": "basic"})
    delegation = make_delegation(edition, languages=("ar", "en"))
    assert delegations.liaison_assign(delegation).pk == speaker.pk


def test_liaison_must_be_available_on_every_day():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, name="Only day one", available_days=[f"{edition.year}-11-10"])
    everyday = trained_volunteer(programme, modules, name="Every day", available_days=[])
    both = trained_volunteer(programme, modules, name="Both days", available_days=[f"{edition.year}-11-10", f"{edition.year}-11-11"])
    delegation = make_delegation(edition, arrives_on=date(edition.year, 11, 10), departs_on=date(edition.year, 11, 11))
    ordered, reason = delegations.liaison_candidates(delegation, delegation_post(programme), delegations.delegation_days(delegation))
    assert (ordered, reason) == ([everyday.pk, both.pk], "")


def delegation_post(programme):
    return programme.posts.get(kind="guest_liaison")


def test_liaison_prefers_fewest_hours_rostered():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    busy = trained_volunteer(programme, modules, name="Busy")
    idle = trained_volunteer(programme, modules, name="Idle")
    other_post = make_post(programme, kind="hall_service")
    shift_assign(shift=make_shift(other_post, start=at(edition, 9, 9), hours=4, needed=1), volunteer=busy)  # the day before: no overlap
    delegation = make_delegation(edition, arrives_on=date(edition.year, 11, 10), departs_on=date(edition.year, 11, 10))
    assert delegations.liaison_assign(delegation).pk == idle.pk


def test_liaison_is_never_double_booked_with_another_shift():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    rostered = trained_volunteer(programme, modules, name="On a hall shift")
    free = trained_volunteer(programme, modules, name="Free")
    hall = make_post(programme, kind="hall_service")
    shift_assign(shift=make_shift(hall, start=at(edition, 11, 14), hours=3, needed=1), volunteer=rostered)
    first = make_delegation(edition, arrives_on=date(edition.year, 11, 11), departs_on=date(edition.year, 11, 11))
    assert delegations.liaison_assign(first).pk == free.pk
    second = make_delegation(edition, arrives_on=date(edition.year, 11, 11), departs_on=date(edition.year, 11, 11))
    code, field, status, message = refused(lambda: delegations.liaison_assign(second))
    assert (code, field, status) == ("no_liaison_available", "liaison", 409)
    assert message == f"No liaison can be chosen for {second.name_zh}: every trained speaker available on those days is on an overlapping shift."
    assert roster_violations(programme) == []


def test_no_liaison_available_leaves_nothing_written():
    edition = make_edition()
    programme, post, modules = liaison_world(edition)
    trained_volunteer(programme, modules, languages={"en": "fluent"})
    delegation = make_delegation(edition, languages=("ko",))
    shifts_before, assignments_before = Shift.objects.count(), Assignment.objects.count()
    code, _field, status, message = refused(lambda: delegations.liaison_assign(delegation))
    assert (code, status) == ("no_liaison_available", 409)
    assert message == f"No liaison can be chosen for {delegation.name_zh}: no trained volunteer speaks Korean."
    delegation.refresh_from_db()
    assert (Shift.objects.count(), Assignment.objects.count(), delegation.liaison_id, delegation.liaison_shifts.count()) == (shifts_before, assignments_before, None, 0)


@pytest.mark.parametrize("setup, reason", [
    ("untrained", "nobody accepted has the training of 英语嘉宾联络"),
    ("unavailable", "no trained speaker is available on every day ({y}-11-10 – {y}-11-12)"),
    ("no_post", "the volunteer programme has no guest-liaison post"),
    ("no_programme", "the edition has no volunteer programme"),
])
def test_no_liaison_available_says_why(setup, reason):
    edition = make_edition()
    if setup != "no_programme":
        programme, post, modules = liaison_world(edition)
        if setup == "untrained":
            make_volunteer(programme, languages={"en": "fluent"})
        elif setup == "unavailable":
            trained_volunteer(programme, modules, available_days=[f"{edition.year}-11-10"])
        elif setup == "no_post":
            post.delete()
    delegation = make_delegation(edition)
    message = refused(lambda: delegations.liaison_assign(delegation))[3]
    assert message == f"No liaison can be chosen for {delegation.name_zh}: {reason.format(y=edition.year)}."


def test_a_candidate_rostered_meanwhile_gives_way_to_the_next(monkeypatch):
    """shift_assign re-checks under the volunteer's lock: the first candidate, rostered on an
    overlapping shift after the candidates were read, is refused there and the next one serves."""
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    first = trained_volunteer(programme, modules, name="First")
    second = trained_volunteer(programme, modules, name="Second")
    hall = make_post(programme, kind="hall_service")
    real = delegations.liaison_candidates

    def candidates_then_race(*args, **kwargs):
        result = real(*args, **kwargs)
        shift_assign(shift=make_shift(hall, start=at(edition, 10, 10), hours=2, needed=1), volunteer=first)
        return result

    monkeypatch.setattr(delegations, "liaison_candidates", candidates_then_race)
    delegation = make_delegation(edition, arrives_on=date(edition.year, 11, 10), departs_on=date(edition.year, 11, 10))
    assert delegations.liaison_assign(delegation).pk == second.pk
    assert Assignment.objects.filter(volunteer=first, shift__post__kind="guest_liaison").count() == 0
    assert roster_violations(programme) == []


def test_liaison_already_assigned_and_release():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    volunteer = trained_volunteer(programme, modules, name="Liaison Bo")
    delegation = make_delegation(edition)
    delegations.liaison_assign(delegation)
    code, _f, status, message = refused(lambda: delegations.liaison_assign(delegation))
    assert (code, status, message) == ("liaison_already_assigned", 409, f"{delegation.name_zh} already has a liaison: Liaison Bo. Release them first to choose again.")
    delegations.liaison_release(delegation)
    delegation.refresh_from_db()
    assert (delegation.liaison_id, Shift.objects.filter(post__kind="guest_liaison").count(), Assignment.objects.filter(volunteer=volunteer).count()) == (None, 0, 0)


def test_liaison_release_refused_once_checked_in():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules)
    delegation = make_delegation(edition)
    delegations.liaison_assign(delegation)
    assignment = Assignment.objects.filter(shift__in=delegation.liaison_shifts.all()).order_by("shift__starts_at").first()
    Assignment.objects.filter(pk=assignment.pk).update(checked_in_at=assignment.shift.starts_at)
    assert refused(lambda: delegations.liaison_release(delegation))[:3] == ("liaison_on_duty", "liaison", 409)
    assert delegation.liaison_shifts.count() == 3


def test_days_and_languages_stay_while_a_liaison_serves():
    edition = make_edition()
    programme, _post, modules = liaison_world(edition)
    trained_volunteer(programme, modules)
    delegation = make_delegation(edition)
    delegations.liaison_assign(delegation)
    change = lambda **f: delegations.delegation_save(edition=edition, name_zh=delegation.name_zh, kind="government", delegation=delegation, **{"languages": ["en"], **f})  # noqa: E731
    assert refused(lambda: change(languages=["en", "fr"]))[:3] == ("liaison_assigned", "languages", 409)
    assert refused(lambda: change(arrives_on=date(edition.year, 11, 11)))[:3] == ("liaison_assigned", "arrives_on", 409)
    assert change(precedence=3).precedence == 3


# -- the head's link ------------------------------------------------------------------------------

def test_head_link_opens_the_delegation():
    delegation = make_delegation(make_edition())
    token = delegations.head_link_token(delegation)
    assert delegations.delegation_for_token(token).pk == delegation.pk


def test_head_link_expires():
    delegation = make_delegation(make_edition())
    with override_settings(DELEGATION_LINK_MAX_AGE_DAYS=10):
        with time_machine.travel(datetime(2030, 1, 1, tzinfo=BEIJING), tick=False):
            token = delegations.head_link_token(delegation)
        with time_machine.travel(datetime(2030, 1, 11, 0, 1, tzinfo=BEIJING), tick=False):
            code, field, status, message = refused(lambda: delegations.delegation_for_token(token))
    assert (code, field, status, message) == ("link_expired", "token", 410, "This link has expired: a link is valid for 10 days. Ask the secretariat to send a new one.")


def test_a_new_head_link_replaces_the_old():
    delegation = make_delegation(make_edition())
    old = delegations.head_link_token(delegation)
    new = delegations.head_link_token(delegation)
    assert refused(lambda: delegations.delegation_for_token(old))[:3] == ("link_used", "token", 410)
    assert delegations.delegation_for_token(new).pk == delegation.pk


@pytest.mark.parametrize("token", ["nonsense", "eyJkIjoxfQ:1tXYZ:abc"])
def test_a_tampered_head_link_is_invalid(token):
    assert refused(lambda: delegations.delegation_for_token(token))[:3] == ("link_invalid", "token", 404)


def test_a_head_link_of_a_deleted_delegation_is_invalid():
    delegation = make_delegation(make_edition())
    token = delegations.head_link_token(delegation)
    delegation.delete()
    assert refused(lambda: delegations.delegation_for_token(token))[:3] == ("link_invalid", "token", 404)


def test_a_delegation_without_a_link_refuses_any_token():
    delegation = make_delegation(make_edition())
    token = delegations.head_link_token(delegation)
    Delegation.objects.filter(pk=delegation.pk).update(link_nonce="")
    assert refused(lambda: delegations.delegation_for_token(token))[:1] == ("link_used",)


def test_liaison_day_window_is_beijing_time():
    assert (delegations.LIAISON_DAY_START.hour, delegations.LIAISON_DAY_END.hour) == (8, 21)
    assert timedelta(hours=13) == datetime.combine(date(2030, 1, 1), delegations.LIAISON_DAY_END) - datetime.combine(date(2030, 1, 1), delegations.LIAISON_DAY_START)
