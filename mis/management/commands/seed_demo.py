from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mis.demo import DemoContext, seed_all


class Command(BaseCommand):
    help = "Load demo data: one organisation, a user per role, patients, a week of schedules. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=50, help="total number of demo patients wanted")

    def handle(self, *args, **options):
        if options["patients"] < 0:
            raise CommandError("--patients must be zero or more")
        context = seed_all(DemoContext(patients=options["patients"]))
        for line in context.log:
            self.stdout.write(line)
        self.stdout.write(_("Demo accounts (username / password):"))
        for username, password in context.passwords.items():
            self.stdout.write(f"  {username:<14} {password}")
