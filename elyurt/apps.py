from django.apps import AppConfig


class ElyurtConfig(AppConfig):
    """The project's own parts that belong to no app: SQLite's letter folding."""

    name = "elyurt"
    verbose_name = "El-yurt umidi"

    def ready(self) -> None:
        from . import sqlite

        sqlite.connect()
