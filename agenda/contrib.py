"""What the agenda contributes to the core (see wic/contrib.py and docs/architecture.md)."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wic.contrib import (
    AdminInline, AuditedModel, Demo, HistoryCount, HistoryMetric, OrganizerApp, PersonalData, Seed, Translatable, TranslatableScope,
)

from . import dashboard, demo, seeding, webhook_events
from .admin import BoardInline, SessionRoleInline
from .personal_data import AgendaPersonalData


def _venues_of(edition) -> Q:
    """The edition's main venue and the venues of its sessions' halls."""
    return Q(halls__sessions__edition=edition) | Q(pk=edition.main_venue_id)


CONTRIBUTIONS = [
    OrganizerApp("agenda", group="programme"),
    AuditedModel("agenda.Session", {"exclude_fields": ["sort_key", "search_text"]}),
    PersonalData(AgendaPersonalData(), order=80),
    HistoryCount(
        metrics=(HistoryMetric("sub_forums", _("Sub-forums"), _("sub-forums on the agenda"), ("sub_forums",), order=30),),
        count=dashboard.history_counts,
    ),
    Seed(load=seeding.seed_agenda, check=seeding.check_seed_data, edition_fields=seeding.edition_fields),
    Demo(build=demo.seed_demo_agenda, before_accounts=True, edition_fields=demo.demo_edition_fields),
    AdminInline("wic.Edition", BoardInline, order=30),
    AdminInline("wic.Organization", SessionRoleInline),
    # The translation workbench (wic/translations.py): the programme's bilingual records of an edition.
    Translatable("venues", "agenda.Venue", ("name",), _("Venues"), _venues_of, order=30),
    Translatable("halls", "agenda.Hall", ("name",), _("Halls"), "sessions__edition", order=40),
    Translatable("boards", "agenda.Board", ("name", "tagline"), _("Boards"), "edition", order=50),
    Translatable("sessions", "agenda.Session", ("title", "theme", "summary"), _("Sessions"), "edition", order=60),
    Translatable("outcomes", "agenda.Outcome", ("title",), _("Outcomes"), "edition", order=70),
    TranslatableScope("organizations", "session_roles__session__edition"),
    *webhook_events.EVENTS,  # issue 28: session.published, session.changed (wic.webhooks)
]
