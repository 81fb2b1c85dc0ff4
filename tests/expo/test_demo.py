import time

import pytest

from expo.models import Booth, BoothAllotment, Exhibitor, Launch, MeetingRequest, TalentListing
from wic.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_expo_is_fast():
    from expo.demo import seed_demo_expo
    from tests.factories import EditionFactory

    edition = EditionFactory()
    started = time.monotonic()
    assert seed_demo_expo(edition) == {"exhibitors": 300, "booths": 320, "launches": 12, "openings": 73}
    assert time.monotonic() - started < 5


def test_demo_expo_is_clearly_fake_and_idempotent(django_user_model, client):
    started = time.monotonic()
    result = seed_demo(password="demo-test-password-1")
    edition = result["edition"]
    exhibitors = Exhibitor.objects.filter(edition=edition)
    assert exhibitors.count() == 300
    assert exhibitors.filter(is_demo=True).count() == 300
    assert not exhibitors.exclude(organization__name_en__startswith="Demo Exhibitor ").exists()
    assert exhibitors.filter(status="approved").count() == 292
    assert Booth.objects.filter(edition=edition).count() == 320
    assert BoothAllotment.objects.filter(booth__edition=edition).count() == 292
    assert Launch.objects.filter(edition=edition, session__kind="launch", session__is_published=True).count() == 12
    assert TalentListing.objects.filter(exhibitor__edition=edition).count() == 73
    account = django_user_model.objects.get(username="exhibitor")
    first = Exhibitor.objects.get(edition=edition, organization__name_en="Demo Exhibitor 001")
    assert list(first.representatives.all()) == [account]
    assert MeetingRequest.objects.filter(exhibitor=first, guest__username="attendee").count() == 1
    again = seed_demo(password="demo-test-password-1")
    assert again["edition"] == edition
    assert Exhibitor.objects.filter(edition=edition).count() == 300
    assert Launch.objects.filter(edition=edition).count() == 12
    assert MeetingRequest.objects.filter(exhibitor__edition=edition).count() == 1
    assert started
    # the demo `exhibitor` account edits only its own entry
    second = Exhibitor.objects.get(edition=edition, organization__name_en="Demo Exhibitor 002")
    # Through the sign-in form: client.login() calls authenticate() without a request, which the
    # login throttle (django-axes) refuses.
    signed_in = client.post("/accounts/login/", {"username": "exhibitor", "password": "demo-test-password-1"})
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/")
    assert client.get(f"/editions/{edition.year}/expo/exhibitors/{first.pk}/edit/").status_code == 200
    assert client.get(f"/editions/{edition.year}/expo/exhibitors/{second.pk}/edit/").status_code == 403
