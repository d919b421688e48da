from django.core.management.base import BaseCommand, CommandError

from cop_pages.demo import DEMO_PASSWORD, DemoContentError, seed_demo


class Command(BaseCommand):
    help = "Create the demo staff and import the demo CoPs (safe to run on every start)."

    def handle(self, verbosity: int, **options):
        try:
            logins, report = seed_demo(progress=verbosity > 0)
        except DemoContentError as error:
            raise CommandError(f"the bundled demo content does not import:\n{error}") from error
        created = sum(report.created.values())
        self.stdout.write(f"Demo content: {created} pages created, {report.files - created} already there.")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role} ({login.full_name})")
