"""The quota holds whatever arrives at once: 20 simultaneous recommendations, as real HTTP requests
against a live server (each thread with its own session and token), from a member with one place
left. PostgreSQL only: SQLite serializes writers, so it could not show the race.

Three runs: with the lock (exactly one 201); the negative control, lock off and the slot
constraint dropped (more than one 201: the test can see the race); and the database backstop
alone, lock off with the constraint in place (still exactly one 201)."""
import threading
import time

import pytest
import requests
from django.db import connection

from awards import services as award_services
from awards.models import Recommendation
from tests.awards.conftest import make_member, make_programme
from tests.conftest import requires_postgres
from tests.factories import EditionFactory, OrganizationFactory
from wic.tokens import token_create

CLIENTS = 20


def _setup(django_user_model):
    """A programme open now and a member (tier "member", quota 5) that has used 4 places."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    programme = make_programme(EditionFactory(), opens=now - timedelta(days=1), closes=now + timedelta(days=1))
    member, user = make_member("member", django_user_model)
    for _index in range(4):
        award_services.recommendation_create(programme=programme, member=member, enterprise=OrganizationFactory(kind="enterprise"), actor=user)
    targets = [OrganizationFactory(kind="enterprise") for _ in range(CLIENTS)]
    token = token_create(user=user)[1]
    return programme, member, targets, token


def _fire(live_server, programme, targets, token) -> list[tuple[int, str]]:
    barrier = threading.Barrier(CLIENTS)
    answers = []
    lock = threading.Lock()

    def client(enterprise):
        with requests.Session() as session:
            session.headers.update({"Authorization": f"Token {token}", "Accept-Language": "en"})
            barrier.wait()
            response = session.post(
                f"{live_server.url}/api/v1/recommendations/", json={"programme": programme.pk, "enterprise": enterprise.pk}, timeout=60
            )
            body = response.json()
            with lock:
                answers.append((response.status_code, body.get("code", "")))

    threads = [threading.Thread(target=client, args=(enterprise,)) for enterprise in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return answers


@pytest.fixture
def decisions(monkeypatch):
    """Counts how many requests judged a place free, and holds each a moment after judging, to
    widen the window between counting and writing."""
    judged_free = []
    real = award_services._free_slot

    def slow_free_slot(*args):
        result = real(*args)
        judged_free.append(1)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(award_services, "_free_slot", slow_free_slot)
    return judged_free


def _slot_constraint():
    return next(c for c in Recommendation._meta.constraints if c.name == "award_recommendation_slot_once")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_recommendations_with_one_place_left_one_succeeds(live_server, django_user_model, decisions):
    programme, member, targets, token = _setup(django_user_model)
    decisions.clear()
    answers = _fire(live_server, programme, targets, token)
    assert sorted(answers) == [(201, "")] + [(409, "quota_exceeded")] * (CLIENTS - 1)
    assert len(decisions) == 1  # the lock serialized the counting: only one request ever saw a free place
    assert Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True).count() == 5


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_lock_and_constraint_the_quota_is_exceeded(live_server, django_user_model, decisions, monkeypatch):
    monkeypatch.setattr(award_services, "LOCK_QUOTA", False)
    with connection.schema_editor() as editor:
        editor.remove_constraint(Recommendation, _slot_constraint())
    try:
        successes = 0
        for _round in range(3):  # the race is timing; a few rounds make a miss vanishingly unlikely
            programme, member, targets, token = _setup(django_user_model)
            answers = _fire(live_server, programme, targets, token)
            successes = sum(1 for status, _code in answers if status == 201)
            if successes > 1:
                break
        assert successes > 1  # the test sees the race when nothing prevents it
        assert Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True).count() == 4 + successes
    finally:
        Recommendation.objects.all().delete()  # rows that break the constraint would stop it coming back
        with connection.schema_editor() as editor:
            editor.add_constraint(Recommendation, _slot_constraint())


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_slot_constraint_still_admits_one(live_server, django_user_model, decisions, monkeypatch):
    monkeypatch.setattr(award_services, "LOCK_QUOTA", False)
    programme, member, targets, token = _setup(django_user_model)
    decisions.clear()
    answers = _fire(live_server, programme, targets, token)
    assert len(decisions) > 1  # several requests counted a free place at once...
    assert sorted(answers) == [(201, "")] + [(409, "quota_exceeded")] * (CLIENTS - 1)  # ...and the database admitted one
    assert Recommendation.objects.filter(programme=programme, member=member, withdrawn_at__isnull=True).count() == 5
