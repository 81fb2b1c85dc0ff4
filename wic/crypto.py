"""Fields encrypted at rest (issue 24: passport numbers and dates of birth).

The value is encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from PyPI `cryptography`)
before it reaches the database, and decrypted when read: the column holds a token such as
`gAAAAAB...`, never the value. The keys come from `settings.FIELD_ENCRYPTION_KEYS`
(DJANGO_FIELD_KEY, comma-separated): the first encrypts, every one decrypts, so a key is rotated by
putting the new one first, running `manage.py rotate_field_keys` (every stored token encrypted
again under the first key), then removing the old one. Without a configured key (a development
run), one is derived from SECRET_KEY and `check --deploy` warns (wic.W020).

A token that no key opens (the key was removed too early) reads as `UNREADABLE`: a page shows that
instead of failing, and `rotate_field_keys` reports it.

Encrypted values cannot be searched or compared in SQL; the apps keep them out of filters."""
from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import models

UNREADABLE = "\u2022\u2022\u2022 (unreadable: key missing)"
PREFIX = "gAAAA"  # every Fernet token starts so (version byte 0x80, then the timestamp)


def _derived_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(("wic.crypto:" + secret).encode()).digest())


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    chosen = [k.encode() for k in keys] or [_derived_key(secret)]
    return MultiFernet([Fernet(k) for k in chosen])


def fernet() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError):
        return UNREADABLE


def rotate(token: str) -> str | None:
    """The token encrypted again under the first key; None when no key opens it."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError, UnicodeError):
        return None


class EncryptedTextField(models.TextField):
    """A text value stored encrypted (see the module's docstring). Empty stays empty (no token),
    so "not given" is visible without a key. Not for lookups: a filter on it compares tokens."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def to_python(self, value):
        return value


def check_field_key(app_configs=None, **kwargs) -> list:
    """`check --deploy`: passport data needs a key of its own (DJANGO_FIELD_KEY), each a valid
    Fernet key."""
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []
    if not keys:
        return [checks.Warning(
            "DJANGO_FIELD_KEY is not set: passport data is encrypted with a key derived from DJANGO_SECRET_KEY, so changing that "
            "key would make it unreadable.",
            hint="Set DJANGO_FIELD_KEY to python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'.",
            id="wic.W020",
        )]
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(checks.Error(
                f"Key {position} of DJANGO_FIELD_KEY is not a Fernet key (32 bytes, url-safe base64).", id="wic.E020",
            ))
    return problems
