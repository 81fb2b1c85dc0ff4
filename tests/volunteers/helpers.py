"""Builders for volunteer tests: plain functions over the models (factories, not fixtures files)."""
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.factories import EditionFactory
from volunteers.models import Post, Programme, Shift, Team, TrainingAttendance, TrainingModule, Volunteer, VolunteerLanguage

BEIJING = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2099, 11, 10, 9, 0, tzinfo=BEIJING)
_seq = itertools.count(1)


def make_programme(edition=None, **fields) -> Programme:
    if edition is None:
        edition = EditionFactory(year=2099)
    return Programme.objects.create(edition=edition, name_zh=f"{edition.year}志愿者计划", name_en=f"{edition.year} volunteers", **fields)


def make_volunteer(programme, name=None, status="accepted", languages=None, team=None, user=None, **fields) -> Volunteer:
    n = next(_seq)
    volunteer = Volunteer.objects.create(
        programme=programme, name=name or f"Test Volunteer {n:03d}", university=fields.pop("university", "测试大学"),
        phone="13800000000", email=fields.pop("email", f"v{n}@example.org"), status=status, team=team, user=user, **fields,
    )
    for code, level in (languages or {}).items():
        VolunteerLanguage.objects.create(volunteer=volunteer, language=code, level=level)
    return volunteer


def make_module(programme, name="通识培训", kind="general", **fields) -> TrainingModule:
    return TrainingModule.objects.create(programme=programme, name_zh=name, name_en=fields.pop("name_en", name), kind=kind, **fields)


def make_post(programme, name=None, kind="hall_service", required=(), **fields) -> Post:
    post = Post.objects.create(programme=programme, name_zh=name or f"岗位{next(_seq)}", kind=kind, **fields)
    post.required_modules.set(required)
    return post


def make_shift(post, start=DAY1, hours=3, needed=2, languages=()) -> Shift:
    return Shift.objects.create(post=post, starts_at=start, ends_at=start + timedelta(hours=hours), needed=needed, required_languages=list(languages))


def make_team(programme, name=None, post=None, leader=None) -> Team:
    return Team.objects.create(programme=programme, name_zh=name or f"小组{next(_seq)}", post=post, leader=leader)


def train(volunteer, *modules):
    for module in modules:
        TrainingAttendance.objects.get_or_create(module=module, volunteer=volunteer)
