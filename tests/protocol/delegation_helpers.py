"""Builders for the delegation tests: plain functions over the models."""
import itertools
from datetime import date

from protocol import delegations
from registration.models import Registration
from tests.factories import EditionFactory
from tests.volunteers.helpers import make_module, make_post, make_programme, make_volunteer, train

_seq = itertools.count(1)


def make_edition(year=None):
    year = year or 2600 + next(_seq)
    return EditionFactory(year=year, start_date=date(year, 11, 10), end_date=date(year, 11, 12))


def make_registration(edition, name=None, email=None, status="approved", **fields) -> Registration:
    n = next(_seq)
    return Registration.objects.create(
        edition=edition, reference=f"DLG{n:05d}", token=f"dlg-token-{n:024d}", name=name or f"Test Delegate {n}", email=email or f"delegate{n}@example.org",
        organization_name="测试部 Test Ministry", country="FR", category="government", participation="on_site", consent=True, status=status, **fields,
    )


def make_delegation(edition, name_zh=None, languages=("en",), members=0, **fields):
    delegation = delegations.delegation_save(
        edition=edition, name_zh=name_zh or f"测试代表团{next(_seq)}", kind=fields.pop("kind", "government"), languages=list(languages), **fields
    )
    for _n in range(members):
        delegations.member_add(delegation, make_registration(edition))
    return delegation


def liaison_world(edition, *, languages=("en",)):
    """A programme with a guest-liaison post (two modules required) for the edition."""
    programme = make_programme(edition)
    general, professional = make_module(programme, "通识培训"), make_module(programme, "专业培训", kind="professional")
    post = make_post(programme, name="英语嘉宾联络", kind="guest_liaison", language="en", required=(general, professional))
    return programme, post, (general, professional)


def trained_volunteer(programme, modules, languages=None, **fields):
    phone = fields.pop("phone", None)
    volunteer = make_volunteer(programme, languages=languages if languages is not None else {"en": "fluent"}, **fields)
    if phone:
        volunteer.phone = phone
        volunteer.save(update_fields=["phone"])
    train(volunteer, *modules)
    return volunteer
