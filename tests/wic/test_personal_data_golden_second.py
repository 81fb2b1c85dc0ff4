"""The second half of the people of test_personal_data_golden.py (see its docstring): a file of
its own so that pytest-xdist (--dist loadfile) can run the halves on the two workers at once."""
import pytest

from tests.wic.test_personal_data_golden import SHARDS, check_shard

pytestmark = pytest.mark.django_db


def test_personal_data_of_every_demo_person_is_unchanged_second_half(settings):
    assert SHARDS == 2
    check_shard(settings, 1)
