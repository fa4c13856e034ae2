"""Print a door token for a user, for a hardware scanner or a load test."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from door.auth import SCAN_PERMISSION, issue_token
from festival.editions import current_festival
from festival.models import FestivalPage


class Command(BaseCommand):
    help = "Print a bearer token for the check-in API (valid for 16 hours), as a new door device organisers can revoke."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--edition", type=int, help="The festival edition's page id (default: the current one)")

    def handle(self, *args, username, edition, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.has_perm(SCAN_PERMISSION):
            raise CommandError(f"{username} is not a user with permission to scan badges")
        festival = FestivalPage.objects.filter(pk=edition).first() if edition else current_festival()
        if festival is None:
            raise CommandError("No festival edition found")
        self.stdout.write(issue_token(user=user, festival=festival, label="Hardware token (manage.py door_token)"))
