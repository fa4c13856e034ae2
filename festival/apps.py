from django.apps import AppConfig


class FestivalConfig(AppConfig):
    name = "festival"
    verbose_name = "Festival"

    def ready(self):
        from festival import signals  # noqa: F401
