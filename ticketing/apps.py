from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketingConfig(AppConfig):
    name = "ticketing"
    verbose_name = _("Ticketing")

    def ready(self):
        # Django's way to wire receivers: the tasks import models, which are ready only now.
        from ticketing import receivers

        receivers.connect()
