from django.core.management.base import BaseCommand, CommandError

from audit.verification import chain_check


class Command(BaseCommand):
    help = "Walk the audit journal's hash chain and report the first broken entry by id."

    def handle(self, *args, **options):
        report = chain_check()
        if not report.ok:
            raise CommandError(f"audit chain broken at entry {report.broken_id}: {report.problem}")
        self.stdout.write(f"audit chain valid: {report.checked} entries")
