from django.core.management.base import BaseCommand

from cop_pages.review_reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "Email the owners of live practices past their review-by date, once per review-by date. "
        "Safe to run daily, and from two processes at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the reminders a run would send now, without sending or recording anything.",
        )

    def handle(self, dry_run: bool, **options):
        run = send_review_reminders(dry_run=dry_run)
        for reminder in run.reminders:
            owner = reminder.owner
            titles = "; ".join(
                f"{practice.title} (review by {practice.review_by.isoformat()})"
                for practice in reminder.practices
            )
            self.stdout.write(
                f"{owner.get_username()} <{owner.email}>: {plural(len(reminder.practices), 'practice')}: {titles}"
            )
        owners = plural(run.owner_count, "owner")
        practices = plural(run.practice_count, "overdue practice")
        if dry_run:
            self.stdout.write(
                f"Dry run ({run.today.isoformat()}): would remind {owners} about {practices}; "
                "nothing sent or recorded."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Reminded {owners} about {practices} ({run.today.isoformat()}).")
            )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
