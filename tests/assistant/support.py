"""What the assistant's tests share: the test edition (world.py) built once per module, and the
API's address. Modules take the fixture by importing it (`from .support import world`)."""
import pytest
from django.db import transaction

from .world import build_world

API = "/api/v1/assistant/"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once inside a transaction rolled back when the module ends; each test's own `db`
    transaction nests in it as a savepoint."""
    from companion.assistant import index

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    index.forget()
