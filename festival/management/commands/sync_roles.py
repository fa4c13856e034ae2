"""``manage.py sync_roles``: the staff roles as groups with exactly their permissions (see festival/roles.py)."""

from django.core.management.base import BaseCommand

from festival import roles
from festival.models import HomePage


class Command(BaseCommand):
    help = (
        "Create or update one group per staff role with exactly its permissions, its pages' on the home page. "
        "Run it after migrate on a new server and after each upgrade; people's membership is left alone."
    )

    def handle(self, *args, **options):
        home = HomePage.objects.first()
        groups = roles.sync_roles(root_page=home)
        self.stdout.write(f"{len(groups)} roles up to date: {', '.join(sorted(groups))}.")
        if home is None:
            self.stdout.write(
                "There is no home page yet, so no role was given page permissions: run this again once it exists."
            )
