from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "ticketing"
    verbose_name = "Ticketing"

    def ready(self):
        # Django's way to wire receivers: the tasks import models, which are ready only now.
        from ticketing import receivers

        receivers.connect()
