"""The credential's code as a person reads and types it (issue 20, point 7): shown in groups of
four, accepted at the gate with any grouping, spaces, dashes and case, and never matched more
loosely than the whole secret."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from registration import services
from registration.checkin import checkin_scan, typed_secret
from registration.models import Checkin, CheckinList
from tests.factories import EditionFactory
from tests.registration.test_services_and_pages import guest
from wic import roles

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2099, 11, 10, 8, 30, tzinfo=BEIJING)
SECRET = "ABCDEFGHJKMNPQRSTUVWXYZ23456"  # 28 symbols of services.ALPHABET


@pytest.fixture
def setup(django_user_model):
    edition = EditionFactory(year=2099)
    registration = services.registration_create(edition=edition, data=guest(), language="en")
    services.registration_decide(registration=registration, status="approved", actor=None)
    credential = registration.credentials.get()
    credential.secret = SECRET  # a known code, so the typed forms below are readable
    credential.save(update_fields=["secret"])
    gate = CheckinList.objects.create(edition=edition, name_zh="主入口", kind="gate", day=DAY1.date())
    staff = django_user_model.objects.create_user("gate-x", password="a-long-test-password-1")
    staff.groups.add(Group.objects.get_or_create(name=roles.GATE)[0])
    return {"registration": registration, "credential": credential, "gate": gate, "staff": staff}


def test_the_code_is_shown_in_groups_of_four(setup):
    assert setup["credential"].grouped_secret == "ABCD EFGH JKMN PQRS TUVW XYZ2 3456"
    issued = services.credential_reissue(registration=setup["registration"], actor=None)
    assert re.fullmatch(r"([A-Z2-9]{4} ){6}[A-Z2-9]{4}", issued.grouped_secret)
    assert issued.grouped_secret.replace(" ", "") == issued.secret


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD EFGH JKMN PQRS TUVW XYZ2 3456",
        "abcd-efgh-jkmn-pqrs-tuvw-xyz2-3456",
        "  abcdefgh jkmnpqrs\ttuvwxyz2 3456 ",
        "AB-CD EF.GH_JKMN–PQRS—TUVW XYZ2 3456",  # en and em dashes, dots, underscores
        "ＡＢＣＤ－ＥＦＧＨ　ＪＫＭＮ ＰＱＲＳ ＴＵＶＷ ＸＹＺ２ ３４５６",  # full-width, as a Chinese IME types it
    ],
)
def test_any_grouping_spaces_dashes_and_case_are_the_same_code(typed):
    assert typed_secret(typed) == SECRET


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("abcd efgh jkmn pqrs tuvw xyz2 3456", "ok"),
        ("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2-3457", "invalid"),  # one symbol wrong
        ("ABCD EFGH JKMN PQRS TUVW XYZ2", "invalid"),  # the first 24 only
        ("ABCD EFGH JKMN PQRS TUVW XYZ2 3456 A", "invalid"),  # one more
        ("ABCD EFGH JKMN PQRS TUVW XYZ2 345%", "invalid"),  # a character no code has
    ],
)
def test_the_gate_admits_the_whole_code_only(setup, typed, result):
    answer = checkin_scan(checkin_list=setup["gate"], secret=typed, nonce=f"n-{typed}", user=setup["staff"], scanned_at=DAY1)
    assert answer.result == result
    assert Checkin.objects.get().raw_secret == typed_secret(typed)


def test_a_retried_scan_typed_differently_gets_the_first_answer(setup):
    first = checkin_scan(checkin_list=setup["gate"], secret="abcd-efgh-jkmn-pqrs-tuvw-xyz2-3456", nonce="n-1", user=setup["staff"], scanned_at=DAY1)
    again = checkin_scan(checkin_list=setup["gate"], secret="ABCD EFGH JKMN PQRS TUVW XYZ2 3456", nonce="n-1", user=setup["staff"], scanned_at=DAY1)
    assert (first.result, again.result, Checkin.objects.count()) == ("ok", "ok", 1)


def test_the_scan_api_accepts_a_typed_grouped_code(setup, api_client):
    api_client.force_authenticate(setup["staff"])
    response = api_client.post(
        "/api/v1/checkins/",
        {"list": setup["gate"].pk, "secret": "abcd efgh-jkmn pqrs-tuvw xyz2 3456", "nonce": "n-api", "scanned_at": DAY1.isoformat()},
        format="json",
    )
    assert (response.status_code, response.json()["result"], response.json()["guest"]["name"]) == (200, "ok", "Maria Silva")


def test_the_guest_page_shows_the_grouped_code(client, setup):
    registration = setup["registration"]
    html = client.get(f"/editions/2099/registration/{registration.token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<code class="secret" translate="no">ABCD EFGH JKMN PQRS TUVW XYZ2 3456</code>' in html
    assert SECRET not in html.replace("ABCD EFGH JKMN PQRS TUVW XYZ2 3456", "")  # the QR's svg holds no readable copy


def test_the_checkin_page_says_which_code_to_type(client, setup):
    client.force_login(setup["staff"])
    html = client.get("/checkin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    help_text = re.search(r'<small id="checkin-secret-help" class="muted">(.*?)</small>', html, re.S).group(1)
    assert help_text == (
        "If the QR code cannot be scanned, type the 28-character code printed under it on the badge or the guest's page "
        "(for example ABCD EFGH JKMN …), not the 8-character reference. Spaces, dashes and small letters are fine."
    )
    assert 'aria-describedby="checkin-secret-help"' in html


def test_the_badge_prints_the_grouped_code(setup):
    import pypdfium2

    from registration.badge import badge_pdf

    pdf = pypdfium2.PdfDocument(badge_pdf(setup["credential"]))
    text = pdf[0].get_textpage().get_text_range()
    assert "ABCD EFGH JKMN PQRS TUVW XYZ2 3456" in text
