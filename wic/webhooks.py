"""Signed webhooks (issue 28): the summit's events sent to partners' endpoints, through an outbox.

Organizers register endpoints (`WebhookEndpoint`: a URL, the events it receives, a secret shown
once). An app declares its events as `wic.contrib.WebhookEvent`s and its service calls
`emit(key, data)` inside the transaction of the change it announces:

- `emit` writes one `WebhookDelivery` per active endpoint subscribed to the event, all carrying
  the same event id, and hands each to the `wic.deliver_webhook` task once the transaction
  commits (wic.queueing). With no endpoint subscribed it writes nothing and costs one query; the
  data may be given as a callable, built only when someone listens.
- `delivery_send` (the task's work) locks the row (`select_for_update(skip_locked=True)`: a row
  another worker is sending is skipped, never sent twice), POSTs the envelope signed with the
  endpoint's secret (see `signature`), and records the attempt: a 2xx answer is `delivered`;
  anything else (another status, a redirect, a timeout after TIMEOUT seconds, a refused
  connection) waits BACKOFF[n] (1 min, 5 min, 30 min, 2 h, 12 h) and is tried again; after
  MAX_ATTEMPTS the row is `failed`. Organizers send failed rows again (the admin's action).
- `sweep` (the beat task `wic.sweep_webhooks`, every WEBHOOK_SWEEP_INTERVAL seconds) hands over
  every pending row that is due: retries, and first attempts the broker never received (still
  unsent WEBHOOK_SWEEP_AFTER seconds after they were recorded). A broker outage loses nothing.
- `purge` (the beat task `wic.purge_webhook_deliveries`, daily) deletes deliveries older than
  WEBHOOK_DELIVERY_RETENTION_DAYS (30): a payload may name a guest.

Addresses: only http(s), and unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (on in development and tests)
none that resolves to a loopback, private, link-local or otherwise non-public address, checked
when the endpoint is saved and again before each attempt (a name may resolve elsewhere later).
Redirects are not followed. The receiving side is described in docs/webhooks.md, with a
reference receiver in docs/webhook_receiver.py.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from . import contrib, queueing
from .errors import DomainError
from .models import WebhookDelivery, WebhookEndpoint

BEIJING = ZoneInfo("Asia/Shanghai")
VERSION = 1  # the envelope's `version`: a change that breaks receivers gets a new one
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1  # the first attempt and one retry after each wait
TIMEOUT = 5  # seconds to connect, and again to read the answer's status line
SECRET_PREFIX = "whsec_"
SWEEP_BATCH = 500  # rows handed over per sweep at most, oldest first
ERROR_LENGTH = 300  # WebhookDelivery.last_error
USER_AGENT = "WIC-Summit-Webhooks/1"
# Switched off only by the concurrency test's negative control, to show the test sees the race.
LOCK_DELIVERY = True

HEADER_ID = "WIC-Webhook-Id"
HEADER_EVENT = "WIC-Webhook-Event"
HEADER_TIMESTAMP = "WIC-Webhook-Timestamp"
HEADER_SIGNATURE = "WIC-Webhook-Signature"

# What delivery_send did with a row.
DELIVERED, RETRY, FAILED, SKIPPED, NOT_DUE, PAUSED = "delivered", "retry", "failed", "skipped", "not_due", "paused"


class PingWebhookData(serializers.Serializer):
    """The data of a ping: which endpoint asked for it and what it subscribes to."""

    endpoint = serializers.IntegerField(help_text="The endpoint's id")
    events = serializers.ListField(child=serializers.CharField(), help_text="The events the endpoint receives")


PING = contrib.WebhookEvent(
    "ping", gettext_lazy("Ping"), gettext_lazy("Sent when an organizer asks for it (POST /api/v1/webhooks/{id}/ping/), to test the endpoint."),
    payload=PingWebhookData, order=0,
)


# -- the events --------------------------------------------------------------------------------

def events() -> list[contrib.WebhookEvent]:
    """Every event an endpoint may subscribe to, as the apps declare them, by order."""
    return contrib.ordered(contrib.WebhookEvent)


def event_keys() -> list[str]:
    return [item.key for item in events()]


def event_for(key: str) -> contrib.WebhookEvent | None:
    return PING if key == PING.key else next((item for item in events() if item.key == key), None)


# -- endpoints ---------------------------------------------------------------------------------

def secret_new() -> str:
    """A new signing secret: `whsec_` and 43 URL-safe characters (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _non_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope ("fe80::1%eth0") is no part of the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def private_address(url: str) -> tuple[str, str] | None:
    """(host, address) when the URL's host resolves to a loopback, private, link-local, shared,
    reserved or multicast address (any of its addresses), else None. Raises DomainError
    `webhook_url_unresolvable` for a host that resolves to nothing."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise DomainError("webhook_url_unresolvable", _("%(host)s does not resolve to an address.") % {"host": host[:100]}, field="url") from None
    for _family, _type, _proto, _name, sockaddr in found:
        if _non_public(sockaddr[0]):
            return host, sockaddr[0]
    return None


def url_check(url: str) -> str:
    """The endpoint address, stripped, or DomainError: `webhook_url_scheme` (not http or https),
    `webhook_url_invalid` (not a web address, or longer than 500 characters),
    `webhook_url_private` (resolves to a non-public address, unless
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES), `webhook_url_unresolvable`."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise DomainError("webhook_url_scheme", _("Only http:// and https:// addresses can receive webhooks."), field="url")
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise DomainError("webhook_url_invalid", _("This is not a web address a webhook can be sent to (at most 500 characters)."), field="url") from None
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        found = private_address(url)
        if found is not None:
            raise DomainError(
                "webhook_url_private",
                _("%(host)s resolves to %(address)s, a private or loopback address; webhooks go to public addresses only.")
                % {"host": found[0][:100], "address": found[1]},
                field="url",
            )
    return url


def events_check(keys: Iterable[str]) -> list[str]:
    """The event keys, deduplicated in the events' order, or DomainError `webhook_events_required`
    (none) or `webhook_events_unknown` (naming them)."""
    keys = list(keys or [])
    known = event_keys()
    unknown = sorted({str(key)[:60] for key in keys if key not in known})
    if unknown:
        raise DomainError(
            "webhook_events_unknown",
            _("Unknown events: %(keys)s. The events are: %(known)s.") % {"keys": ", ".join(unknown), "known": ", ".join(known)},
            field="events",
        )
    if not keys:
        raise DomainError("webhook_events_required", _("Choose at least one event."), field="events")
    return [key for key in known if key in keys]


@transaction.atomic
def endpoint_create(*, url: str, events: Iterable[str], actor, description: str = "", is_active: bool = True) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, which the caller shows once (it is stored encrypted,
    for signing, and never shown again). Refusals: those of url_check and events_check."""
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        url=url_check(url), events=events_check(events), secret=secret, is_active=is_active, description=(description or "").strip()[:200],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, url: str | None = None, events: Iterable[str] | None = None, is_active: bool | None = None,
                    description: str | None = None) -> WebhookEndpoint:
    """Change what is given (None keeps a value). Deactivating pauses the endpoint: emit writes no
    delivery for it, and its pending ones wait until it is active again."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        endpoint.url = url_check(url)
    if events is not None:
        endpoint.events = events_check(events)
    if is_active is not None:
        endpoint.is_active = is_active
    if description is not None:
        endpoint.description = description.strip()[:200]
    endpoint.save(update_fields=["url", "events", "is_active", "description"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its delivery log."""
    endpoint.delete()


# -- recording ---------------------------------------------------------------------------------

def _plain(data: dict) -> dict:
    """`data` as plain JSON values (dates, decimals and UUIDs as strings), as it will be sent."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def envelope(*, event_id: uuid.UUID, event: str, created: datetime, edition: int | None, data: dict) -> dict:
    """What is POSTed (docs/webhooks.md): the event's id, key, the envelope's version, when the
    event happened (ISO 8601, Beijing time), the edition's year (or null) and the event's data."""
    return {
        "id": str(event_id), "event": event, "version": VERSION, "created": timezone.localtime(created, BEIJING).isoformat(timespec="seconds"),
        "edition": edition, "data": _plain(data),
    }


def _record(endpoint_ids: list[int], event: str, data: dict, edition: int | None) -> list[WebhookDelivery]:
    from .tasks import deliver_webhook

    now = timezone.now()
    event_id = uuid.uuid4()
    payload = envelope(event_id=event_id, event=event, created=now, edition=edition, data=data)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint_id=pk, event=event, event_id=event_id, payload=payload, created=now) for pk in endpoint_ids]
    )
    for delivery in deliveries:
        queueing.enqueue_on_commit(deliver_webhook, delivery.pk)
    return deliveries


def listeners(event_key: str) -> list[int]:
    """The ids of the active endpoints subscribed to the event (one query): a caller about to emit
    many events of one kind asks once and builds none when nobody listens."""
    return [pk for pk, keys in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events") if isinstance(keys, list) and event_key in keys]


def emit(event_key: str, data: dict | Callable[[], dict], *, edition_year: int | Callable[[], int | None] | None = None) -> list[WebhookDelivery]:
    """Record the event for every active endpoint subscribed to it, in the caller's transaction,
    and send each after the commit; returns the deliveries ([] when nobody listens: then one query
    and nothing built). `data` (or the callable giving it) holds plain values: ids, references,
    statuses, names a partner needs; never an email address, a passport or a secret.
    `edition_year` (or a callable) is the envelope's `edition`; without it, the data's `edition`
    when that is a year. An undeclared event key is a programming error (ValueError)."""
    if event_for(event_key) is None:
        raise ValueError(f"{event_key!r} is not a declared webhook event (wic.contrib.WebhookEvent)")
    listening = listeners(event_key)
    if not listening:
        return []
    data = data() if callable(data) else data
    year = edition_year() if callable(edition_year) else edition_year
    if year is None and isinstance(data.get("edition"), int):
        year = data["edition"]
    return _record(listening, event_key, data, year)


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send the endpoint a `ping` event (whatever it subscribes to, active or not: an organizer
    tests it before switching it on); returns its delivery, sent after the commit."""
    (delivery,) = _record([endpoint.pk], PING.key, {"endpoint": endpoint.pk, "events": list(endpoint.events)}, None)
    return delivery


# -- sending -----------------------------------------------------------------------------------

def body_of(payload: dict) -> bytes:
    """The bytes POSTed for an envelope: compact JSON, UTF-8 (the signature covers these bytes)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, keyed with the secret, of `<timestamp>.<body>`."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def headers_for(delivery: WebhookDelivery, *, secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        HEADER_ID: str(delivery.event_id), HEADER_EVENT: delivery.event, HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature(secret, timestamp, body),
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST and return (status, error): the answer's status ("" for a 2xx), or None and what
    failed. Redirects are not followed (a 3xx is a failed attempt); the answer's body is not read."""
    import requests

    try:
        with requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False, stream=True) as response:
            status = response.status_code
    except requests.Timeout:
        return None, f"Timeout: no answer within {TIMEOUT} s"
    except requests.RequestException as error:
        return None, f"{type(error).__name__}: {error}"
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def delivery_send(delivery_id: int) -> str:
    """One attempt at a delivery (the task `wic.deliver_webhook`): DELIVERED, RETRY (due again
    after BACKOFF[attempts - 1]) or FAILED (after MAX_ATTEMPTS); SKIPPED for a row another worker
    holds, already delivered or failed, or gone; NOT_DUE before its next attempt; PAUSED for an
    inactive endpoint (the row waits). The row stays locked while it is sent."""
    with transaction.atomic():
        rows = WebhookDelivery.objects.select_related("endpoint")
        if LOCK_DELIVERY:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        delivery = rows.filter(pk=delivery_id).first()
        if delivery is None or delivery.status != WebhookDelivery.PENDING:
            return SKIPPED
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now():
            return NOT_DUE
        endpoint = delivery.endpoint
        if not endpoint.is_active and delivery.event != PING.key:
            return PAUSED
        body = body_of(delivery.payload)
        timestamp = int(time.time())
        status, error = None, ""
        if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
            try:
                found = private_address(endpoint.url)
                if found is not None:
                    error = f"Refused: {found[0][:100]} resolves to {found[1]}, not a public address"
            except DomainError as refusal:
                error = refusal.message
        if not error:
            status, error = _post(endpoint.url, body, headers_for(delivery, secret=endpoint.secret, body=body, timestamp=timestamp))
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_status_code = status
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at, delivery.last_error = WebhookDelivery.DELIVERED, now, None, ""
            outcome = DELIVERED
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at, delivery.last_error = WebhookDelivery.FAILED, None, error[:ERROR_LENGTH]
            outcome = FAILED
        else:
            delivery.next_attempt_at, delivery.last_error = now + BACKOFF[delivery.attempts - 1], error[:ERROR_LENGTH]
            outcome = RETRY
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at"])
    return outcome


def due(now: datetime | None = None):
    """Pending deliveries of active endpoints (and pings) whose attempt is due at `now`: retries
    whose time has come, and first attempts still unsent WEBHOOK_SWEEP_AFTER seconds after they were recorded."""
    now = now or timezone.now()
    first_overdue = now - timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER)
    return WebhookDelivery.objects.filter(status=WebhookDelivery.PENDING).filter(Q(endpoint__is_active=True) | Q(event=PING.key)).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created__lt=first_overdue)
    )


def sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Hand every due delivery (see `due`) to the workers, oldest first, at most `limit`; returns
    how many were handed over. Without a worker (no REDIS_URL) each is sent here and now."""
    from .tasks import deliver_webhook

    ids = list(due(now).order_by("created", "pk").values_list("pk", flat=True)[:limit])
    return sum(queueing.enqueue(deliver_webhook, pk) for pk in ids)


@transaction.atomic
def deliveries_send_again(*, deliveries) -> int:
    """An organizer's "send again": failed and pending deliveries are due at once, with a new
    series of attempts, and handed to the workers after the commit; delivered ones are left
    alone (an event is delivered once per endpoint). Returns how many."""
    from .tasks import deliver_webhook

    chosen = list(deliveries.filter(status__in=(WebhookDelivery.FAILED, WebhookDelivery.PENDING)).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=chosen).update(status=WebhookDelivery.PENDING, attempts=0, next_attempt_at=None)
    for pk in chosen:
        queueing.enqueue_on_commit(deliver_webhook, pk)
    return len(chosen)


def purge(*, now: datetime | None = None) -> int:
    """Delete the deliveries recorded more than WEBHOOK_DELIVERY_RETENTION_DAYS ago (their
    payloads may name guests); returns how many."""
    before = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    deleted, _per_model = WebhookDelivery.objects.filter(created__lt=before).delete()
    return deleted
