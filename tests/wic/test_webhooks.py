"""Signed webhooks (issue 28, wic.webhooks): recording through the outbox, signing, sending with
backoff to a real HTTP receiver, the reference receiver (docs/webhook_receiver.py), each domain
event from its service with its exact payload, the address rules, the API, the admin, the purge."""
import importlib.util
import json
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import time_machine
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import requires_postgres
from tests.factories import EditionFactory, HallFactory, OrganizationFactory, make_organizer
from wic import webhooks
from wic.contrib import WebhookEvent, check_contributions
from wic.errors import DomainError
from wic.models import WebhookDelivery, WebhookEndpoint

BEIJING = ZoneInfo("Asia/Shanghai")
T0 = datetime(2099, 9, 20, 10, 0, tzinfo=BEIJING)
T0_TEXT = "2099-09-20T10:00:00+08:00"
EARLIER = datetime(2025, 1, 5, 10, 0, tzinfo=BEIJING)  # before the test runs
CLOSED_PORT = "http://127.0.0.1:9/hook"  # nothing listens: a send would be refused at once (the tests' on_commit never runs it)
EVENTS = [
    "registration.decided", "credential.issued", "credential.revoked", "session.published", "session.changed",
    "forum_application.decided", "nomination.decided", "exhibitor.approved", "volunteer.assigned",
]


def _load_receiver():
    path = Path(__file__).resolve().parents[2] / "docs" / "webhook_receiver.py"
    spec = importlib.util.spec_from_file_location("webhook_receiver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


receiver_module = _load_receiver()


# -- a real HTTP receiver on 127.0.0.1 ---------------------------------------------------------

class Receiver:
    """Answers each POST with the next of `statuses` (then 200), after `delay` seconds; keeps
    every request's headers and raw body."""

    def __init__(self):
        self.statuses: list[int] = []
        self.requests: list[tuple[dict, bytes]] = []
        self.delay = 0.0
        self.url = ""
        self._lock = threading.Lock()


@pytest.fixture
def receiver():
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with got._lock:
                got.requests.append((dict(self.headers.items()), body))
                status = got.statuses.pop(0) if got.statuses else 200
            if got.delay:
                time.sleep(got.delay)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    got.url = f"http://127.0.0.1:{server.server_port}/hooks/wic"
    yield got
    server.shutdown()
    server.server_close()


@pytest.fixture
def organizer(db):
    return make_organizer("webhook-organizer")


def endpoint_for(events, url=CLOSED_PORT, **options) -> tuple[WebhookEndpoint, str]:
    return webhooks.endpoint_create(url=url, events=events, actor=None, **options)


def code_of(call) -> str:
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value.code


# -- recording ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_event_nobody_listens_to_writes_nothing_in_one_query(django_assert_num_queries):
    endpoint_for(["session.published"])  # listening to something else
    endpoint_for(["registration.decided"], is_active=False)  # paused

    def never_built():
        raise AssertionError("the data is built only when someone listens")

    with django_assert_num_queries(1):
        assert webhooks.emit("registration.decided", never_built) == []
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db
def test_emit_records_one_delivery_per_subscribed_active_endpoint_with_one_event_id():
    first, _secret = endpoint_for(["registration.decided", "session.changed"])
    second, _secret = endpoint_for(["registration.decided"])
    endpoint_for(["session.changed"])
    endpoint_for(["registration.decided"], is_active=False)
    with time_machine.travel(T0, tick=False):
        deliveries = webhooks.emit("registration.decided", {"registration": 7, "edition": 2099, "when": date(2099, 9, 1)})
    assert sorted(d.endpoint_id for d in deliveries) == [first.pk, second.pk]
    rows = list(WebhookDelivery.objects.order_by("endpoint_id"))
    assert len({row.event_id for row in rows}) == 1
    event_id = str(rows[0].event_id)
    for row in rows:
        assert (row.event, row.status, row.attempts, row.next_attempt_at, row.created) == ("registration.decided", "pending", 0, None, T0)
        assert row.payload == {
            "id": event_id, "event": "registration.decided", "version": 1, "created": T0_TEXT, "edition": 2099,
            "data": {"registration": 7, "edition": 2099, "when": "2099-09-01"},
        }


@pytest.mark.django_db
def test_an_event_is_recorded_at_most_once_per_endpoint():
    endpoint, _secret = endpoint_for(["registration.decided"])
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(endpoint=endpoint, event="registration.decided", event_id=delivery.event_id, payload={})


@pytest.mark.django_db
def test_emit_refuses_an_undeclared_event_and_the_envelope_edition_can_be_given():
    with pytest.raises(ValueError):
        webhooks.emit("registration.deleted", {})
    endpoint_for(["session.changed"])
    (delivery,) = webhooks.emit("session.changed", lambda: {"session": 3}, edition_year=lambda: 2098)
    assert (delivery.payload["edition"], delivery.payload["data"]) == (2098, {"session": 3})


# -- sending, the backoff, the lock ------------------------------------------------------------

@pytest.mark.django_db
def test_a_delivery_failing_twice_is_delivered_once_on_the_third_attempt_after_the_backoff(receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 500, 200]
    endpoint, secret = endpoint_for(["registration.decided"], url=receiver.url)
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = webhooks.emit("registration.decided", {"registration": 7, "edition": 2099})
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == ("pending", 1, 500, "HTTP 500")
        assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
        clock.shift(timedelta(seconds=59))
        assert webhooks.sweep() == 0  # not due yet
        clock.shift(timedelta(seconds=1))
        assert webhooks.sweep() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 2, T0 + timedelta(minutes=6))
        clock.shift(timedelta(minutes=5, seconds=-1))
        assert webhooks.sweep() == 0
        clock.shift(timedelta(seconds=1))
        assert webhooks.sweep() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == ("delivered", 3, 200, "")
        assert (delivery.delivered_at, delivery.next_attempt_at) == (T0 + timedelta(minutes=6), None)
        clock.shift(timedelta(days=1))
        assert webhooks.sweep() == 0
        assert webhooks.delivery_send(delivery.pk) == webhooks.SKIPPED  # a repeated task sends nothing
    assert len(receiver.requests) == 3
    timestamps = []
    for headers, body in receiver.requests:
        timestamp = int(headers["WIC-Webhook-Timestamp"])
        envelope = receiver_module.verify(secret, body, headers, now=timestamp)
        assert envelope == delivery.payload
        assert (headers["WIC-Webhook-Id"], headers["WIC-Webhook-Event"], headers["Content-Type"]) == (str(delivery.event_id), "registration.decided", "application/json")
        timestamps.append(timestamp)
    assert [t - timestamps[0] for t in timestamps] == [0, 60, 360]  # signed afresh at each attempt
    assert {body for _headers, body in receiver.requests} == {webhooks.body_of(delivery.payload)}


@pytest.mark.django_db
def test_a_delivery_that_never_succeeds_is_failed_after_six_attempts(monkeypatch):
    calls = []
    monkeypatch.setattr(webhooks, "_post", lambda url, body, headers: calls.append(url) or (503, "HTTP 503"))
    endpoint_for(["registration.decided"])
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    waits = []
    with time_machine.travel(T0, tick=False) as clock:
        for _attempt in range(webhooks.MAX_ATTEMPTS):
            assert webhooks.delivery_send(delivery.pk) in (webhooks.RETRY, webhooks.FAILED)
            delivery.refresh_from_db()
            if delivery.next_attempt_at is not None:
                waits.append(delivery.next_attempt_at - timezone.now())
                clock.move_to(delivery.next_attempt_at)
        assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == ("failed", 6, 503, "HTTP 503")
        assert webhooks.sweep() == 0 and webhooks.delivery_send(delivery.pk) == webhooks.SKIPPED
    assert len(calls) == 6
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]


@pytest.mark.django_db
def test_a_refused_connection_is_an_attempt_with_its_error():
    endpoint_for(["registration.decided"])  # port 9: nothing listens
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    assert webhooks.delivery_send(delivery.pk) == webhooks.RETRY
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error.split(":")[0]) == (1, None, "ConnectionError")
    assert len(delivery.last_error) <= 300


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver):
    receiver.statuses = [302]
    endpoint_for(["registration.decided"], url=receiver.url)
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    assert webhooks.delivery_send(delivery.pk) == webhooks.RETRY
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_error, len(receiver.requests)) == (302, "HTTP 302", 1)


@pytest.mark.django_db
def test_the_sweep_sends_a_first_attempt_the_broker_never_got(receiver, monkeypatch, django_capture_on_commit_callbacks, settings):
    from wic import tasks

    endpoint_for(["registration.decided"], url=receiver.url)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    with time_machine.travel(T0, tick=False) as clock:
        monkeypatch.setattr(tasks.deliver_webhook, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
        monkeypatch.undo()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, receiver.requests) == ("pending", 0, [])
        clock.shift(timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER))
        assert webhooks.sweep() == 0  # handed over a moment ago, perhaps: the sweep waits WEBHOOK_SWEEP_AFTER
        clock.shift(timedelta(seconds=1))
        assert webhooks.sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("delivered", 1, 1)


@pytest.mark.django_db
def test_an_inactive_endpoint_pauses_its_deliveries_until_it_is_active_again(receiver):
    endpoint, _secret = endpoint_for(["registration.decided"], url=receiver.url)
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    webhooks.endpoint_update(endpoint=endpoint, is_active=False)
    assert webhooks.delivery_send(delivery.pk) == webhooks.PAUSED
    with time_machine.travel(T0 + timedelta(days=1)):
        assert webhooks.sweep() == 0
        webhooks.endpoint_update(endpoint=endpoint, is_active=True)
        assert webhooks.sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, len(receiver.requests)) == ("delivered", 1)


@pytest.mark.django_db
def test_sending_again_restarts_failed_and_pending_deliveries_and_leaves_delivered_ones(receiver, django_capture_on_commit_callbacks):
    endpoint, _secret = endpoint_for(["registration.decided"], url=receiver.url)
    failed, pending, delivered = (webhooks.emit("registration.decided", {"registration": n})[0] for n in range(3))
    WebhookDelivery.objects.filter(pk=failed.pk).update(status="failed", attempts=6, last_error="HTTP 500")
    WebhookDelivery.objects.filter(pk=pending.pk).update(attempts=2, next_attempt_at=T0)
    WebhookDelivery.objects.filter(pk=delivered.pk).update(status="delivered", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.deliveries_send_again(deliveries=WebhookDelivery.objects.all()) == 2
    states = {row.pk: (row.status, row.attempts) for row in WebhookDelivery.objects.all()}
    assert states == {failed.pk: ("delivered", 1), pending.pk: ("delivered", 1), delivered.pk: ("delivered", 1)}
    assert sorted(json.loads(body)["data"]["registration"] for _h, body in receiver.requests) == [0, 1]


@pytest.mark.django_db
def test_a_second_sender_after_the_first_sends_nothing(receiver):
    """On SQLite the two senders run one after the other (it has no row locks): the second finds
    the row delivered. The simultaneous race is the PostgreSQL test below."""
    endpoint_for(["registration.decided"], url=receiver.url)
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    assert [webhooks.delivery_send(delivery.pk), webhooks.delivery_send(delivery.pk)] == [webhooks.DELIVERED, webhooks.SKIPPED]
    assert len(receiver.requests) == 1


def _race(receiver) -> list[str]:
    from tests.concurrency import at_once

    endpoint, _secret = endpoint_for(["registration.decided"], url=receiver.url)
    # Recorded without the hand-over: outside a transaction, emit's on-commit send would run at once.
    event_id = uuid.uuid4()
    payload = webhooks.envelope(event_id=event_id, event="registration.decided", created=timezone.now(), edition=None, data={"registration": 1})
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="registration.decided", event_id=event_id, payload=payload)
    receiver.delay = 0.5  # the first sender holds the row while the receiver answers
    outcomes = []
    at_once([lambda: outcomes.append(webhooks.delivery_send(delivery.pk)) for _ in range(2)])
    return sorted(outcomes)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_senders_send_once(receiver):
    assert _race(receiver) == [webhooks.DELIVERED, webhooks.SKIPPED]  # the second skipped the locked row
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().attempts == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_lock_both_senders_send(receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "LOCK_DELIVERY", False)
    assert _race(receiver) == [webhooks.DELIVERED, webhooks.DELIVERED]
    assert len(receiver.requests) == 2


# -- the signature and the reference receiver --------------------------------------------------

def test_the_signature_is_the_hmac_of_the_timestamp_a_dot_and_the_body():
    body = b'{"id":"x"}'
    assert webhooks.signature("whsec_test", 1700000000, body) == "v1=" + receiver_module.expected_signature("whsec_test", "1700000000", body)
    import hashlib
    import hmac

    assert webhooks.signature("whsec_test", 1700000000, body) == "v1=" + hmac.new(b"whsec_test", b'1700000000.{"id":"x"}', hashlib.sha256).hexdigest()


def _signed(secret="whsec_receiver", timestamp=1_700_000_000, event="registration.decided"):
    envelope = {"id": str(uuid.uuid4()), "event": event, "version": 1, "created": T0_TEXT, "edition": 2099, "data": {"registration": 7, "name": "李雷"}}
    body = webhooks.body_of(envelope)
    delivery = WebhookDelivery(event_id=uuid.UUID(envelope["id"]), event=event)
    return envelope, body, webhooks.headers_for(delivery, secret=secret, body=body, timestamp=timestamp)


def test_the_reference_receiver_accepts_a_signed_delivery_and_refuses_a_tampered_or_old_one():
    envelope, body, headers = _signed()
    assert receiver_module.verify("whsec_receiver", body, headers, now=1_700_000_000 + 299) == envelope
    lower = {name.lower(): value for name, value in headers.items()}
    assert receiver_module.verify("whsec_receiver", body, lower, now=1_700_000_000) == envelope  # header names in any case

    def reason(secret="whsec_receiver", body=body, headers=headers, now=1_700_000_000):
        with pytest.raises(receiver_module.InvalidDelivery) as refusal:
            receiver_module.verify(secret, body, headers, now=now)
        return refusal.value.reason

    assert reason(body=body.replace("李雷".encode(), "韩梅".encode())) == "signature does not match"
    assert reason(secret="whsec_someone_else") == "signature does not match"
    assert reason(now=1_700_000_000 + 301) == "timestamp too old (or too far ahead): a replay, or a clock out of step"
    assert reason(headers={**headers, "WIC-Webhook-Timestamp": "1700000300"}, now=1_700_000_300) == "signature does not match"  # a new time on an old signature
    assert reason(headers={**headers, "WIC-Webhook-Timestamp": "soon"}) == "missing or malformed timestamp"
    assert reason(headers={k: v for k, v in headers.items() if k != "WIC-Webhook-Signature"}) == "signature does not match"


def test_the_reference_receivers_server_answers_400_to_a_forgery_and_reports_each_event_once():
    import requests

    events = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver_module.handler_for("whsec_receiver", events.append))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        envelope, body, headers = _signed(timestamp=int(time.time()))
        assert [requests.post(url, data=body, headers=headers, timeout=5).status_code for _ in range(2)] == [200, 200]
        forged = requests.post(url, data=body.replace(b"2099", b"2098"), headers=headers, timeout=5)
        assert (forged.status_code, forged.text) == (400, "signature does not match")
    finally:
        server.shutdown()
        server.server_close()
    assert events == [envelope]


# -- addresses ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url,code", [
    ("ftp://example.org/hook", "webhook_url_scheme"),
    ("javascript:alert(1)", "webhook_url_scheme"),
    ("example.org/hook", "webhook_url_scheme"),
    ("http://", "webhook_url_invalid"),
    ("https://exa mple.org/", "webhook_url_invalid"),
    ("https://example.org/" + "a" * 490, "webhook_url_invalid"),
    ("http://127.0.0.1:8000/hook", "webhook_url_private"),
    ("http://10.1.2.3/hook", "webhook_url_private"),
    ("http://192.168.0.5/hook", "webhook_url_private"),
    ("http://169.254.169.254/latest/meta-data/", "webhook_url_private"),
    ("http://100.64.0.1/hook", "webhook_url_private"),
    ("http://[::1]/hook", "webhook_url_private"),
    ("http://[::ffff:127.0.0.1]/hook", "webhook_url_private"),
    ("http://localhost/hook", "webhook_url_private"),
    ("http://0.0.0.0/hook", "webhook_url_private"),
])
def test_an_address_that_is_not_http_or_not_public_is_refused(settings, url, code):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert code_of(lambda: endpoint_for(["registration.decided"], url=url)) == code
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_a_public_address_is_accepted_and_private_ones_only_where_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    endpoint, secret = endpoint_for(["registration.decided"], url="  https://93.184.215.14/hooks/wic  ")
    assert (endpoint.url, secret[:6], len(secret)) == ("https://93.184.215.14/hooks/wic", "whsec_", 49)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    assert endpoint_for(["registration.decided"], url="http://127.0.0.1:8000/hook")[0].url == "http://127.0.0.1:8000/hook"


@pytest.mark.django_db
def test_a_name_that_resolves_to_a_private_address_later_is_refused_before_sending(receiver, settings):
    endpoint_for(["registration.decided"], url=receiver.url)  # allowed when it was made (tests, DEBUG)
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert webhooks.delivery_send(delivery.pk) == webhooks.RETRY
    delivery.refresh_from_db()
    assert delivery.last_error == "Refused: 127.0.0.1 resolves to 127.0.0.1, not a public address"
    assert receiver.requests == []


@pytest.mark.django_db
def test_events_must_be_known_and_at_least_one():
    assert code_of(lambda: endpoint_for([])) == "webhook_events_required"
    assert code_of(lambda: endpoint_for(["registration.decided", "registration.deleted"])) == "webhook_events_unknown"
    assert code_of(lambda: endpoint_for(["ping"])) == "webhook_events_unknown"
    endpoint, _secret = endpoint_for(["volunteer.assigned", "registration.decided", "registration.decided"])
    assert endpoint.events == ["registration.decided", "volunteer.assigned"]  # the events' order, once each


@pytest.mark.django_db
def test_the_secret_is_stored_encrypted():
    endpoint, secret = endpoint_for(["registration.decided"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM wic_webhookendpoint WHERE id = %s", [endpoint.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAA") and secret not in stored
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret


# -- the declared events -----------------------------------------------------------------------

def test_the_apps_declare_the_events_in_order():
    assert webhooks.event_keys() == EVENTS


def test_a_malformed_or_repeated_event_key_or_a_missing_serializer_fails_the_system_check(monkeypatch):
    from wic import contrib

    bad = [
        contrib.Contribution("registration", WebhookEvent("Registration-Decided", "x", payload=webhooks.PingWebhookData)),
        contrib.Contribution("expo", WebhookEvent("exhibitor.approved", "x", payload=webhooks.PingWebhookData)),
        contrib.Contribution("expo", WebhookEvent("exhibitor.declined", "x", payload=dict)),
    ]
    real = contrib.contributions
    monkeypatch.setattr(contrib, "contributions", lambda kind: real(kind) + [c for c in bad if isinstance(c.item, kind)])
    problems = [(error.id, error.msg) for error in check_contributions() if error.id in ("wic.E012", "wic.E016")]
    assert problems == [
        ("wic.E012", "WebhookEvent 'exhibitor.approved' is contributed by expo and expo."),
        ("wic.E016", "registration: WebhookEvent key 'Registration-Decided' is not `noun.verb` in lowercase (registration.decided)."),
        ("wic.E016", "expo: WebhookEvent 'exhibitor.declined' names no serializer class as its payload."),
    ]


_SCHEMA: dict = {}


def openapi_schema() -> dict:
    if not _SCHEMA:
        from django.utils import translation
        from drf_spectacular.generators import SchemaGenerator

        with translation.override("en"):  # the descriptions compared below are the English ones
            _SCHEMA.update(json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)))
    return _SCHEMA


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, for jsonschema."""
    if isinstance(node, dict):
        node = {key: _json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    return node


def assert_documented(envelope: dict, event: str):
    """The envelope matches the schema's component for the event (`<Event>Webhook`), whose `data`
    is the event's serializer: the documentation says what is sent."""
    schema = openapi_schema()
    name = webhooks.event_for(event) and "".join(p.capitalize() for p in event.replace(".", "_").split("_")) + "Webhook"
    components = _json_schema(schema["components"])
    jsonschema.validate(envelope, {"$ref": f"#/components/schemas/{name}", "components": components})
    data_component = components["schemas"][name]["properties"]["data"]
    data_component = data_component.get("allOf", [data_component])[0]
    target = components["schemas"][data_component["$ref"].rsplit("/", 1)[1]]
    assert set(envelope["data"]) == set(target["properties"])  # nothing sent undocumented, nothing documented unsent


@pytest.mark.django_db
def test_the_schema_documents_the_envelope_each_event_and_their_headers():
    schema = openapi_schema()
    callbacks = schema["paths"]["/api/v1/webhooks/"]["post"]["callbacks"]
    assert list(callbacks) == ["ping", *EVENTS]
    post = callbacks["registration.decided"]["{$request.body#/url}"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RegistrationDecidedWebhook"}
    for header in ("WIC-Webhook-Id", "WIC-Webhook-Event", "WIC-Webhook-Timestamp", "WIC-Webhook-Signature"):
        assert header in post["description"]
    envelope = schema["components"]["schemas"]["WebhookEnvelope"]
    assert sorted(envelope["required"]) == ["created", "data", "edition", "event", "id", "version"]
    assert schema["components"]["schemas"]["SessionChangedWebhook"]["properties"]["data"] == {
        "allOf": [{"$ref": "#/components/schemas/SessionWebhookData"}], "description": "A published session changed its day, time, hall or status (withdrawn or back).",
    }


# -- each domain event, emitted by its service -------------------------------------------------

@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False):
        yield


def delivered_payload(event: str) -> dict:
    (delivery,) = WebhookDelivery.objects.filter(event=event)
    assert_documented(delivery.payload, event)
    assert (delivery.payload["event"], delivery.payload["created"], delivery.payload["version"]) == (event, T0_TEXT, 1)
    return delivery.payload


def _guest(edition, **overrides):
    from registration import services

    data = {"name": "Maria Silva", "name_zh": "玛丽亚", "email": "maria@example.org", "organization_name": "Example Org", "country": "BR",
            "category": "academia", "participation": "on_site", "consent": True, **overrides}
    return services.registration_create(edition=edition, data=data)


@pytest.mark.django_db
def test_registration_decided_and_credential_issued(frozen, organizer):
    from registration import services

    endpoint_for(["registration.decided", "credential.issued"])
    edition = EditionFactory(year=2099)
    registration = _guest(edition)
    services.registration_decide(registration=registration, status="approved", actor=organizer)
    decided = delivered_payload("registration.decided")
    assert decided["edition"] == 2099
    assert decided["data"] == {
        "registration": registration.pk, "reference": registration.reference, "edition": 2099, "status": "approved", "name": "Maria Silva",
        "name_zh": "玛丽亚", "organization_name": "Example Org", "country": "BR", "category": "academia", "participation": "on_site",
        "decided_at": T0_TEXT,
    }
    credential = registration.credentials.get()
    issued = delivered_payload("credential.issued")
    assert issued["data"] == {
        "credential": credential.pk, "registration": registration.pk, "reference": registration.reference, "edition": 2099, "name": "Maria Silva",
        "name_zh": "玛丽亚", "organization_name": "Example Org", "category": "academia", "active": True, "issued_at": T0_TEXT, "revoked_at": None,
    }
    assert "maria@example.org" not in json.dumps([decided, issued]) and credential.secret not in json.dumps([decided, issued])


@pytest.mark.django_db
def test_credential_revoked(frozen, organizer):
    from registration import services

    edition = EditionFactory(year=2099)
    registration = _guest(edition)
    services.registration_decide(registration=registration, status="approved", actor=organizer)
    old = registration.credentials.get()
    endpoint_for(["credential.revoked"])
    new = services.credential_reissue(registration=registration, actor=organizer)
    revoked = delivered_payload("credential.revoked")
    assert revoked["data"] == {
        "credential": old.pk, "registration": registration.pk, "reference": registration.reference, "edition": 2099, "name": "Maria Silva",
        "name_zh": "玛丽亚", "organization_name": "Example Org", "category": "academia", "active": False, "issued_at": T0_TEXT, "revoked_at": T0_TEXT,
    }
    assert new.pk != old.pk and old.secret not in json.dumps(revoked)


@pytest.mark.django_db
def test_session_published_then_changed(frozen):
    from agenda import services

    endpoint_for(["session.published", "session.changed"])
    edition = EditionFactory(year=2099)
    hall = HallFactory(name_zh="乌镇厅", name_en="Wuzhen Hall")
    session = services.session_upsert(edition=edition, key="opening", title_zh="开幕式", title_en="Opening", kind="plenary", date=date(2099, 11, 10),
                                       start_time=datetime(2099, 1, 1, 9).time(), end_time=datetime(2099, 1, 1, 10).time(), hall=hall, access="open")
    published = delivered_payload("session.published")
    expected = {
        "session": session.pk, "key": "opening", "edition": 2099, "title_zh": "开幕式", "title_en": "Opening", "kind": "plenary",
        "date": "2099-11-10", "start": "2099-11-10T09:00:00+08:00", "end": "2099-11-10T10:00:00+08:00", "period": "", "hall": hall.pk,
        "hall_name_zh": "乌镇厅", "hall_name_en": "Wuzhen Hall", "access": "open", "is_published": True,
    }
    assert published["data"] == expected
    services.session_upsert(edition=edition, key="opening", title_zh="开幕式", title_en="Opening Ceremony", kind="plenary", date=date(2099, 11, 10),
                            start_time=datetime(2099, 1, 1, 9).time(), end_time=datetime(2099, 1, 1, 10).time(), hall=hall, access="open")
    assert not WebhookDelivery.objects.filter(event="session.changed").exists()  # a title alone changes nothing a partner schedules by
    services.session_place(session=session, hall=hall, date=date(2099, 11, 11), start_time=datetime(2099, 1, 1, 14).time(), end_time=datetime(2099, 1, 1, 15).time())
    changed = delivered_payload("session.changed")
    assert changed["data"] == {**expected, "title_en": "Opening Ceremony", "date": "2099-11-11", "start": "2099-11-11T14:00:00+08:00", "end": "2099-11-11T15:00:00+08:00"}
    assert WebhookDelivery.objects.filter(event="session.published").count() == 1


@pytest.mark.django_db
def test_session_published_when_an_unpublished_session_is_placed(frozen):
    from agenda import services

    edition = EditionFactory(year=2099)
    hall = HallFactory(name_zh="枕水厅", name_en="")
    session = services.session_upsert(edition=edition, key="forum-1", title_zh="分论坛", kind="sub_forum", date=date(2099, 11, 10), period="morning", is_published=False)
    endpoint_for(["session.published", "session.changed"])
    services.session_place(session=session, hall=hall, date=date(2099, 11, 10), start_time=datetime(2099, 1, 1, 9).time(), end_time=datetime(2099, 1, 1, 11).time())
    assert delivered_payload("session.published")["data"] == {
        "session": session.pk, "key": "forum-1", "edition": 2099, "title_zh": "分论坛", "title_en": "", "kind": "sub_forum", "date": "2099-11-10",
        "start": "2099-11-10T09:00:00+08:00", "end": "2099-11-10T11:00:00+08:00", "period": "", "hall": hall.pk, "hall_name_zh": "枕水厅",
        "hall_name_en": "", "access": "not_stated", "is_published": True,
    }
    assert not WebhookDelivery.objects.filter(event="session.changed").exists()


@pytest.mark.django_db
def test_session_published_then_changed_in_the_admin(frozen, organizer, rf):
    """The admin's own form saves a session without the agenda's services: its save tells the
    integrations the same way (published once, then changed when the hall changes)."""
    from types import SimpleNamespace

    from django.contrib import admin as django_admin
    from django.contrib.messages.storage.fallback import FallbackStorage

    from agenda import services
    from agenda.models import Session

    edition = EditionFactory(year=2099)
    hall, other_hall = HallFactory(name_zh="枕水厅", name_en=""), HallFactory(name_zh="乌镇厅", name_en="Wuzhen Hall")
    session = services.session_upsert(edition=edition, key="forum-2", title_zh="分论坛", kind="sub_forum", date=date(2099, 11, 10),
                                      start_time=datetime(2099, 1, 1, 9).time(), end_time=datetime(2099, 1, 1, 11).time(), hall=hall, is_published=False)
    endpoint_for(["session.published", "session.changed"])
    request = rf.post("/")
    request.user, request.session = organizer, {}
    request._messages = FallbackStorage(request)
    model_admin = django_admin.site._registry[Session]

    session.is_published = True
    model_admin.save_model(request, session, SimpleNamespace(changed_data=["is_published"]), change=True)
    assert delivered_payload("session.published")["data"]["hall"] == hall.pk
    session.hall = other_hall
    model_admin.save_model(request, session, SimpleNamespace(changed_data=["hall"]), change=True)
    assert delivered_payload("session.changed")["data"]["hall_name_en"] == "Wuzhen Hall"
    assert WebhookDelivery.objects.filter(event="session.published").count() == 1


@pytest.mark.django_db
def test_forum_application_decided(frozen, organizer):
    from forums import services
    from forums.models import ForumCall

    edition = EditionFactory(year=2099)
    call = ForumCall.objects.create(edition=edition, title_zh="分论坛申报", opens_at=T0 - timedelta(days=1), closes_at=T0 + timedelta(days=1))
    applicant = make_organizer("forum-applicant")
    fields = {"title_zh": "数字丝路合作论坛", "title_en": "Digital Silk Road forum", "theme_zh": "共建数字丝路", "format": "round_table",
              "preferred_date": date(2099, 11, 11), "preferred_half_day": "morning", "contact_name": "李四", "contact_email": "li@example.org", "rationale": "合作"}
    application = services.application_save_draft(call=call, applicant=applicant, fields=fields, organizations=[{"role": "host", "organization": OrganizationFactory()}])
    application = services.application_submit(application=application, actor=applicant)
    application = services.application_transition(application=application, to_state="under_review", actor=organizer)
    endpoint_for(["forum_application.decided"])
    application = services.application_transition(application=application, to_state="accepted", actor=organizer)
    payload = delivered_payload("forum_application.decided")
    assert payload["data"] == {
        "application": application.pk, "edition": 2099, "call": call.pk, "title_zh": "数字丝路合作论坛", "title_en": "Digital Silk Road forum",
        "state": "accepted", "decided_at": T0_TEXT, "session": application.session_id,
    }
    assert application.session_id is not None and "li@example.org" not in json.dumps(payload)


@pytest.mark.django_db
def test_nomination_decided(organizer):
    from awards import services
    from tests.awards.conftest import DURING, make_programme

    edition = EditionFactory(year=2099)
    programme = make_programme(edition)
    nomination = services.nomination_nominate_individual(programme=programme, actor=organizer, person_name="张三", person_affiliation="某大学", citation="贡献", now=DURING)
    endpoint_for(["nomination.decided"])
    with time_machine.travel(T0, tick=False):
        services.nomination_transition(nomination=nomination, to_state="ineligible", actor=organizer, message="材料不全")
    payload = delivered_payload("nomination.decided")
    assert payload["data"] == {
        "nomination": nomination.pk, "edition": 2099, "programme": programme.pk, "programme_key": "outstanding-contribution",
        "programme_name_zh": "测试杰出贡献奖", "programme_name_en": "Test Outstanding Contribution Award", "direction": "individual",
        "state": "ineligible", "previous_state": "submitted", "organization": None, "organization_name_zh": "", "organization_name_en": "",
        "person_name": "张三", "won_category": None, "won_category_key": "",
    }
    assert "材料不全" not in json.dumps(payload)  # the screening note stays with the organizers


@pytest.mark.django_db
def test_exhibitor_approved_and_not_declined(frozen, organizer):
    from expo import services
    from tests.expo.conftest import application

    edition = EditionFactory(year=2099)
    approved = services.exhibitor_create(edition=edition, data=application(1), status="pending")
    declined = services.exhibitor_create(edition=edition, data=application(2), status="pending")
    endpoint_for(["exhibitor.approved"])
    services.exhibitor_decide(exhibitor=declined, status="declined", actor=organizer)
    assert not WebhookDelivery.objects.exists()
    services.exhibitor_decide(exhibitor=approved, status="approved", actor=organizer)
    approved.refresh_from_db()
    assert delivered_payload("exhibitor.approved")["data"] == {
        "exhibitor": approved.pk, "edition": 2099, "organization": approved.organization_id, "organization_name_zh": "测试参展商1",
        "organization_name_en": "Test Exhibitor 1", "country": "CN", "status": "approved", "booth_size": 9, "decided_at": T0_TEXT,
    }


@pytest.mark.django_db
def test_volunteer_assigned(frozen, organizer):
    from tests.volunteers.helpers import DAY1, make_post, make_programme, make_shift, make_team, make_volunteer
    from volunteers import services

    programme = make_programme(EditionFactory(year=2099))
    post = make_post(programme, name="接待岗", name_en="Reception", kind="guest_liaison")
    shift = make_shift(post, start=DAY1)
    team = make_team(programme)
    volunteer = make_volunteer(programme, name="王小明", team=team)
    endpoint_for(["volunteer.assigned"])
    assignment = services.shift_assign(shift=shift, volunteer=volunteer, actor=organizer)
    payload = delivered_payload("volunteer.assigned")
    assert payload["data"] == {
        "assignment": assignment.pk, "edition": 2099, "shift": shift.pk, "starts_at": "2099-11-10T09:00:00+08:00", "ends_at": "2099-11-10T12:00:00+08:00",
        "post": post.pk, "post_kind": "guest_liaison", "post_name_zh": "接待岗", "post_name_en": "Reception", "volunteer": volunteer.pk,
        "volunteer_name": "王小明", "team": team.pk, "source": "manual",
    }
    assert volunteer.phone not in json.dumps(payload) and volunteer.email not in json.dumps(payload)


@pytest.mark.django_db
def test_volunteer_assigned_by_the_auto_roster(frozen, organizer):
    """The auto-roster inserts its assignments in bulk; each is told once, with `source` "auto"."""
    from tests.volunteers.helpers import DAY1, make_post, make_programme, make_shift, make_volunteer
    from volunteers.roster import roster_auto

    programme = make_programme(EditionFactory(year=2099))
    shift = make_shift(make_post(programme, name="引导岗"), start=DAY1, needed=2)
    first, second = make_volunteer(programme, name="甲"), make_volunteer(programme, name="乙")
    endpoint_for(["volunteer.assigned"])
    report = roster_auto(programme=programme, actor=organizer)
    assert report.assigned == 2
    deliveries = WebhookDelivery.objects.filter(event="volunteer.assigned").order_by("pk")
    assert sorted((d.payload["data"]["volunteer"], d.payload["data"]["shift"], d.payload["data"]["source"]) for d in deliveries) == sorted(
        [(first.pk, shift.pk, "auto"), (second.pk, shift.pk, "auto")]
    )


@pytest.mark.django_db
def test_ping(frozen):
    endpoint, _secret = endpoint_for(["registration.decided", "volunteer.assigned"], is_active=False)
    delivery = webhooks.endpoint_ping(endpoint=endpoint)
    assert delivered_payload("ping") == {
        "id": str(delivery.event_id), "event": "ping", "version": 1, "created": T0_TEXT, "edition": None,
        "data": {"endpoint": endpoint.pk, "events": ["registration.decided", "volunteer.assigned"]},
    }


# -- the purge ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_deliveries_older_than_30_days_are_purged_by_a_daily_beat_task(settings):
    from celery.schedules import crontab

    from wic.tasks import purge_webhook_deliveries

    endpoint_for(["registration.decided"])
    old, recent = (webhooks.emit("registration.decided", {"registration": n})[0] for n in range(2))
    WebhookDelivery.objects.filter(pk=old.pk).update(created=T0 - timedelta(days=30, seconds=1))
    WebhookDelivery.objects.filter(pk=recent.pk).update(created=T0 - timedelta(days=29, hours=23))
    with time_machine.travel(T0, tick=False):
        assert purge_webhook_deliveries() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
    assert settings.CELERY_BEAT_SCHEDULE["wic-purge-webhook-deliveries"] == {"task": "wic.purge_webhook_deliveries", "schedule": crontab(hour=3, minute=45)}
    assert settings.CELERY_BEAT_SCHEDULE["wic-sweep-webhooks"] == {"task": "wic.sweep_webhooks", "schedule": float(settings.WEBHOOK_SWEEP_INTERVAL)}
    assert settings.CELERY_TASK_ROUTES["wic.sweep_webhooks"] == settings.CELERY_TASK_ROUTES["wic.purge_webhook_deliveries"] == {"queue": "notifications"}


# -- the API -----------------------------------------------------------------------------------

@pytest.fixture
def api(client, organizer):
    client.force_login(organizer)
    return client


def post_json(client, path, data, method="post"):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


@pytest.mark.django_db
def test_an_organizer_registers_an_endpoint_and_sees_its_secret_once(api, organizer):
    response = post_json(api, "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/partner", "events": ["credential.issued", "registration.decided"], "description": "Badge printer"})
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body == {
        "id": endpoint.pk, "url": "http://127.0.0.1:9/partner", "events": ["registration.decided", "credential.issued"], "is_active": True,
        "description": "Badge printer", "created_by": "webhook-organizer", "created": body["created"], "secret": endpoint.secret,
    }
    assert body["secret"].startswith("whsec_")
    shown = api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    assert "secret" not in shown and body["secret"] not in json.dumps(api.get("/api/v1/webhooks/").json())


@pytest.mark.django_db
def test_the_api_answers_the_services_refusals_with_their_codes(api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    private = post_json(api, "/api/v1/webhooks/", {"url": "http://192.168.1.10/hook", "events": ["registration.decided"]})
    assert (private.status_code, private.json()["code"], list(private.json()["errors"])) == (400, "webhook_url_private", ["url"])
    scheme = post_json(api, "/api/v1/webhooks/", {"url": "file:///etc/passwd", "events": ["registration.decided"]})
    assert (scheme.status_code, scheme.json()["code"]) == (400, "webhook_url_scheme")
    none = post_json(api, "/api/v1/webhooks/", {"url": "https://93.184.215.14/", "events": []})
    assert (none.status_code, none.json()["code"]) == (400, "webhook_events_required")
    unknown = post_json(api, "/api/v1/webhooks/", {"url": "https://93.184.215.14/", "events": ["registration.deleted"]})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["errors"]["events"]["0"][0]["code"]) == (400, "invalid", "invalid_choice")
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_an_organizer_changes_pauses_and_deletes_an_endpoint(api):
    endpoint, secret = endpoint_for(["registration.decided"])
    webhooks.emit("registration.decided", {"registration": 1})
    patched = post_json(api, f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": False, "events": ["session.changed"]}, method="patch")
    assert (patched.status_code, patched.json()["is_active"], patched.json()["events"], patched.json()["url"]) == (200, False, ["session.changed"], CLOSED_PORT)
    put = post_json(api, f"/api/v1/webhooks/{endpoint.pk}/", {"url": "http://127.0.0.1:9/other", "events": ["exhibitor.approved"]}, method="put")
    assert (put.status_code, put.json()["url"], put.json()["events"], put.json()["is_active"], put.json()["description"]) == (
        200, "http://127.0.0.1:9/other", ["exhibitor.approved"], True, "",
    )
    assert WebhookEndpoint.objects.get().secret == secret  # the secret stays
    deleted = api.delete(f"/api/v1/webhooks/{endpoint.pk}/")
    assert deleted.status_code == 204
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()["code"] == "not_found"


@pytest.mark.django_db
def test_the_delivery_log_and_a_ping(api, receiver):
    endpoint, secret = endpoint_for(["registration.decided"], url=receiver.url)
    with time_machine.travel(EARLIER, tick=False):
        (first,) = webhooks.emit("registration.decided", {"registration": 1})
    WebhookDelivery.objects.filter(pk=first.pk).update(status="failed", attempts=6, last_status_code=500, last_error="HTTP 500")
    ping = api.post(f"/api/v1/webhooks/{endpoint.pk}/ping/")
    assert ping.status_code == 202, ping.content
    # The test's transaction never commits: the ping is recorded, handed over at the commit.
    assert (ping.json()["event"], ping.json()["status"], ping.json()["payload"]["data"]) == ("ping", "pending", {"endpoint": endpoint.pk, "events": ["registration.decided"]})
    log = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert (log["count"], [row["event"] for row in log["results"]]) == (2, ["ping", "registration.decided"])
    assert log["results"][1] == {
        "id": first.pk, "event": "registration.decided", "event_id": str(first.event_id), "status": "failed", "attempts": 6, "next_attempt_at": None,
        "last_status_code": 500, "last_error": "HTTP 500", "delivered_at": None, "created": "2025-01-05T10:00:00+08:00",
        "payload": {"id": str(first.event_id), "event": "registration.decided", "version": 1, "created": "2025-01-05T10:00:00+08:00", "edition": None, "data": {"registration": 1}},
    }
    failed = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/?status=failed").json()
    assert [row["id"] for row in failed["results"]] == [first.pk]
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/?event=ping").json()["count"] == 1
    bad = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/?status=lost")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert api.get("/api/v1/webhooks/?is_active=false").json()["count"] == 0
    assert receiver.requests == []


@pytest.mark.django_db
def test_the_ping_is_sent_after_the_commit(receiver, organizer, django_capture_on_commit_callbacks):
    endpoint, secret = endpoint_for(["registration.decided"], url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhooks.endpoint_ping(endpoint=endpoint)
    delivery.refresh_from_db()
    assert (delivery.status, len(receiver.requests)) == ("delivered", 1)
    headers, body = receiver.requests[0]
    assert receiver_module.verify(secret, body, headers)["event"] == "ping"


@pytest.mark.django_db
def test_only_organizers_use_the_webhooks_api(client, django_user_model):
    endpoint, _secret = endpoint_for(["registration.decided"])
    assert client.get("/api/v1/webhooks/").json()["code"] == "not_authenticated"
    client.force_login(django_user_model.objects.create_user("someone", is_staff=True))  # staff alone is not an organizer
    for method, path in (("get", "/api/v1/webhooks/"), ("get", f"/api/v1/webhooks/{endpoint.pk}/deliveries/"), ("post", f"/api/v1/webhooks/{endpoint.pk}/ping/")):
        response = getattr(client, method)(path)
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert client.get("/api/v1/webhooks/²/").status_code == 404


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_the_lists_make_a_fixed_number_of_queries(api, organizer):
    endpoint, _secret = webhooks.endpoint_create(url=CLOSED_PORT, events=["registration.decided"], actor=organizer)
    webhooks.emit("registration.decided", {"registration": 0})
    few = (_count(api, "/api/v1/webhooks/"), _count(api, f"/api/v1/webhooks/{endpoint.pk}/deliveries/"))
    for n in range(9):
        webhooks.endpoint_create(url=CLOSED_PORT, events=["session.changed"], actor=make_organizer(f"webhook-organizer-{n}"))
        webhooks.emit("registration.decided", {"registration": n + 1})
    many = (_count(api, "/api/v1/webhooks/"), _count(api, f"/api/v1/webhooks/{endpoint.pk}/deliveries/"))
    assert api.get("/api/v1/webhooks/").json()["count"] == 10
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["count"] == 10
    # session, user, organizer group; then count and page (deliveries: the endpoint first)
    assert few == many == (5, 6)


# -- the admin ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_admin_makes_an_endpoint_showing_its_secret_once_and_sends_deliveries_again(client, organizer, receiver, django_capture_on_commit_callbacks):
    cache.clear()
    client.force_login(organizer)
    response = client.post("/admin/wic/webhookendpoint/add/", {"url": receiver.url, "events": ["registration.decided"], "description": "Partner", "is_active": "on"}, follow=True)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    assert any(endpoint.secret in m for m in messages), messages
    assert endpoint.secret not in client.get(f"/admin/wic/webhookendpoint/{endpoint.pk}/change/").content.decode()
    refused = client.post("/admin/wic/webhookendpoint/add/", {"url": "gopher://example.org/", "events": ["registration.decided"]})
    assert [error.code for error in refused.context["adminform"].form.errors.as_data()["url"]] == ["webhook_url_scheme"]
    (delivery,) = webhooks.emit("registration.decided", {"registration": 1})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/admin/wic/webhookdelivery/", {"action": "send_again", "_selected_action": [delivery.pk]}, follow=True)
    assert sent.status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("delivered", 1, 1)
    assert client.get(f"/admin/wic/webhookdelivery/{delivery.pk}/change/").status_code == 200
    assert client.get("/admin/wic/webhookdelivery/add/").status_code == 403


@pytest.mark.django_db
def test_markup_typed_into_an_endpoint_is_shown_as_text(api):
    """tests/wic/test_escaping.py's rule for wic.api_webhooks.WebhookEndpointInputSerializer: the
    description and the address (no space, so a valid URL) carry markup; the admin's pages show it
    escaped, the JSON answers unchanged."""
    from django.utils.html import escape

    description = '<script>alert("d")</script>"><img src=x onerror=alert(1)>'
    url = 'http://127.0.0.1:9/?q="><script>alert("u")</script>'
    created = post_json(api, "/api/v1/webhooks/", {"url": url, "events": ["registration.decided"], "description": description})
    assert (created.status_code, created.json()["url"], created.json()["description"]) == (201, url, description)
    endpoint = WebhookEndpoint.objects.get()
    webhooks.emit("registration.decided", {"registration": 1, "name": description})
    for page in ("/admin/wic/webhookendpoint/", f"/admin/wic/webhookendpoint/{endpoint.pk}/change/", "/admin/wic/webhookdelivery/",
                 f"/admin/wic/webhookdelivery/{WebhookDelivery.objects.get().pk}/change/"):
        html = api.get(page).content.decode()
        assert "<script>alert(" not in html and "<img src=x onerror" not in html, page
        assert escape("<script>alert(") in html or escape(description) in html or escape(url) in html, page


@pytest.mark.django_db
def test_an_organizer_sends_failed_deliveries_again_through_the_api(api, django_capture_on_commit_callbacks):
    endpoint, _secret = endpoint_for(["registration.decided"])
    other, _secret = endpoint_for(["registration.decided"])
    first, second = (webhooks.emit("registration.decided", {"registration": n}) for n in range(2))
    failed_here, failed_there = sorted(first, key=lambda d: d.endpoint_id != endpoint.pk)
    pending_here = next(d for d in second if d.endpoint_id == endpoint.pk)
    WebhookDelivery.objects.filter(pk__in=[failed_here.pk, failed_there.pk]).update(status="failed", attempts=6)
    answer = post_json(api, f"/api/v1/webhooks/{endpoint.pk}/send-again/", {})
    assert (answer.status_code, answer.json()) == (200, {"queued": 1})  # this endpoint's failed one only
    assert WebhookDelivery.objects.get(pk=failed_here.pk).status == "pending" and WebhookDelivery.objects.get(pk=failed_there.pk).status == "failed"
    named = post_json(api, f"/api/v1/webhooks/{endpoint.pk}/send-again/", {"deliveries": [pending_here.pk, failed_there.pk]})
    assert named.json() == {"queued": 1}  # another endpoint's delivery is not this one's to send
    bad = post_json(api, f"/api/v1/webhooks/{endpoint.pk}/send-again/", {"deliveries": ["x"]})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")


def test_the_events_descriptions_follow_the_schemas_language():
    """The envelope classes are made once; their texts are lazy, so a schema made in Chinese first
    does not leave its texts in the English one (nor the other way round)."""
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    def description(language):
        with translation.override(language):
            schema = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
        return schema["components"]["schemas"]["SessionChangedWebhook"]["properties"]["data"]["description"]

    assert description("zh-hans") == "已发布议程的日期、时间、会议厅或状态发生变化（撤下或恢复）。"
    assert description("en") == "A published session changed its day, time, hall or status (withdrawn or back)."
