"""A demo member recommends a non-member enterprise and sees its quota used; the enterprise's
account waits for a recommendation, then submits; the member withdraws a recommendation and gets
the place back. In Debian's Chromium, against the demo data of `seed --demo`."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

PASSWORD = "wic-demo-2026"  # the documented DEBUG default of DEMO_PASSWORD
ENTERPRISE_A = "Demo Non-member Enterprise A (fictitious) · 演示非会员企业甲（虚构）"
ENTERPRISE_B = "Demo Non-member Enterprise B (fictitious) · 演示非会员企业乙（虚构）"


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def recommend(page, label):
    form = page.locator("form.recommend-form")
    form.locator("select[name=enterprise]").select_option(label=label)
    form.locator("button[type=submit]").click()


def test_member_recommends_and_enterprise_applies(new_page, screenshot):
    member = new_page("en")
    sign_in(member, "member-regular")
    member.goto("/awards/")
    expect(member.locator(".quota")).to_contain_text("0 of 5 used")
    recommend(member, ENTERPRISE_B)
    expect(member.locator(".message.success")).to_contain_text("recommends Demo Non-member Enterprise B (fictitious)")
    expect(member.locator(".quota")).to_contain_text("1 of 5 used")
    expect(member.locator("table.recommendations")).to_contain_text("Demo Non-member Enterprise B (fictitious)")
    screenshot(member, "member")

    recommend(member, ENTERPRISE_B)  # the same enterprise again is refused, with the reason
    expect(member.locator("form.recommend-form .error")).to_contain_text("[duplicate_recommendation]")
    expect(member.locator(".quota")).to_contain_text("1 of 5 used")

    enterprise = new_page("en")
    sign_in(enterprise, "enterprise-demo")
    enterprise.goto("/awards/")
    enterprise.locator("a.button", has_text="Apply for Demo Non-member Enterprise A").click()
    expect(enterprise.locator("#waiting")).to_contain_text("Waiting for a member's recommendation")
    boxes = enterprise.locator("input[name=categories]")
    for index in range(3):
        boxes.nth(index).check()
    enterprise.click("button[value=save]")
    expect(enterprise.locator(".error").first).to_contain_text("at most 2 of the 3 categories; this application chose 3. [too_many_categories]")
    boxes.nth(2).uncheck()
    enterprise.fill("#id_basic_condition_statement", "演示说明：我们满足类别基本条件。")
    enterprise.locator("input[name=further_conditions]").first.check()
    enterprise.check("#id_endorses_purposes")
    enterprise.click("button[value=submit]")
    expect(enterprise.locator(".message.error")).to_contain_text("[recommendation_required]")
    expect(enterprise.locator("#nomination-state")).to_have_text("Draft")
    screenshot(enterprise, "waiting")

    member.goto("/awards/")
    recommend(member, ENTERPRISE_A)
    expect(member.locator(".quota")).to_contain_text("2 of 5 used")

    enterprise.reload()
    expect(enterprise.locator("#waiting")).to_have_count(0)
    expect(enterprise.locator("#recommended-by")).to_contain_text("Demo Member Cloud Co")
    enterprise.click("button[value=submit]")
    expect(enterprise.locator(".message.success")).to_contain_text("The application is submitted.")
    expect(enterprise.locator("#nomination-state")).to_have_text("Submitted")
    screenshot(enterprise, "submitted")

    member.goto("/awards/")
    member.locator("table.recommendations tr", has_text="Enterprise B").locator("button", has_text="Withdraw").click()
    expect(member.locator(".message.success")).to_contain_text("its place is free again")
    expect(member.locator(".quota")).to_contain_text("1 of 5 used")
    screenshot(member, "after-withdrawal")
