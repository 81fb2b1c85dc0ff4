"""Fields encrypted at rest (wic/crypto.py, issue 24): the column holds a Fernet token, the model
the value; every configured key decrypts, the first encrypts; `rotate_field_keys` moves every
token to the first key, and refuses (status 1, naming the rows) while a token no key opens remains."""
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from tests.travel.support import edition, letter, maria, request_data  # noqa: F401 (fixtures)
from travel.models import VisaLetter
from wic import crypto

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw(letter_pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT passport_number, date_of_birth FROM travel_visaletter WHERE id = %s", [letter_pk])
        return cursor.fetchone()


def test_the_column_holds_a_token_and_the_model_the_value(letter):
    number, born = raw(letter.pk)
    assert number.startswith(crypto.PREFIX) and born.startswith(crypto.PREFIX)
    assert "FA123456" not in number and "1980" not in born
    again = VisaLetter.objects.get(pk=letter.pk)
    assert (again.passport_number, again.date_of_birth) == ("FA123456", "1980-04-02")


def test_empty_stays_empty_without_a_token(letter):
    VisaLetter.objects.filter(pk=letter.pk).update(passport_number="")
    assert raw(letter.pk)[0] == ""
    assert VisaLetter.objects.get(pk=letter.pk).passport_number == ""


def test_rotation_moves_every_token_to_the_first_key_and_the_old_key_can_go(settings, maria):
    from travel import letters

    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    letter = letters.letter_request(maria, data=request_data())
    under_old = raw(letter.pk)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # the new key first; the old one still opens
    assert VisaLetter.objects.get(pk=letter.pk).passport_number == "FA123456"
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "travel.VisaLetter: 1 rows encrypted again under the first key\n" in out.getvalue()
    under_new = raw(letter.pk)
    assert under_new != under_old
    assert Fernet(NEW.encode()).decrypt(under_new[0].encode()) == b"FA123456"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed: still readable
    assert VisaLetter.objects.get(pk=letter.pk).date_of_birth == "1980-04-02"


def test_a_token_no_key_opens_reads_as_unreadable_and_stops_the_rotation(settings, maria):
    from travel import letters

    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    letter = letters.letter_request(maria, data=request_data())
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed too early
    assert VisaLetter.objects.get(pk=letter.pk).passport_number == crypto.UNREADABLE
    with pytest.raises(CommandError) as error:
        call_command("rotate_field_keys", stdout=io.StringIO())
    assert str(error.value).startswith(f"2 values no key opens (keep the key that encrypted them in DJANGO_FIELD_KEY): travel.VisaLetter.passport_number #{letter.pk}")
