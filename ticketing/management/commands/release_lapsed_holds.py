"""The periodic sweep: release ticket holds whose time is up (in case a checkout.session.expired
webhook was missed), retry late-payment refunds that failed, pass lapsed waiting-list offers on,
delete bulk badge PDFs a week old (they hold the badges' secrets), and send due outgoing emails
(a backstop for ``manage.py run_worker``, which sweeps the outbox by itself).

Run it from cron every few minutes in production, e.g. ``*/5 * * * * manage.py release_lapsed_holds``.
"""

from django.core.management.base import BaseCommand

from outbox import delivery
from ticketing.services import badges, payments


class Command(BaseCommand):
    help = (
        "Release lapsed ticket holds (closing their Stripe sessions first), retry failed late-payment refunds "
        "offer lapsed waiting-list places to the next in line, delete bulk badge PDFs a week old, "
        "and send due outgoing emails."
    )

    def handle(self, *args, **options):
        results = payments.sweep_lapsed_holds()
        results["print_pdfs_deleted"] = badges.delete_old_print_pdfs()
        results.update(delivery.deliver_due())
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(results.items())) or "nothing lapsed")
