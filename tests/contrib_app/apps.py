from django.apps import AppConfig


class ContribAppConfig(AppConfig):
    """A tiny app that exists only in the tests: it plugs into the core through its contrib.py
    alone (no file of wic/ knows it), to prove a new app needs nothing else."""

    name = "tests.contrib_app"
    label = "contrib_app"
