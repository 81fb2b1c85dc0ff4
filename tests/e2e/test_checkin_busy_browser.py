"""The check-in page treats a 503 (`database_busy`: the server's database could not take the write
in time) like a scan made offline: the scan is kept on the phone, shown as waiting, and sent again
after the answer's Retry-After, without anyone scanning it again. In Debian's Chromium; the first
POST is answered 503 by the browser's request routing, the next ones reach the server."""
import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available, sign_in

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


def test_a_busy_answer_queues_the_scan_and_sends_it_again_after_retry_after(new_page):
    gate = new_page("en", viewport={"width": 390, "height": 800})
    sign_in(gate, "gate", "/checkin/")
    gate.wait_for_load_state()
    sent = []

    def answer(route):
        sent.append(json.loads(route.request.post_data))
        if len(sent) == 1:
            route.fulfill(
                status=503, headers={"Retry-After": "1", "Content-Type": "application/json"},
                body=json.dumps({"code": "database_busy", "message": "busy", "detail": "busy"}),
            )
        else:
            route.continue_()

    gate.route("**/api/v1/checkins/", answer)
    gate.fill("#checkin-secret", "NOSUCHCODE0000000000000000BUSY")
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.grey")).to_contain_text("Server busy: saved, will be sent again in a few seconds")
    expect(gate.locator("#pending")).to_have_text("Scans waiting to be sent: 1")
    # After Retry-After (1 s), not the 15 s timer: the same scan, same nonce, reaches the server,
    # which does not know the code; the queue empties and the refusal is listed. Sent live, the scan
    # had no time (the server stamps live scans); sent from the queue, it carries the time it was made.
    expect(gate.locator("#pending")).to_be_hidden(timeout=5000)
    assert len(sent) == 2 and "scanned_at" not in sent[0] and {k: v for k, v in sent[1].items() if k != "scanned_at"} == sent[0]
    assert sent[1]["scanned_at"].endswith("Z")
    expect(gate.locator("#refused-offline")).to_contain_text("NOSUCHCODE0000000000000000BUSY")
