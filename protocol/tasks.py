"""The protocol app's Celery tasks."""
