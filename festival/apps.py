from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FestivalConfig(AppConfig):
    name = "festival"
    verbose_name = _("Festival")

    def ready(self):
        from django.db.models.signals import post_migrate

        from festival import signals

        post_migrate.connect(signals.forget_the_old_codes_cache, sender=self)
