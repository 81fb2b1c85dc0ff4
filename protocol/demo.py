"""The protocol app's part of the demo (`seed --demo`, contributed through protocol/contrib_delegations.py),
on the demo edition, every name marked 演示 / Demo:

- two delegations (a demo country's government, a demo international organization) of new demo
  guests, registered and approved with credentials through registration.services, with a head,
  an interpreter for the head and precedence; the government's head speaks at the demo main forum
  (a confirmed appearance, so the itinerary shows it);
- their liaisons, chosen by protocol.delegations.liaison_assign when the volunteers' demo has a
  guest-liaison post with trained volunteers free on those days (else none, without an error);
- invitation cards to the demo banquet ("demo-banquet", registration's demo) for both
  delegations, in each state: invited, accepted, declined, substitute proposed
  (protocol.invitations);
- the banquet's seating plan, round tables, auto-seated (protocol.seating).

Idempotent: a second run finds every row and adds none (the registrations by email, the
delegations by name, the cards by invitee; answers only to cards still unanswered; the plan
made once; auto-seating seats only the accepted guests without a seat)."""
from wic.errors import DomainError

DOMAIN = "demo.wic-summit.example"
# (key, name, name_zh, title, category, country, language)
GUESTS = (
    ("gov-head", "Demo Minister Alba", "演示部长阿尔巴", "Minister of Digital Affairs (demo)", "government", "ES", "en"),
    ("gov-deputy", "Demo Deputy Minister Brio", "演示副部长布里奥", "Deputy Minister (demo)", "government", "ES", "en"),
    ("gov-interpreter", "Demo Interpreter Cora", "演示翻译科拉", "Interpreter (demo)", "government", "ES", "en"),
    ("gov-adviser", "Demo Adviser Dario", "演示顾问达里奥", "Senior Adviser (demo)", "government", "ES", "en"),
    ("org-head", "Demo Secretary-General Eno", "演示秘书长埃诺", "Secretary-General (demo)", "international_organization", "CH", "en"),
    ("org-director", "Demo Director Faye", "演示主任费伊", "Director (demo)", "international_organization", "CH", "en"),
    ("org-officer", "Demo Programme Officer Gil", "演示项目官员吉尔", "Programme Officer (demo)", "international_organization", "CH", "en"),
)
DELEGATIONS = (
    # (name_zh, name_en, kind, precedence, languages, first day offset, last day offset, keys: head first)
    ("演示国政府代表团", "Demo country government delegation", "government", 10, ["en"], 0, 1, ("gov-head", "gov-deputy", "gov-interpreter", "gov-adviser")),
    ("演示国际组织代表团", "Demo international organization delegation", "international_org", 20, ["es"], 0, 0, ("org-head", "org-director", "org-officer")),
)
# The banquet cards' demo states, by guest: everyone else's card stays invited.
ANSWERS = {
    "gov-head": ("accept", {}),
    "gov-interpreter": ("accept", {}),
    "gov-adviser": ("decline", {}),
    "org-head": ("accept", {}),
    "org-director": ("substitute", {"substitute_name": "Demo Substitute Hana (演示替补)", "substitute_email": f"protocol-substitute@{DOMAIN}", "substitute_title": "Deputy Director (demo)"}),
}
TABLES = (("1", 8, True), ("2", 10, False), ("3", 10, False))


def _email(key: str) -> str:
    return f"protocol-{key}@{DOMAIN}"


def _guests(edition) -> dict:
    from registration import services as registration_services
    from registration.models import Registration

    found = {}
    for key, name, name_zh, title, category, country, language in GUESTS:
        registration = Registration.objects.filter(edition=edition, email__iexact=_email(key)).first()
        if registration is None:
            registration = registration_services.registration_create(
                edition=edition, language="en",
                data={"name": name, "name_zh": name_zh, "email": _email(key), "organization_name": "演示代表团 Demo delegation", "title": title,
                      "country": country, "category": category, "participation": "on_site", "languages": language, "consent": True},
            )
        if registration.status == "pending":
            registration = registration_services.registration_decide(registration=registration, status="approved", actor=None)
        found[key] = registration
    return found


def _delegations(edition, guests, actor) -> list:
    from datetime import timedelta

    from . import delegations as services
    from .models import Delegation, DelegationMember

    made = []
    for name_zh, name_en, kind, precedence, languages, first, last, keys in DELEGATIONS:
        delegation = Delegation.objects.filter(edition=edition, name_zh=name_zh).first()
        if delegation is None:
            delegation = services.delegation_save(
                edition=edition, name_zh=name_zh, name_en=name_en, kind=kind, precedence=precedence, languages=languages,
                arrives_on=edition.start_date + timedelta(days=first), departs_on=edition.start_date + timedelta(days=last),
                notes="演示数据 / Demo data", actor=actor,
            )
            Delegation.objects.filter(pk=delegation.pk).update(is_demo=True)
        head = guests[keys[0]]
        for key in keys:
            if not DelegationMember.objects.filter(registration=guests[key]).exists():
                principal = DelegationMember.objects.filter(registration=head).first() if key.endswith("interpreter") else None
                services.member_add(delegation, guests[key], is_interpreter=principal is not None, principal=principal, actor=actor)
        if delegation.head_id != head.pk:
            delegation = services.delegation_save(
                edition=edition, name_zh=delegation.name_zh, name_en=delegation.name_en, kind=delegation.kind, precedence=delegation.precedence,
                languages=delegation.languages, arrives_on=delegation.arrives_on, departs_on=delegation.departs_on, head=head, notes=delegation.notes,
                actor=actor, delegation=delegation,
            )
        if delegation.liaison_id is None:
            try:
                services.liaison_assign(delegation, actor=actor)
            except DomainError:
                pass  # no guest-liaison post, or nobody trained and free those days: the demo goes without
        made.append(Delegation.objects.get(pk=delegation.pk))
    return made


def _speaker(edition, registration) -> None:
    """The government's head speaks at the demo main forum (a person of the programme with the
    registration's email: how the itinerary finds a member's appearances)."""
    from agenda.models import Session
    from people import services as people_services
    from people.models import Person

    session = Session.objects.filter(edition=edition, key="demo-main-forum").first()
    if session is None:
        return
    person = Person.objects.filter(email__iexact=registration.email).first()
    if person is None:
        person = Person.objects.create(name_zh=registration.name_zh, name_en=registration.name, email=registration.email, source="demo")
    people_services.appearance_upsert(
        person=person, session=session, role="keynote", status="confirmed", title_zh="演示国数字事务部长（演示）", title_en=registration.title,
    )


def _banquet(edition, guests, delegations, actor) -> None:
    from agenda.models import Session

    from .invitations import card_token, cards_send, item_for_session, rsvp_answer
    from .models import InvitationCard, SeatingPlan
    from .seating import auto_seat, plan_create

    banquet = Session.objects.filter(edition=edition, key="demo-banquet").first()
    if banquet is None:
        return
    item = item_for_session(banquet, transferable=True)
    cards_send(item, delegations=delegations, actor=actor)
    keys = {registration.pk: key for key, registration in guests.items()}
    for card in InvitationCard.objects.filter(item=item, registration_id__in=list(keys), status="invited").order_by("pk"):
        answer, extra = ANSWERS.get(keys[card.registration_id], (None, {}))
        if answer is not None:
            rsvp_answer(card_token(card), answer=answer, **extra)
    plan = SeatingPlan.objects.filter(item=item).first()
    if plan is None:
        plan = plan_create(item, layout="tables", blocks=TABLES, capacity=60, actor=actor)
    auto_seat(plan, actor=actor)


def seed_demo_protocol(edition, *, password=None) -> None:
    actor = None  # as the other apps' demos: no organizer is the audit trail's actor of seeded rows
    guests = _guests(edition)
    delegations = _delegations(edition, guests, actor)
    _speaker(edition, guests["gov-head"])
    _banquet(edition, guests, delegations, actor)
