"""Celery tasks of the travel app (issue 24).

`travel.erase_passport_data` runs from Celery beat every day at 03:15 Beijing time (wic/settings.py,
CELERY_BEAT_SCHEDULE "travel-erase-passport-data"). Which letters lose their passport number and
date of birth is travel.letters.erase_passport_data's rule: every letter of an edition that ended
more than 30 days ago (letters.ERASE_AFTER), once. The task is a thin wrapper: it takes no
arguments and holds no rule."""
from celery import shared_task

from . import letters


@shared_task(name="travel.erase_passport_data")
def erase_passport_data() -> int:
    """Beat task (daily): erase the passport data the summit no longer needs. Returns how many letters."""
    return letters.erase_passport_data()
