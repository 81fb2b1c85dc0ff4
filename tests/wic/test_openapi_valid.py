"""The API's schema (`/api/schema/`, drf-spectacular) passes an independent OpenAPI validator
(openapi-spec-validator, which checks the document against the OpenAPI 3.0 specification's own
JSON Schema and its rules: unique operation ids, resolvable references, path parameters declared)."""
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

import pytest


_SCHEMA: dict = {}


@pytest.fixture
def schema(db, client):
    """Made once per module (generating it takes a few seconds)."""
    if not _SCHEMA:
        response = client.get("/api/schema/")
        assert response.status_code == 200
        _SCHEMA.update(yaml.safe_load(response.content))
    return _SCHEMA


def test_the_schema_is_valid_openapi_3_0(schema):
    assert schema["openapi"] == "3.0.3"
    validate(schema)  # raises OpenAPIValidationError naming the first problem


def test_operation_ids_are_unique(schema):
    ids = [operation["operationId"] for item in schema["paths"].values() for method, operation in item.items() if isinstance(operation, dict) and "operationId" in operation]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_validator_refuses_a_broken_schema(schema):
    """The negative control: the same document with an operation lacking its required `responses`."""
    broken = {**schema, "paths": {**schema["paths"], "/broken/": {"get": {"summary": "no responses"}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)
