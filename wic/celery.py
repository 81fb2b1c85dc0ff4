"""The Celery application. Tasks are thin wrappers around services and take primary keys."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")

app = Celery("wic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
