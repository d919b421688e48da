from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale

from cop_pages.models import CommunityPage
from cop_pages.provisioning import Drift, ensure_learning_center_team, provision_community


class Command(BaseCommand):
    help = (
        "Give every CoP its groups, page permissions, review workflow and privacy, repairing drift; "
        "with --check, only report what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; exit with status 1 when anything differs."
        )

    def handle(self, check: bool, **options):
        team_drift = Drift(repair=not check)
        ensure_learning_center_team(team_drift)
        changes = [f"learning-center team: {change}" for change in team_drift.changes]
        communities = CommunityPage.objects.filter(locale=Locale.get_default()).order_by("path")
        for community in communities:
            changes += provision_community(community, repair=not check)
        for change in changes:
            self.stdout.write(change)
        count = communities.count()
        if check and changes:
            raise CommandError(
                f"{len(changes)} differences in {count} CoPs; run provision_communities to repair"
            )
        verb = "All in order" if not changes else f"Repaired {len(changes)} differences"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {count} CoPs"))
