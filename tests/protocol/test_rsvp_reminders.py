"""Issue 23: reminders by Celery beat while a card is unanswered (protocol.remind_unanswered_cards,
hourly): about once a day, never twice on one Beijing date, never once answered, cancelled or
after replies close; the email in the card's language with its link and the deadline."""
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from protocol.invitations import REMIND_GAP, card_cancel, cards_send, remind_unanswered, rsvp_answer
from protocol.models import InvitationCard, InvitationItem
from protocol.tasks import remind_unanswered_cards
from wic.display import BEIJING
from wic.models import OutgoingEmail

from .test_rsvp_support import DEADLINE, card_email, token_of
from . import test_rsvp_support as support

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/protocol/test_rsvp_support.py).
edition = support.edition
banquet = support.banquet
item = support.item
organizer = support.organizer
maria = support.maria
li = support.li
john = support.john

SENT = datetime(2090, 10, 1, 10, 5, tzinfo=BEIJING)


def sent_at(item, organizer, *registrations, when=SENT):
    with time_machine.travel(when, tick=False):
        return cards_send(item, registrations=registrations, actor=organizer)


def reminders() -> list[tuple]:
    return list(OutgoingEmail.objects.filter(event="protocol.card-reminder").order_by("pk").values_list("key", "to", "language"))


def test_a_card_is_reminded_about_once_a_day_until_answered(item, organizer, maria):
    card = sent_at(item, organizer, maria)[0]
    assert remind_unanswered(now=SENT + timedelta(hours=1)) == 0  # just sent
    first = SENT + REMIND_GAP
    assert remind_unanswered(now=first) == 1
    assert remind_unanswered(now=first) == 0  # run twice: one reminder
    assert remind_unanswered(now=first + timedelta(hours=1)) == 0  # the next hourly run
    card.refresh_from_db()
    assert card.reminded_at == first
    second = first + REMIND_GAP
    assert remind_unanswered(now=second) == 1
    assert reminders() == [
        (f"protocol.card-reminder:{card.pk}:2090-10-02", ["maria@example.org"], "zh-hans"),
        (f"protocol.card-reminder:{card.pk}:2090-10-03", ["maria@example.org"], "zh-hans"),
    ]
    rsvp_answer(token_of(card_email(card)), answer="decline", now=second + timedelta(hours=1))
    assert remind_unanswered(now=second + timedelta(days=1)) == 0
    assert len(reminders()) == 2


def test_never_twice_on_one_beijing_date_even_if_the_card_forgets(item, organizer, maria):
    card = sent_at(item, organizer, maria)[0]
    assert remind_unanswered(now=SENT + REMIND_GAP) == 1
    InvitationCard.objects.filter(pk=card.pk).update(reminded_at=None)
    assert remind_unanswered(now=SENT + REMIND_GAP + timedelta(hours=3)) == 0  # same Beijing date: the outbox key holds
    assert len(reminders()) == 1


def test_no_reminder_after_the_deadline_or_for_a_cancelled_card(item, organizer, maria, john):
    cancelled, late = sent_at(item, organizer, maria, john)
    card_cancel(cancelled, actor=organizer)
    assert remind_unanswered(now=DEADLINE - timedelta(minutes=1)) == 1  # john, on the last day
    assert remind_unanswered(now=DEADLINE + timedelta(days=1)) == 0
    assert [key for key, _to, _lang in reminders()] == [f"protocol.card-reminder:{late.pk}:2090-11-05"]


def test_without_a_deadline_reminders_stop_when_the_item_starts(item, organizer, maria):
    InvitationItem.objects.filter(pk=item.pk).update(rsvp_deadline=None)
    sent_at(InvitationItem.objects.get(pk=item.pk), organizer, maria)
    start = item.session.start
    assert remind_unanswered(now=start - timedelta(minutes=1)) == 1
    InvitationCard.objects.update(reminded_at=None)
    assert remind_unanswered(now=start + timedelta(days=1)) == 0


def test_the_reminder_speaks_the_cards_language_with_its_link_and_deadline(item, organizer, john):
    card = sent_at(item, organizer, john)[0]
    remind_unanswered(now=SENT + REMIND_GAP)
    email = OutgoingEmail.objects.get(event="protocol.card-reminder")
    assert email.language == "en" and email.subject.startswith("Reminder: please answer your invitation card for Welcome banquet / ")
    text = email.body_text
    assert text.index("Dear John Smith,") < text.index("欢迎晚宴")
    assert "Please reply by: 2090-11-05 18:00 (Beijing time)" in text
    payload = token_of(card_email(card)).split(":")[0]  # the card and its nonce; the signature's time differs
    assert f"{settings.SITE_URL}/rsvp/{payload}:" in text


def test_the_beat_task_reminds_and_returns_how_many(item, organizer, maria, john):
    sent_at(item, organizer, maria, john)
    with time_machine.travel(SENT + REMIND_GAP, tick=False):
        assert remind_unanswered_cards.delay().get() == 2
        assert remind_unanswered_cards.delay().get() == 0
