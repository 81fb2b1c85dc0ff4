import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the Chinese catalogue is merged separately."""
    with translation.override("en"):
        yield
