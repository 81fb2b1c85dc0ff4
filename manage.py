#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wic.settings')
    # On a laptop with nothing configured, management commands run in debug mode; production sets
    # DJANGO_SECRET_KEY (and serves through wic.wsgi, which has no such default).
    if "DJANGO_DEBUG" not in os.environ and "DJANGO_SECRET_KEY" not in os.environ:
        os.environ["DJANGO_DEBUG"] = "1"
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # loads wic/settings.py
    except ImproperlyConfigured as error:
        # A missing production variable (DJANGO_SECRET_KEY...) is a message for the operator, not a traceback.
        sys.exit(f"error: {error}")
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
