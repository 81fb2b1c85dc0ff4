"""Production settings pass Django's deployment checks with warnings as failures (HSTS, secure
cookies, SSL redirect, secret key...), and the OpenAPI schema builds without a warning."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


FIELD_KEY = "x1Xrj3l2V7b0s8pF2cH6QwYzN4tU9eKmA5dG1iJoLqE="  # a Fernet key, for these checks only


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_check_deploy_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(60), DJANGO_ALLOWED_HOSTS="summit.example.org",
        DJANGO_FIELD_KEY=FIELD_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_passes_with_redis_as_the_cache():
    """With REDIS_URL (no Redis needed to check): django-ratelimit's checks run, and the degrading
    cache backend (a django-redis RedisCache) passes them."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(60), DJANGO_ALLOWED_HOSTS="summit.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0", DJANGO_FIELD_KEY=FIELD_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_warns_without_a_field_key_and_refuses_a_malformed_one():
    """Passport data (wic/crypto.py) needs DJANGO_FIELD_KEY: without it the key is derived from the
    secret key (a warning); a key that is not a Fernet key is an error naming its position."""
    base = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DJANGO_ALLOWED_HOSTS": "summit.example.org"}
    missing = manage("check", "--deploy", "--fail-level", "WARNING", **base)
    assert missing.returncode == 1
    assert "(wic.W020) DJANGO_FIELD_KEY is not set" in missing.stderr
    malformed = manage("check", "--deploy", **base, DJANGO_FIELD_KEY=f"{FIELD_KEY},not-a-key")
    assert malformed.returncode == 1
    assert "(wic.E020) Key 2 of DJANGO_FIELD_KEY is not a Fernet key" in malformed.stderr


def test_check_deploy_fails_without_a_secret_key():
    result = manage("check", "--deploy", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off." in result.stderr


def test_openapi_schema_validates_without_warnings(tmp_path):
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")
