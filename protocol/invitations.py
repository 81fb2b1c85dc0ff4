"""Invitation cards (issue 23): an organizer invites registrations, people or whole delegations to
an invitation-only agenda item; each invitee gets a bilingual email with a private link,
`/rsvp/<token>/`, where they accept, decline or (where the item allows it) propose a substitute,
whom an organizer then approves or refuses. Replies close at the item's deadline; unanswered cards
are reminded at most once a day (protocol/tasks.py).

The link is `django.core.signing.dumps` (salt SALT) over the card's pk and its `link_nonce`. It
works until the item ends (`link_expires_at`: the item's end, else the end of its day in Beijing,
else the end of the edition's last day; an item with no date at all keeps its links). Sending a
card again (or refusing a substitute) draws a new nonce: older links stop working. The nonce does
not change when the invitee answers: the link keeps showing the answer, and a second answer is
refused `already_answered` (a card answers once; the organizer can re-send it to reopen it).

Refusals (wic.errors.DomainError, field named):

- `link_invalid` (404, token): not a token of ours, tampered with, or its card is gone;
- `link_expired` (410, token): the item has ended;
- `link_used` (410, token): a newer link replaced this one (the card was sent again);
- `card_cancelled` (410, token): the organizers withdrew the invitation;
- `unknown_answer` (400, answer), `substitute_name_required` (400, substitute_name),
  `invalid_email` (400, substitute_email), `too_long` (400, the field),
  `substitute_is_invitee` (400, substitute_email), `not_transferable` (400, answer),
  `already_answered` (409, answer), `rsvp_closed` (409, answer): when answering;
- `not_invitable` (400: the item is not invitation-only (session); a guest not approved or of
  another edition (registrations); an empty delegation or one of another edition (delegations);
  the substitute's registration not approved (registration)), `no_invitees` (400, registrations),
  `no_email` (400, people), `unknown_language` (400, language), `rsvp_closed` (409, item: replies
  are closed, no card can be answered), `invalid_deadline` (400, rsvp_deadline): when inviting;
- `no_substitute_proposed` (409, status), `substitute_not_registered` (409, registration: the
  organizer registers the substitute first), `already_invited` (409, registration),
  `substitute_is_invitee` (400, registration): when deciding on a substitute;
- `already_cancelled` (409, status), `already_replaced`, `substitute_pending` (409, status):
  when cancelling or sending a card again.

`substitute_needs_approval` is not a refusal: `rsvp_answer` returns the card, status
substitute_proposed, and the page and the API say (the API with this code, HTTP 202) that an
organizer must approve the substitute before they are admitted.

Every change is one transaction that locks the card, is audited (the organizer as auditlog's
actor), and mirrors the card into `registration.Invitation` (protocol.sync), the row the gate
reads; emails go through the outbox (wic.outbox), recorded in the same transaction."""
import secrets
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from people.dashboard import not_started_q
from people.invitations import session_start
from registration.enums import RegistrationStatus
from registration.models import CheckinList, Registration
from wic import outbox
from wic.display import BEIJING
from wic.errors import DomainError
from wic.i18n import pick
from wic.models import OutgoingEmail

from . import sync
from .enums import CardStatus
from .models import DelegationMember, InvitationCard, InvitationItem

SALT = "protocol.rsvp-link"
ANSWERS = ("accept", "decline", "substitute")
STATUS_OF_ANSWER = {"accept": CardStatus.ACCEPTED, "decline": CardStatus.DECLINED, "substitute": CardStatus.SUBSTITUTE_PROPOSED}
# The hourly beat task reminds a card when its last contact is at least this old, so a card is
# reminded about once a day at a steady hour (23 hours: a run a few seconds late still finds it);
# the outbox key (the card and the Beijing date) keeps it to one reminder per calendar day.
REMIND_GAP = timedelta(hours=23)
MAX_INVITEES = 2000  # cards one call sends at most (a whole hall's front rows fit many times over)
CARD_SELECT = ("item__session__edition", "item__session__hall__venue", "registration", "person", "delegation")


def _languages() -> dict:
    return dict(settings.LANGUAGES)


def _beijing(moment: datetime | None) -> str:
    return timezone.localtime(moment, BEIJING).strftime("%Y-%m-%d %H:%M") if moment else ""


@contextmanager
def _audit_actor(actor):
    """auditlog's actor for what is saved inside, also outside a request (the shell, a task). The
    value found before (an enclosing request's) is put back afterwards: auditlog's own context
    leaves its context variable set when it ends."""
    from auditlog.context import auditlog_value, set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


# -- when ----------------------------------------------------------------------------------------

def replies_close_at(item: InvitationItem) -> datetime | None:
    """When replies close: the item's deadline, else when the item starts (its clock time, or
    without one the end of its day in Beijing); None for an undated item without a deadline."""
    if item.rsvp_deadline is not None:
        return item.rsvp_deadline
    return session_start(item.session)


def replies_open(item: InvitationItem, now: datetime | None = None) -> bool:
    closes = replies_close_at(item)
    return closes is None or (now or timezone.now()) < closes


def replies_open_q(now: datetime, prefix: str = "item__") -> Q:
    """The cards (through `prefix` to their item) whose replies are still open at `now`."""
    return Q(**{f"{prefix}rsvp_deadline__gt": now}) | (Q(**{f"{prefix}rsvp_deadline__isnull": True}) & not_started_q(now, prefix=f"{prefix}session__"))


def link_expires_at(item: InvitationItem) -> datetime | None:
    """A card's link works until the item ends: its end, else the end of its day (Beijing), else
    the end of the edition's last day; None when nothing is known."""
    session = item.session
    if session.end is not None:
        return session.end
    day = session.date or session.edition.end_date
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BEIJING)


# -- items ---------------------------------------------------------------------------------------

def _not_invitable_session(session) -> DomainError:
    return DomainError(
        "not_invitable",
        _("%(item)s is not an invitation-only item (by invitation card, invited participants or closed-door): it takes no invitation cards.")
        % {"item": pick(session, "title")},
        field="session",
    )


def item_check(session, *, rsvp_deadline: datetime | None = None) -> None:
    """Refuse an item that cannot take invitation cards (`not_invitable`) or a deadline after
    the item starts (`invalid_deadline`). The admin's form and `item_for_session` ask this."""
    if not session.is_invitation_only:
        raise _not_invitable_session(session)
    start = session_start(session)
    if rsvp_deadline is not None and start is not None and rsvp_deadline > start:
        raise DomainError(
            "invalid_deadline",
            _("Replies must close by the time %(item)s starts (%(start)s Beijing time), not after.") % {"item": pick(session, "title"), "start": _beijing(start)},
            field="rsvp_deadline",
        )


def item_checkin_list(session) -> CheckinList:
    """The item's check-in list at the gate (made once, named after the item), where only
    accepted invitees are admitted (registration.checkin)."""
    found = CheckinList.objects.filter(kind=CheckinList.ITEM, session=session).order_by("pk").first()
    if found is not None:
        return found
    return CheckinList.objects.create(
        edition_id=session.edition_id, kind=CheckinList.ITEM, session=session, name_zh=session.title_zh[:200], name_en=session.title_en[:200],
    )


def item_for_session(session, *, rsvp_deadline: datetime | None = None, transferable: bool = False) -> InvitationItem:
    """The invitation-only item of `session`, made with this deadline and transferability if it
    does not exist yet (an existing item is returned unchanged), with its check-in list.
    Refused `not_invitable` (400, field session) when the session is not invitation-only, and
    `invalid_deadline` for a deadline after the item starts."""
    if rsvp_deadline is not None and timezone.is_naive(rsvp_deadline):
        rsvp_deadline = timezone.make_aware(rsvp_deadline, BEIJING)
    item_check(session, rsvp_deadline=rsvp_deadline)
    with transaction.atomic():
        item, _created = InvitationItem.objects.get_or_create(session=session, defaults={"rsvp_deadline": rsvp_deadline, "transferable": transferable})
        item_checkin_list(session)
    return item


def card_counts() -> dict:
    """Count() annotations of items' cards by reply: `invited` counts every card that stands (not
    cancelled, not passed to a substitute) = accepted + declined + no_answer +
    substitutes_awaiting (proposed, awaiting an organizer's decision)."""
    return {
        "invited": Count("cards", filter=~Q(cards__status__in=[CardStatus.CANCELLED, CardStatus.REPLACED])),
        "accepted": Count("cards", filter=Q(cards__status=CardStatus.ACCEPTED)),
        "declined": Count("cards", filter=Q(cards__status=CardStatus.DECLINED)),
        "no_answer": Count("cards", filter=Q(cards__status=CardStatus.INVITED)),
        "substitutes_awaiting": Count("cards", filter=Q(cards__status=CardStatus.SUBSTITUTE_PROPOSED)),
    }


# -- who is invited ------------------------------------------------------------------------------

def invitee_names(card: InvitationCard) -> SimpleNamespace:
    """The invitee's names as `name_zh` / `name_en` (for `pick` and the `bi` tag)."""
    if card.registration_id:
        r = card.registration
        return SimpleNamespace(name_zh=r.name_zh, name_en=r.name)
    return SimpleNamespace(name_zh=card.person.name_zh, name_en=card.person.name_en)


def invitee_name(card: InvitationCard) -> str:
    if card.registration_id:
        return card.registration.name_zh or card.registration.name
    return str(card.person)


def invitee_email(card: InvitationCard) -> str:
    if card.registration_id:
        return card.registration.email.strip()
    return (card.person.email or "").strip()


def seat_text(card: InvitationCard) -> str:
    """"Table 3 · seat 5" (in the active language) for an accepted card the seating plan placed,
    else "". Reads `card.seat` (select_related it: `card_for_token` does)."""
    from registration.models import seat_label

    seat = getattr(card, "seat", None) if card.status == CardStatus.ACCEPTED else None
    if seat is None:
        return ""
    return seat_label("table" if seat.plan.layout == "tables" else "row", seat.block.label, seat.number)


def _names(objects, limit: int = 10) -> str:
    names = [str(getattr(o, "name", None) or o) for o in objects]
    more = len(names) - limit
    text = _(", ").join(names[:limit])
    return text + (_(" and %(n)d more") % {"n": more} if more > 0 else "")


def _card_language(language: str | None, registration=None) -> str:
    if language:
        return language
    if registration is not None and registration.language in _languages():
        return registration.language
    return settings.LANGUAGE_CODE


def _open(card: InvitationCard, *, now: datetime, language: str) -> None:
    """(Re)open a card: status invited, a new link, no reply, no reminder, no substitute."""
    card.status = CardStatus.INVITED
    card.link_nonce = secrets.token_hex(16)
    card.invited_at = now
    card.responded_at = None
    card.reminded_at = None
    card.substitute_name = card.substitute_email = card.substitute_title = ""
    card.language = language


def _release_seat(card: InvitationCard) -> None:
    """A card that is no longer accepted gives its seat back (the seating plan's row)."""
    from .models import SeatAssignment

    for seat in SeatAssignment.objects.filter(card=card):
        seat.delete()  # one by one: the audit trail records each
    card._state.fields_cache.pop("seat", None)


def cards_send(item: InvitationItem, *, registrations=(), people=(), delegations=(), actor, language: str | None = None) -> list[InvitationCard]:
    """Send the item's invitation cards: one card per invitee (a delegation: each member's
    registration and its head's, the card recording the delegation). An invitee who already has
    a card that is not cancelled keeps it untouched (its `sent` is False); a new card, or a
    cancelled one re-invited, gets status invited, a new link, the time it was sent, the email
    with the link through the outbox in its language (`language` if given, else the guest's own,
    else Chinese) and the gate's row (sync.mirror); its `sent` is True. Returns every invitee's
    card, registrations first. Refusals, before anything is written: see the module's docstring.
    """
    if language is not None and language not in _languages():
        raise DomainError("unknown_language", _("There is no language %(language)s on this site.") % {"language": str(language)[:20]}, field="language")
    registrations, people, delegations = list(registrations), list(people), list(delegations)
    if not (registrations or people or delegations):
        raise DomainError("no_invitees", _("Choose at least one guest, person or delegation to invite."), field="registrations")
    now = timezone.now()
    with transaction.atomic(), _audit_actor(actor):
        item = InvitationItem.objects.select_for_update(of=("self",)).select_related("session__edition", "session__hall__venue").get(pk=item.pk)
        session = item.session
        if not session.is_invitation_only:
            raise _not_invitable_session(session)
        closes = replies_close_at(item)
        if closes is not None and now >= closes:
            raise DomainError(
                "rsvp_closed",
                _("Replies to %(item)s closed at %(when)s (Beijing time): move the deadline before sending cards.") % {"item": pick(session, "title"), "when": _beijing(closes)},
                status=409, field="item",
            )
        via: dict[int, int | None] = {r.pk: None for r in registrations}
        if delegations:
            wrong = [d for d in delegations if d.edition_id != session.edition_id]
            if wrong:
                raise DomainError("not_invitable", _("These delegations belong to another edition: %(names)s.") % {"names": _names(wrong)}, field="delegations")
            members: dict[int, list[int]] = {d.pk: [] for d in delegations}
            for delegation_id, registration_id in DelegationMember.objects.filter(delegation__in=delegations).values_list("delegation_id", "registration_id"):
                members[delegation_id].append(registration_id)
            for d in delegations:
                if d.head_id and d.head_id not in members[d.pk]:
                    members[d.pk].insert(0, d.head_id)
            empty = [d for d in delegations if not members[d.pk]]
            if empty:
                raise DomainError("not_invitable", _("These delegations have no members yet: %(names)s.") % {"names": _names(empty)}, field="delegations")
            for d in delegations:
                for registration_id in members[d.pk]:
                    via[registration_id] = d.pk
        if len(via) + len(people) > MAX_INVITEES:
            raise DomainError("too_many", _("At most %(max)d cards can be sent at once; this would send %(n)d.") % {"max": MAX_INVITEES, "n": len(via) + len(people)}, field="registrations")
        found = {r.pk: r for r in Registration.objects.filter(pk__in=via)}
        guests = [found[pk] for pk in via if pk in found]
        wrong_edition = [r for r in guests if r.edition_id != session.edition_id]
        if wrong_edition:
            raise DomainError("not_invitable", _("These guests registered for another edition: %(names)s.") % {"names": _names(wrong_edition)}, field="registrations")
        unapproved = [r for r in guests if r.status != RegistrationStatus.APPROVED]
        if unapproved:
            raise DomainError(
                "not_invitable", _("Only approved guests can receive an invitation card; not yet approved: %(names)s.") % {"names": _names(unapproved)},
                field="registrations",
            )
        from people.models import Person

        persons = list(Person.objects.filter(pk__in=[p.pk for p in people]).order_by("pk"))
        no_email = [p for p in persons if not (p.email or "").strip()]
        if no_email:
            raise DomainError(
                "no_email", _("These people have no email address for the card: %(names)s. Add one, or invite their registration.") % {"names": _names(no_email)},
                field="people",
            )
        existing = InvitationCard.objects.select_for_update(of=("self",)).filter(item=item).filter(
            Q(registration_id__in=[r.pk for r in guests]) | Q(person_id__in=[p.pk for p in persons])
        )
        by_registration = {c.registration_id: c for c in existing if c.registration_id}
        by_person = {c.person_id: c for c in existing if c.person_id and not c.registration_id}
        cards = []
        for invitee in [*guests, *persons]:
            is_guest = isinstance(invitee, Registration)
            card = (by_registration if is_guest else by_person).get(invitee.pk)
            if card is not None and card.status != CardStatus.CANCELLED:
                card.sent = False
                cards.append(card)
                continue
            if card is None:
                card = InvitationCard(item=item, **({"registration": invitee} if is_guest else {"person": invitee}))
            card.item = item
            if is_guest:
                card.registration = invitee
                card.delegation_id = via[invitee.pk] or card.delegation_id
            else:
                card.person = invitee
            _open(card, now=now, language=_card_language(language, invitee if is_guest else None))
            card.save()
            sync.mirror(card)
            card_email_queue(card)
            card.sent = True
            cards.append(card)
    return cards


# -- the link ------------------------------------------------------------------------------------

def card_token(card: InvitationCard) -> str:
    """A signed token for the card's current link (its nonce)."""
    return signing.dumps({"c": card.pk, "n": card.link_nonce}, salt=SALT)


def card_link_path(card: InvitationCard) -> str:
    return reverse("protocol:rsvp", args=[card_token(card)])


def card_link_url(card: InvitationCard) -> str:
    return f"{settings.SITE_URL}{card_link_path(card)}"


def _link_invalid() -> DomainError:
    return DomainError("link_invalid", _("This link is not valid. Check that it was copied whole from the email, or ask the secretariat for a new one."), status=404, field="token")


def _card_for_token(token: str, *, for_update: bool = False, now: datetime | None = None) -> InvitationCard:
    try:
        data = signing.loads(str(token), salt=SALT)
    except signing.BadSignature:
        raise _link_invalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("n"), str):
        raise _link_invalid()
    cards = InvitationCard.objects.select_related(*CARD_SELECT)
    if for_update:
        cards = cards.select_for_update(of=("self",))
    else:
        cards = cards.select_related("seat__block", "seat__plan", "substitute_card__registration", "replaces__registration", "replaces__person")
    card = cards.filter(pk=data["c"]).first()
    if card is None:
        raise _link_invalid()
    expires = link_expires_at(card.item)
    if expires is not None and (now or timezone.now()) >= expires:
        error = DomainError("link_expired", _("This link has expired: %(item)s is over.") % {"item": pick(card.item.session, "title")}, status=410, field="token")
        error.card = card
        raise error
    if not card.link_nonce or not secrets.compare_digest(card.link_nonce, data["n"]):
        error = DomainError(
            "link_used", _("A newer invitation card replaced this link. Use the link in the latest email, or ask the secretariat for a new one."),
            status=410, field="token",
        )
        error.card = card
        raise error
    if card.status == CardStatus.CANCELLED:
        error = DomainError("card_cancelled", _("This invitation has been withdrawn by the secretariat."), status=410, field="token")
        error.card = card
        raise error
    return card


def card_for_token(token: str, *, for_update: bool = False) -> InvitationCard:
    """The card a link opens, with its item, session, hall, edition and invitee (and, when not
    locking, its seat and substitute), or a refusal: link_invalid (404), link_expired,
    link_used, card_cancelled (410). A refusal of a real card carries it as `error.card`."""
    return _card_for_token(token, for_update=for_update)


# -- the invitee's answer ------------------------------------------------------------------------

def _check_length(field: str, value: str) -> None:
    limit = InvitationCard._meta.get_field(field).max_length
    if len(value) > limit:
        label = InvitationCard._meta.get_field(field).verbose_name
        raise DomainError("too_long", _("The %(field)s may hold %(max)d characters; this one has %(n)d.") % {"field": label, "max": limit, "n": len(value)}, field=field)


def rsvp_answer(token: str, *, answer: str, substitute_name: str = "", substitute_email: str = "", substitute_title: str = "", now: datetime | None = None) -> InvitationCard:
    """Record the invitee's answer through their link: accept, decline, or propose a substitute
    (name, email, title; the item must be transferable; an organizer then decides). The card
    answers once; replies close at `replies_close_at`. The answer is one transaction with the
    gate's row (sync.mirror: a proposed substitute reads as declined until approved). A
    substitute proposal returns the card with status substitute_proposed: the caller says
    `substitute_needs_approval`."""
    now = now or timezone.now()
    answer = answer if isinstance(answer, str) else ""
    if answer not in ANSWERS:
        raise DomainError("unknown_answer", _("Choose whether you accept, decline or propose a substitute."), field="answer")
    name, email, title = (str(v or "").strip() for v in (substitute_name, substitute_email, substitute_title))
    if answer == "substitute":
        if not name:
            raise DomainError("substitute_name_required", _("Give the name of the person you propose in your place."), field="substitute_name")
        _check_length("substitute_name", name)
        _check_length("substitute_title", title)
        _check_length("substitute_email", email)
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                "invalid_email", _("Enter your substitute's email address, such as name@example.org: the secretariat writes to them there."), field="substitute_email",
            ) from None
    else:
        name = email = title = ""
    with transaction.atomic():
        card = _card_for_token(token, for_update=True, now=now)
        item = card.item
        if card.status != CardStatus.INVITED:
            error = DomainError(
                "already_answered",
                _("This invitation was already answered on %(when)s (Beijing time): %(answer)s. A card is answered once; the secretariat can reopen it.")
                % {"when": _beijing(card.responded_at or card.invited_at), "answer": card.get_status_display()},
                status=409, field="answer",
            )
            error.card = card
            raise error
        closes = replies_close_at(item)
        if closes is not None and now >= closes:
            raise DomainError(
                "rsvp_closed", _("Replies to %(item)s closed at %(when)s (Beijing time). Please contact the secretariat.") % {"item": pick(item.session, "title"), "when": _beijing(closes)},
                status=409, field="answer",
            )
        if answer == "substitute":
            if not item.transferable:
                raise DomainError("not_transferable", _("This invitation is personal: no substitute can be proposed for %(item)s.") % {"item": pick(item.session, "title")}, field="answer")
            if email.lower() == invitee_email(card).lower():
                raise DomainError("substitute_is_invitee", _("The substitute's email is your own: propose someone else, or accept the invitation."), field="substitute_email")
        card.status = STATUS_OF_ANSWER[answer]
        card.responded_at = now
        card.substitute_name, card.substitute_email, card.substitute_title = name, email, title
        card.save(update_fields=["status", "responded_at", "substitute_name", "substitute_email", "substitute_title"])
        sync.mirror(card)
    return card


# -- the organizers' decisions -------------------------------------------------------------------

def _locked(card: InvitationCard) -> InvitationCard:
    return InvitationCard.objects.select_for_update(of=("self",)).select_related(*CARD_SELECT).get(pk=card.pk)


def substitute_decide(card: InvitationCard, *, approve: bool, actor, registration=None) -> InvitationCard:
    """Decide on the substitute the invitee proposed. Approve: the substitute's registration
    (`registration`, else the edition's registration with the substitute's email) must be
    approved; the card becomes `replaced` and the substitute gets a card of their own, accepted,
    pointing at it (`replaces`), with an email; that new card is returned. Refuse: the card is
    back to invited with a new link, emailed to the invitee, who may answer again; the card is
    returned. Refusals: `no_substitute_proposed`, `substitute_not_registered` (naming the email:
    register them first), `not_invitable`, `already_invited`, `substitute_is_invitee`."""
    now = timezone.now()
    with transaction.atomic(), _audit_actor(actor):
        card = _locked(card)
        if card.status != CardStatus.SUBSTITUTE_PROPOSED:
            raise DomainError(
                "no_substitute_proposed", _("%(name)s has no substitute awaiting a decision (the card is: %(status)s).") % {"name": invitee_name(card), "status": card.get_status_display()},
                status=409, field="status",
            )
        actor_user = actor if getattr(actor, "is_authenticated", False) else None
        if not approve:
            refused_name = card.substitute_name
            _open(card, now=now, language=card.language)  # sent again now, with a new link
            card.decided_by, card.decided_at = actor_user, now
            card.save()
            sync.mirror(card)
            card_email_queue(card, note="substitute_refused", substitute=refused_name)
            return card
        edition = card.item.session.edition
        if registration is not None:
            substitute = Registration.objects.filter(pk=registration.pk).first()
        else:
            substitute = Registration.objects.filter(edition=edition, email__iexact=card.substitute_email.strip()).order_by("pk").first()
        if substitute is None:
            raise DomainError(
                "substitute_not_registered",
                _("%(email)s has no registration for the %(year)s summit: register the substitute first, then approve.") % {"email": card.substitute_email, "year": edition.year},
                status=409, field="registration",
            )
        if substitute.edition_id != edition.pk or substitute.status != RegistrationStatus.APPROVED:
            raise DomainError(
                "not_invitable", _("%(name)s's registration is not approved for the %(year)s summit: approve it first.") % {"name": substitute.name, "year": edition.year},
                field="registration",
            )
        if substitute.pk == card.registration_id:
            raise DomainError("substitute_is_invitee", _("The substitute cannot be the invitee themselves."), field="registration")
        new = InvitationCard.objects.select_for_update(of=("self",)).filter(item=card.item, registration=substitute).first()
        if new is not None and new.status != CardStatus.CANCELLED:
            raise DomainError(
                "already_invited", _("%(name)s already has an invitation card for %(item)s (%(status)s).")
                % {"name": substitute.name, "item": pick(card.item.session, "title"), "status": new.get_status_display()},
                status=409, field="registration",
            )
        card.status = CardStatus.REPLACED
        card.decided_by, card.decided_at = actor_user, now
        card.save(update_fields=["status", "decided_by", "decided_at"])
        if new is None:
            new = InvitationCard(item=card.item, registration=substitute)
        new.item, new.registration = card.item, substitute
        _open(new, now=now, language=_card_language(None, substitute))
        new.status = CardStatus.ACCEPTED
        new.responded_at = now
        new.delegation_id = card.delegation_id
        new.replaces = card
        new.decided_by, new.decided_at = actor_user, now
        new.save()
        sync.mirror(card)
        sync.mirror(new)
        card_email_queue(new, note="substitute_approved", substitute=invitee_name(card))
    return new


def card_cancel(card: InvitationCard, *, actor) -> InvitationCard:
    """Withdraw the card: status cancelled, its link stops working (`card_cancelled`), its seat
    is given back and the gate's row removed (sync.mirror). No email is sent: the secretariat
    tells the guest as protocol requires. `already_cancelled` for a cancelled card."""
    with transaction.atomic(), _audit_actor(actor):
        card = _locked(card)
        if card.status == CardStatus.CANCELLED:
            raise DomainError("already_cancelled", _("The card of %(name)s is already cancelled.") % {"name": invitee_name(card)}, status=409, field="status")
        card.status = CardStatus.CANCELLED
        card.save(update_fields=["status"])
        _release_seat(card)
        sync.mirror(card)
    return card


def card_resend(card: InvitationCard, *, actor, language: str | None = None) -> InvitationCard:
    """Send the card again and reopen it: status invited, a new link (older ones stop working),
    no reply, its seat given back, the email in the card's language (or `language`). Refused for
    a replaced card (`already_replaced`) and one whose substitute awaits a decision
    (`substitute_pending`). A cancelled card is invited again."""
    if language is not None and language not in _languages():
        raise DomainError("unknown_language", _("There is no language %(language)s on this site.") % {"language": str(language)[:20]}, field="language")
    with transaction.atomic(), _audit_actor(actor):
        card = _locked(card)
        if card.status == CardStatus.REPLACED:
            raise DomainError("already_replaced", _("%(name)s's card was passed to an approved substitute; it cannot be sent again.") % {"name": invitee_name(card)}, status=409, field="status")
        if card.status == CardStatus.SUBSTITUTE_PROPOSED:
            raise DomainError(
                "substitute_pending", _("%(name)s proposed a substitute: approve or refuse them before sending the card again.") % {"name": invitee_name(card)},
                status=409, field="status",
            )
        reopened = card.status in (CardStatus.ACCEPTED, CardStatus.DECLINED)
        _open(card, now=timezone.now(), language=language or card.language)
        card.save()
        _release_seat(card)
        sync.mirror(card)
        card_email_queue(card, note="reopened" if reopened else "")
    return card


# -- emails --------------------------------------------------------------------------------------

def other_language(language: str) -> str:
    """The site's other language, written below the card's own in every email."""
    return next((code for code in _languages() if code != language), "")


def _email_context(card: InvitationCard, **extra) -> dict:
    item = card.item
    session = item.session
    return {
        "card": card, "item": item, "session": session, "edition": session.edition, "names": invitee_names(card),
        "link": card_link_url(card), "closes_at": replies_close_at(item), "expires_at": link_expires_at(item),
        "other_language": other_language(card.language), "secretariat": settings.DEFAULT_FROM_EMAIL, **extra,
    }


def card_email_queue(card: InvitationCard, *, note: str = "", substitute: str = ""):
    """Queue the card's email (its link, the item, the deadline) in the card's language with the
    other language below; once per card and link. `note` adds a line: "reopened",
    "substitute_refused" or "substitute_approved" (with `substitute`, the other person's name)."""
    return outbox.queue(
        key=f"protocol.card:{card.pk}:{card.link_nonce}", event="protocol.card", to=[invitee_email(card)], language=card.language,
        template="protocol/email/card", context=_email_context(card, note=note, substitute=substitute),
    )


def reminder_key(card: InvitationCard, now: datetime) -> str:
    """One reminder per card and Beijing date."""
    return f"protocol.card-reminder:{card.pk}:{timezone.localtime(now, BEIJING).date().isoformat()}"


def reminders_due_q(now: datetime) -> Q:
    """Cards owed a reminder at `now`: invited with a link, no reply, replies still open, and
    last contacted (the card or the last reminder) at least REMIND_GAP ago."""
    quiet_since = now - REMIND_GAP
    return (
        Q(status=CardStatus.INVITED, invited_at__isnull=False)
        & ~Q(link_nonce="")
        & (Q(reminded_at__isnull=True, invited_at__lte=quiet_since) | Q(reminded_at__lte=quiet_since))
        & replies_open_q(now)
    )


def remind_unanswered(*, now: datetime | None = None) -> int:
    """Remind every card owed a reminder at `now` (reminders_due_q), one transaction each: the
    card locked and checked again, the email (in the card's language, with its link and the
    deadline) recorded in the outbox under a key per card and Beijing date, `reminded_at` set.
    Run twice, or by two workers at once, it sends one reminder. Returns how many were queued."""
    now = now or timezone.now()
    due = list(InvitationCard.objects.filter(reminders_due_q(now)).order_by("pk").values_list("pk", flat=True))
    sent = 0
    for pk in due:
        with transaction.atomic():
            card = InvitationCard.objects.select_for_update(of=("self",)).select_related(*CARD_SELECT).filter(reminders_due_q(now), pk=pk).first()
            if card is None:  # answered, cancelled or reminded since the list was read
                continue
            key = reminder_key(card, now)
            if not invitee_email(card) or OutgoingEmail.objects.filter(key=key).exists():
                continue
            outbox.queue(
                key=key, event="protocol.card-reminder", to=[invitee_email(card)], language=card.language, template="protocol/email/card_reminder",
                context=_email_context(card),
            )
            card.reminded_at = now
            card.save(update_fields=["reminded_at"])
            sent += 1
    return sent
