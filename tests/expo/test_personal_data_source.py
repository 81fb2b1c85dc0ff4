"""Issue 19: an exhibitor application wrote "application by <username>" into the `source` of the
exhibitor and of the organization it created, where `personal_data delete` left it: a volunteer who
applied for their university kept their username next to its name. Applications write no person
there now, and the erasure scrubs what older ones wrote."""
import pytest

from expo import services
from expo.models import Exhibitor
from wic.models import Organization
from wic.personal_data import personal_data_erase

from .conftest import application

pytestmark = pytest.mark.django_db


def test_an_application_writes_no_username_into_the_sources(edition, django_user_model):
    student = django_user_model.objects.create_user("li.ming-zju", "li.ming@zju.example.edu", "pw")
    exhibitor = services.exhibitor_apply(edition=edition, user=student, data=application(1, organization_name_zh="浙江大学", organization_name_en="Zhejiang University"))
    organization = Organization.objects.get(name_zh="浙江大学")
    assert (exhibitor.source, organization.source) == ("expo application", "expo application")


def test_erasure_scrubs_the_username_written_by_earlier_applications(edition, django_user_model):
    student = django_user_model.objects.create_user("li.ming-zju", "li.ming@zju.example.edu", "pw", first_name="Ming", last_name="Li")
    exhibitor = services.exhibitor_apply(edition=edition, user=student, data=application(1, organization_name_zh="浙江大学", contact_email="office@zju.example.edu"))
    Exhibitor.objects.filter(pk=exhibitor.pk).update(source="application by li.ming-zju")  # as written before the fix
    Organization.objects.filter(pk=exhibitor.organization_id).update(source="application by li.ming-zju")
    other = services.exhibitor_apply(edition=edition, user=django_user_model.objects.create_user("someone-else", "x@example.org", "pw"), data=application(2))
    Exhibitor.objects.filter(pk=other.pk).update(source="application by someone-else")

    erasure = personal_data_erase(email="li.ming@zju.example.edu")

    assert erasure.counts["expo.Exhibitor"]["anonymized"] == 1
    assert Exhibitor.objects.get(pk=exhibitor.pk).source == "application by [erased]"
    assert Organization.objects.get(name_zh="浙江大学").source == "application by [erased]"
    assert Exhibitor.objects.get(pk=other.pk).source == "application by someone-else"  # someone else's, untouched
    assert not Organization.objects.filter(source__icontains="li.ming").exists()
