"""Issue 24, the guest's side of visa invitation letters: the section of the private registration
page, the request form at the private link (refusals beside their fields, nothing saved), the
letter's PDF, and the public verification page (which shows only what identifies the letter)."""
import re
from datetime import date

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.conf import settings
from django.utils import timezone

from tests.travel.support import (  # noqa: F401 (fixtures)
    YEAR,
    approved,
    edition,
    guest,
    letter,
    maria,
    organizer,
    request_data,
)
from travel import letters
from travel.models import VisaLetter
from wic.models import OutgoingEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PRIVATE = ("private, no-store", "same-origin", "noindex")


def page_url(registration) -> str:
    return f"/editions/{YEAR}/registration/{registration.token}/"


def headers(response) -> tuple:
    return response["Cache-Control"], response["Referrer-Policy"], response["X-Robots-Tag"]


def section(client, registration) -> str:
    """The visa letter's section of the guest's page, as HTML."""
    html = client.get(page_url(registration), **EN).content.decode()
    return re.search(r'<section class="visa-letter".*?</section>', html, re.S).group(0)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def field_errors(html: str) -> list[tuple[str, str, str]]:
    """(field name, code, sentence) of each field marked in error, as the page shows them."""
    found = []
    for block in re.findall(r'<p class="field has-error">(.*?)</p>', html, re.S):
        name = re.search(r'name="([a-z_]+)"', block).group(1)
        code, sentence = re.search(r'<span class="error" role="alert" data-code="([a-z_]+)">(.*?)</span>', block, re.S).groups()
        found.append((name, code, sentence))
    return found


def test_the_section_says_what_the_guest_can_do_at_each_step(client, edition, maria, organizer):
    pending = guest(edition, "ana@example.org", name="Ana Costa", status="pending")
    assert text_of(section(client, pending)) == "Visa invitation letter A visa invitation letter can be requested once your registration is approved."

    html = section(client, maria)
    assert f'href="{page_url(maria)}visa-letter/"' in html
    assert "Request a visa invitation letter" in html and 'data-letter="none"' in html

    requested = letters.letter_request(maria, data=request_data())
    shown = text_of(section(client, maria))
    assert shown == (
        "Visa invitation letter Status Requested Arrival 2090-11-09 Departure 2090-11-13 Requested on "
        f"{timezone.localdate(requested.requested_at).isoformat()} "
        "The secretariat has your request and will email you when it is decided."
    )

    letters.letter_decide(requested, approve=False, reason="The passport number does not match the copy you sent.")
    html = section(client, maria)
    assert 'data-status="refused"' in html and "The passport number does not match the copy you sent." in html
    assert f'href="{page_url(maria)}visa-letter/">Request a new letter</a>' in html

    second = letters.letter_decide(letters.letter_request(maria, data=request_data()), approve=True, actor=organizer)
    html = section(client, maria)
    assert f"<code>{second.reference}</code>" in html and second.reference == f"WIC{YEAR}-VL-{second.pk:05d}"
    assert f'href="{page_url(maria)}visa-letter.pdf">Download the letter (PDF)</a>' in html
    assert f'href="/verify/visa-letter/{second.verify_code}/"' in html and "Request a new letter" not in html

    letters.letter_revoke(second, reason="The guest's participation was cancelled.")
    html = section(client, maria)
    assert 'data-status="revoked"' in html and "This letter has been revoked and is no longer valid." in html
    assert "The guest&#x27;s participation was cancelled." in html and "visa-letter.pdf" not in html


@pytest.mark.parametrize("earlier", [0, 3])
def test_the_registration_page_queries_do_not_grow_with_letters(client, maria, earlier, django_assert_num_queries):
    for n in range(earlier):
        letters.letter_decide(letters.letter_request(maria, data=request_data()), approve=False, reason=f"Refusal {n}")
    letters.letter_request(maria, data=request_data())
    # registration with edition, credential, invitations, the letters; the arrival-and-pickup and
    # hotel sections one each (travel/contrib_arrivals.py, contrib_hotels.py); the "my trip" card
    # three (travel/trip.py: the letters, the legs, the stays; the loops only with a stay)
    with django_assert_num_queries(9):
        response = client.get(page_url(maria), **EN)
    assert response.status_code == 200 and 'data-letter="requested"' in response.content.decode()


def test_a_guest_requests_a_letter_through_the_form(client, maria):
    url = f"{page_url(maria)}visa-letter/"
    response = client.get(url, **EN)
    assert response.status_code == 200 and headers(response) == PRIVATE
    html = response.content.decode()
    assert html.count('type="date"') == 4
    assert '<input type="text" name="passport_name" maxlength="200"' in html and '<option value="BR" selected>Brazil</option>' in html
    assert f'name="stay_from" value="{YEAR}-11-10"' in html and f'name="stay_until" value="{YEAR}-11-12"' in html

    sent = client.post(url, request_data(passport_number="fa 123-456"), **EN)
    assert (sent.status_code, sent["Location"], headers(sent)) == (303, page_url(maria), PRIVATE)
    saved = VisaLetter.objects.get()
    assert (saved.registration, saved.status, saved.passport_name, saved.nationality.code, saved.passport_number, saved.date_of_birth) == (
        maria, "requested", "SILVA MARIA", "BR", "FA123456", "1980-04-02",
    )
    assert (saved.stay_from, saved.stay_until, saved.passport_expires_on, saved.language) == (date(YEAR, 11, 9), date(YEAR, 11, 13), date(2095, 1, 31), "en")
    email = OutgoingEmail.objects.get(event="travel.letter-requested")  # in the page's language, then in the other one
    assert email.to == ["maria@example.org"] and email.subject.startswith(f"Your visa invitation letter request for the {YEAR} summit is received / ")
    assert email.body_text.startswith("Dear Maria Silva,\n\nThe secretariat has received your request") and "\n\n———— 简体中文 ————\n\n" in email.body_text


def test_refusals_show_beside_their_fields_keep_the_input_and_save_nothing(client, maria):
    url = f"{page_url(maria)}visa-letter/"
    cases = [
        ({"passport_name": ""}, ("passport_name", "required", "Enter your name as in your passport.")),
        ({"nationality": "XX"}, ("nationality", "invalid_country", "Choose your nationality from the list.")),
        ({"passport_number": "FA/12"}, ("passport_number", "invalid_passport_number", "Enter the passport number as printed: 5 to 20 Latin letters and digits.")),
        ({"date_of_birth": "02/04/1980"}, ("date_of_birth", "invalid_date", "Enter your date of birth as a date such as 2027-11-18.")),
        ({"stay_until": f"{YEAR}-11-08"}, ("stay_until", "stay_out_of_order", "The day you leave China comes before the day you arrive: check both dates.")),
        ({"stay_from": f"{YEAR}-11-13", "stay_until": f"{YEAR}-11-20"}, ("stay_from", "stay_out_of_range", f"Your stay must include at least one day of the summit ({YEAR}-11-10 to {YEAR}-11-12) and last at most 90 days.")),
        ({"passport_expires_on": f"{YEAR}-11-13"}, ("passport_expires_on", "passport_expires_too_soon", f"Your passport expires on {YEAR}-11-13, on or before the day your stay ends ({YEAR}-11-13): a visa needs a passport valid beyond the stay.")),
    ]
    for change, expected in cases:
        data = request_data(**change)
        response = client.post(url, data, **EN)
        html = response.content.decode()
        assert response.status_code == 400, change
        assert field_errors(html) == [expected], change
        for name in ("passport_number", "date_of_birth", "passport_expires_on", "stay_until"):  # what was typed stays
            assert f'name="{name}" value="{data[name]}"' in html, (change, name)
    kept = client.post(url, request_data(passport_number="FA/12"), **EN).content.decode()
    assert 'name="passport_number" value="FA/12"' in kept and 'aria-invalid="true"' in kept
    assert VisaLetter.objects.count() == 0


def test_a_pending_guest_and_a_second_request_are_refused(client, edition, maria, letter):
    pending = guest(edition, "ana@example.org", name="Ana Costa", status="pending")
    url = f"{page_url(pending)}visa-letter/"
    shown = client.get(url, **EN)
    assert shown.status_code == 200 and 'data-code="not_eligible"' in shown.content.decode() and "<form method=\"post\"" not in shown.content.decode()
    refused = client.post(url, request_data(), **EN)
    assert refused.status_code == 409
    assert '<p class="error" role="alert" data-code="not_eligible">A visa invitation letter can be requested once your registration is approved.</p>' in refused.content.decode()

    again = client.post(f"{page_url(maria)}visa-letter/", request_data(passport_number="ZZ999999"), **EN)
    assert again.status_code == 409
    assert (
        '<p class="error" role="alert" data-code="already_requested">You already have a visa invitation letter (Requested); '
        "the secretariat can revoke it if something must change.</p>"
    ) in again.content.decode()
    assert 'data-code="already_requested"' in client.get(f"{page_url(maria)}visa-letter/", **EN).content.decode()
    assert list(VisaLetter.objects.values_list("registration__email", "passport_number")) == [("maria@example.org", letter.passport_number)]


def test_unknown_links_and_missing_letters_are_404(client, maria, letter):
    for url in (
        "/editions/2090/registration/not-a-token/visa-letter/", f"/editions/2091/registration/{maria.token}/visa-letter/",
        f"/editions/20x0/registration/{maria.token}/visa-letter/", "/editions/2090/registration/not-a-token/visa-letter.pdf",
    ):
        response = client.get(url, **EN)
        assert (response.status_code, headers(response)) == (404, PRIVATE), url
        assert "No registration has this address." in response.content.decode(), url
    assert client.post("/editions/2090/registration/not-a-token/visa-letter/", request_data()).status_code == 404
    not_yet = client.get(f"{page_url(maria)}visa-letter.pdf", **EN)
    assert not_yet.status_code == 404 and "This registration has no approved visa invitation letter." in not_yet.content.decode()


def test_the_letter_pdf_is_bilingual_and_its_qr_opens_the_verification_page(client, maria, approved):
    response = client.get(f"{page_url(maria)}visa-letter.pdf")
    assert (response.status_code, response["Content-Type"], headers(response)) == (200, "application/pdf", PRIVATE)
    assert response["Content-Disposition"] == f'inline; filename="visa-letter-{approved.reference}.pdf"'
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    page = document[0]
    lines = page.get_textpage().get_text_range().replace("\r\n", "\n").split("\n")
    joined = "".join(lines)
    issued = timezone.localdate(approved.decided_at).isoformat()  # Beijing time
    verify_url = f"{settings.SITE_URL}/verify/visa-letter/{approved.verify_code}/"
    for line in (
        "World Internet Conference · 世界互联网大会", f"测试峰会{YEAR} · Test Summit {YEAR}", "邀请函 · Letter of Invitation",
        f"编号 Reference: {approved.reference} 签发日期 Date of issue: {issued}", "致：Consulate-General of China in São Paulo",
        "To: Consulate-General of China in São Paulo", "姓名（与护照一致）", "Name as in the passport SILVA MARIA", "国籍", "Nationality 巴西 · Brazil",
        "护照号码", "Passport number FA123456", "Date of birth 1980-04-02", "Organization and position Ministry of Communications, Director",
        f"Dates of stay in China {YEAR}-11-09 – {YEAR}-11-13", "恳请贵馆为其办理赴华签证提供便利。", "世界互联网大会秘书处", verify_url,
        f"核验码 Verification code: {approved.verify_code}",
    ):
        assert line in lines, line
    assert f"测试峰会{YEAR}定于{YEAR}年11月10日至12日在中国浙江省乌镇举行。世界互联网大会诚挚邀请下列人员出席本届峰会。" in joined
    assert (
        f"The Test Summit {YEAR} will be held in Wuzhen, Zhejiang, China, from 10 to 12 November {YEAR}. The World Internet Conference "
        "has the honour to invite the person named below to attend the summit."
    ) in " ".join(lines)
    image = page.render(scale=3).to_pil().convert("RGB")
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [verify_url]


def test_the_verification_page_shows_the_state_and_nothing_more(client, maria, approved):
    url = f"/verify/visa-letter/{approved.verify_code.lower()}/"  # codes are case-insensitive
    response = client.get(url, **EN)
    assert (response.status_code, headers(response)) == (200, PRIVATE)
    html = response.content.decode()
    main = text_of(re.search(r"<main.*?</main>", html, re.S).group(0))
    assert main.startswith(
        "Check a visa invitation letter World Internet Conference · Wuzhen Summit This visa invitation letter is genuine and valid. "
        f"Reference {approved.reference} Name as in the passport SILVA MARIA Nationality Brazil "
        f"Arrival in China {YEAR}-11-09 Departure from China {YEAR}-11-13 Summit Test Summit {YEAR} "
    )
    for secret in ("FA123456", "1980-04-02", "maria@example.org", "Ministry of Communications", "Consulate-General", "Maria Silva", maria.token):
        assert secret not in html, secret
    assert 'data-state="valid"' in html

    with time_machine.travel(date(YEAR, 11, 14), tick=False):
        expired = client.get(url, **EN).content.decode()
    assert 'data-state="expired"' in expired and "This visa invitation letter is genuine, but the stay it covers has ended: it is no longer valid." in expired

    letters.letter_revoke(approved, reason="Participation cancelled.")
    revoked = client.get(url, **EN).content.decode()
    assert 'data-state="revoked"' in revoked and "This visa invitation letter has been revoked by the secretariat: it is not valid." in revoked
    assert "Participation cancelled." not in revoked

    unknown = client.get("/verify/visa-letter/ABCDEFGHJKLM/", **EN)
    assert unknown.status_code == 404 and 'data-state="unknown"' in unknown.content.decode()
    assert "No visa invitation letter has this verification code. Check the code, or ask the secretariat." in unknown.content.decode()


def test_the_verification_form_goes_to_the_codes_page(client, approved):
    assert client.get("/verify/visa-letter/", **EN).status_code == 200
    typed = approved.verify_code.lower()
    typed = f"{typed[:4]}-{typed[4:8]} {typed[8:]}"
    response = client.get("/verify/visa-letter/", {"code": typed})
    assert (response.status_code, response["Location"]) == (302, f"/verify/visa-letter/{approved.verify_code}/")
    bad = client.get("/verify/visa-letter/", {"code": "not/a code!"}, **EN)
    assert bad.status_code == 404 and 'data-state="unknown"' in bad.content.decode() and 'value="not/a code!"' in bad.content.decode()
