"""The visa letters panel of the organizers' edition dashboard (wic.dashboard lays the panels out;
this app contributes its own through travel/contrib_organizers.py): the edition's letters by
status, and how many still hold passport data, with the day it is erased. One query."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from wic.display import BEIJING

from .enums import LetterStatus
from .letters import ERASE_AFTER
from .models import VisaLetter


@dataclass(frozen=True)
class LettersPanel:
    edition_id: int
    requested: int
    approved: int
    refused: int
    revoked: int
    passport_data_held: int  # letters whose passport number and date of birth are not erased yet
    erase_on: date | None  # the first day the beat task erases them (None: the edition has no dates)
    erase_overdue: bool  # that day is over and some are still held: the daily beat task has not run

    @property
    def total(self) -> int:
        return self.requested + self.approved + self.refused + self.revoked


def erase_on(edition) -> date | None:
    """The first (Beijing) day letters.erase_passport_data erases the edition's passport data: the
    day after ERASE_AFTER has passed since the edition's last day."""
    if edition.end_date is None:
        return None
    return edition.end_date + ERASE_AFTER + timedelta(days=1)


def letters_panel(edition, *, now: datetime | None = None) -> LettersPanel:
    """The edition's letters counted by status, and those still holding passport data. One query."""
    today = timezone.localdate(now or timezone.now(), BEIJING)
    counts = VisaLetter.objects.filter(registration__edition=edition).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in LetterStatus.values},
        held=Count("pk", filter=Q(passport_erased_at__isnull=True)),
    )
    erase_day = erase_on(edition)
    return LettersPanel(
        edition_id=edition.pk,
        requested=counts[LetterStatus.REQUESTED],
        approved=counts[LetterStatus.APPROVED],
        refused=counts[LetterStatus.REFUSED],
        revoked=counts[LetterStatus.REVOKED],
        passport_data_held=counts["held"],
        erase_on=erase_day,
        erase_overdue=bool(counts["held"] and erase_day is not None and today > erase_day),
    )
