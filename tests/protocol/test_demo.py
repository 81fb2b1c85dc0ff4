"""Issue 23, the protocol app's demo (protocol/demo.py): two delegations of new demo guests,
their liaisons when the volunteers' demo has someone to give, banquet cards in each state, a
seating plan auto-seated; run twice, the same rows. (The whole `seed --demo`, every app's part
twice, is tests/wic/test_seed.py's; here the apps it builds on are given their own demo parts or
a small volunteer programme, to keep the file fast.)"""
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from agenda.demo import seed_demo_agenda
from protocol.demo import seed_demo_protocol
from protocol.models import Delegation, DelegationMember, InvitationCard, SeatAssignment, SeatingPlan
from registration.demo import seed_demo_guests
from registration.models import Registration
from volunteers.models import Assignment, Shift

from .delegation_helpers import liaison_world, make_edition, trained_volunteer

pytestmark = pytest.mark.django_db


def demo_world(*, volunteers: bool):
    edition = make_edition(year=2091 if volunteers else 2092)
    edition.is_demo = True
    edition.save(update_fields=["is_demo"])
    get_user_model().objects.create_user("organizer", password="a-long-test-password-1", is_staff=True)
    seed_demo_agenda(edition)
    seed_demo_guests(edition)
    if volunteers:
        programme, post, modules = liaison_world(edition)
        spanish = post.__class__.objects.create(programme=programme, kind="guest_liaison", name_zh="西班牙语嘉宾联络", language="es")
        spanish.required_modules.set(modules)
        trained_volunteer(programme, modules, name="Demo English Liaison", languages={"en": "fluent"})
        trained_volunteer(programme, modules, name="Demo Spanish Liaison", languages={"es": "native", "en": "working"})
    return edition


def snapshot(edition) -> dict:
    return {
        "delegations": sorted(Delegation.objects.filter(edition=edition).values_list("pk", "name_zh", "head__email", "liaison__name", "is_demo")),
        "members": sorted(DelegationMember.objects.filter(delegation__edition=edition).values_list("pk", "registration__email", "is_interpreter", "principal__registration__email")),
        "cards": sorted(InvitationCard.objects.filter(item__session__edition=edition).values_list("pk", "registration__email", "status", "substitute_name")),
        "seats": sorted(SeatAssignment.objects.filter(plan__item__session__edition=edition).values_list("pk", "block__label", "number", "card__registration__email")),
        "registrations": Registration.objects.filter(edition=edition).count(),
        "shifts": sorted(Shift.objects.filter(post__programme__edition=edition).values_list("pk", flat=True)),
        "assignments": sorted(Assignment.objects.filter(shift__post__programme__edition=edition).values_list("pk", "volunteer__name", "status")),
    }


def test_demo_builds_delegations_cards_in_each_state_and_seats():
    edition = demo_world(volunteers=True)
    seed_demo_protocol(edition)
    government = Delegation.objects.get(edition=edition, name_zh="演示国政府代表团")
    organization = Delegation.objects.get(edition=edition, name_zh="演示国际组织代表团")
    assert (government.name_en, government.kind, government.precedence, government.is_demo) == ("Demo country government delegation", "government", 10, True)
    assert (government.head.name, organization.head.name) == ("Demo Minister Alba", "Demo Secretary-General Eno")
    assert (government.liaison.name, organization.liaison.name) == ("Demo English Liaison", "Demo Spanish Liaison")
    assert (government.arrives_on, government.departs_on) == (date(2091, 11, 10), date(2091, 11, 11))
    assert list(government.members.values_list("registration__name", "is_interpreter", "principal__registration__name")) == [
        ("Demo Minister Alba", False, None), ("Demo Deputy Minister Brio", False, None),
        ("Demo Interpreter Cora", True, "Demo Minister Alba"), ("Demo Adviser Dario", False, None),
    ]
    assert set(Registration.objects.filter(delegation_membership__delegation__edition=edition).values_list("status", flat=True)) == {"approved"}
    assert all(r.credentials.filter(revoked_at__isnull=True).exists() for r in Registration.objects.filter(delegation_membership__delegation=government))
    states = dict(InvitationCard.objects.filter(item__session__key="demo-banquet", item__session__edition=edition).values_list("registration__name", "status"))
    assert states == {
        "Demo Minister Alba": "accepted", "Demo Deputy Minister Brio": "invited", "Demo Interpreter Cora": "accepted", "Demo Adviser Dario": "declined",
        "Demo Secretary-General Eno": "accepted", "Demo Director Faye": "substitute_proposed", "Demo Programme Officer Gil": "invited",
    }
    plan = SeatingPlan.objects.get(item__session__edition=edition)
    assert (plan.layout, list(plan.blocks.values_list("label", "seats", "is_head"))) == ("tables", [("1", 8, True), ("2", 10, False), ("3", 10, False)])
    seated = set(SeatAssignment.objects.filter(plan=plan).values_list("card__registration__name", flat=True))
    assert seated == {"Demo Minister Alba", "Demo Interpreter Cora", "Demo Secretary-General Eno"}


def test_demo_itinerary_shows_the_heads_keynote():
    from protocol.delegations import delegation_view

    edition = demo_world(volunteers=False)
    seed_demo_protocol(edition)
    with translation.override("en"):
        view = delegation_view(Delegation.objects.get(edition=edition, name_zh="演示国政府代表团").pk)
    lines = [(item.session.key, line.member, line.kind, line.label) for day in view.days for item in day.items for line in item.lines]
    assert ("demo-main-forum", "演示部长阿尔巴 Demo Minister Alba", "speaks", "Keynote") in lines
    assert ("demo-banquet", "演示部长阿尔巴 Demo Minister Alba", "card", "Accepted") in lines


def test_demo_twice_writes_the_same_rows():
    edition = demo_world(volunteers=True)
    seed_demo_protocol(edition)
    first = snapshot(edition)
    seed_demo_protocol(edition)
    assert snapshot(edition) == first
    assert (len(first["delegations"]), len(first["members"]), len(first["cards"]), len(first["seats"]), len(first["shifts"])) == (2, 7, 7, 3, 3)


def test_demo_without_volunteers_skips_the_liaisons():
    edition = demo_world(volunteers=False)
    seed_demo_protocol(edition)
    seed_demo_protocol(edition)
    assert list(Delegation.objects.filter(edition=edition).values_list("liaison", flat=True)) == [None, None]
    assert Delegation.objects.filter(edition=edition).count() == 2
