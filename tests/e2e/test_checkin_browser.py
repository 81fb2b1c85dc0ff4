"""A guest registers, an organizer approves them and opens a check-in list for today, the guest's
page shows the credential's QR code (decoded here from the rendered image), and gate staff check
the guest in on /checkin/ by typing the code: in Debian's Chromium."""
import io
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available, server_registration_page

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PASSWORD = "wic-demo-2026"


def sign_in(page, username, path):
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def select_containing(page, selector, text):
    value = page.locator(f"{selector} option", has_text=text).first.get_attribute("value")
    page.select_option(selector, value)


def decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, results
    return results[0].text


def test_register_approve_show_qr_and_check_in(new_page, screenshot):
    page = new_page("zh-hans")
    demo = page.request.get("/api/v1/editions/?is_demo=true").json()["results"][0]
    year = demo["year"]
    name = f"Browser Guest {uuid.uuid4().hex[:6]}"

    page.goto(f"/editions/{year}/register/")
    page.fill("#id_name", name)
    page.fill("#id_email", f"{name.split()[-1]}@example.org")
    page.fill("#id_organization_name", "Test Ministry")
    page.select_option("#id_country", "BR")
    page.select_option("#id_category", "government")
    page.select_option("#id_participation", "on_site")
    page.check("#id_consent")
    page.locator("form.form-grid button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/editions/{year}/register/sent/$"))  # the page's link goes by email
    page.goto(server_registration_page(f"{name.split()[-1]}@example.org"))
    guest_url = page.url
    expect(page.locator(".badge.state")).to_have_text("待审核")

    organizer = new_page("zh-hans")
    sign_in(organizer, "organizer", "/admin/login/")
    organizer.goto(f"/admin/registration/registration/?q={name.split()[-1]}")
    organizer.locator("tr", has_text=name).locator("input.action-select").check()
    organizer.select_option("select[name=action]", "approve")
    organizer.locator("#changelist-form button[name=index]").first.click()
    expect(organizer.locator("ul.messagelist")).to_contain_text("1")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    organizer.goto("/admin/registration/checkinlist/add/")
    select_containing(organizer, "#id_edition", str(year))
    organizer.fill("#id_name_zh", f"浏览器测试入口 {today}")
    organizer.select_option("#id_kind", "gate")
    organizer.fill("#id_day", today)
    organizer.locator("input[name=_save]").click()
    expect(organizer.locator("ul.messagelist")).to_be_visible()

    page.goto(guest_url)
    expect(page.locator(".badge.state")).to_have_text("已批准")
    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    typed = page.locator("code.secret").inner_text().strip()
    # The code under the QR is shown as a person reads it, in groups of four; the QR holds it whole.
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}( [A-HJKMNP-Z2-9]{4}){6}", typed), typed
    assert decode_qr(qr.screenshot()) == typed.replace(" ", "")
    screenshot(page, "credential")

    gate = new_page("zh-hans", viewport={"width": 390, "height": 800})
    sign_in(gate, "gate", "/accounts/login/?next=/checkin/")
    expect(gate).to_have_url(re.compile(r"/checkin/$"))
    gate.wait_for_load_state()  # checkin.js (deferred) fills the gate's field from the phone's storage
    gate.fill("#checkin-gate", "东门 2")
    gate.locator("#checkin-gate").dispatch_event("change")
    gate.reload()  # the gate's name is remembered on the phone
    expect(gate.locator("#checkin-gate")).to_have_value("东门 2")
    select_containing(gate, "#checkin-list", f"浏览器测试入口 {today}")
    gate.fill("#checkin-secret", typed)
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.green")).to_contain_text(name)
    expect(gate.locator("#scan-result")).to_contain_text("准予入场")
    expect(gate.locator("#scan-result")).to_contain_text("Test Ministry")
    expect(gate.locator("#scan-result")).to_contain_text("巴西 · 政府")  # names, not codes, in the page's language
    chip = gate.locator("#scan-result .category-chip")
    assert chip.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(198, 40, 40)"  # the badge band's red
    box = gate.locator("#scan-result").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 800)  # the answer fills the screen
    screenshot(gate, "admitted")
    gate.locator("#scan-result").click()  # a tap clears it
    expect(gate.locator("#scan-result")).to_be_hidden()
    gate.fill("#checkin-gate", "西门 1")
    gate.fill("#checkin-secret", typed)
    gate.click("#scan-form button[type=submit]")
    expect(gate.locator("#scan-result.amber")).to_contain_text("已检票")
    expect(gate.locator("#scan-result")).to_contain_text(re.compile(r"首次检票于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 东门 2"))
    screenshot(gate, "again")
    gate.wait_for_timeout(4500)  # an admission clears itself after 4 s; a refusal stays until tapped
    expect(gate.locator("#scan-result.amber")).to_be_visible()
    gate.keyboard.press("Escape")
    expect(gate.locator("#scan-result")).to_be_hidden()
