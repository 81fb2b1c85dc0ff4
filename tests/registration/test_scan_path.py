"""The gate scan's short paths (issue 26, registration.checkin_api): the body checked by hand
(`scan_input`), the fixed JSON renderer, one cache round trip for the throttle and the failed-scan
count, the token read standing in for Django's connection health check. Each keeps the answers of
the generic path it replaces; these tests hold them to it."""
import uuid
from datetime import datetime

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from registration import checkin_api
from registration.checkin_api import ScanSerializer, scan_input
from registration.models import Checkin
from tests.conftest import requires_postgres
from tests.properties import pure
from tests.registration.test_checkin import nonce, setup  # noqa: F401 - the fixture
from wic import degraded

pytestmark = pytest.mark.django_db
TIME = "2099-11-10T08:30:00+08:00"


def serializer_answer(body):
    serializer = ScanSerializer(data=body)
    return dict(serializer.validated_data) if serializer.is_valid() else None


def body_of(**fields):
    return {"list": 7, "secret": "AB12CD34", "nonce": "n-1", **fields}


# -- scan_input: the usual body by hand, every other to the serializer ---------------------------------

@pytest.mark.parametrize("body", [
    body_of(),
    body_of(scanned_at=TIME, type="exit", gate="东门 1", device="phone-7"),
    body_of(secret="  ab12 cd34  ", nonce=" n-2 ", gate="  ", device=""),
    body_of(scanned_at="2099-11-10T00:30:00Z"),
    body_of(scanned_at="2099-11-10T08:30:00"),  # naive: Beijing time, as DRF reads it
    body_of(scanned_at="2099-11-10 08:30:00.123456+08:00"),
    body_of(secret="S" * 100, nonce="N" * 64, gate="G" * 100, device="D" * 100),
    body_of(list=-(2**63)), body_of(list=2**63 - 1), body_of(list=0),
    body_of(extra="ignored", another=[1, {"x": None}]),
    body_of(scanned_at=datetime(2099, 11, 10).isoformat()),
])
def test_scan_input_reads_the_usual_body_as_the_serializer_does(body):
    by_hand = scan_input(body)
    assert by_hand is not None
    assert by_hand == serializer_answer(body)


@pytest.mark.parametrize("body,field,value", [
    (body_of(list="7"), "list", 7), (body_of(list=" 7 "), "list", 7), (body_of(secret=5), "secret", "5"),
    (body_of(gate=12), "gate", "12"), (body_of(nonce=1.5), "nonce", "1.5"),
])
def test_valid_values_of_other_types_are_left_to_the_serializer_which_reads_them_as_before(body, field, value):
    assert scan_input(body) is None
    assert serializer_answer(body)[field] == value


# Bad input: (body, field, code); every one left to the serializer, which words it as before.
BAD = [
    ({"secret": "AB12", "nonce": "n"}, "list", "required"),
    ({"list": 7, "nonce": "n"}, "secret", "required"),
    ({"list": 7, "secret": "AB12"}, "nonce", "required"),
    (body_of(list=None), "list", "null"),
    (body_of(list="gate"), "list", "incorrect_type"),
    (body_of(list=True), "list", "incorrect_type"),
    (body_of(list=[7]), "list", "incorrect_type"),
    (body_of(list=7.5), "list", "incorrect_type"),
    (body_of(list=2**63), "list", "does_not_exist"),
    (body_of(list=-(2**63) - 1), "list", "does_not_exist"),
    (body_of(secret=""), "secret", "blank"),
    (body_of(secret=" \t "), "secret", "blank"),
    (body_of(secret=None), "secret", "null"),
    (body_of(secret=["AB12"]), "secret", "invalid"),
    (body_of(secret={"a": 1}), "secret", "invalid"),
    (body_of(secret=True), "secret", "invalid"),
    (body_of(secret="S" * 101), "secret", "max_length"),
    (body_of(nonce="N" * 65), "nonce", "max_length"),
    (body_of(nonce=""), "nonce", "blank"),
    (body_of(type="ENTRY"), "type", "invalid_choice"),
    (body_of(type=""), "type", "invalid_choice"),
    (body_of(type=None), "type", "null"),
    (body_of(gate="G" * 101), "gate", "max_length"),
    (body_of(device=None), "device", "null"),
    (body_of(scanned_at="yesterday"), "scanned_at", "invalid"),
    (body_of(scanned_at=""), "scanned_at", "invalid"),
    (body_of(scanned_at=None), "scanned_at", "null"),
    (body_of(scanned_at=1765000000), "scanned_at", "invalid"),
    (body_of(scanned_at="0001-01-01T00:00:00+08:00"), "scanned_at", "out_of_range"),
    (body_of(scanned_at="9999-12-31T23:59:59+08:00"), "scanned_at", "out_of_range"),
    (body_of(scanned_at="2099-13-01T00:00:00+08:00"), "scanned_at", "invalid"),
    (body_of(scanned_at="2000-01-01T00:00:00+08:00"), "scanned_at", "invalid"),  # a phone's unset clock: before any summit
    (body_of(secret="AB\x00"), "secret", "null_characters_not_allowed"),  # a form body's or a direct call's: JSON refuses it first (below)
    (body_of(gate="\ud800"), "gate", "surrogate_characters_not_allowed"),
]


@pytest.mark.parametrize("body,field,code", BAD)
def test_bad_input_is_left_to_the_serializer(body, field, code):
    serializer = ScanSerializer(data=body)
    assert scan_input(body) is None
    assert not serializer.is_valid()
    assert serializer.errors[field][0].code == code


@pytest.mark.parametrize("body,code", [([], "invalid"), ("scan", "invalid"), (7, "invalid"), (None, "null")])
def test_a_body_that_is_no_object_is_left_to_the_serializer(body, code):
    serializer = ScanSerializer(data=body)
    assert scan_input(body) is None
    assert not serializer.is_valid()
    assert serializer.errors["non_field_errors"][0].code == code


# Through the API: JSON cannot carry a NUL or a lone surrogate to the serializer (the parser refuses it
# first, below), and an id out of range is answered does_not_exist as an id of no list.
API_BAD = [
    (body, field, code) for body, field, code in BAD if code not in ("null_characters_not_allowed", "surrogate_characters_not_allowed")
] + [
    (body_of(list="\u0663\u0664"), "list", "does_not_exist"),  # Arabic-Indic digits: int() reads 34, a list that does not exist (as before)
    (body_of(list="\uff13\uff14"), "list", "does_not_exist"),  # full-width digits, likewise
    (body_of(list=999999), "list", "does_not_exist"),  # an id of no list: the service's answer, worded as the field's
]


@pytest.mark.parametrize("body,field,code", API_BAD)
def test_the_api_answers_bad_input_400_with_the_field_and_code(setup, api_client, body, field, code):  # noqa: F811
    api_client.force_authenticate(setup["staff"])
    response = api_client.post("/api/v1/checkins/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert (response.status_code, data["code"], data["errors"][field][0]["code"]) == (400, "invalid", code)
    assert data["message"] == f"Invalid input: {field}: {data['errors'][field][0]['message']}" == data["detail"]
    assert Checkin.objects.count() == 0


def test_the_api_answers_a_missing_list_and_bad_types_with_the_serializers_words(setup, api_client):  # noqa: F811
    api_client.force_authenticate(setup["staff"])
    answers = {
        repr(value): api_client.post("/api/v1/checkins/", body_of(list=value, nonce=nonce()), format="json", HTTP_ACCEPT_LANGUAGE="en").json()["errors"]["list"][0]
        for value in (999999, "gate", True, 2**63)
    }
    assert answers == {
        "999999": {"code": "does_not_exist", "message": 'Invalid pk "999999" - object does not exist.'},
        "'gate'": {"code": "incorrect_type", "message": "Incorrect type. Expected pk value, received str."},
        "True": {"code": "incorrect_type", "message": "Incorrect type. Expected pk value, received bool."},
        str(2**63): {"code": "does_not_exist", "message": f'Invalid pk "{2**63}" - object does not exist.'},
    }


def test_nul_and_lone_surrogates_are_refused_before_the_scan(setup, api_client):  # noqa: F811
    api_client.force_authenticate(setup["staff"])
    raw = '{"list": %d, "secret": "AB\\u0000", "nonce": "n-1"}' % setup["gate"].pk
    in_json = api_client.post("/api/v1/checkins/", raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    in_form = api_client.post("/api/v1/checkins/", f"list={setup['gate'].pk}&secret=AB%00&nonce=n-1", content_type="application/x-www-form-urlencoded")
    assert (in_json.status_code, in_json.json()["code"]) == (400, "invalid_characters")
    assert (in_form.status_code, in_form.json()["code"]) == (400, "invalid_characters")
    assert Checkin.objects.count() == 0


def test_a_form_body_and_a_string_id_are_scanned_as_before(setup, api_client):  # noqa: F811
    api_client.force_authenticate(setup["staff"])
    form = {"list": str(setup["gate"].pk), "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": TIME, "gate": "东门"}
    by_form = api_client.post("/api/v1/checkins/", form, format="multipart")
    by_json = api_client.post("/api/v1/checkins/", {**form, "nonce": nonce()}, format="json")
    assert (by_form.status_code, by_form.json()["result"], by_json.json()["result"]) == (200, "ok", "already_checked_in")
    assert by_json.json()["first_scan"]["gate"] == "东门"


TEXT = st.one_of(st.text(max_size=110), st.sampled_from(["", " ", "AB12", " ab 12 ", "entry", "exit", "东门"]), st.integers(-5, 5), st.none(), st.booleans())
TIMES = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 1, 1)).map(lambda d: d.isoformat() + "+08:00"),
    st.sampled_from([TIME, "2099-11-10T08:30:00Z", "2013-12-31T23:59:59+00:00", "2014-01-01T00:00:00Z", "x", ""]),
    st.integers(), st.none(),
)
BODIES = st.fixed_dictionaries(
    {},
    optional={
        "list": st.one_of(st.integers(-(2**64), 2**64), st.sampled_from(["7", "x", "\u0663"]), st.booleans(), st.none(), st.floats(allow_nan=False)),
        "secret": TEXT, "nonce": TEXT, "gate": TEXT, "device": TEXT, "type": TEXT, "scanned_at": TIMES,
    },
)


@pure(400)
@given(body=BODIES)
def test_scan_input_never_accepts_what_the_serializer_refuses_nor_reads_it_otherwise(body):
    by_hand = scan_input(body)
    if by_hand is not None:
        assert by_hand == serializer_answer(body)


# -- the renderer: JSON without negotiating, except where negotiating answers otherwise --------------------

def test_the_usual_accept_headers_get_json_and_others_still_negotiate(setup, api_client):  # noqa: F811
    api_client.force_authenticate(setup["staff"])

    def post(path="/api/v1/checkins/", **headers):
        body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": TIME}
        return api_client.post(path, body, format="json", **headers)

    usual = [post(), post(HTTP_ACCEPT="*/*"), post(HTTP_ACCEPT="application/json"), post(HTTP_ACCEPT="application/json; indent=2")]
    assert [(r.status_code, r["Content-Type"]) for r in usual] == [(200, "application/json")] * 4
    assert [b"\n" in r.content for r in usual] == [False, False, False, True]  # DRF's indent, negotiated
    assert [r.json()["result"] for r in usual] == ["ok"] + ["already_checked_in"] * 3
    html_only, by_query, unknown_format = post(HTTP_ACCEPT="text/html"), post("/api/v1/checkins/?format=json"), post("/api/v1/checkins/?format=api")
    assert (html_only.status_code, html_only.json()["code"]) == (406, "not_acceptable")
    assert (by_query.status_code, by_query.json()["result"]) == (200, "already_checked_in")
    assert unknown_format.status_code == 404
    assert Checkin.objects.count() == 5  # the 406 and the 404 were answered before the scan


# -- the throttle and the failed-scan count: one cache round trip ----------------------------------------

class CountingCache:
    """The cache as the scan view sees it, counting what it is asked."""

    def __init__(self, backend):
        self.backend, self.calls = backend, []

    def __getattr__(self, name):
        method = getattr(self.backend, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.fixture
def own_keys(monkeypatch):
    """Cache keys of this test's own (another test worker's account may have the same id and
    share the cache)."""
    tag = uuid.uuid4().hex
    monkeypatch.setattr(checkin_api.ScanThrottle, "scope", f"checkin-scan-{tag}")
    monkeypatch.setattr(checkin_api, "failed_key", lambda user: f"checkin-failed-{tag}:{user.pk}")
    return tag


def test_a_scan_reads_its_history_and_failed_count_in_one_cache_read(setup, api_client, monkeypatch, own_keys):  # noqa: F811
    counting = CountingCache(cache)
    monkeypatch.setattr(checkin_api, "default_cache", counting)
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "scanned_at": TIME}
    known = api_client.post("/api/v1/checkins/", {**body, "secret": setup["credential"].secret, "nonce": nonce()}, format="json")
    assert (known.json()["result"], counting.calls) == ("ok", ["get_many", "set"])
    counting.calls.clear()
    unknown = api_client.post("/api/v1/checkins/", {**body, "secret": "GUESS", "nonce": nonce()}, format="json")
    assert (unknown.json()["result"], counting.calls) == ("invalid", ["get_many", "set", "add"])  # the first unknown code counted
    assert cache.get(checkin_api.failed_key(setup["staff"])) == 1


def test_the_throttle_still_refuses_past_its_rate(setup, api_client, monkeypatch, own_keys):  # noqa: F811
    monkeypatch.setattr(checkin_api.ScanThrottle, "rate", "2/minute")
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "scanned_at": TIME}
    answers = [api_client.post("/api/v1/checkins/", {**body, "nonce": nonce()}, format="json", HTTP_ACCEPT_LANGUAGE="en") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled" and int(answers[2]["Retry-After"]) > 0
    assert Checkin.objects.count() == 2


def test_the_failed_scan_count_is_read_without_the_throttle_too(setup, api_client, monkeypatch, own_keys):  # noqa: F811
    """A view without ScanThrottle (a subclass, a test) still checks the limit on unknown codes,
    reading the count itself."""
    monkeypatch.setattr(checkin_api.CheckinView, "throttle_classes", [])
    cache.set(checkin_api.failed_key(setup["staff"]), checkin_api.FAILED_SCAN_LIMIT, 60)
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": TIME}
    blocked = api_client.post("/api/v1/checkins/", body, format="json")
    assert (blocked.status_code, blocked.json()["code"]) == (429, "too_many_failed_scans")
    assert Checkin.objects.count() == 0


def test_when_the_cache_fails_both_limits_are_open_and_counted(setup, api_client, monkeypatch):  # noqa: F811
    class Down:
        def get_many(self, keys):
            degraded.cache_failed("cache_errors", "down")
            return {}

        def set(self, *args, **kwargs):
            degraded.cache_failed("cache_skipped", "down")
            return False

        def add(self, *args, **kwargs):
            return False

        def incr(self, *args, **kwargs):
            raise ValueError("down")

    degraded.reset()
    monkeypatch.setattr(checkin_api, "default_cache", Down())
    api_client.force_authenticate(setup["staff"])
    body = {"list": setup["gate"].pk, "secret": setup["credential"].secret, "nonce": nonce(), "scanned_at": TIME}
    assert api_client.post("/api/v1/checkins/", body, format="json").json()["result"] == "ok"
    assert degraded.snapshot()["rate_limits_open"] == 2  # the throttle's and the failed-scan limit's
    degraded.reset()


# -- the token read as the connection's health check (PostgreSQL) ----------------------------------------

def _gate_key(setup):  # noqa: F811
    from wic.tokens import token_create

    return token_create(user=setup["staff"])[1]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_token_read_stands_in_for_the_health_check(setup, monkeypatch):  # noqa: F811
    """A connection kept from an earlier request: no `SELECT 1` before the token's read (one round
    trip less per scan); the read itself then counts as the check."""
    from django.db import connection, connections

    key = _gate_key(setup)
    connection.ensure_connection()
    connection.health_check_done = False  # as at the start of a request on a kept connection
    monkeypatch.setattr(connections["default"], "is_usable", lambda: pytest.fail("Django's health check ran"))
    user, token = checkin_api.GateTokenAuthentication().authenticate_credentials(key)
    assert (user.pk, user.holds_gate_role, token.user_id, token.scope) == (setup["staff"].pk, True, setup["staff"].pk, "scan")
    assert connection.health_check_done is True


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_by_the_token_read(setup):  # noqa: F811
    """PostgreSQL ended the kept connection (a restart, a pooler): the token's read finds it
    broken, a new connection reads it again, and the scan goes on (what Django's health check did)."""
    import psycopg
    from django.db import connection

    key = _gate_key(setup)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    config = connection.settings_dict
    with psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
                         dbname=config["NAME"], autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.health_check_done = False
    user, _token = checkin_api.GateTokenAuthentication().authenticate_credentials(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert (user.pk, new_pid != pid) == (setup["staff"].pk, True)


def test_a_database_that_cannot_be_reached_answers_the_scan_503(setup, api_client, monkeypatch):  # noqa: F811
    import psycopg
    from django.db import OperationalError

    def unreachable(sql, params):
        try:
            raise psycopg.OperationalError("connection refused")
        except psycopg.OperationalError as error:
            raise OperationalError(*error.args) from error

    key = _gate_key(setup)
    monkeypatch.setattr(checkin_api, "_read_one", unreachable)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.post("/api/v1/checkins/", {"list": setup["gate"].pk, "secret": "X", "nonce": nonce()}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (503, "database_unavailable", "2")
