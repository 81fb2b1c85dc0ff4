"""Issue 28, a gate device's offline data: GET /api/v1/checkin-lists/ and
/api/v1/checkin-lists/{id}/offline/ (registration.offline, registration.offline_api).

The round trip: download with the gate's scan token, judge scans on the "device" (offline.judge,
the reference a device implements), upload them to POST /api/v1/checkins/ with their own nonce
and time, and the server answers what the device decided. Then deltas (`since`), the ETag,
fingerprints that never reveal a secret, refusals with their codes, and the queries."""
import hashlib
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration import offline, services
from registration.models import Checkin, CheckinList, Credential, Invitation
from tests.factories import EditionFactory, SessionFactory
from tests.registration.test_services_and_pages import guest
from tests.wic.test_cache_outage import cache_down  # noqa: F401 - a fixture
from wic import roles
from wic.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

BEIJING = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING)


def approved(edition, n: int, **overrides):
    registration = services.registration_create(edition=edition, data=guest(name=f"Guest {n}", email=f"guest{n}@example.org", **overrides))
    services.registration_decide(registration=registration, status="approved", actor=None)
    return registration


@pytest.fixture
def world(django_user_model):
    """Edition 2099: a gate list for 11-10 and a banquet's list; five approved guests: `ok`
    (nothing yet), `admitted` (already through the gate), `revoked` (credential re-issued: the
    old code is revoked), `withdrawn` (approved, then set back to pending), `invited` (accepted
    the banquet), plus `awaiting` and `declined` banquet invitations. A gate user with a scan token."""
    edition = EditionFactory(year=2099)
    guests = {name: approved(edition, n) for n, name in enumerate(["ok", "admitted", "revoked", "withdrawn", "invited", "awaiting", "declined"])}
    codes = {name: r.credentials.get().secret for name, r in guests.items()}
    codes["revoked_new"] = services.credential_reissue(registration=guests["revoked"], actor=None).secret
    guests["withdrawn"].status = "pending"
    guests["withdrawn"].save()
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口 11月10日", name_en="Main gate, Nov 10", kind="gate", day=DAY1.date())
    banquet = SessionFactory(edition=edition, title_zh="欢迎晚宴", kind="banquet", access="by_invitation")
    item = CheckinList.objects.create(edition=edition, name_zh="欢迎晚宴", kind="item", session=banquet)
    for name, rsvp in (("invited", "accepted"), ("awaiting", "awaiting"), ("declined", "declined")):
        Invitation.objects.create(registration=guests[name], session=banquet, rsvp=rsvp, seat_kind="table", seat_block="3", seat_number=5)
    staff = django_user_model.objects.create_user("gate-x")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    _token, key = token_create(user=staff)
    Checkin.objects.create(
        checkin_list=gate, credential=guests["admitted"].credentials.get(), raw_secret=codes["admitted"], nonce="n-before", result="ok",
        scanned_at=DAY1 - timedelta(minutes=20), user=staff, gate="东门 1",
    )
    return {"edition": edition, "guests": guests, "codes": codes, "gate": gate, "item": item, "staff": staff, "key": key}


def get(api_client, world, path, **headers):
    return api_client.get(path, HTTP_AUTHORIZATION=f"Token {world['key']}", **headers)


def download(api_client, world, list_key="gate", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = get(api_client, world, f"/api/v1/checkin-lists/{world[list_key].pk}/offline/" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content
    return response


def upload(api_client, world, list_key, code, at, type="entry"):
    response = api_client.post(
        "/api/v1/checkins/", {"list": world[list_key].pk, "secret": code, "nonce": uuid.uuid4().hex, "scanned_at": at.isoformat(), "type": type},
        format="json", HTTP_AUTHORIZATION=f"Token {world['key']}",
    )
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_judged_offline_then_uploaded_the_server_answers_what_the_device_decided(api_client, world):
    codes = world["codes"]
    gate_data = download(api_client, world, "gate").json()
    item_data = download(api_client, world, "item").json()
    later = DAY1 + timedelta(minutes=5)
    scans = [  # (list, code as scanned or typed, when, type, what the device must decide)
        ("gate", codes["ok"], DAY1, "entry", "ok"),
        ("gate", " ".join(codes["ok"][i:i + 4] for i in range(0, 28, 4)).lower(), later, "entry", "already_checked_in"),  # typed, grouped
        ("gate", codes["admitted"], DAY1, "entry", "already_checked_in"),
        ("gate", codes["revoked"], DAY1, "entry", "revoked"),
        ("gate", codes["revoked_new"], DAY1, "entry", "ok"),
        ("gate", codes["withdrawn"], DAY1, "entry", "not_approved"),
        ("gate", codes["invited"], DAY1 + timedelta(days=1), "entry", "wrong_day"),
        ("gate", "NOSUCHCODE2345678923456789AB", DAY1, "entry", "invalid"),
        ("gate", codes["admitted"], later, "exit", "ok"),
        ("item", codes["invited"], DAY1, "entry", "ok"),
        ("item", codes["awaiting"], DAY1, "entry", "not_invited"),
        ("item", codes["declined"], DAY1, "entry", "not_invited"),
        ("item", codes["ok"], DAY1, "entry", "not_invited"),
        ("item", codes["invited"], later, "exit", "invalid"),
    ]
    admitted_here = {"gate": set(), "item": set()}
    decided = []
    for list_key, code, at, type, expected in scans:
        data = gate_data if list_key == "gate" else item_data
        result = offline.judge(data, code, scanned_at=at, type=type, admitted_here=admitted_here[list_key])
        if result == "ok" and type == "entry":
            admitted_here[list_key].add(offline.fingerprint(data["salt"], code))
        decided.append(result)
    assert decided == [s[-1] for s in scans]
    uploaded = [upload(api_client, world, list_key, code, at, type) for list_key, code, at, type, _expected in scans]
    assert uploaded == decided


def test_the_data_holds_fingerprints_never_secrets_and_what_each_guest_needs(api_client, world):
    response = download(api_client, world, "item")
    body = response.content.decode()
    for code in world["codes"].values():
        assert code not in body
    data = response.json()
    salt = data["salt"]
    assert len(salt) == 32 and salt != download(api_client, world, "gate").json()["salt"]  # a salt per list
    by_print = {e["fingerprint"]: e for e in data["credentials"]}
    invited = by_print[hashlib.sha256(f"{salt}:{world['codes']['invited']}".encode()).hexdigest()]
    assert invited == {
        "fingerprint": invited["fingerprint"], "state": "active", "approved": True, "reference": world["guests"]["invited"].reference,
        "name": "Guest 4", "name_zh": "", "organization": "Ministry of Communications", "category": "government", "admitted_at": None,
        "invitation": {"rsvp": "accepted", "seat": "第3桌 · 5号座"},  # in the request's language (a gate works in Chinese here)
    }
    assert by_print[offline.fingerprint(salt, world["codes"]["revoked"])] == {"fingerprint": offline.fingerprint(salt, world["codes"]["revoked"]), "state": "revoked"}
    assert len(data["credentials"]) == 8  # seven guests' active credentials and the revoked one
    assert (data["format"], data["full"], data["since"], data["removed"]) == (1, True, None, [])
    assert data["list"] == {"id": world["item"].pk, "edition": 2099, "kind": "item", "name_zh": "欢迎晚宴", "name_en": "", "day": None, "session": world["item"].session_id}
    gate = download(api_client, world, "gate").json()
    admitted = {e["fingerprint"]: e for e in gate["credentials"]}[offline.fingerprint(gate["salt"], world["codes"]["admitted"])]
    assert admitted["admitted_at"] == "2099-11-10T08:10:00+08:00" and "invitation" not in admitted


def test_the_etag_is_the_version_and_a_matching_if_none_match_is_304(api_client, world):
    first = download(api_client, world)
    assert first["ETag"] == f'"{first.json()["version"]}"' and first["Cache-Control"] == "private, no-cache"
    again = get(api_client, world, f"/api/v1/checkin-lists/{world['gate'].pk}/offline/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    upload(api_client, world, "gate", world["codes"]["ok"], DAY1)
    changed = get(api_client, world, f"/api/v1/checkin-lists/{world['gate'].pk}/offline/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_delta_holds_exactly_what_changed_whatever_changed_it(api_client, world):
    held = download(api_client, world, "item").json()
    guests = world["guests"]
    upload(api_client, world, "item", world["codes"]["invited"], DAY1)  # an admission at another device
    Invitation.objects.filter(registration=guests["awaiting"]).update(rsvp="accepted")  # answered (no save(): still seen)
    guests["ok"].name = "Guest Zero"
    guests["ok"].save()  # renamed
    services.credential_reissue(registration=guests["declined"], actor=None)  # old code revoked, a new one
    newcomer = approved(world["edition"], 9)
    gone = guests["withdrawn"].credentials.get()
    Credential.objects.filter(pk=gone.pk).delete()

    delta = download(api_client, world, "item", since=held["version"]).json()
    salt = held["salt"]
    prints = {name: offline.fingerprint(salt, code) for name, code in world["codes"].items()}
    declined_new = offline.fingerprint(salt, guests["declined"].credentials.get(revoked_at__isnull=True).secret)
    newcomer_print = offline.fingerprint(salt, newcomer.credentials.get().secret)
    assert (delta["full"], delta["since"]) == (False, held["version"])
    assert sorted(e["fingerprint"] for e in delta["credentials"]) == sorted(
        [prints["invited"], prints["awaiting"], prints["ok"], prints["declined"], declined_new, newcomer_print]
    )
    assert delta["removed"] == [prints["withdrawn"]]
    now_whole = download(api_client, world, "item").json()
    assert offline.apply_delta(held, delta)["credentials"] == now_whole["credentials"]
    assert delta["version"] == now_whole["version"]
    nothing = download(api_client, world, "item", since=now_whole["version"]).json()
    assert (nothing["full"], nothing["credentials"], nothing["removed"]) == (False, [], [])


def test_an_unknown_version_or_the_cache_down_gives_the_whole_data(api_client, world, cache_down):  # noqa: F811
    data = download(api_client, world, since="ab" * 16).json()
    assert (data["full"], data["since"], len(data["credentials"])) == (True, None, 8)


def test_an_unknown_version_gives_the_whole_data(api_client, world):
    data = download(api_client, world, since="0" * 32).json()
    assert (data["full"], data["since"], len(data["credentials"])) == (True, None, 8)


@pytest.mark.parametrize(
    ("since", "code"),
    [("../x", "invalid_since"), ("٣٣", "invalid_since"), ("AB", "invalid_since"), ("a" * 65, "invalid_since"), ("a b", "invalid_since"),
     ("a\x00", "invalid_characters")],  # a NUL is refused before any view reads the request (wic.inputs)
)
def test_a_since_that_is_no_version_is_refused(api_client, world, since, code):
    response = api_client.get(f"/api/v1/checkin-lists/{world['gate'].pk}/offline/", {"since": since}, HTTP_AUTHORIZATION=f"Token {world['key']}")
    assert (response.status_code, response.json()["code"]) == (400, code)
    if code == "invalid_since":
        assert list(response.json()["errors"]) == ["since"]


def test_a_rosters_list_is_not_offered_offline(api_client, world):
    roster = CheckinList.objects.create(edition=world["edition"], name_zh="接站 1", kind="roster", roster="pickup_run")
    response = get(api_client, world, f"/api/v1/checkin-lists/{roster.pk}/offline/")
    assert (response.status_code, response.json()["code"]) == (409, "offline_not_supported")


def test_who_may_download(api_client, world, django_user_model):
    path = f"/api/v1/checkin-lists/{world['gate'].pk}/offline/"
    assert api_client.get(path).status_code == 401
    attendee = django_user_model.objects.create_user("attendee-x")
    api_client.force_authenticate(attendee)
    assert (api_client.get(path).status_code, api_client.get(path).json()["code"]) == (403, "permission_denied")
    api_client.force_authenticate(None)
    assert get(api_client, world, path).status_code == 200
    assert get(api_client, world, "/api/v1/checkin-lists/999999/offline/").status_code == 404


def test_the_lists_filtered_by_edition_day_and_kind(api_client, world):
    other = EditionFactory(year=2098)
    CheckinList.objects.create(edition=other, name_zh="旧主入口", kind="gate", day=DAY1.date().replace(year=2098))
    every = get(api_client, world, "/api/v1/checkin-lists/?edition=2099").json()
    assert [(r["id"], r["kind"], r["day"]) for r in every["results"]] == [(world["gate"].pk, "gate", "2099-11-10"), (world["item"].pk, "item", None)]
    assert get(api_client, world, "/api/v1/checkin-lists/?edition=2099&kind=item").json()["count"] == 1
    assert [r["id"] for r in get(api_client, world, "/api/v1/checkin-lists/?day=2099-11-10").json()["results"]] == [world["gate"].pk]
    one = get(api_client, world, f"/api/v1/checkin-lists/{world['gate'].pk}/").json()
    assert one == {"id": world["gate"].pk, "edition": 2099, "kind": "gate", "name_zh": "主入口 11月10日", "name_en": "Main gate, Nov 10", "day": "2099-11-10", "session": None}
    bad = get(api_client, world, "/api/v1/checkin-lists/?day=2099-13-40")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


@pytest.mark.parametrize("list_key", ["gate", "item"])
def test_the_download_costs_the_same_queries_for_few_and_many_guests(api_client, world, list_key):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            download(api_client, world, list_key)
        return len(queries)

    few = count()
    for n in range(20, 45):
        approved(world["edition"], n)
    assert count() == few == (4 if list_key == "gate" else 5)  # the token and user; the list; admissions; (invitations); credentials


def test_the_lists_cost_the_same_queries_for_few_and_many(api_client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert get(api_client, world, "/api/v1/checkin-lists/").status_code == 200
        return len(queries)

    few = count()
    for day in range(11, 20):
        CheckinList.objects.create(edition=world["edition"], name_zh=f"主入口 11月{day}日", kind="gate", day=DAY1.date().replace(day=day))
    assert count() == few


def test_judge_normalizes_the_code_as_the_gate_does(world, api_client):
    data = download(api_client, world).json()
    code = world["codes"]["ok"]
    typed = "－".join(code[i:i + 7] for i in range(0, 28, 7)).lower()  # full-width dashes, lower case
    assert offline.fingerprint(data["salt"], typed) == offline.fingerprint(data["salt"], code)
    assert offline.judge(data, typed, scanned_at=DAY1) == "ok"
