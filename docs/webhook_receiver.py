"""A reference receiver of the WIC Summit Manager's webhooks (docs/webhooks.md), standard library only.

Copy `verify` into your receiver, or run this file to see deliveries arrive:

    python webhook_receiver.py --secret whsec_... --port 8765

`verify(secret, body, headers)` checks a delivery before anything is done with it: the
`WIC-Webhook-Signature` header must hold `v1=` and the hex HMAC-SHA256, keyed with the endpoint's
secret, of the `WIC-Webhook-Timestamp` header's value, a dot, and the raw body (the bytes as
received, before any JSON parsing); the timestamp must be within TOLERANCE seconds of now (an old
delivery replayed is refused). It returns the envelope (`id`, `event`, `version`, `created`,
`edition`, `data`) or raises `InvalidDelivery` with the reason.

A delivery may arrive more than once (its answer was lost, the network failed after the
receiver's 2xx): keep the envelope's `id` and ignore an id already processed. Answer 2xx quickly
(within 5 seconds) and do the work afterwards."""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 300  # seconds between the delivery's timestamp and the receiver's clock, either way
SIGNATURE_HEADER = "WIC-Webhook-Signature"
TIMESTAMP_HEADER = "WIC-Webhook-Timestamp"
ID_HEADER = "WIC-Webhook-Id"
EVENT_HEADER = "WIC-Webhook-Event"


class InvalidDelivery(Exception):
    """The delivery must not be trusted; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header's value, whatever its case in `headers` (a dict, or http.server's message)."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, headers: Mapping[str, str], *, tolerance: int = TOLERANCE, now: float | None = None) -> dict:
    """The delivery's envelope, once its signature and timestamp check out; InvalidDelivery otherwise."""
    timestamp = _header(headers, TIMESTAMP_HEADER).strip()
    if not timestamp.isascii() or not timestamp.isdigit():
        raise InvalidDelivery("missing or malformed timestamp")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        raise InvalidDelivery("timestamp too old (or too far ahead): a replay, or a clock out of step")
    expected = expected_signature(secret, timestamp, body)
    given = [part.strip()[3:] for part in _header(headers, SIGNATURE_HEADER).split(",") if part.strip().startswith("v1=")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in given):
        raise InvalidDelivery("signature does not match")
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidDelivery("body is not JSON") from None
    if envelope.get("id") != _header(headers, ID_HEADER) or envelope.get("event") != _header(headers, EVENT_HEADER):
        raise InvalidDelivery("headers and body disagree")
    return envelope


def handler_for(secret: str, on_event=None, seen: set | None = None):
    """An http.server request handler that verifies each POST, answers 400 to one that does not
    check out, 200 otherwise, and calls `on_event(envelope)` once per event id."""
    seen = set() if seen is None else seen

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                envelope = verify(secret, body, self.headers)
            except InvalidDelivery as refusal:
                self._answer(400, refusal.reason)
                return
            self._answer(200, "ok")
            if envelope["id"] not in seen:
                seen.add(envelope["id"])
                (on_event or print)(envelope)

        def _answer(self, status: int, text: str):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet: the events are printed
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", required=True, help="the endpoint's secret (whsec_...), as shown when it was made")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer((arguments.host, arguments.port), handler_for(arguments.secret, lambda e: print(json.dumps(e, ensure_ascii=False))))
    print(f"listening on http://{arguments.host}:{arguments.port}/")
    server.serve_forever()


if __name__ == "__main__":
    main()
