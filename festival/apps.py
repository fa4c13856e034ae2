from django.apps import AppConfig


class FestivalConfig(AppConfig):
    name = "festival"
    verbose_name = "Festival"
