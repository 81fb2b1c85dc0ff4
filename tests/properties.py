"""Hypothesis settings shared by the property tests (tests/*/test_properties.py).

Bounded and derandomized, so CI runs the same examples on every run; no example database (nothing
is kept between runs). `with_db` is for tests whose examples write rows through a pytest-django
fixture's transaction (each example rolls its own rows back): the function-scoped fixture is
shared by the examples on purpose, and a database example may be slow."""
from hypothesis import HealthCheck, settings


def pure(max_examples: int):
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None)


def with_db(max_examples: int):
    return settings(
        max_examples=max_examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
