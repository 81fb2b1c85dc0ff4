"""The admin index is grouped by the summit's work (wic.admin_index), each app placing its models
through its OrganizerApp; technical models are on it for superusers only, under "System"."""
import re

import pytest
from django.utils import translation

from tests.factories import make_organizer
from wic import contrib
from wic.admin_index import GROUPS, group_app_list, model_groups


def index_groups(client) -> dict[str, list[str]]:
    """{group key: [model labels, sorted]} in the index's order of groups (Django orders the
    models within by their names in the page's language)."""
    html = client.get("/admin/").content.decode()
    groups: dict[str, list[str]] = {}
    for key, body in re.findall(r'data-group="([^"]+)">(.*?)</table>', html, re.S):
        groups[key] = sorted(re.findall(r'data-model="([^"]+)"', body))
    return groups


def test_apps_declare_their_group_through_organizer_app():
    declared = {item.app_label: (item.group, item.system_models) for item in contrib.items(contrib.OrganizerApp)}
    assert declared == {
        "agenda": ("programme", ()),
        "forums": ("programme", ("ApplicationTransition",)),
        "registration": ("guests", ()),
        "awards": ("awards", ()),
        "volunteers": ("volunteers", ()),
        "expo": ("expo", ()),
        "people": ("programme", ()),  # issue 22: speakers and their appearances are programme work
        "protocol": ("guests", ()),  # issue 23: delegations, invitation cards and seats are the guests' side
        "travel": ("guests", ()),  # issue 24: visa letters are the guests' side
        "companion": ("programme", ()),  # issue 25: the venue map, service points and help pages go with the programme
    }
    assert [g.key for g in GROUPS] == ["summit", "programme", "guests", "volunteers", "awards", "expo", "people", "system"]
    assert model_groups()["forums.ApplicationTransition"] == "system"


@pytest.mark.django_db
def test_organizer_sees_the_summits_work_and_no_technical_model(client):
    client.force_login(make_organizer())
    with translation.override("en"):
        groups = index_groups(client)
    assert list(groups) == ["summit", "programme", "guests", "volunteers", "awards", "expo", "people"]
    assert groups["summit"] == ["wic.Edition", "wic.Member", "wic.Organization", "wic.WicOrganization"]  # issue 21, point 9
    assert groups["programme"] == [
        "agenda.Board", "agenda.Hall", "agenda.Outcome", "agenda.Session", "agenda.SessionChangeAlert", "agenda.Venue",  # issue 25: change alerts
        "companion.HelpPage", "companion.PlanShape", "companion.ServicePoint",  # issue 25
        "forums.ForumApplication", "forums.ForumCall", "forums.Review", "forums.Reviewer",
        "people.Appearance", "people.Person",  # issue 22: the people app's models join the programme
    ]
    assert groups["guests"] == [
        "protocol.Delegation", "protocol.InvitationCard", "protocol.InvitationItem", "protocol.SeatAssignment", "protocol.SeatingPlan",  # issue 23
        "registration.Checkin", "registration.CheckinList", "registration.Credential", "registration.Invitation", "registration.Registration",
        "travel.Hotel", "travel.Meal", "travel.PickupRun", "travel.RoomBlock", "travel.RoomStay", "travel.ShuttleLoop", "travel.TravelLeg",
        "travel.VisaLetter",  # issue 24
    ]
    assert groups["people"] == ["auth.User", "axes.AccessAttempt"]
    shown = {label for labels in groups.values() for label in labels}
    for technical in ("wic.OutgoingEmail", "wic.ApiToken", "wic.EditionFigure", "wic.EditionOrganization", "auth.Group",
                      "auditlog.LogEntry", "forums.ApplicationTransition", "axes.AccessLog", "axes.AccessFailureLog"):
        assert technical not in shown


@pytest.mark.django_db
def test_superuser_finds_the_technical_models_under_system(admin_client_logged):
    groups = index_groups(admin_client_logged)
    assert list(groups)[-1] == "system"
    assert groups["system"] == [
        "auditlog.LogEntry", "auth.Group", "axes.AccessFailureLog", "axes.AccessLog", "forums.ApplicationTransition",
        "wic.ApiToken", "wic.EditionFigure", "wic.EditionOrganization", "wic.OutgoingEmail",
        "wic.WebhookDelivery", "wic.WebhookEndpoint",  # issue 28: webhooks
    ]
    from django.contrib import admin

    shown = [label for labels in groups.values() for label in labels]
    assert sorted(shown) == sorted(model._meta.label for model in admin.site._registry)  # every registered model, once


@pytest.mark.django_db
def test_group_captions_are_words_in_both_languages(client):
    client.force_login(make_organizer())
    client.get("/lang/en/")
    html = client.get("/admin/").content.decode()
    captions = re.findall(r'class="module wic-admin-group"[^>]*>\s*<table>\s*<caption>([^<]+)</caption>', html)
    assert captions == ["Editions and organizations", "Programme", "Guests", "Volunteers", "Awards", "Expo", "People and sign-in"]


def test_an_app_without_a_known_group_gets_a_section_of_its_own():
    app_list = [
        {"name": "Shuttles", "app_label": "shuttles", "models": [{"object_name": "Bus", "name": "Buses"}]},
        {"name": "Agenda", "app_label": "agenda", "models": [{"object_name": "Session", "name": "Sessions"}]},
    ]

    class Organizer:
        is_superuser = False

    grouped = group_app_list(app_list, Organizer())
    # "shuttles" declares no OrganizerApp: its models are technical until it says otherwise.
    assert [(g["app_label"], [m["model_label"] for m in g["models"]]) for g in grouped] == [("programme", ["agenda.Session"])]


@pytest.mark.django_db
def test_the_sidebar_follows_the_same_groups_and_marks_the_current_page(client):
    """Every admin page but the index has Django's sidebar: it lists the same groups as the index
    (not the apps' labels), and marks the list being looked at."""
    client.force_login(make_organizer())
    client.get("/lang/en/")
    html = client.get("/admin/registration/registration/").content.decode()
    sidebar = html[html.index('<nav class="sticky" id="nav-sidebar"'):]
    sidebar = sidebar[:sidebar.index("</nav>")]
    captions = re.findall(r'class="app-[^"]+ module wic-admin-group"[^>]*>\s*<table>\s*<caption>([^<]+)</caption>', sidebar)
    assert captions == ["Editions and organizations", "Programme", "Guests", "Volunteers", "Awards", "Expo", "People and sign-in"]
    assert re.findall(r'aria-current="page">([^<]+)</a>', sidebar) == ["Registrations"]
    assert "wic.OutgoingEmail" not in sidebar and 'data-model="wic.Edition"' in sidebar
    # Registrations come from guests (no Add link); an invitation is added here, its link naming its row.
    assert '<a href="/admin/registration/invitation/add/" class="addlink" aria-describedby="nav-guests-invitation">Add</a>' in sidebar
    assert 'id="nav-guests-invitation"' in sidebar
