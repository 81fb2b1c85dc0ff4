"""Cache invalidation only: a change to the agenda's records gives the affected edition a new
agenda version (see agenda.cache). No business rule lives here."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from people.models import Appearance, Person
from wic.models import Edition, EditionFigure, EditionOrganization, Organization

from . import cache as agenda_cache
from .models import Board, Hall, Outcome, Session, SessionOrganization, Venue


def _edition_year(edition_id):
    return Edition.objects.filter(pk=edition_id).values_list("year", flat=True).first()


@receiver([post_save, post_delete], sender=Session)
@receiver([post_save, post_delete], sender=Board)
@receiver([post_save, post_delete], sender=Outcome)
@receiver([post_save, post_delete], sender=EditionFigure)
@receiver([post_save, post_delete], sender=EditionOrganization)
def _edition_changed(sender, instance, **kwargs):
    year = _edition_year(instance.edition_id)
    if year is not None:
        agenda_cache.bump_edition(year)


@receiver([post_save, post_delete], sender=SessionOrganization)
@receiver([post_save, post_delete], sender=Appearance)
def _session_host_changed(sender, instance, **kwargs):
    year = Session.objects.filter(pk=instance.session_id).values_list("edition__year", flat=True).first()
    if year is not None:
        agenda_cache.bump_edition(year)


@receiver([post_save, post_delete], sender=Hall)
@receiver([post_save, post_delete], sender=Venue)
@receiver([post_save, post_delete], sender=Organization)
@receiver([post_save, post_delete], sender=Person)
@receiver([post_save, post_delete], sender=Edition)
def _shared_record_changed(sender, instance, **kwargs):
    agenda_cache.bump_all()
