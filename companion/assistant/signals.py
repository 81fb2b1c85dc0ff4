"""Cache invalidation only: a change to a record the assistant's index holds and the agenda does
not version (agenda.signals does the sessions, people, halls, organizations) gives the record's
edition a new assistant version (companion.assistant.index.bump). No business rule lives here.

Connected when this module is imported, once per process: by companion/admin_assistant.py,
which Django's admin imports at start-up in every process (web, worker, shell, tests)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from expo.models import Booth, BoothAllotment, Exhibitor, Zone

from ..models import HelpPage, PlanShape, ServicePoint
from .index import bump


@receiver([post_save, post_delete], sender=Exhibitor, dispatch_uid="assistant.exhibitor")
@receiver([post_save, post_delete], sender=Booth, dispatch_uid="assistant.booth")
@receiver([post_save, post_delete], sender=Zone, dispatch_uid="assistant.zone")
@receiver([post_save, post_delete], sender=ServicePoint, dispatch_uid="assistant.service_point")
@receiver([post_save, post_delete], sender=HelpPage, dispatch_uid="assistant.help_page")
def _edition_record_changed(sender, instance, **kwargs):
    bump(instance.edition_id)


@receiver([post_save, post_delete], sender=BoothAllotment, dispatch_uid="assistant.booth_allotment")
def _allotment_changed(sender, instance, **kwargs):
    edition_id = Booth.objects.filter(pk=instance.booth_id).values_list("edition_id", flat=True).first()
    if edition_id is not None:
        bump(edition_id)


@receiver([post_save, post_delete], sender=PlanShape, dispatch_uid="assistant.plan_shape")
def _shape_changed(sender, instance, **kwargs):
    from expo.models import Zone as ZoneModel

    if instance.zone_id is not None:
        edition_id = ZoneModel.objects.filter(pk=instance.zone_id).values_list("edition_id", flat=True).first()
        if edition_id is not None:
            bump(edition_id)
