"""An applicant saves a sub-forum application as a draft, submits it, an organizer accepts it in
the admin, and the applicant sees it accepted: in Debian's Chromium."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PASSWORD = "wic-demo-2026"  # the documented DEBUG default of DEMO_PASSWORD
TITLE = "跨境数据合作分论坛（浏览器测试）"


def sign_in(page, username, path="/accounts/login/"):
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def test_applicant_drafts_submits_and_sees_acceptance(new_page, screenshot):
    page = new_page("zh-hans")
    demo = page.request.get("/api/v1/editions/?is_demo=true").json()["results"][0]
    year, first_day = demo["year"], demo["start_date"]

    sign_in(page, "applicant")
    page.goto(f"/editions/{year}/forums/apply/")
    expect(page.locator("h1")).to_have_text("申报主办分论坛")
    page.fill("#id_title_zh", TITLE)
    page.fill("#id_title_en", "Cross-border data cooperation (browser test)")
    page.fill("#id_theme_zh", "数据跨境流动合作")
    page.select_option("#id_format", "round_table")
    page.select_option("#id_hosts", label="演示申报机构")
    page.select_option("#id_preferred_date", first_day)
    page.select_option("#id_preferred_half_day", "afternoon")
    page.fill("#id_contact_name", "测试联系人")
    page.fill("#id_contact_email", "contact@example.org")
    page.click("button[value=save]")
    expect(page.locator(".message.success")).to_contain_text("草稿已保存")
    expect(page).to_have_url(re.compile(rf"/editions/{year}/forums/apply/\d+/$"))
    screenshot(page, "draft")

    # Submitting without a rationale is refused; the draft stays.
    # The form comes back (400) as typed, a sentence naming the field above it, the code only in
    # data-code, and the field marked.
    draft_url = page.url
    with page.expect_response(lambda r: r.url == draft_url and r.request.method == "POST") as refused:
        page.click("button[value=submit]")
    assert refused.value.status == 400
    # Two sentences, each with its code in data-code: the summary above the form, naming the field
    # by its label, and the one beside the marked field.
    alerts = page.locator("form div.error[role=alert] p")
    expect(alerts).to_have_count(2)
    expect(alerts.nth(0)).to_have_text("草稿已保存，但未能提交： 提交前请填写：申报理由（简述）。")
    expect(alerts.nth(0)).to_have_attribute("data-code", "incomplete")
    expect(alerts.nth(1)).to_have_text("提交前请填写此项。")
    expect(alerts.nth(1)).to_have_attribute("data-code", "incomplete")
    expect(page.locator("main")).not_to_contain_text("[incomplete]")
    expect(page.locator("#id_rationale")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".has-error #id_rationale")).to_have_count(1)
    expect(page).to_have_url(draft_url)
    expect(page.locator("#id_title_zh")).to_have_value(TITLE)
    expect(page.locator("#id_contact_email")).to_have_value("contact@example.org")
    page.fill("#id_rationale", "促进数据跨境流动合作")
    page.click("button[value=submit]")
    expect(page).to_have_url(re.compile(rf"/editions/{year}/forums/mine/$"))
    card = page.locator("article.application", has_text=TITLE)
    expect(card.locator(".badge.state")).to_have_text("已提交")
    screenshot(page, "submitted")

    organizer = new_page("zh-hans")
    sign_in(organizer, "organizer", "/admin/login/")
    for action in ("mark_under_review", "accept"):
        organizer.goto("/admin/forums/forumapplication/")
        organizer.locator("tr", has_text=TITLE).locator("input.action-select").check()
        organizer.select_option("select[name=action]", action)
        organizer.locator("#changelist-form button[name=index]").first.click()
        expect(organizer.locator("ul.messagelist")).to_be_visible()
    screenshot(organizer, "admin")

    page.goto(f"/editions/{year}/forums/mine/")
    expect(card.locator(".badge.state")).to_have_text("已通过")
    card.locator("summary").click()
    expect(card.locator(".history")).to_contain_text("评审中 → 已通过")
    screenshot(page, "accepted")
