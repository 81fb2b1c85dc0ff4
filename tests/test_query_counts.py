"""Every list endpoint and admin changelist makes the same number of queries for 1 row as for many."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.models import Board, Hall, Outcome, Session, Venue
from tests.factories import (
    BoardFactory,
    EditionFactory,
    HallFactory,
    OrganizationFactory,
    VenueFactory,
    edition_with_everything,
    member_with_organization,
    session_with_everything,
)
from wic.models import Edition, EditionFigure, EditionOrganization, Member, Organization

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


# Expected queries per request, whatever the number of rows.
API_LISTS = {
    # count, page, organizations prefetch, outcomes prefetch, edition filter lookup
    "sessions": ("/api/v1/sessions/", 6),  # and the public appearances (people) prefetch
    # count, page, figures, organization roles, boards, milestones, described items
    "editions": ("/api/v1/editions/", 7),
    "halls": ("/api/v1/halls/", 2),
    "organizations": ("/api/v1/organizations/", 2),
}


@pytest.mark.parametrize("name", list(API_LISTS))
def test_api_list_queries_are_constant(api_client, name):
    url, expected = API_LISTS[name]
    edition = EditionFactory()
    params = {"edition": edition.year} if name == "sessions" else {}

    def grow(n):
        for i in range(n):
            if name == "sessions":
                session_with_everything(edition, i)
            elif name == "editions":
                edition_with_everything()
            elif name == "halls":
                HallFactory()
            else:
                OrganizationFactory()

    grow(1)
    few = count_queries(api_client, url, params)
    grow(6)
    many = count_queries(api_client, url, params)
    assert (few, many) == (expected, expected)


def test_api_session_detail_queries_are_constant(api_client):
    edition = EditionFactory()
    session = session_with_everything(edition, 0)
    assert count_queries(api_client, f"/api/v1/sessions/{session.pk}/") == 4  # with the session's people


ADMIN_MODELS = {
    "wic/edition": lambda: edition_with_everything(),
    "wic/editionfigure": lambda: edition_with_everything(),
    "wic/organization": lambda: OrganizationFactory(),
    "wic/editionorganization": lambda: edition_with_everything(),
    "wic/member": lambda: member_with_organization(),
    "agenda/venue": lambda: VenueFactory(),
    "agenda/hall": lambda: HallFactory(),
    "agenda/board": lambda: BoardFactory(),
    "agenda/session": lambda: session_with_everything(EditionFactory(), 0),
    "agenda/outcome": lambda: session_with_everything(EditionFactory(), 0),
}


@pytest.mark.parametrize("model", list(ADMIN_MODELS))
def test_admin_changelist_queries_are_constant(admin_client_logged, model):
    url = f"/admin/{model}/"
    ADMIN_MODELS[model]()
    few = count_queries(admin_client_logged, url)
    for _ in range(6):
        ADMIN_MODELS[model]()
    many = count_queries(admin_client_logged, url)
    assert few == many
