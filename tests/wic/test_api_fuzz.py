"""Property-based fuzzing of the REST API against its own OpenAPI schema (schemathesis).

Every operation of `/api/schema/` is called in-process through the WSGI application with data
generated from the schema (valid and invalid), anonymously and with the token of an organizer
(the broadest access). Every response must be no 5xx, carry a status code the operation
documents, the documented content type and a body matching the documented schema.

The calls hit a world built once per module by factories and services: an edition with sessions,
an open call for sub-forums with a draft and a submitted application, an approved registration
with a credential and today's gate list, an open award programme with a member, a recommendation
and nominations, an approved exhibitor; the organizer acts in every role. Path ids are drawn
mostly from the world's real ids (otherwise from the schema), and half the request bodies get the
world's real ids in the fields that name other objects, so writes get past `does_not_exist` to
the services' rules. Each operation's test rolls its writes back; the examples of one operation
share its state (a create, then a duplicate: 409).

Bounded and reproducible: a fixed number of examples per operation, derandomized. The coverage
phase (boundary and negative variants of every parameter: about 10,000 calls, several minutes)
runs only on demand, with FUZZ_COVERAGE=1."""
import os
from datetime import timedelta

import pytest
import schemathesis
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from wic.wsgi import application

EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COVERAGE = os.environ.get("FUZZ_COVERAGE") == "1"

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", application, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
)

# Filled by the `world` fixture (the hooks read it when examples are drawn, after it exists):
# "ids" per collection of the API; "refs", the values of the fields that name other objects, and
# "refs_in", those of one collection only (a nomination's `category` is not a guest's).
WORLD: dict = {"ids": {}, "refs": {}, "refs_in": {}}


def _collection(path: str) -> str:
    """/api/v1/forum-applications/{id}/submit/ -> forum-applications"""
    return path.removeprefix("/api/v1/").split("/")[0]


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Mostly the collection's real ids, sometimes the schema's own values."""
    collection = _collection(context.operation.path)
    name = {"editions": "year", "rsvp": "token"}.get(collection, "id")

    def real(index: int) -> dict:
        ids = WORLD["ids"].get(collection) or [0]
        return {name: ids[index % len(ids)]}

    return st.one_of(st.integers(min_value=0, max_value=7).map(real), strategy)


# What a create needs, added where the generated body lacks it (the schema leaves optional what
# the services require), so some creates succeed; None stands for the world's object.
COMPLETE = {
    "registrations": {"name": "Fuzz Guest", "email": "fuzz@example.org", "organization_name": "Example", "country": "CN",
                      "category": "academia", "participation": "on_site", "consent": True},
    "exhibitors": {"edition": None, "organization_name_zh": "测试参展商乙", "country": "CN", "fields": ["ai"], "products_zh": "翻译机",
                   "booth_size": 9, "contact_name": "联系人", "contact_email": "exhibitor2@example.org"},
    "recommendations": {"programme": None, "enterprise": None},
    "nominations": {"programme": None, "organization": None, "categories": None, "further_conditions": None, "endorses_purposes": True,
                    "basic_condition_statement": "符合", "contact_name": "联系人", "contact_email": "nomination@example.org"},
    "forum-applications": {"call": None, "title_zh": "测试分论坛"},
}


def with_real_references(body, collection: str, create: str | None = None):
    """The body with the world's objects in the fields that name one (the rest as generated);
    for a create (`create` is then the collection), completed with what its service requires."""
    if not isinstance(body, dict):
        return body
    refs = {**WORLD["refs"], **WORLD["refs_in"].get(collection, {})}
    body = {**COMPLETE.get(create, {}), **body}
    body = {**body, **{name: refs[name] for name in body if name in refs}}
    if isinstance(body.get("organizations"), list):
        body["organizations"] = [{"role": "host", "organization": refs["host"]}]
    if isinstance(body.get("scores"), dict):
        body["scores"] = {str(pk): {"score": 4} for pk in refs["criteria"]}
    return body


@schema.hook
def flatmap_body(context, body):
    """Half the bodies as generated, half with the world's references (and, for a create, completed)."""
    operation = context.operation
    collection = _collection(operation.path)
    create = collection if operation.method.upper() == "POST" and operation.path.count("/") == 4 else None  # /api/v1/<collection>/
    return st.booleans().map(lambda real: with_real_references(body, collection, create) if real else body)


def build_world() -> dict:
    from django.contrib.auth import get_user_model
    from wic.tokens import token_create

    from awards import services as award_services
    from awards.models import AwardReviewer
    from expo import services as expo_services
    from expo.models import Zone
    from forums import services as forum_services
    from forums.models import CallQuestion, ForumCall, ReviewCriterion, Reviewer
    from registration import services as registration_services
    from registration.models import CheckinList
    from tests.factories import OrganizationFactory, edition_with_everything, make_organizer, session_with_everything
    from wic.models import Member

    now = timezone.now()
    organizer = make_organizer("fuzz-organizer", password=None, email="fuzz-organizer@example.org")
    _token, token = token_create(user=organizer)
    applicant = get_user_model().objects.create_user("fuzz-applicant", email="fuzz-applicant@example.org", password=None)

    edition = edition_with_everything()
    sessions = [session_with_everything(edition, index) for index in range(3)]

    call = ForumCall.objects.create(edition=edition, title_zh="测试分论坛申报", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    call.boards.set(edition.boards.all())
    criteria = [ReviewCriterion.objects.create(call=call, name_zh=name, sort_order=i) for i, name in enumerate(("主题契合度", "主协办单位与嘉宾"))]
    CallQuestion.objects.create(call=call, text_zh="是否需要同声传译？", sort_order=0)
    Reviewer.objects.create(edition=edition, user=organizer)
    host = OrganizationFactory()
    fields = {
        "title_zh": "数字丝路合作论坛", "theme_zh": "共建数字丝路", "format": "round_table", "preferred_date": edition.start_date,
        "preferred_half_day": "morning", "expected_attendance": 150, "planned_speakers": "张三", "planned_outcomes": "倡议",
        "contact_name": "李四", "contact_email": "contact@example.org", "rationale": "促进合作",
    }
    hosts = [{"role": "host", "organization": host}]
    own_draft = forum_services.application_save_draft(call=call, applicant=organizer, fields=fields, organizations=hosts)
    submitted = forum_services.application_save_draft(call=call, applicant=applicant, fields=fields, organizations=hosts)
    submitted = forum_services.application_submit(application=submitted, actor=applicant)

    registration = registration_services.registration_create(
        edition=edition,
        data={"name": "Fuzz Guest", "email": "guest@example.org", "organization_name": "Example Org", "country": "BR",
              "category": "academia", "participation": "on_site", "consent": True},
    )
    registration_services.registration_decide(registration=registration, status="approved", actor=organizer)
    gate = CheckinList.objects.create(edition=edition, kind=CheckinList.GATE, day=timezone.localdate(), name_zh="主入口")

    programme = award_services.programme_upsert(
        edition=edition, key="fuzz-award", name_zh="测试奖", has_enterprise_direction=True, has_individual_direction=True,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), max_categories=2, requires_endorsement=True,
        min_further_conditions=1, non_members_need_recommendation=True,
    )
    categories = [award_services.category_upsert(programme=programme, key=k, name_zh=f"类别{i}", direction="enterprise", sort_order=i) for i, k in enumerate(("social", "innovation"))]
    condition = award_services.further_condition_upsert(programme=programme, text_zh="其他条件", sort_order=0)
    award_services.quotas_set(programme=programme, quotas={"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1})
    member = Member.objects.create(organization=OrganizationFactory(), tier="member")
    member.representatives.add(organizer)
    enterprise = OrganizationFactory()
    recommendation = award_services.recommendation_create(programme=programme, member=member, enterprise=enterprise, actor=organizer)
    award_services.enterprise_representative_grant(user=organizer, organization=enterprise)
    draft = award_services.nomination_save_draft(programme=programme, organization=enterprise, actor=organizer, categories=categories[:1])
    individual = award_services.nomination_nominate_individual(
        programme=programme, actor=organizer, person_name="张三", person_affiliation="某大学", citation="贡献", member=None, categories=None,
    )
    AwardReviewer.objects.create(programme=programme, user=organizer)

    zone = Zone.objects.create(edition=edition, key="theme", name_zh="主题展区", kind="theme")
    exhibitor = expo_services.exhibitor_create(
        edition=edition,
        data={"organization_name_zh": "测试参展商", "country": "CN", "fields": ["ai"], "products_zh": "翻译机", "booth_size": 9,
              "contact_name": "联系人", "contact_email": "exhibitor@example.org", "preferred_zone": zone.pk},
    )
    exhibitor.representatives.add(organizer)

    WORLD["ids"] = {
        "editions": [edition.year, 2017, 2024],
        "sessions": [s.pk for s in sessions],
        "halls": [s.hall_id for s in sessions],
        "organizations": [host.pk, enterprise.pk],
        "forum-applications": [own_draft.pk, submitted.pk],
        "registrations": [registration.pk],
        "exhibitors": [exhibitor.pk],
        "award-programmes": [programme.pk],
        "recommendations": [recommendation.pk],
        "nominations": [draft.pk, individual.pk],
    }
    WORLD["refs"] = {
        "call": call.pk, "board": edition.boards.first().pk, "edition": edition.year, "programme": programme.pk,
        "enterprise": OrganizationFactory().pk, "organization": enterprise.pk, "member": member.pk,
        "categories": [categories[0].pk], "further_conditions": [condition.pk],
        "list": gate.pk, "secret": registration.credentials.get().secret, "country": "CN", "fields": ["ai"],
        "preferred_zone": zone.pk, "booth_size": 9, "answers": {}, "host": host.pk, "criteria": [c.pk for c in criteria],
    }
    WORLD["refs_in"] = {"nominations": {"category": categories[0].pk}}
    return {"token": token}


@pytest.fixture(scope="module")
def connection_kept():
    """The WSGI app runs in the test's own transaction: as Django's test client does, requests do
    not close the database connection when they start and finish (on PostgreSQL, closing it
    would end the transaction the test runs in)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, connection_kept):
    """Built once inside a transaction rolled back when the module ends; each test's own `db`
    transaction nests in it as a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    WORLD.update(ids={}, refs={}, refs_in={})


@pytest.fixture
def fast_hasher(settings):
    """Each sign-in attempt on the token endpoint hashes a password: a fast hasher keeps the run
    short (what is tested is the answers, not the hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "organizer"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
    # The fixtures are the shared world (rolled back per operation); big generated bodies are the point.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much, HealthCheck.large_base_example],
)
def test_api_conforms_to_its_schema(case, who, world, empty_cache, fast_hasher):
    headers = {"Authorization": f"Token {world['token']}"} if who == "organizer" else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
