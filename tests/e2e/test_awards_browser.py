"""A demo member recommends a non-member enterprise and sees its quota used; the enterprise's
account waits for a recommendation, then submits; the member withdraws a recommendation and gets
the place back. In Debian's Chromium, against the demo data of `seed --demo`."""
import re

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
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    return posted.value


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

    # The same enterprise again is refused (409): the form comes back with the reason above it (the
    # service names no field: the pair member-enterprise is what repeats), its code only in
    # data-code, the enterprise still chosen.
    assert recommend(member, ENTERPRISE_B).status == 409
    refusal = member.locator("form.recommend-form div.error[role=alert] p")
    expect(refusal).to_have_count(1)
    expect(refusal).to_have_text(re.compile(
        r"^Demo Member Cloud Co already recommends Demo Non-member Enterprise B \(fictitious\) for this award "
        r"\(since \d{4}-\d\d-\d\d \d\d:\d\d\)\.$"
    ))
    expect(refusal).to_have_attribute("data-code", "duplicate_recommendation")
    expect(member.locator("form.recommend-form")).not_to_contain_text("[duplicate_recommendation]")
    enterprise_field = member.locator("form.recommend-form select[name=enterprise]")
    expect(enterprise_field.locator("option:checked")).to_have_text(ENTERPRISE_B)
    expect(member.locator(".quota")).to_contain_text("1 of 5 used")

    enterprise = new_page("en")
    sign_in(enterprise, "enterprise-demo")
    enterprise.goto("/awards/")
    enterprise.locator("a.button", has_text="Apply for Demo Non-member Enterprise A").click()
    expect(enterprise.locator("#waiting")).to_contain_text("Waiting for a member's recommendation")
    boxes = enterprise.locator("input[name=categories]")
    for index in range(3):
        boxes.nth(index).check()
    with enterprise.expect_response(lambda r: r.request.method == "POST") as refused:
        enterprise.click("button[value=save]")
    assert refused.value.status == 400
    too_many = enterprise.locator("form .field.has-error .error [data-code], form .field.has-error .error[data-code]")
    expect(too_many).to_have_count(1)
    expect(too_many).to_have_text("An enterprise may enter at most 2 of the 3 categories; this application chose 3.")
    expect(too_many).to_have_attribute("data-code", "too_many_categories")
    expect(enterprise.locator(".field.has-error input[name=categories]")).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).to_be_checked()  # the form comes back as ticked
    boxes.nth(2).uncheck()
    enterprise.fill("#id_basic_condition_statement", "演示说明：我们满足类别基本条件。")
    enterprise.locator("input[name=further_conditions]").first.check()
    enterprise.check("#id_endorses_purposes")
    with enterprise.expect_response(lambda r: r.request.method == "POST") as refused:
        enterprise.click("button[value=submit]")
    assert refused.value.status == 400
    waiting = enterprise.locator("form div.error[role=alert] p")
    expect(waiting).to_have_count(1)
    expect(waiting).to_have_text(
        "Your draft is saved, but it was not submitted: Demo Non-member Enterprise A (fictitious) is not a WIC member: "
        "the application can be submitted once at least one member has recommended it (0 so far)."
    )
    expect(waiting).to_have_attribute("data-code", "recommendation_required")
    expect(enterprise.locator("main")).not_to_contain_text("[recommendation_required]")
    expect(enterprise.locator("#nomination-state")).to_have_text("Draft")
    expect(enterprise.locator("#id_basic_condition_statement")).to_have_value("演示说明：我们满足类别基本条件。")
    screenshot(enterprise, "waiting")

    member.goto("/awards/")
    recommend(member, ENTERPRISE_A)
    expect(member.locator(".quota")).to_contain_text("2 of 5 used")

    enterprise.goto(enterprise.url)  # a GET: the refused submission re-rendered the form, it did not redirect
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
