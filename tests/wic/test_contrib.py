"""The contribution registry (wic/contrib.py): the apps of this repository contribute what the core
used to enumerate by name, in the right order, and a new app (tests/contrib_app, which no file of
wic/ knows) plugs in its dashboard panel, personal data, demo, seed, history metric, figure group
and admin inline with nothing but its contrib.py and a line in INSTALLED_APPS."""
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.test import override_settings

from tests.contrib_app import contrib as sample
from wic import contrib, roles
from wic.audit import recorded
from wic.dashboard import edition_dashboard, history_metrics
from wic.demo import seed_demo
from wic.models import Edition, EditionFigure
from wic.personal_data import count_keys, personal_data_erase, personal_data_export
from wic.roles import organizer_apps
from wic.seeding import seed_past_editions

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
WITH_SAMPLE = [*settings.INSTALLED_APPS, "tests.contrib_app"]


def test_the_apps_contribute_in_installed_apps_order_with_their_dependencies_first():
    assert [c.app for c in contrib.in_dependency_order(contrib.Demo)] == ["agenda", "forums", "registration", "awards", "volunteers", "expo", "protocol", "travel", "companion", "companion"]
    # issue 22: people seeds after the agenda (its appearances name the agenda's sessions), before the apps after it
    assert [c.app for c in contrib.in_dependency_order(contrib.Seed)] == ["agenda", "people", "awards", "volunteers", "expo"]
    assert [p.key for p in contrib.ordered(contrib.DashboardPanel)] == ["registrations", "invitation_cards", "visa_letters", "arrivals", "hotels", "meals", "forums", "speakers", "volunteers", "awards", "expo", "translations"]
    assert [m.key for m in history_metrics()] == ["guests", "countries", "sub_forums", "volunteers", "exhibitors"]
    assert [g.key for g in contrib.ordered(contrib.FigureGroup)] == ["expo", "awards", "volunteers"]
    assert organizer_apps() == ("wic", "people", "agenda", "forums", "registration", "awards", "volunteers", "expo", "protocol", "travel", "companion")  # issue 22: people sits between wic and agenda; issue 23: protocol on top; 24: travel above it; 25: companion


def test_the_erasure_counts_keep_their_order():
    assert count_keys() == [
        # issue 23: protocol's handler, order 5 (its rows hang on the registrations deleted next)
        ("protocol.DelegationMember", "deleted"), ("protocol.Delegation", "anonymized"), ("protocol.InvitationCard", "deleted"),
        ("protocol.InvitationCard", "anonymized"), ("protocol.SeatAssignment", "deleted"),
        ("travel.VisaLetter", "deleted"), ("travel.TravelLeg", "deleted"), ("travel.RoomStay", "deleted"),  # issue 24: travel's handler, order 7
        ("registration.Registration", "deleted"), ("registration.Credential", "deleted"), ("registration.Invitation", "deleted"),
        ("registration.Checkin", "anonymized"), ("volunteers.Volunteer", "anonymized"), ("volunteers.Interview", "anonymized"),
        ("volunteers.ChangeRequest", "anonymized"), ("volunteers.Team", "anonymized"),
        ("volunteers.ShiftNotice", "deleted"),  # issue 25: the notices of changed shifts
        ("forums.ForumApplication", "anonymized"),
        ("awards.Nomination", "anonymized"), ("expo.Exhibitor", "anonymized"), ("expo.MeetingRequest", "deleted"),
        ("agenda.Star", "deleted"), ("agenda.AgendaFeed", "deleted"), ("agenda.SessionNotice", "deleted"),  # issue 25: change notices
        ("people.Person", "anonymized"), ("people.Person", "deleted"),  # issue 22: the people app's handler, order 85
        ("wic.ApiToken", "deleted"), ("sessions.Session", "deleted"),
        ("wic.OutgoingEmail", "deleted"), ("wic.OutgoingEmail", "anonymized"), ("auditlog.LogEntry", "anonymized"),
        ("admin.LogEntry", "anonymized"), ("auth.User", "anonymized"), ("axes.AccessAttempt", "deleted"), ("axes.AccessLog", "deleted"),
        ("axes.AccessFailureLog", "deleted"),
    ]


def test_every_audited_model_is_recorded_with_its_options():
    options = recorded()
    assert len(options) == 39  # issue 22: people.Person and people.Appearance; issue 23: 7 protocol models; 24: travel.VisaLetter and RoomStay; 25: companion.HelpPage
    assert options["travel.VisaLetter"] == {"exclude_fields": ["passport_number", "date_of_birth"], "mask_fields": ["verify_code"]}
    assert options["travel.RoomStay"] == {}  # the hotel's change log (travel/hotels.py hotel_changes)
    assert options["people.Person"] == {"exclude_fields": ["search_text", "sort_name"]}
    assert options["people.Appearance"] == {"exclude_fields": ["link_nonce"]}
    assert options["registration.Credential"] == {"include_fields": ["registration", "secret", "revoked_at", "revoked_by"], "mask_fields": ["secret"]}
    assert options["agenda.Session"] == {"exclude_fields": ["sort_key", "search_text"]}
    assert options["auth.User"]["include_fields"] == ["username", "is_active", "is_staff", "is_superuser"]


def test_a_figure_belongs_to_the_group_whose_prefix_it_starts_with():
    edition = Edition.objects.get(year=2024)
    assert EditionFigure(edition=edition, key="exhibitors").group == "expo"
    assert EditionFigure(edition=edition, key="case_studies").group == "awards"
    assert EditionFigure(edition=edition, key="volunteers").group == "volunteers"
    assert EditionFigure(edition=edition, key="guests_on_site").group == "summit"


def test_an_after_naming_no_installed_app_or_a_cycle_is_a_system_check_error(monkeypatch):
    fake = (
        contrib.Contribution("agenda", contrib.Demo(build=print, after=("nowhere",))),
        contrib.Contribution("forums", contrib.Demo(build=print, after=("expo",))),
        contrib.Contribution("expo", contrib.Demo(build=print, after=("forums",))),
        contrib.Contribution("forums", contrib.DashboardPanel("x", print, "x.html")),
        contrib.Contribution("expo", contrib.DashboardPanel("x", print, "x.html")),
        contrib.Contribution("expo", contrib.AdminInline("wic.Nothing", object)),
    )
    monkeypatch.setattr(contrib, "_collect", lambda installed: fake)
    errors = contrib.check_contributions()
    assert [e.id for e in errors] == ["wic.E010", "wic.E011", "wic.E012", "wic.E013"]
    assert errors[0].msg == "agenda: Demo runs after 'nowhere', which is not an installed app."
    assert errors[1].msg == "circular 'after' among Demo contributions: forums, expo"
    assert errors[2].msg == "DashboardPanel 'x' is contributed by forums and expo."
    assert errors[3].msg == "expo: AdminInline names unknown model 'wic.Nothing'."


def test_the_system_checks_pass_on_the_real_contributions():
    assert [e for e in checks.run_checks() if e.id and e.id.startswith("wic.")] == []


@pytest.fixture
def with_sample_app():
    sample.NOTES.clear()
    with override_settings(INSTALLED_APPS=WITH_SAMPLE):
        yield
    sample.NOTES.clear()


def test_a_new_app_plugs_in_its_seed_and_demo_in_dependency_order(with_sample_app):
    reports = seed_past_editions()
    assert [r.counts["sample figures"] for r in reports] == [1] * 6  # 2015, 2016, 2017, 2020, 2022, 2024
    assert str(reports[0]).endswith(", 1 sample figures")
    assert EditionFigure.objects.get(edition__year=2017, key="sample_seeded").value == 2017
    edition = seed_demo(password="demo-pass-for-tests-1")["edition"]
    # It ran after the agenda's demo, which made the demo edition's sessions.
    assert EditionFigure.objects.get(edition=edition, key="sample_demo").value == edition.sessions.count() > 0
    assert EditionFigure.objects.get(edition=edition, key="sample_demo").group == "sample"


def test_a_new_app_plugs_in_its_dashboard_panel_and_history_metric(with_sample_app, admin_client_logged):
    edition = Edition.objects.get(year=2017)
    EditionFigure.objects.create(edition=edition, key="sample_one", value=1, label_zh="测试")
    EditionFigure.objects.create(edition=edition, key="sample_reported", value=7, label_zh="测试")
    dashboard = edition_dashboard(edition)
    assert [p.key for p in dashboard.panels] == ["registrations", "invitation_cards", "visa_letters", "arrivals", "hotels", "meals", "forums", "speakers", "volunteers", "awards", "sample", "expo", "translations"]
    assert dashboard.sample == {"figures": 2}
    row = next(r for r in dashboard.history.rows if r.year == 2017)
    assert (row.cells[-1].metric, row.cells[-1].reported.value, row.cells[-1].system) == ("sample", 7, 2)
    html = admin_client_logged.get("/admin/dashboard/2017/").content.decode()
    assert '<p data-figure="sample-figures">2</p>' in html
    assert html.index('id="panel-awards"') < html.index('id="panel-sample"') < html.index('id="panel-expo"')
    page = admin_client_logged.get(f"/admin/wic/edition/{edition.pk}/change/").content.decode()
    assert "sample figures" in page.lower()


def test_a_new_app_plugs_in_its_personal_data(with_sample_app, django_capture_on_commit_callbacks):
    sample.NOTES["note.taker@example.org"] = ["met at the gate", "prefers English"]
    export = personal_data_export(email="Note.Taker@example.org")
    assert list(export)[:3] == ["email", "exported_at", "accounts"]
    assert export["sample_notes"] == ["met at the gate", "prefers English"]
    assert list(export).index("expo_meeting_requests") < list(export).index("sample_notes") < list(export).index("roles")
    out = io.StringIO()
    call_command("personal_data", "delete", "--email", "note.taker@example.org", "--dry-run", stdout=out)
    assert "contrib_app.Note: would be deleted 2\n" in out.getvalue()
    assert sample.NOTES["note.taker@example.org"] == ["met at the gate", "prefers English"]
    with django_capture_on_commit_callbacks(execute=True):
        erasure = personal_data_erase(email="note.taker@example.org")
    assert erasure.counts["contrib_app.Note"] == {"deleted": 2}
    assert "note.taker@example.org" not in sample.NOTES


def test_the_layer_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_core_module_importing_an_app_breaks_the_contracts(tmp_path):
    """The negative control: the same contracts on a copy of the code where a core module imports
    the agenda fail, naming the import."""
    for package in ("wic", "people", "agenda", "forums", "registration", "awards", "volunteers", "expo", "protocol", "travel", "companion"):  # issue 22: people; issue 23: protocol; 24: travel; 25: companion
        for source in (ROOT / package).rglob("*.py"):
            target = tmp_path / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".importlinter").write_text((ROOT / ".importlinter").read_text(encoding="utf-8"), encoding="utf-8")
    selectors = tmp_path / "wic" / "selectors.py"
    selectors.write_text("from agenda.models import Board  # noqa\n" + selectors.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 1
    assert "Contracts: 0 kept, 2 broken." in result.stdout
    assert "wic.selectors -> agenda.models" in result.stdout


@pytest.mark.django_db
def test_an_app_withholds_a_permission_from_the_organizer_role():
    """OrganizerApp.withheld_permissions (travel's view_passport): the organizer role gets the rest
    of the app's permissions, that one only account by account."""
    from django.contrib.auth.models import Permission

    from tests.factories import make_organizer

    assert roles.withheld_permissions() == (("travel", "view_passport"),)
    organizer = make_organizer()
    assert (organizer.has_perm("travel.view_visaletter"), organizer.has_perm("travel.change_visaletter"), organizer.has_perm("travel.view_passport")) == (True, True, False)
    organizer.user_permissions.add(Permission.objects.get(content_type__app_label="travel", codename="view_passport"))
    organizer = type(organizer).objects.get(pk=organizer.pk)  # permissions are cached per user object
    assert organizer.has_perm("travel.view_passport") is True
