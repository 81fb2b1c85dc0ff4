"""Demo volunteer programme for `seed --demo`: clearly fake volunteers ("Demo Volunteer 001"...),
modules, posts, teams and shifts in the demo edition, rostered by the auto-roster, with the demo
accounts linked: `volunteer` holds shifts (one starting about half an hour after seeding, so the
check-in can be tried at once), `volunteer-lead` leads the first team.

Volunteers, teams and edition-day shifts are created once (bulk_create); every run re-creates the
"today" shifts so they stay near the time the demo is seeded.
"""
import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from agenda.models import Hall

from . import services
from .models import Assignment, Post, Shift, Team, TrainingAttendance, Volunteer, VolunteerLanguage
from .roster import roster_auto

N_VOLUNTEERS = 240
N_STANDBY = 30
TEAM_SIZE = 20
DEMO_DOMAIN = "demo.wic-summit.example"


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_demo_volunteers(edition):
    now = timezone.now()
    programme = services.programme_upsert(
        edition=edition,
        name_zh=f"{edition.year}年志愿者计划（演示）", name_en=f"{edition.year} volunteer programme (demo)",
        nickname_zh="演示志愿者", nickname_en="Demo volunteers",
        target_headcount=N_VOLUNTEERS, standby_size=N_STANDBY,
        applications_open_at=now - timedelta(days=30), applications_close_at=_at(edition.start_date - timedelta(days=20), 17),
        is_demo=True, source="demo",
    )
    training_day = edition.start_date - timedelta(days=10)
    general = services.module_upsert(programme=programme, name_zh="通识培训（演示）", name_en="General training (demo)", kind="general",
                                     starts_at=_at(training_day, 9), place_zh="演示培训教室 A", place_en="Demo training room A", sort_order=0)
    professional = services.module_upsert(programme=programme, name_zh="专业培训（演示）", name_en="Professional training (demo)", kind="professional",
                                          starts_at=_at(training_day + timedelta(days=2), 9), place_zh="演示培训教室 B", place_en="Demo training room B", sort_order=1)
    drill = services.module_upsert(programme=programme, name_zh="岗位演练（演示）", name_en="On-post drill (demo)", kind="drill",
                                   starts_at=_at(edition.start_date - timedelta(days=2), 14), place_zh="乌镇互联网国际会展中心", place_en="Wuzhen convention centre", sort_order=2)
    posts = _posts(programme, general, professional, drill)
    User = get_user_model()
    me_user = User.objects.filter(username="volunteer").first()
    lead_user = User.objects.filter(username="volunteer-lead").first()
    if not Volunteer.objects.filter(programme=programme, is_demo=True).exists():
        _people(programme, posts, [general, professional, drill], lead_user, me_user)
        _shifts(programme, posts, edition)
        roster_auto(programme=programme)
    _today(programme, now, lead_user)
    return programme


def _posts(programme, general, professional, drill) -> list[Post]:
    halls = list(Hall.objects.filter(venue__name_zh="乌镇互联网国际会展中心").order_by("sort_order")[:3])
    specs = [
        *[(f"{hall.name_zh}会场服务（演示）", f"{hall.name_en or hall.name_zh} hall service (demo)", "hall_service", "", hall, [general, drill]) for hall in halls],
        ("英语嘉宾联络（演示）", "English guest liaison (demo)", "guest_liaison", "en", None, [general, professional, drill]),
        ("阿拉伯语嘉宾联络（演示）", "Arabic guest liaison (demo)", "guest_liaison", "ar", None, [general, professional, drill]),
        ("西班牙语嘉宾联络（演示）", "Spanish guest liaison (demo)", "guest_liaison", "es", None, [general, professional, drill]),
        ("注册台（演示）", "Registration desk (demo)", "registration_desk", "", None, [general, drill]),
        ("媒体中心（演示）", "Media centre (demo)", "media_centre", "", None, [general, professional]),
        ("交通引导（演示）", "Transport (demo)", "transport", "", None, [general]),
        ("博览会引导（演示）", "Expo guide (demo)", "expo_guide", "", None, [general, drill]),
    ]
    posts = []
    for index, (zh, en, kind, language, hall, required) in enumerate(specs):
        post, _created = Post.objects.update_or_create(
            programme=programme, name_zh=zh,
            defaults={"name_en": en, "kind": kind, "language": language, "hall": hall, "sort_order": index,
                      "place_zh": "" if hall else "乌镇互联网国际会展中心（演示）", "place_en": "" if hall else "Wuzhen convention centre (demo)"},
        )
        post.required_modules.set(required)
        posts.append(post)
    return posts


def _people(programme, posts, modules, lead_user, me_user):
    rng = random.Random(2026)
    teams = Team.objects.bulk_create([
        Team(programme=programme, name_zh=f"演示第{t + 1}组", name_en=f"Demo team {t + 1}", post=posts[t % len(posts)],
             leader=lead_user if t == 0 else None, leader_phone="13800000000" if t == 0 else "")
        for t in range(N_VOLUNTEERS // TEAM_SIZE)
    ])
    people = []
    if me_user is not None:
        people.append(Volunteer(programme=programme, user=me_user, name="Demo Volunteer 000 (account volunteer)", university="演示大学 1",
                                student_number="DEMO000", phone="13800000000", email=me_user.email or f"volunteer@{DEMO_DOMAIN}",
                                status="accepted", team=teams[0], is_demo=True, preferred_post_kinds=[teams[0].post.kind]))
    # Position 0 of team 1 is the `volunteer` account; Demo Volunteer 001..239 fill the teams to 20 each.
    for n in range(1, N_VOLUNTEERS + N_STANDBY):
        standby = n >= N_VOLUNTEERS
        local = n % 17 == 0
        number = n - N_VOLUNTEERS + 1 if standby else n
        people.append(Volunteer(
            programme=programme, name=f"Demo {'Standby' if standby else 'Volunteer'} {number:03d}", university="" if local else f"演示大学 {n % 5 + 1}",
            is_local=local, student_number="" if local else f"DEMO{n:03d}", phone=f"1380000{n:04d}", email=f"demo-volunteer-{n:03d}@{DEMO_DOMAIN}",
            status="standby" if standby else "accepted", team=None if standby else teams[n // TEAM_SIZE],
            preferred_post_kinds=rng.sample(["hall_service", "guest_liaison", "registration_desk", "media_centre", "transport", "expo_guide"], 2),
            is_demo=True,
        ))
    people = Volunteer.objects.bulk_create(people)
    languages, attendance = [], []
    for index, v in enumerate(people):
        if v.user_id or rng.random() < 0.45:
            languages.append(VolunteerLanguage(volunteer=v, language="en", level="fluent" if v.user_id else rng.choice(["working", "fluent"])))
        for code, share in (("ar", 0.05), ("es", 0.07), ("ko", 0.05), ("de", 0.04)):
            if rng.random() < share:
                languages.append(VolunteerLanguage(volunteer=v, language=code, level=rng.choice(["working", "fluent", "native"])))
        for m_index, module in enumerate(modules):
            if v.user_id or (m_index != 1 and rng.random() < 0.96) or (m_index == 1 and rng.random() < 0.7):
                attendance.append(TrainingAttendance(module=module, volunteer=v))
    VolunteerLanguage.objects.bulk_create(languages)
    TrainingAttendance.objects.bulk_create(attendance)


def _shifts(programme, posts, edition):
    shifts = []
    day = edition.start_date - timedelta(days=1)
    while day <= edition.end_date:
        for post in posts:
            for h0, m0, h1, m1 in ((8, 30, 12, 30), (13, 0, 17, 0)):
                needed = 2 if post.kind == "guest_liaison" else 5
                shifts.append(Shift(post=post, starts_at=_at(day, h0, m0), ends_at=_at(day, h1, m1), needed=needed,
                                    required_languages=[post.language] if post.language else []))
        day += timedelta(days=1)
    Shift.objects.bulk_create(shifts)


def _today(programme, now, lead_user):
    """The demo "today" post: a shift starting about half an hour from now (check-in opens an hour
    before), one tomorrow, and one yesterday already worked, for the demo volunteer and the first
    team; re-created on every seeding."""
    post, _created = Post.objects.update_or_create(
        programme=programme, name_zh="今日演示岗（签到试用）",
        defaults={"name_en": "Today's demo post (try the check-in)", "kind": "information", "place_zh": "演示服务台", "place_en": "Demo help desk", "sort_order": 99},
    )
    Shift.objects.filter(post=post).delete()
    start = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 5)
    today = Shift.objects.create(post=post, starts_at=start, ends_at=start + timedelta(hours=3), needed=6, note="demo")
    tomorrow = Shift.objects.create(post=post, starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=3), needed=6, note="demo")
    yesterday = Shift.objects.create(post=post, starts_at=start - timedelta(days=1), ends_at=start - timedelta(days=1) + timedelta(hours=3), needed=6, note="demo")
    first_team = Team.objects.filter(programme=programme, leader=lead_user).first() if lead_user else None
    crew = list(Volunteer.objects.filter(team=first_team, status="accepted").order_by(F("user_id").desc(nulls_last=True), "id")[:5]) if first_team else []
    for shift in (yesterday, today, tomorrow):
        for volunteer in crew:
            try:
                services.shift_assign(shift=shift, volunteer=volunteer)
            except services.DomainError:
                pass  # a demo volunteer rostered elsewhere at that time stays there
    for assignment in Assignment.objects.filter(shift=yesterday, status="assigned").select_related("shift"):
        services.assignment_check_in(assignment=assignment, at=yesterday.starts_at - timedelta(minutes=10), via="lead_pick", actor=lead_user)
        services.assignment_check_out(assignment=assignment, at=yesterday.ends_at, via="lead_pick", actor=lead_user)
