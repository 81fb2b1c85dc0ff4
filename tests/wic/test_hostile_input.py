"""Hostile input never causes a 5xx (issue 19, point 4): one property test per class of input the
attack run turned into 500s, over every URL pattern, query parameter, hand-read form field and
JSON endpoint (enumerated from the code: tests/wic/hostile.py), then the run's own cases with the
exact answers.

The classes: numbers that are not ASCII digits (`'²'.isdigit()` is true, int('²') raises) or are
too long; NUL characters and lone surrogates; JSON nested deeper than the parser takes; country
fields holding anything; dates and times out of range. The one place that decides each is
wic/inputs.py.

The calls run against the permission matrix's world (tests/wic/permission_world.py), so ids,
tokens and roles are real and a hostile value is the only thing wrong in a request; signed-in
form posts and JSON writes are made by the role the matrix says may make them. Bounded and
derandomized (tests/properties.py); each example rolls its writes back."""
import json
from datetime import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import example, given
from hypothesis import strategies as st

from tests.properties import with_db
from tests.wic.hostile import (
    ORDINARY,
    fill,
    form_names,
    json_endpoints,
    parameters,
    query,
    query_names,
    url_templates,
)
from tests.wic.permission_world import ROLES, YEAR, build_world
from tests.wic.test_permission_matrix import TABLE, Done, Refused, Row
from wic import roles
from wic.inputs import (
    MAX_JSON_DEPTH,
    YEARS,
    ascii_int,
    check_json,
    json_loads,
    year_or_none,
)

pytestmark = [
    pytest.mark.django_db,
    # Text from a request in a cache key (the agenda's keyed the raw year): an error here, a 500 in the walks.
    pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning"),
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's world, built once in a transaction rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


class Calls:
    """Sends requests as a role and keeps every answer of 500 or more."""

    def __init__(self, client, world):
        self.client, self.world, self.signed_in, self.failures, self.count = client, world, None, [], 0
        client.raise_request_exception = False  # a 500 is an answer to collect, not the end of the walk

    def as_role(self, role: str):
        if role != self.signed_in:
            self.client.logout()
            if role != "anonymous":
                self.client.force_login(self.world.users[role])
            self.signed_in = role
        return self.client

    def send(self, role: str, method: str, path: str, data=None, content_type=None):
        client = self.as_role(role)
        if content_type:
            response = client.generic(method, path, data, content_type=content_type)
        elif method == "GET":
            response = client.get(path)
        else:  # urlencoded by hand: the test client cannot encode a lone surrogate, a careless client can
            response = client.generic(method, path, _urlencoded(data or {}), content_type="application/x-www-form-urlencoded")
        self.count += 1
        if response.status_code >= 500:
            self.failures.append((role, method, path, response.status_code, str(data)[:80] if data else ""))
        return response


def _urlencoded(data: dict) -> str:
    from urllib.parse import urlencode

    pairs = [(name, item) for name, value in data.items() for item in (value if isinstance(value, (list, tuple)) else [value])]
    return urlencode([(name, str(item).encode("utf-8", "surrogatepass")) for name, item in pairs])


def _ordinary(world) -> dict:
    return {**ORDINARY, "year": str(YEAR), "pk": str(world.ids["session"])}


def _success_role(row: Row) -> str | None:
    """The first role whose cell in the matrix is a success: the request then reaches the code
    that reads its body."""
    for role, cell in zip(ROLES, row.cells):
        if isinstance(cell, (Done, Refused)) or (isinstance(cell, int) and 200 <= cell < 300):
            return role
    return None


def _form_rows():
    """The matrix's form posts (not JSON), each with the role that may make it."""
    for row in TABLE:
        if row.method == "POST" and not row.path.startswith("/api/") and not row.as_json:
            role = _success_role(row)
            if role:
                yield row, role


# JSON endpoints the permission matrix has no row for (they need no permission): a row here.
NOT_IN_THE_MATRIX = [
    Row("POST", "/api/v1/auth/token/", (200,) * len(ROLES), data={"username": "pm-gate", "password": "not-the-password"}),
]


def _json_rows():
    """Every JSON endpoint of the API schema and the pages' JSON endpoint (stars merge), each as
    (the matrix's row for it, the role that may call it or the organizer when no role may, its
    body's fields and their formats)."""
    import re

    rows = []
    for endpoint in json_endpoints():
        pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", r"\\{\\w+\\}", re.escape(endpoint.path)) + "$")
        matching = [row for row in TABLE + NOT_IN_THE_MATRIX if row.method == endpoint.method and pattern.match(row.path)]
        assert matching, f"no permission-matrix row for {endpoint.method} {endpoint.path}: add one (the hostile-input tests use it)"
        row = next((r for r in matching if _success_role(r)), matching[0])
        rows.append((row, _success_role(row) or roles.ORGANIZER, endpoint.fields))
    merge = next(row for row in TABLE if row.as_json)
    rows.append((merge, _success_role(merge), {"sessions": ""}))
    return rows


def _body(row: Row, world, role: str) -> dict:
    data = row.data(world, role) if callable(row.data) else row.data
    return dict(data or {})


def _walk_paths(calls, world, value, role_list=("anonymous", roles.ORGANIZER)):
    ordinary = _ordinary(world)
    for template in url_templates():
        for name in parameters(template):
            path = fill(template, {**{n: ordinary.get(n, "1") for n in parameters(template)}, name: value})
            for role in role_list:
                calls.send(role, "GET", path)


def _walk_queries(calls, world, value):
    ordinary = _ordinary(world)
    names = query_names()
    for template in url_templates():
        path = fill(template, {n: ordinary.get(n, "1") for n in parameters(template)})
        calls.send("anonymous", "GET", f"{path}?{query(names, value)}")


def _post_forms(calls, world, value):
    names = form_names()
    for row, role in _form_rows():
        data = {**_body(row, world, role), **{name: value for name in names}}
        calls.send(role, "POST", row.path.format(**world.ids), data)


def _one_example(client, world, walk):
    """Runs `walk(calls)` in a transaction rolled back afterwards, with an empty cache (no
    throttle filled by the previous example), and returns the 5xx answers."""
    cache.clear()
    calls = Calls(client, world)
    with transaction.atomic():
        walk(calls)
        transaction.set_rollback(True)
    assert calls.count > 0
    return calls.failures


# -- 1. numbers that are not ASCII digits --------------------------------------------------------

NOT_ASCII_DIGITS = st.characters(categories=("Nd", "No", "Nl"), exclude_characters="0123456789")
NOT_AN_ID = st.one_of(
    st.text(NOT_ASCII_DIGITS, min_size=1, max_size=3),  # ², ٣, ①, Ⅻ, ½
    st.text(NOT_ASCII_DIGITS, min_size=1, max_size=2).map(lambda digits: "20" + digits),  # 20١٧
    st.integers(min_value=10**18, max_value=10**40).map(str),  # ASCII, but no bigint holds it
)


@with_db(1)  # each example is some 250 requests: the attack run's value and one drawn
@given(value=NOT_AN_ID)
@example(value="²")
def test_numbers_that_are_not_ascii_digits_never_cause_a_5xx(world, client, value):
    def walk(calls):
        _walk_paths(calls, world, value)
        _walk_queries(calls, world, value)
        _post_forms(calls, world, value)

    assert _one_example(client, world, walk) == []


# -- 2. NUL characters and lone surrogates -------------------------------------------------------

UNREADABLE = st.tuples(st.text(max_size=3), st.sampled_from(["\x00", "\ud800", "\udfff"]), st.text(max_size=3)).map("".join)


def _with_every_string(body: dict, value):
    return {key: (value if isinstance(old, str) else old) for key, old in body.items()}


@with_db(2)
@given(value=UNREADABLE)
@example(value="\x00")
def test_nul_and_lone_surrogates_never_cause_a_5xx(world, client, value):
    def walk(calls):
        _walk_paths(calls, world, value, role_list=("anonymous",))
        _walk_queries(calls, world, value)
        _post_forms(calls, world, value)
        for row, role, fields in _json_rows():
            body = _with_every_string(_body(row, world, role), value)
            response = calls.send(role, row.method, row.path.format(**world.ids), json.dumps(body), "application/json")
            if fields and response.status_code == 400:
                assert response.json()["code"] in ("invalid_characters", "invalid"), (row.path, response.json())

    assert _one_example(client, world, walk) == []


# -- 3. JSON nested too deep ---------------------------------------------------------------------

DEPTHS = st.integers(min_value=MAX_JSON_DEPTH + 1, max_value=5000)
DEEP_JSON = st.one_of(
    DEPTHS.map(lambda n: "[" * n + "]" * n),
    DEPTHS.map(lambda n: '{"a":' * n + "1" + "}" * n),
    DEPTHS.map(lambda n: '{"name": ' + "[" * n + "]" * n + "}"),  # deep inside a field
    st.integers(min_value=2000, max_value=200_000).map(lambda n: "[" * n),  # unclosed, past the recursion limit
)


@with_db(4)
@given(body=DEEP_JSON)
@example(body="[" * 100_000)
def test_deep_json_never_causes_a_5xx(world, client, body):
    def walk(calls):
        for row, role, fields in _json_rows():
            response = calls.send(role, row.method, row.path.format(**world.ids), body, "application/json")
            if fields:
                assert response.status_code == 400, (row.method, row.path, role, response.status_code)
                assert response.json()["code"] in ("json_too_deep", "parse_error", "invalid"), response.json()

    assert _one_example(client, world, walk) == []


# -- 4. country fields ---------------------------------------------------------------------------

COUNTRY_FIELDS = ("country", "enterprise_country")


@with_db(6)
@given(value=st.one_of(st.text(max_size=4), st.sampled_from(["\ud800", "XX", "zz", "CHN", "156", "cn", " CN "])))
def test_country_fields_never_cause_a_5xx(world, client, value):
    def walk(calls):
        sent = 0
        for row, role, fields in _json_rows():
            body = _body(row, world, role)
            if not set(body) & set(COUNTRY_FIELDS) and not row.path.endswith("/recommendations/"):
                continue
            field = "country" if "country" in body else "enterprise_country"
            response = calls.send(role, row.method, row.path.format(**world.ids), json.dumps({**body, field: value}), "application/json")
            assert response.status_code in (200, 201, 202, 400, 409), (row.path, response.status_code)
            sent += 1
        assert sent == 3  # registrations, exhibitors, recommendations
        from tests.registration.test_services_and_pages import form_post

        calls.send("anonymous", "POST", f"/editions/{YEAR}/register/", form_post(email="hostile@example.org", country=value))

    assert _one_example(client, world, walk) == []


# -- 5. dates and times out of range -------------------------------------------------------------

OUT_OF_RANGE = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)).filter(
    lambda moment: not YEARS[0] <= moment.year <= YEARS[1]
)
OFFSETS = st.sampled_from(["", "Z", "+08:00", "-12:00", "+14:00"])


@with_db(6)
@given(moment=OUT_OF_RANGE, offset=OFFSETS)
@example(moment=datetime(1, 1, 1), offset="+08:00")
@example(moment=datetime(9999, 12, 31, 23, 59), offset="")
def test_dates_out_of_range_never_cause_a_5xx(world, client, moment, offset):
    stamp = moment.isoformat(timespec="seconds") + offset
    local = moment.isoformat(timespec="minutes")  # as a datetime-local input sends it (strftime gives "1-01-01" for year 1)

    def walk(calls):
        sent = set()
        for row, role, fields in _json_rows():
            hit = {name: stamp if fmt == "date-time" else moment.date().isoformat() for name, fmt in fields.items() if fmt in ("date", "date-time")}
            if not hit:
                continue
            body = {**_body(row, world, role), **hit}
            response = calls.send(role, row.method, row.path.format(**world.ids), json.dumps(body), "application/json")
            assert response.status_code == 400, (row.path, response.status_code, response.content[:200])
            errors = response.json()["errors"]
            assert {name: errors[name][0]["code"] for name in hit} == {name: "out_of_range" for name in hit}
            sent.add(row.path)
        assert len(sent) >= 2  # the gate's scan, forum applications
        # The pages' forms with times: a meeting request, an exhibitor's launch.
        meeting = calls.send(roles.ATTENDEE, "POST", "/editions/{year}/expo/exhibitors/{exhibitor}/".format(**world.ids), {"start": local, "minutes": "30"})
        launch = calls.send(roles.EXHIBITOR, "POST", "/editions/{year}/expo/exhibitors/{exhibitor}/edit/".format(**world.ids),
                            {"action": "launch", "launch-title_zh": "发布", "launch-start": local, "launch-end": local})
        assert meeting.status_code == 400 and "1900" in meeting.content.decode()
        assert launch.status_code in (200, 400) and "1900" in launch.content.decode()

    assert _one_example(client, world, walk) == []


# -- the attack run's cases, with their exact answers ---------------------------------------------

def test_ascii_int_and_year_take_ascii_digits_only():
    assert [ascii_int(v) for v in ("12", "²", "١٢", "１２", "-1", " 1", "", "1" * 18, "1" * 19, 7, True, None)] == [
        12, None, None, None, None, None, None, int("1" * 18), None, 7, None, None]
    assert [year_or_none(v) for v in ("2017", "20170", "²", "abc")] == [2017, None, None, None]


def test_json_depth_and_characters_are_checked_without_recursion():
    assert json_loads(json.dumps([[{"a": [1]}]])) == [[{"a": [1]}]]
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_loads(nested) is not None
    for text, code in (("[" + nested + "]", "json_too_deep"), ("[" * 100_000, "json_too_deep"), ('{"a": "\\u0000"}', "invalid_characters"),
                       ('{"\\ud800": 1}', "invalid_characters"), ('["\\ud83d\\ude00"]', None)):
        try:
            check_json(json_loads(text))
        except ValueError as error:
            assert getattr(error, "code", None) == code, text[:30]
        else:
            assert code is None, text[:30]


@pytest.mark.parametrize("path", [
    "/editions/²/", "/editions/²/agenda/", "/editions/²/agenda.ics", "/editions/²/schedule.json", "/editions/²/expo/", "/editions/²/register/",
    "/editions/²/volunteer/apply/", "/editions/²/awards/", "/editions/²/my-agenda/",
])
def test_unicode_digit_years_are_no_edition(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "There is no edition for year ²." in response.content.decode()


def test_unicode_digit_year_in_the_api_is_404_with_code(api_client):
    response = api_client.get("/api/v1/editions/²/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_unicode_digit_filters_are_ignored_or_refused(client):
    assert client.get("/editions/2017/expo/?zone=²").status_code == 200
    stars = client.get("/editions/2017/my-agenda/?s=1,²", HTTP_ACCEPT_LANGUAGE="en")
    assert (stars.status_code, "The list of starred sessions in the address is not valid." in stars.content.decode()) == (400, True)


@pytest.mark.parametrize("path", ["/editions/2017/expo/?q=%00", "/my-agenda/%00.ics", "/volunteer/feed/%00.ics", "/editions/2017/registration/%00/", "/editions/2017/agenda/?search=a%00b"])
def test_nul_in_pages_is_400_invalid_characters(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert 'data-code="invalid_characters"' in response.content.decode()


def test_nul_in_the_api_is_400_json_naming_where(api_client):
    response = api_client.get("/api/v1/exhibitors/?search=a%00", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert (response.status_code, body["code"]) == (400, "invalid_characters")
    assert body["message"] == "The request has a NUL character or an unpaired surrogate in the query parameter “search”, which no text here may hold."


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/registrations/"])
def test_deep_json_is_400_json_too_deep(api_client, path):
    response = api_client.post(path, "[" * 100_000, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["code"]) == (400, "json_too_deep")
    assert response.json()["message"] == f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def test_lone_surrogate_in_country_is_400_invalid_characters(api_client):
    from tests.registration.test_services_and_pages import guest

    body = json.dumps({**guest(), "country": "\ud800", "edition": 2017})
    response = api_client.post("/api/v1/registrations/", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_characters")


def test_unknown_enterprise_country_is_refused(world, client):
    client.force_login(world.users[roles.MEMBER_REPRESENTATIVE])
    body = {"programme": world.ids["programme"], "enterprise_name_zh": "新企业", "enterprise_country": "XX"}
    response = client.post("/api/v1/recommendations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["errors"]["enterprise_country"][0]) == (400, {"code": "unknown_country", "message": "XX is not an ISO 3166 country or region code."})


def test_scan_time_out_of_range_is_400_out_of_range(world, client):
    client.force_login(world.users[roles.GATE])
    body = {"list": world.ids["checkin_list"], "secret": world.secret, "nonce": "n-1", "scanned_at": "0001-01-01T00:00:00+08:00"}
    response = client.post("/api/v1/checkins/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"]["scanned_at"] == [{"code": "out_of_range", "message": "Enter a date between the years 1900 and 9000."}]
    assert response.json()["message"] == "Invalid input: scanned_at: Enter a date between the years 1900 and 9000."


def test_meeting_at_9999_is_a_form_error(world, client):
    client.force_login(world.users[roles.ATTENDEE])
    response = client.post("/editions/{year}/expo/exhibitors/{exhibitor}/".format(**world.ids), {"start": "9999-12-31T23:59", "minutes": "30"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Enter a date between the years 1900 and 9000." in response.content.decode()


def test_every_url_pattern_and_json_endpoint_is_enumerated():
    """The walks above cover what they claim: the URL patterns, query names and JSON endpoints
    are found (a change in how they are enumerated would otherwise silently test nothing)."""
    assert {"/editions/{year}/agenda/", "/editions/{year}/sessions/{pk}/", "/api/v1/editions/{year}/", "/my-agenda/{token}.ics"} <= set(url_templates())
    assert {"zone", "s", "q", "search", "edition", "hall"} <= set(query_names())
    assert {"module", "member", "shown", "present"} <= set(form_names())
    endpoints = {(e.method, e.path): e for e in json_endpoints()}
    assert endpoints["POST", "/api/v1/checkins/"].fields["scanned_at"] == "date-time"
    assert endpoints["POST", "/api/v1/auth/token/"].has_body
    assert len(_json_rows()) == len(json_endpoints()) + 1


def test_nul_in_a_cookie_or_a_form_field_is_400_before_any_query(client, django_assert_num_queries):
    client.cookies["sessionid"] = "\x00" * 32  # would reach the session table: PostgreSQL refuses NUL
    with django_assert_num_queries(0):
        cookie = client.get("/editions/2017/", HTTP_ACCEPT_LANGUAGE="en")
    del client.cookies["sessionid"]
    form = client.post("/accounts/password_reset/", {"email": "a\x00@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (cookie.status_code, form.status_code) == (400, 400)
    assert "the cookie “sessionid”" in cookie.content.decode() and "the form field “email”" in form.content.decode()
