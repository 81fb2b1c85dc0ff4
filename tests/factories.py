from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from agenda.models import Board, Hall, Outcome, Session, SessionOrganization, Venue
from wic.models import Edition, EditionFigure, EditionOrganization, Member, Organization

BEIJING = ZoneInfo("Asia/Shanghai")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    year = factory.Sequence(lambda n: 3000 + n)
    name_zh = factory.LazyAttribute(lambda o: f"测试峰会{o.year}")
    name_en = factory.LazyAttribute(lambda o: f"Test Summit {o.year}")
    start_date = factory.LazyAttribute(lambda o: date(o.year, 11, 10))
    end_date = factory.LazyAttribute(lambda o: date(o.year, 11, 12))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_zh = factory.Sequence(lambda n: f"测试机构{n}")
    name_en = factory.Sequence(lambda n: f"Test Org {n}")
    kind = "enterprise"
    verified_at = factory.LazyFunction(timezone.now)  # confirmed, as the seed's are


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name_zh = factory.Sequence(lambda n: f"测试场馆{n}")
    kind = "convention_center"


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    venue = factory.SubFactory(VenueFactory)
    name_zh = factory.Sequence(lambda n: f"测试厅{n}")
    room = factory.Sequence(lambda n: str(100 + n))


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    edition = factory.SubFactory(EditionFactory)
    key = factory.Sequence(lambda n: f"board-{n}")
    name_zh = factory.Sequence(lambda n: f"板块{n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    key = factory.Sequence(lambda n: f"session-{n}")
    title_zh = factory.Sequence(lambda n: f"测试分论坛{n}")
    title_en = factory.Sequence(lambda n: f"Test forum {n}")
    kind = "sub_forum"
    date = factory.LazyAttribute(lambda o: o.edition.start_date)
    start = factory.LazyAttribute(lambda o: datetime.combine(o.date, time(9, 0), tzinfo=BEIJING))
    end = factory.LazyAttribute(lambda o: datetime.combine(o.date, time(12, 0), tzinfo=BEIJING))
    hall = factory.SubFactory(HallFactory)
    board = factory.LazyAttribute(lambda o: BoardFactory(edition=o.edition))


def session_with_everything(edition: Edition, index: int) -> Session:
    """A session with a hall, a board, two organizations and an outcome: every relation a list shows."""
    session = SessionFactory(edition=edition)
    SessionOrganization.objects.create(session=session, organization=OrganizationFactory(), role="host", sort_order=0)
    SessionOrganization.objects.create(session=session, organization=OrganizationFactory(), role="co_host", sort_order=1)
    Outcome.objects.create(edition=edition, session=session, title_zh=f"测试报告{index}", kind="report")
    return session


def edition_with_everything() -> Edition:
    edition = EditionFactory(main_venue=VenueFactory())
    EditionFigure.objects.create(edition=edition, key="guests_on_site", value=100, label_zh="现场嘉宾")
    EditionOrganization.objects.create(edition=edition, organization=OrganizationFactory(), role="host")
    BoardFactory(edition=edition)
    return edition


def member_with_organization(tier: str = "member") -> Member:
    return Member.objects.create(organization=OrganizationFactory(), tier=tier)


def make_organizer(username: str = "organizer-test", password: str | None = "a-long-test-password-1", **fields):
    """A staff account in the organizer group, which carries the organizers' real permissions."""
    from django.contrib.auth import get_user_model

    from wic import roles
    from wic.demo import ensure_role_groups

    user = get_user_model().objects.create_user(username, password=password, is_staff=True, **fields)
    user.groups.add(ensure_role_groups()[roles.ORGANIZER])
    return user
