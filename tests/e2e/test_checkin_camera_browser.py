"""The gate phone's camera, and its offline queue, in Debian's Chromium.

Chromium's fake camera plays a Y4M video of a QR code; on Linux Chromium has no BarcodeDetector,
so the page falls back to the vendored jsQR decoder, which must read the code and submit it.
Then the network drops: a typed scan is queued as pending, and sent when the network returns,
where the server refuses it and the page lists the refusal."""
import re

import pytest
import segno
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, chromium_available
from tests.e2e.test_checkin_browser import sign_in, select_containing

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

WIDTH, HEIGHT = 640, 480


def write_y4m(path, text: str) -> None:
    """A two-frame 640x480 Y4M video (4:2:0) showing `text` as a QR code, black on white."""
    qr = segno.make(text, error="m")
    matrix = [list(row) for row in qr.matrix_iter(scale=8, border=4)]
    size = len(matrix)
    assert size <= HEIGHT, size
    top, left = (HEIGHT - size) // 2, (WIDTH - size) // 2
    luma = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * WIDTH + left + x] = 16
    chroma = b"\x80" * (WIDTH * HEIGHT // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 2)


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return tmp_path_factory.mktemp("camera") / "qr.y4m"


@pytest.fixture(scope="module")
def browser(video):
    """This module's own Chromium: a fake camera that plays `video`, and no permission prompt.
    The file is written by the test before the camera opens."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def demo_guest_secret(new_page, name: str) -> str:
    organizer = new_page("en")
    sign_in(organizer, "organizer", "/admin/login/")
    organizer.goto(f"/admin/registration/credential/?q={name.replace(' ', '+')}&revoked_at__isempty=1")
    organizer.locator("#result_list tbody tr th a").first.click()
    return organizer.locator(".field-secret .readonly").inner_text().strip()


def test_camera_reads_the_qr_with_the_vendored_decoder(new_page, video, screenshot):
    secret = demo_guest_secret(new_page, "Demo Guest Two")
    assert re.fullmatch(r"[A-Z2-9]{28}", secret), secret
    write_y4m(video, secret)

    gate = new_page("zh-hans", viewport={"width": 390, "height": 844})
    gate.context.grant_permissions(["camera"])
    sign_in(gate, "gate", "/accounts/login/?next=/checkin/")
    expect(gate).to_have_url(re.compile(r"/checkin/$"))
    assert gate.evaluate("'BarcodeDetector' in window") is False  # so the fallback is what runs here
    select_containing(gate, "#checkin-list", "欢迎晚宴（演示）")
    gate.click("#camera-button")
    # Demo Guest Two is approved but not invited to the demo banquet: a red not_invited answer.
    expect(gate.locator("#scan-result.red")).to_contain_text("未受邀", timeout=15_000)
    assert gate.evaluate("typeof window.jsQR") == "function"
    screenshot(gate, "camera")


def test_offline_scan_is_queued_then_sent_and_its_refusal_listed(new_page, screenshot):
    gate = new_page("en", viewport={"width": 390, "height": 844})
    sign_in(gate, "gate", "/accounts/login/?next=/checkin/")
    select_containing(gate, "#checkin-list", "Welcome banquet (demo)")
    gate.context.set_offline(True)
    gate.fill("#checkin-secret", "OFFLINE-UNKNOWN-CODE-1234")
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.grey")).to_contain_text("Offline")
    expect(gate.locator("#pending")).to_have_text("Scans waiting to be sent: 1")
    expect(gate.locator("#pending-list li")).to_have_text(re.compile(r"^…1234 · \d\d:\d\d:\d\d · pending$"))
    screenshot(gate, "pending")
    gate.context.set_offline(False)
    gate.evaluate("window.dispatchEvent(new Event('online'))")
    expect(gate.locator("#refused-offline li")).to_contain_text("OFFLINE-UNKNOWN-CODE-1234: Unknown code")
    expect(gate.locator("#pending")).to_be_hidden()
    expect(gate.locator("#pending-list li")).to_have_count(0)
    screenshot(gate, "refused")
