"""Organizations named by applicants and members' representatives (issue 19): they were public in
`/api/v1/organizations/` at once, with whatever name was typed. Now they wait, unconfirmed, until
an organizer confirms them in the admin, and names are checked (not blank, at most 200
characters, readable: no control or invisible characters)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from awards import services as awards_services
from expo import services as expo_services
from tests.awards.conftest import make_member, make_programme
from tests.factories import EditionFactory, make_organizer
from wic.errors import DomainError
from wic.models import Organization
from wic.services import organization_name_clean, organization_upsert

pytestmark = pytest.mark.django_db


def public_names(api_client, search):
    return [o["name_zh"] for o in api_client.get("/api/v1/organizations/", {"search": search}).json()["results"]]


@pytest.fixture
def member_rep(django_user_model):
    return make_member("member", django_user_model, name="会员测试企业")


def test_the_seeded_organizations_are_confirmed():
    seeded = Organization.objects.filter(is_demo=False)
    assert seeded.count() > 50
    assert not seeded.filter(verified_at__isnull=True).exists()


def test_an_enterprise_a_member_names_is_public_once_an_organizer_confirms_it(api_client, member_rep, client):
    member, user = member_rep
    programme = make_programme(EditionFactory(year=2099), opens=timezone.now() - timedelta(days=1), closes=timezone.now() + timedelta(days=1))
    api_client.force_authenticate(user)
    made = api_client.post("/api/v1/recommendations/", {"programme": programme.pk, "enterprise_name_zh": "自称企业有限公司"}, format="json")
    assert made.status_code == 201
    enterprise = Organization.objects.get(name_zh="自称企业有限公司")
    assert enterprise.verified_at is None
    api_client.force_authenticate(None)
    assert public_names(api_client, "自称企业") == []
    assert api_client.get(f"/api/v1/organizations/{enterprise.pk}/").status_code == 404
    # An organizer confirms it in the admin: the audit trail says who and when.
    from auditlog.models import LogEntry

    organizer = make_organizer("organizer-confirms")
    client.force_login(organizer)
    done = client.post("/admin/wic/organization/", {"action": "confirm", "_selected_action": [enterprise.pk]}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "1 organization confirmed." in done.content.decode()
    entries = LogEntry.objects.get_for_object(enterprise).order_by("pk")
    assert [(e.action, e.actor_id, list(e.changes)) for e in entries][-1] == (LogEntry.Action.UPDATE, organizer.pk, ["verified_at"])
    assert "verified_at" not in entries.first().changes  # its creation reads as it always did
    assert public_names(api_client, "自称企业") == ["自称企业有限公司"]
    assert api_client.get(f"/api/v1/organizations/{enterprise.pk}/").json()["name_zh"] == "自称企业有限公司"


def test_an_exhibitor_applicant_s_organization_waits_and_an_imported_one_does_not(api_client, django_user_model):
    edition = EditionFactory(year=2099)
    applicant = django_user_model.objects.create_user("expo-applicant")
    data = {"country": "CN", "fields": ["ai"], "products_zh": "产品", "booth_size": 9, "contact_name": "联系人", "contact_email": "a@example.org"}
    expo_services.exhibitor_apply(edition=edition, user=applicant, data={**data, "organization_name_zh": "申请参展企业"})
    expo_services.exhibitor_create(edition=edition, data={**data, "organization_name_zh": "导入参展企业"})
    confirmed = dict(Organization.objects.filter(name_zh__in=["申请参展企业", "导入参展企业"]).values_list("name_zh", "verified_at"))
    assert confirmed["申请参展企业"] is None and confirmed["导入参展企业"] is not None
    assert public_names(api_client, "参展企业") == ["导入参展企业"]


@pytest.mark.parametrize("name,code", [
    ("", "name_required"),
    ("   ", "name_required"),
    ("企" * 201, "name_too_long"),
    ("ACME\x07Ltd", "invalid_name"),
    ("ACME\u202eLtd", "invalid_name"),  # a right-to-left override: shows as another name
    ("\u200b", "invalid_name"),  # only a zero-width space
    ("ACME\u2028Ltd", "invalid_name"),
    ("!!! ???", "invalid_name"),  # no letter or digit
])
def test_names_are_checked(name, code):
    with pytest.raises(DomainError) as error:
        organization_name_clean(name, field="name_zh")
    assert (error.value.code, error.value.field) == (code, "name_zh")


@pytest.mark.parametrize("name", ["中国互联网络信息中心", "Ericsson (China) Co., Ltd.", "AT&T", "3M", "Société Générale", "企" * 200])
def test_ordinary_names_pass(name):
    assert organization_name_clean(f"  {name} ") == name


def test_names_are_checked_where_members_and_applicants_type_them(api_client, member_rep, django_user_model):
    member, user = member_rep
    programme = make_programme(EditionFactory(year=2099), opens=timezone.now() - timedelta(days=1), closes=timezone.now() + timedelta(days=1))
    api_client.force_authenticate(user)
    refused = api_client.post("/api/v1/recommendations/", {"programme": programme.pk, "enterprise_name_zh": "良心企业\u202e司公限有"}, format="json")
    assert (refused.status_code, refused.json()["code"], list(refused.json()["errors"])) == (400, "invalid_name", ["name_zh"])
    applicant = django_user_model.objects.create_user("expo-applicant-2")
    api_client.force_authenticate(applicant)
    body = {"edition": 2099, "organization_name_zh": "\u200b\u200b", "organization_name_en": "Zero\x00Width", "country": "CN", "fields": ["ai"],
            "products_zh": "产品", "booth_size": 9, "contact_name": "联系人", "contact_email": "z@example.org"}
    refused = api_client.post("/api/v1/exhibitors/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] in ("invalid_name", "invalid_characters")
    body["organization_name_en"] = "Zero Width"
    refused = api_client.post("/api/v1/exhibitors/", body, format="json")
    assert (refused.status_code, refused.json()["code"], list(refused.json()["errors"])) == (400, "invalid_name", ["organization_name_zh"])
    assert not Organization.objects.filter(name_en__in=["Zero Width"]).exists()


def test_the_seed_s_upsert_confirms_and_never_unconfirms():
    named = organization_upsert(name_zh="待确认机构", verified=False)
    assert named.verified_at is None
    assert organization_upsert(name_zh="待确认机构", verified=False).verified_at is None
    confirmed = organization_upsert(name_zh="待确认机构")  # the seed, the demo, an organizer
    assert confirmed.verified_at is not None
    assert organization_upsert(name_zh="待确认机构", verified=False).verified_at == confirmed.verified_at


def test_the_migration_confirms_what_was_there_except_what_users_named():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("wic.migrations.0003_api_tokens_and_confirmed_organizations")
    names = {"文本中的机构": "001_a35478c999586103.txt", "论坛申报的主办单位": "forum application 7", "会员推荐的企业": "awards recommendation by user 3",
             "参展申请的企业": "application by someone"}
    Organization.objects.bulk_create([Organization(name_zh=zh, source=source) for zh, source in names.items()])

    class Editor:
        connection = __import__("django.db", fromlist=["connection"]).connection

    migration.confirm_existing_organizations(apps, Editor())
    confirmed = set(Organization.objects.filter(name_zh__in=names, verified_at__isnull=False).values_list("name_zh", flat=True))
    assert confirmed == {"文本中的机构", "论坛申报的主办单位"}
