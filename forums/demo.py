"""The sub-forum call's part of the demo (`seed --demo`, contributed through forums/contrib.py): an
open call on the demo edition, a reviewer, and the demo applicant's applications in every state."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from wic import services
from wic.enums import OrganizationKind

from . import services as forum_services
from .models import ForumApplication, ForumCall, ReviewCriterion, Reviewer

DEMO_APPLICATIONS = (
    # title, state to reach, host organization (demo)
    ("数字治理圆桌（演示草稿）", "draft"),
    ("开源生态分论坛（演示，已提交）", "submitted"),
    ("人工智能安全分论坛（演示，评审中）", "under_review"),
    ("数字教育分论坛（演示，已通过）", "accepted"),
    ("智慧城市分论坛（演示，候补）", "waitlisted"),
)


def seed_demo_forum_call(edition, *, password=None) -> None:
    """An open call for sub-forums on the demo edition, review criteria, a reviewer grant, and
    applications by the demo applicant in different states, all through the services."""
    User = get_user_model()
    now = timezone.now()
    call, created = ForumCall.objects.get_or_create(
        edition=edition,
        title_zh=f"{edition.year}年分论坛申报（演示）",
        defaults={
            "title_en": f"{edition.year} call for sub-forums (demo)",
            "description_zh": "演示数据：申报主办一场分论坛。",
            "description_en": "Demo data: apply to host a sub-forum.",
            "opens_at": now - timedelta(days=7),
            "closes_at": now + timedelta(days=60),
        },
    )
    if not call.is_open(now):  # keep the demo call open whenever the demo is seeded again
        call.opens_at, call.closes_at = now - timedelta(days=7), now + timedelta(days=60)
        call.save(update_fields=["opens_at", "closes_at"])
    call.boards.set(edition.boards.all())
    for index, (zh, en) in enumerate((("主题契合度", "Relevance to the theme"), ("主协办单位与嘉宾", "Hosts and speakers"), ("预期成果", "Expected outcomes"))):
        ReviewCriterion.objects.get_or_create(call=call, name_zh=zh, defaults={"name_en": en, "sort_order": index})
    reviewer = User.objects.get(username="reviewer")
    Reviewer.objects.get_or_create(edition=edition, user=reviewer)
    organizer = User.objects.get(username="organizer")
    applicant = User.objects.get(username="applicant")
    host = services.organization_upsert(name_zh="演示申报机构", name_en="Demo Applicant Organization", kind=OrganizationKind.ASSOCIATION, is_demo=True, source="demo")
    for title, target in DEMO_APPLICATIONS:
        if ForumApplication.objects.filter(call=call, title_zh=title).exists():
            continue
        application = forum_services.application_save_draft(
            call=call,
            applicant=applicant,
            fields={
                "title_zh": title,
                "theme_zh": "演示主题",
                "format": "round_table",
                "preferred_date": edition.start_date + timedelta(days=1),
                "preferred_half_day": "morning",
                "expected_attendance": 120,
                "contact_name": "演示联系人",
                "contact_email": "applicant@demo.wic-summit.example",
                "rationale": "演示数据",
            },
            organizations=[{"role": "host", "organization": host}],
        )
        if target == "draft":
            continue
        application = forum_services.application_submit(application=application, actor=applicant)
        if target == "submitted":
            continue
        criteria = {c.pk: (4, "演示评审意见") for c in call.criteria.all()}
        forum_services.review_submit(application=application, user=reviewer, scores=criteria)
        if target == "under_review":
            continue
        forum_services.application_transition(application=application, to_state=target, actor=organizer, message="演示决定 / demo decision")
