import json
import os
import random
import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from registration import checkin as checkin_module
from registration import services
from registration.checkin import checkin_scan
from registration.models import Checkin, CheckinList, Invitation
from tests.conftest import requires_postgres
from tests.factories import EditionFactory, SessionFactory, make_organizer
from tests.registration.test_services_and_pages import guest
from wic import roles
from wic.errors import DomainError

BEIJING = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING)


def nonce():
    return str(uuid.uuid4())


@pytest.fixture
def setup(db, django_user_model):
    edition = EditionFactory(year=2099)
    registration = services.registration_create(edition=edition, data=guest())
    services.registration_decide(registration=registration, status="approved", actor=None)
    credential = registration.credentials.get()
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口 11月10日", kind="gate", day=DAY1.date())
    banquet = SessionFactory(edition=edition, title_zh="欢迎晚宴", kind="banquet", access="by_invitation")
    item = CheckinList.objects.create(edition=edition, name_zh="欢迎晚宴", kind="item", session=banquet)
    staff = django_user_model.objects.create_user("gate-x", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return {"edition": edition, "registration": registration, "credential": credential, "gate": gate, "item": item, "staff": staff, "banquet": banquet}


def scan(s, secret=None, list_key="gate", **kwargs):
    kwargs.setdefault("scanned_at", DAY1)
    return checkin_scan(checkin_list=s[list_key], secret=secret or s["credential"].secret, nonce=kwargs.pop("nonce", nonce()), user=s["staff"], **kwargs)


def test_ok_then_already_checked_in_with_when_and_where(setup):
    first = scan(setup, gate="东门 2", device="phone-A")
    assert first.result == "ok"
    assert first.as_dict()["guest"] == {"name": "Maria Silva", "name_zh": "", "organization": "Ministry of Communications", "country": "BR", "category": "government"}
    again = scan(setup, gate="West gate", device="phone-B")
    assert again.result == "already_checked_in"
    assert again.as_dict()["first_scan"] == {"at": "2099-11-10T08:30:00+08:00", "gate": "东门 2", "device": "phone-A", "by": setup["staff"].pk}
    assert Checkin.objects.filter(result="ok").count() == 1
    assert list(Checkin.objects.order_by("id").values_list("gate", "device", "result")) == [
        ("东门 2", "phone-A", "ok"), ("West gate", "phone-B", "already_checked_in"),
    ]


def test_api_keeps_the_gate_and_answers_with_it(setup, api_client):
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "scanned_at": DAY1.isoformat(), "device": "phone-A"}
    first = api_client.post("/api/v1/checkins/", {**body, "nonce": nonce(), "gate": "  东门 2 "}, format="json")
    assert (first.status_code, first.json()["result"]) == (200, "ok")
    again = api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json")  # gate left out: ""
    assert again.json()["first_scan"]["gate"] == "东门 2"
    assert list(Checkin.objects.order_by("id").values_list("gate", flat=True)) == ["东门 2", ""]
    too_long = api_client.post("/api/v1/checkins/", {**body, "nonce": nonce(), "gate": "x" * 101}, format="json")
    assert (too_long.status_code, too_long.json()["errors"]["gate"][0]["code"]) == (400, "max_length")
    assert Checkin.objects.count() == 2


def test_exit_is_recorded_on_gate_lists(setup):
    scan(setup)
    assert scan(setup, type="exit").result == "ok"
    assert scan(setup, list_key="item", type="exit").result == "invalid"


def test_revoked_secret(setup):
    old = setup["credential"].secret
    new = services.credential_reissue(registration=setup["registration"], actor=None)
    assert scan(setup, secret=old).result == "revoked"
    assert scan(setup, secret=new.secret).result == "ok"


def test_not_approved_wrong_day_invalid(setup):
    setup["registration"].status = "pending"
    setup["registration"].save()
    assert scan(setup).result == "not_approved"
    setup["registration"].status = "approved"
    setup["registration"].save()
    assert scan(setup, scanned_at=datetime(2099, 11, 11, 9, 0, tzinfo=BEIJING)).result == "wrong_day"
    assert scan(setup, secret="NOSUCHCODE").result == "invalid"


def test_invitation_only_item(setup):
    assert scan(setup, list_key="item").result == "not_invited"
    Invitation.objects.create(registration=setup["registration"], session=setup["banquet"])
    assert scan(setup, list_key="item").result == "ok"


def test_same_nonce_returns_the_first_answer_and_writes_nothing(setup):
    n = nonce()
    assert scan(setup, nonce=n).result == "ok"
    count = Checkin.objects.count()
    assert scan(setup, nonce=n).result == "ok"
    assert Checkin.objects.count() == count


def test_a_reused_nonce_answers_only_the_same_scan(setup):
    """Issue 19: a replayed nonce returned the first scan's guest whatever list or secret came
    with it. The same nonce, list and secret is a retry (the first answer); anything else is
    `nonce_reused` and writes nothing."""
    n = nonce()
    assert scan(setup, nonce=n).result == "ok"
    assert scan(setup, nonce=n, secret=f"  {setup['credential'].secret.lower()} ").result == "ok"  # the same secret, as typed
    for other in ({"secret": "SOMEONEELSE"}, {"list_key": "item"}, {"type": "exit"}):
        with pytest.raises(DomainError) as error:
            scan(setup, nonce=n, **other)
        assert (error.value.code, error.value.status, error.value.field) == ("nonce_reused", 409, "nonce"), other
    assert Checkin.objects.count() == 1


def test_api_answers_a_reused_nonce_409_without_the_guest(setup, api_client):
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": DAY1.isoformat()}
    assert api_client.post("/api/v1/checkins/", body, format="json").json()["result"] == "ok"
    retry = api_client.post("/api/v1/checkins/", body, format="json")
    assert (retry.status_code, retry.json()["result"], retry.json()["guest"]["name"]) == (200, "ok", "Maria Silva")
    probe = api_client.post("/api/v1/checkins/", {**body, "secret": "GUESSED"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (probe.status_code, probe.json()["code"]) == (409, "nonce_reused")
    assert "guest" not in probe.json() and "Maria" not in probe.content.decode()
    assert probe.json()["errors"]["nonce"][0]["code"] == "nonce_reused"
    assert Checkin.objects.count() == 1


def test_a_live_scan_never_displaces_the_admission(setup):
    """A scan without a time is stamped by the server under the lock and never takes an
    admission's place, even one recorded with a later time (issue 19: a live scan stamped before
    the lock, then waiting on it, took the place of the admission made meanwhile: two green
    answers). Offline uploads (with their time) still follow "earliest wins"."""
    from django.utils import timezone

    today = CheckinList.objects.create(edition=setup["edition"], name_zh="今天的入口", kind="gate", day=timezone.localdate())
    admitted = checkin_scan(checkin_list=today, secret=setup["credential"].secret, nonce=nonce(), user=setup["staff"], device="phone-A",
                            scanned_at=timezone.now() + timedelta(seconds=2))
    live = checkin_scan(checkin_list=today, secret=setup["credential"].secret, nonce=nonce(), user=setup["staff"], device="phone-B")
    assert (admitted.result, live.result, live.first.device) == ("ok", "already_checked_in", "phone-A")
    assert live.checkin.scanned_at >= timezone.now() - timedelta(seconds=5)  # stamped by the server
    assert list(Checkin.objects.filter(checkin_list=today, result="ok").values_list("device", flat=True)) == ["phone-A"]
    assert not Checkin.objects.filter(reconciled_at__isnull=False).exists()


def test_every_scan_is_kept(setup):
    scan(setup)
    scan(setup)
    scan(setup, secret="BAD")
    assert list(Checkin.objects.order_by("id").values_list("result", "user__username")) == [
        ("ok", "gate-x"), ("already_checked_in", "gate-x"), ("invalid", "gate-x"),
    ]


def test_api_scan_and_permissions(setup, api_client, django_user_model):
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret.lower(), "nonce": nonce(), "scanned_at": "2099-11-10T08:30:00+08:00"}
    assert api_client.post("/api/v1/checkins/", body, format="json").status_code == 401
    attendee = django_user_model.objects.create_user("attendee-y")
    api_client.force_authenticate(attendee)
    denied = api_client.post("/api/v1/checkins/", body, format="json")
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    api_client.force_authenticate(setup["staff"])
    response = api_client.post("/api/v1/checkins/", body, format="json")
    assert (response.status_code, response.json()["result"]) == (200, "ok")
    replay = api_client.post("/api/v1/checkins/", body, format="json")
    assert replay.json()["result"] == "ok" and Checkin.objects.count() == 1
    bad = api_client.post("/api/v1/checkins/", {**body, "list": 999999, "nonce": nonce()}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (bad.status_code, bad.json()["code"], bad.json()["errors"]["list"][0]) == (
        400, "invalid", {"code": "does_not_exist", "message": 'Invalid pk "999999" - object does not exist.'},
    )
    for value, code in ((2**63, "does_not_exist"), ("gate", "incorrect_type"), (True, "incorrect_type"), ([1], "incorrect_type")):
        refused = api_client.post("/api/v1/checkins/", {**body, "list": value, "nonce": nonce()}, format="json")
        assert (refused.status_code, refused.json()["errors"]["list"][0]["code"]) == (400, code), value
    assert Checkin.objects.count() == 1  # a scan on no list writes nothing


def test_service_takes_the_list_or_its_id(setup):
    assert scan(setup, list_key="gate").result == "ok"
    by_id = checkin_scan(checkin_list=setup["gate"].pk, secret=setup["credential"].secret, nonce=nonce(), user=setup["staff"], scanned_at=DAY1)
    assert (by_id.result, by_id.checkin.checkin_list.name_zh, by_id.first.device) == ("already_checked_in", "主入口 11月10日", "")
    with pytest.raises(CheckinList.DoesNotExist):
        checkin_scan(checkin_list=999999, secret=setup["credential"].secret, nonce=nonce(), user=setup["staff"], scanned_at=DAY1)
    assert Checkin.objects.count() == 2


def test_scan_does_not_enter_the_audit_trail_context(setup, api_client, monkeypatch):
    """A scan writes only Checkin rows, which the trail does not record, so it skips auditlog's
    per-request context (wic.audit.AuditlogMiddleware); every other request enters it."""
    import auditlog.middleware

    entered = []
    real = auditlog.middleware.set_extra_data

    def spy(context_data):
        entered.append(context_data["actor"])
        return real(context_data)

    monkeypatch.setattr(auditlog.middleware, "set_extra_data", spy)
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": "2099-11-10T08:30:00+08:00"}
    assert api_client.post("/api/v1/checkins/", body, format="json").json()["result"] == "ok"
    assert entered == []
    assert api_client.get("/api/v1/editions/").status_code == 200
    assert len(entered) == 1


def _race(setup, lock: bool, monkeypatch) -> tuple[list[str], int]:
    """20 simultaneous scans of one secret with different nonces. Returns the results and how many
    scans the decision itself judged admissible (before the database constraint)."""
    monkeypatch.setattr(checkin_module, "LOCK_CREDENTIAL", lock)
    decided_ok = []
    real_decide = checkin_module._decide

    def slow_decide(*args, **kwargs):
        result = real_decide(*args, **kwargs)
        time.sleep(0.05)  # widen the window between reading and writing
        if result[0] == "ok":
            decided_ok.append(1)
        return result

    monkeypatch.setattr(checkin_module, "_decide", slow_decide)
    barrier = threading.Barrier(20)
    results = []

    def worker():
        from django.db import connection

        try:
            barrier.wait()
            results.append(scan(setup).result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, len(decided_ok)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_scans_admit_once(setup, monkeypatch):
    results, decided_ok = _race(setup, lock=True, monkeypatch=monkeypatch)
    assert sorted(results) == ["already_checked_in"] * 19 + ["ok"]
    assert decided_ok == 1  # the lock serialized the decisions


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_lock_the_race_is_real(setup, monkeypatch):
    results, decided_ok = _race(setup, lock=False, monkeypatch=monkeypatch)
    assert decided_ok > 1  # several scans judged themselves first: the test can see the race...
    assert results.count("ok") == 1  # ...and the database constraint still admits only one


BURSTS, SCANS_PER_BURST = 50, 16


def _bursts(setup, monkeypatch) -> list[list[str]]:
    """BURSTS bursts of SCANS_PER_BURST simultaneous live scans (no time sent: the server stamps
    them) of one credential, each scan with its own nonce and gate, each burst on a gate list of
    its own for today. Real threads, one connection each, released together by a barrier; a
    random wait of up to 4 ms between a request's arrival and its lock shuffles the order in
    which they reach the lock. Returns the results of each burst."""
    from django.db import connection
    from django.utils import timezone

    lists = [CheckinList.objects.create(edition=setup["edition"], name_zh=f"闸口 {b}", kind="gate", day=timezone.localdate()) for b in range(BURSTS)]
    real = checkin_module._list_and_credential

    def jittered(*args, **kwargs):
        time.sleep(random.uniform(0, 0.004))
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin_module, "_list_and_credential", jittered)
    barrier = threading.Barrier(SCANS_PER_BURST)
    results = [[] for _ in lists]
    errors = []

    def worker(n):
        try:
            for b, checkin_list in enumerate(lists):
                barrier.wait(timeout=30)
                answer = checkin_scan(checkin_list=checkin_list.pk, secret=setup["credential"].secret, nonce=nonce(), user=setup["staff"], gate=f"东门 {n}")
                results[b].append(answer.result)
        except BaseException as error:  # noqa: BLE001 - reported below, and the others must not wait forever
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(SCANS_PER_BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and all(len(r) == SCANS_PER_BURST for r in results), errors
    assert Checkin.objects.filter(checkin_list__in=lists, result="ok").count() == BURSTS  # the constraint: one admission per list
    return results


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_live_scans_answer_ok_exactly_once_per_burst(setup, monkeypatch):
    """Issue 19: in 7 of 23 bursts of 20 simultaneous scans, 2-3 gates got a green answer. Now
    exactly one scan of each burst is answered ok, however they interleave, and the admission is
    that scan (no reconciliation demoted it)."""
    results = _bursts(setup, monkeypatch)
    assert [r.count("ok") for r in results] == [1] * BURSTS
    assert [sorted(set(r)) for r in results] == [["already_checked_in", "ok"]] * BURSTS
    assert not Checkin.objects.filter(reconciled_at__isnull=False).exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_stamped_before_the_lock_gates_get_two_greens(setup, monkeypatch):
    """The same bursts with the time taken before the lock and taking part in "earliest wins"
    (the code issue 19 found): some scan that waited on the lock carries an earlier time than the
    admission made meanwhile and takes its place, so a burst has two or more ok answers. Shows
    that the test above can see the fault it guards against."""
    monkeypatch.setattr(checkin_module, "STAMP_UNDER_LOCK", False)
    results = _bursts(setup, monkeypatch)
    assert max(r.count("ok") for r in results) >= 2
    assert Checkin.objects.filter(reconciled_at__isnull=False).exists()


def test_checkin_page_for_gate_staff_only(setup, client, django_user_model):
    assert client.get("/checkin/")["Location"].startswith("/accounts/login/")
    client.force_login(django_user_model.objects.create_user("attendee-z"))
    assert client.get("/checkin/").status_code == 403
    client.force_login(setup["staff"])
    response = client.get("/checkin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [l.name_zh for l in response.context["lists"]] == ["主入口 11月10日", "欢迎晚宴"]
    assert 'data-api="/api/v1/checkins/"' in response.content.decode()


def test_checkin_page_names_codes_in_the_page_language_and_preselects_todays_gate(setup, client):
    from django.utils import timezone

    today = CheckinList.objects.create(edition=setup["edition"], name_zh="主入口 今天", kind="gate", day=timezone.localdate())
    client.force_login(setup["staff"])
    for language, brazil, government, gate_label in (("en", "Brazil", "Government", "Gate"), ("zh-hans", "巴西", "政府", "闸口")):
        response = client.get("/checkin/", HTTP_ACCEPT_LANGUAGE=language)
        page = response.content.decode()
        names = json.loads(page.split('<script id="checkin-names" type="application/json">')[1].split("</script>")[0])
        assert (names["countries"]["BR"], names["categories"]["government"]) == (brazil, {"label": government, "colour": "#C62828"})
        assert len(names["countries"]) == 249 and len(names["categories"]) == 7
        assert f'<label for="checkin-gate">{gate_label}</label>' in page
        assert re.findall(r'<option value="(\d+)" selected>', page) == [str(today.pk)]


@pytest.mark.parametrize("model", ["credential", "checkinlist", "invitation", "checkin"])
def test_checkin_admin_changelists_have_constant_queries(setup, admin_client_logged, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_logged.get(f"/admin/registration/{model}/").status_code == 200
        return len(ctx.captured_queries)

    scan(setup)
    Invitation.objects.create(registration=setup["registration"], session=setup["banquet"])
    few = count()
    for i in range(4):
        r = services.registration_create(edition=setup["edition"], data=guest(email=f"g{i}@example.org"))
        services.registration_decide(registration=r, status="approved", actor=None)
        Invitation.objects.create(registration=r, session=setup["banquet"])
        CheckinList.objects.create(edition=setup["edition"], name_zh=f"入口{i}", kind="gate", day=DAY1.date())
        checkin_scan(checkin_list=setup["gate"], secret=r.credentials.get().secret, nonce=nonce(), user=setup["staff"], scanned_at=DAY1)
    assert count() == few


def test_reissue_action_in_the_admin(setup, admin_client_logged):
    old = setup["credential"].secret
    response = admin_client_logged.post("/admin/registration/registration/", {"action": "reissue_credential", "_selected_action": [setup["registration"].pk]}, follow=True)
    assert response.status_code == 200
    assert scan(setup, secret=old).result == "revoked"


def test_failed_scans_are_rate_limited_with_the_wait(setup, api_client):
    from django.core.cache import cache

    cache.clear()
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "scanned_at": "2099-11-10T08:30:00+08:00"}
    for _ in range(20):
        assert api_client.post("/api/v1/checkins/", {**body, "secret": "GUESS", "nonce": nonce()}, format="json").json()["result"] == "invalid"
    blocked = api_client.post("/api/v1/checkins/", {**body, "secret": setup["credential"].secret, "nonce": nonce()}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (blocked.status_code, blocked.json()["code"], blocked["Retry-After"]) == (429, "too_many_failed_scans", "600")
    assert "wait 600 seconds" in blocked.json()["message"]
    cache.clear()


def test_invitations_by_person_and_by_category(setup, client):
    s = setup
    other = services.registration_create(edition=s["edition"], data=guest(email="gov2@example.org", name="Second Official"))
    services.registration_decide(registration=other, status="approved", actor=None)
    pending = services.registration_create(edition=s["edition"], data=guest(email="p@example.org", name="Pending One"))
    media = services.registration_create(edition=s["edition"], data=guest(email="m@example.org", name="Media One", category="media"))
    services.registration_decide(registration=media, status="approved", actor=None)
    s["registration"].refresh_from_db()
    assert services.invitations_create(session=s["banquet"], registrations=[s["registration"]]) == 1
    assert services.invitations_create(session=s["banquet"], category="government") == 1  # the second official; the first already had one
    assert set(Invitation.objects.filter(session=s["banquet"]).values_list("registration__name", flat=True)) == {"Maria Silva", "Second Official"}
    with pytest.raises(DomainError) as error:
        services.invitations_create(session=s["banquet"], registrations=[pending])
    assert (error.value.code, "Pending One" in error.value.message) == ("not_approved", True)
    open_item = SessionFactory(edition=s["edition"], access="open")
    with pytest.raises(DomainError) as error:
        services.invitations_create(session=open_item, registrations=[media])
    assert error.value.code == "not_invitation_only"
    unstated = SessionFactory(edition=s["edition"], access="not_stated")  # no rule stated: not invitation-only either
    with pytest.raises(DomainError) as error:
        services.invitations_create(session=unstated, registrations=[media])
    assert error.value.code == "not_invitation_only"
    # A closed-door meeting with no admission rule stated is invitation-only (issue 21: closed-door is a flag of its own).
    closed = SessionFactory(edition=s["edition"], access="not_stated", closed_door=True)
    media.refresh_from_db()
    assert services.invitations_create(session=closed, registrations=[media]) == 1
    html = client.get(f"/editions/2099/registration/{s['registration'].token}/").content.decode()
    assert "欢迎晚宴" in html


def test_invite_action_in_the_admin(setup, admin_client_logged):
    reg = setup["registration"]
    page = admin_client_logged.post("/admin/registration/registration/", {"action": "invite", "_selected_action": [reg.pk]})
    assert page.status_code == 200 and setup["banquet"] in list(page.context["sessions"])
    done = admin_client_logged.post(
        "/admin/registration/registration/",
        {"action": "invite", "_selected_action": [reg.pk], "apply": "1", "session": setup["banquet"].pk, "category": ""},
        follow=True,
    )
    assert done.status_code == 200
    assert Invitation.objects.filter(registration=reg, session=setup["banquet"]).count() == 1
    assert scan(setup, list_key="item").result == "ok"


@pytest.mark.parametrize("guests", [1, 5])
def test_live_view_counts_with_constant_queries(setup, client, django_user_model, guests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scan(setup)  # at a gate not named
    for i in range(guests - 1):
        r = services.registration_create(edition=setup["edition"], data=guest(email=f"live{i}@example.org", country="KE", category="media"))
        services.registration_decide(registration=r, status="approved", actor=None)
        gate = "东门 1" if i % 2 else "东门 2"
        checkin_scan(checkin_list=setup["gate"], secret=r.credentials.get().secret, nonce=nonce(), user=setup["staff"], scanned_at=DAY1, gate=gate)
    client.force_login(setup["staff"])
    assert client.get("/checkin/live/").status_code == 403  # gate staff are not organizers
    client.force_login(make_organizer("org-live"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/checkin/live/", HTTP_ACCEPT_LANGUAGE="en")
    assert len(ctx.captured_queries) == 8  # session, user, the organizer role, lists, and one aggregate each per list, category, country, gate
    rows = {l.name_zh: n for l, n in response.context["rows"]}
    assert rows["主入口 11月10日"] == guests
    expected = [("Government", 1)] + ([("Media", guests - 1)] if guests > 1 else [])
    assert sorted(response.context["per_category"]) == sorted(expected)
    assert response.context["per_gate"] == ([("东门 1", 2), ("东门 2", 2), ("(gate not named)", 1)] if guests == 5 else [("(gate not named)", 1)])


def test_offline_scan_earlier_than_the_admission_takes_its_place(setup):
    """First scan by time wins: a phone that was offline at 08:20 uploads after another gate
    admitted the guest online at 08:30; the 08:20 scan is the admission, the 08:30 one is not."""
    online = scan(setup, device="gate-online", scanned_at=DAY1)
    offline = scan(setup, device="gate-offline", scanned_at=DAY1.replace(minute=20))
    assert (online.result, offline.result) == ("ok", "ok")
    rows = [(c.device, c.result, c.reconciled_at is not None) for c in Checkin.objects.order_by("scanned_at")]
    assert rows == [("gate-offline", "ok", False), ("gate-online", "already_checked_in", True)]
    later = scan(setup, device="gate-later", scanned_at=DAY1.replace(minute=45))
    assert later.result == "already_checked_in"
    assert later.as_dict()["first_scan"]["device"] == "gate-offline"
    assert later.as_dict()["first_scan"]["at"] == "2099-11-10T08:20:00+08:00"


@pytest.mark.parametrize("upload_order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_offline_upload_order_does_not_change_who_was_first(setup, upload_order):
    times = [DAY1.replace(minute=m) for m in (10, 25, 40)]
    for index in upload_order:
        scan(setup, device=f"phone-{index}", scanned_at=times[index])
    assert list(Checkin.objects.order_by("scanned_at").values_list("device", "result")) == [
        ("phone-0", "ok"), ("phone-1", "already_checked_in"), ("phone-2", "already_checked_in"),
    ]
    assert Checkin.objects.filter(result="ok").count() == 1


def test_replayed_offline_scan_returns_its_first_answer(setup):
    n = nonce()
    assert scan(setup, nonce=n, scanned_at=DAY1.replace(minute=40)).result == "ok"
    assert scan(setup, scanned_at=DAY1.replace(minute=10)).result == "ok"  # earlier: takes the place
    replay = scan(setup, nonce=n, scanned_at=DAY1.replace(minute=40))
    assert replay.result == "already_checked_in"  # the stored answer, after reconciliation
    assert replay.as_dict()["first_scan"]["at"] == "2099-11-10T08:10:00+08:00"
    assert Checkin.objects.count() == 2


def test_scan_api_query_count_is_fixed(setup, api_client, django_assert_num_queries):
    """Token with the gate role (1), the list with the credential locked (1), its admission on
    the list (1), the INSERT (1); inside the test's transaction atomic() adds SAVEPOINT and
    RELEASE (2), where production sends BEGIN and COMMIT."""
    from wic.tokens import token_create

    _token, key = token_create(user=setup["staff"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "scanned_at": "2099-11-10T08:30:00+08:00"}
    with django_assert_num_queries(6):
        first = api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json")
    with django_assert_num_queries(6):
        again = api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json")
    assert (first.json()["result"], again.json()["result"]) == ("ok", "already_checked_in")


@requires_postgres
def test_scan_statements_are_prepared_once_per_connection(setup, api_client):
    """On PostgreSQL the scan's four fixed statements (token, list with credential, admission,
    INSERT) are prepared on the connection the first time and reused (wic.db.prepared_cursor), and
    the admission's generic plan finds the admission through the partial unique index: with the
    result and type as parameters it would scan every admission on the list."""
    from django.db import connection
    from wic.tokens import token_create

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, statement, cardinality(parameter_types) FROM pg_prepared_statements WHERE NOT from_sql ORDER BY prepare_time, name")
            return cursor.fetchall()

    before = prepared()
    _token, key = token_create(user=setup["staff"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "scanned_at": "2099-11-10T08:30:00+08:00"}
    results = [api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json").json()["result"] for _ in range(3)]
    assert results == ["ok", "already_checked_in", "already_checked_in"]
    new = [row for row in prepared() if row not in before]
    tables = [next(t for t in ("wic_apitoken", "registration_checkinlist", "FROM \"registration_checkin\"", "INSERT") if t in sql) for _, sql, _ in new]
    assert sorted(tables) == sorted(["wic_apitoken", "registration_checkinlist", "FROM \"registration_checkin\"", "INSERT"])
    admission, _, parameters = next(row for row, table in zip(new, tables) if table == "FROM \"registration_checkin\"")
    arguments = [str(setup["gate"].pk), str(setup["credential"].pk), "'ok'", "'entry'"][:parameters]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f'EXPLAIN EXECUTE "{admission}" ({", ".join(arguments)})')
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "checkin_one_admission_per_list" in plan, plan


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_scans_work_unprepared_when_prepared_statements_are_off(setup, api_client):
    """DATABASE_PREPARED_STATEMENTS=0 leaves the connection without a prepare threshold (as
    Django's default): the scan's statements then run unprepared, with the same answers. On a
    fresh connection, so nothing an earlier test prepared is counted."""
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    def threshold(value):
        code = "import json; from wic import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')))"
        env = {**os.environ, "DATABASE_PREPARED_STATEMENTS": value, "DJANGO_DEBUG": "1"}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR).stdout.strip()

    assert (threshold("1"), threshold("0")) == ("5", "null")

    def scan_twice():
        body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "scanned_at": "2099-11-10T08:30:00+08:00"}
        results = [api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json").json()["result"] for _ in range(2)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return results, cursor.fetchone()[0]

    api_client.force_authenticate(setup["staff"])
    connection.close()
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    try:
        assert scan_twice() == (["ok", "already_checked_in"], 0)
    finally:
        connection.close()  # the next test's connection has the settings' threshold again
    Checkin.objects.all().delete()
    assert scan_twice() == (["ok", "already_checked_in"], 3)  # the control: list with credential, admission, INSERT (no token: force_authenticate)
