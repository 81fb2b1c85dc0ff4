from awards.models import AwardProgramme, EnterpriseRepresentative
from awards import selectors, services
from wic.demo import seed_demo
from wic.models import Member, Organization


def test_demo_has_an_open_programme_with_the_rules_and_fake_enterprises(db):
    seed_demo(password="a-long-demo-password-1")
    seed_demo(password="a-long-demo-password-1")  # twice: nothing duplicated
    programme = AwardProgramme.objects.get(is_demo=True)
    assert programme.is_open() and programme.edition.is_demo
    assert (programme.max_categories, programme.requires_endorsement, programme.min_further_conditions, programme.non_members_need_recommendation) == (2, True, 1, True)
    assert {q.tier: q.quota for q in programme.quotas.all()} == {"council": 10, "senior": 10, "member": 5, "individual": 5, "associate": 1, "nonprofit": 1}
    assert (programme.categories.count(), programme.further_conditions.count()) == (3, 3)
    fakes = Organization.objects.filter(is_demo=True, name_zh__startswith="演示非会员企业")
    assert fakes.count() == 5 and not Member.objects.filter(organization__in=fakes).exists()
    link = EnterpriseRepresentative.objects.select_related("user", "organization").get()
    assert (link.user.username, link.organization.name_zh) == ("enterprise-demo", "演示非会员企业甲（虚构）")
    members = list(Member.objects.filter(is_demo=True, representatives__username__startswith="member-"))
    lines = selectors.quota_lines(members=members, programmes=[programme])
    assert sorted((line.member.tier, line.quota, line.used) for line in lines) == [
        ("associate", 1, 0), ("council", 10, 0), ("individual", 5, 0), ("member", 5, 0), ("nonprofit", 1, 0), ("senior", 10, 0),
    ]
    member = next(m for m in members if m.tier == "member")
    services.recommendation_create(programme=programme, member=member, enterprise=fakes.first(), actor=member.representatives.first())
    seed_demo(password="a-long-demo-password-1")  # seeding again keeps what was done in the browser
    assert services.quota_used(programme=programme, member=member) == 1
